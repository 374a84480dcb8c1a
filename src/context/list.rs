//! The list API: the query model's filters, sort and search, the service's WHERE clauses and
//! ORDER BY, and what the tests need to probe them.

use serde::Serialize;

use crate::model::{Field, FieldType, RANGE_FILTERS, Resource};
use crate::python::{self, Imports, calls_field, declaration};
use crate::types;

use super::*;

/// What the generated tests need to probe one filter.
#[derive(Debug, Serialize)]
pub(super) struct FilterTest {
    pub(super) name: String,
    /// Range filters apply.
    pub(super) ordered: bool,
    /// How the test orders two rows by the field (`Decimal(row["price"])` for decimals, whose
    /// JSON is text).
    pub(super) key: String,
}

pub(super) struct ListView {
    pub(super) query_fields: String,
    /// The WHERE clauses of the filters and search, on bind parameters named after them.
    pub(super) conditions: Vec<String>,
    /// `_FILTERS = (...)`: the query's filter parameters, which are also bind parameters.
    pub(super) filters: String,
    pub(super) sort_columns: Vec<String>,
    /// The sort keys that may hold NULL.
    pub(super) nullable_sort_keys: Vec<String>,
    /// `CURSOR_TYPES = cursor_types(...)`: what each sort key's column holds.
    pub(super) cursor_types: String,
    /// The longest cursor (`?after=`) the list writes, when it passes the default bound.
    pub(super) cursor_max_length: Option<usize>,
    pub(super) filter_tests: Vec<FilterTest>,
}

/// The list endpoint's query model and queries, from the resource's `list:` section.
pub(super) fn list_view(
    resource: &Resource,
    (schema_imports, service_imports): (&mut Imports, &mut Imports),
    field_aliases: &mut Vec<String>,
) -> ListView {
    let list = &resource.list;
    let mut query_fields = Vec::new();
    let mut conditions = Vec::new();
    let mut filters = Vec::new();
    let mut filter_tests = Vec::new();
    for name in &list.filter {
        let Some(field) = resource.fields.iter().find(|f| &f.name == name) else {
            continue;
        };
        let row = types::row_of(field.ty);
        let annotation = match (field.ty, row.input) {
            (FieldType::Enum, _) => {
                let class = field.enum_class(resource);
                schema_imports.add(&format!("app.models.{}", resource.name), &class);
                class
            }
            (FieldType::Decimal, _) => {
                decimal_alias(field, DecimalUse::Query, schema_imports, field_aliases)
            }
            (_, Some((input, (module, import)))) if row.query_takes_input => {
                schema_imports.add(module, import);
                input.to_owned()
            }
            _ => {
                if let Some((module, import)) = row.import {
                    schema_imports.add(module, import);
                }
                row.python.unwrap_or("str").to_owned()
            }
        };
        let mut operators = vec![("", "==")];
        if field.is_ordered() {
            operators.extend(RANGE_FILTERS);
        }
        for (suffix, operator) in operators {
            let param = format!("{name}{suffix}");
            // What the column can hold bounds a filter too: a value beyond it is a 422, not a
            // database error (and PostgreSQL would round a decimal to the column's scale).
            let mut args = vec!["default=None".to_owned()];
            args.extend(filter_constraints(field));
            if calls_field(&args) {
                schema_imports.add("pydantic", "Field");
            }
            query_fields.push(declaration(&param, &format!("{annotation} | None"), &args));
            let column = table_column(name);
            let value = format!("bindparam({})", python::string(&param));
            let one_line = format!("        conditions.append({column} {operator} {value})");
            let hugged = format!("            {column} {operator} {value}");
            let append = if one_line.len() <= python::LINE_LENGTH {
                one_line
            } else if hugged.len() <= python::LINE_LENGTH {
                format!("        conditions.append(\n{hugged}\n        )")
            } else {
                // ruff splits a long comparison before its operator.
                format!(
                    "        conditions.append(\n            {column}\n            {operator} {value}\n        )"
                )
            };
            conditions.push(format!(
                "    if {} in given:\n{append}",
                python::string(&param)
            ));
            filters.push(param);
        }
        let key = if field.ty == FieldType::Decimal {
            "Decimal(row[field])"
        } else {
            "row[field]"
        }
        .to_owned();
        filter_tests.push(FilterTest {
            name: name.clone(),
            ordered: field.is_ordered(),
            key,
        });
    }
    if !list.search.is_empty() {
        schema_imports
            .add("pydantic", "Field")
            .add("app.schemas.types", "Text");
        query_fields.push(
            "    q: Text | None = Field(\n        default=None, min_length=1, max_length=200, description=\"Text to look for.\"\n    )".to_owned(),
        );
        service_imports
            .add("app.services.search", "ESCAPE")
            .add("app.services.search", "contains_pattern");
        let mut clause = String::from(
            "    if \"q\" in given:\n        pattern: BindParameter[str] = bindparam(\"q\")\n        conditions.append(\n            or_(\n",
        );
        for name in &list.search {
            clause.push_str(&format!(
                "{},\n",
                python::call(
                    16,
                    "",
                    &format!("{}.ilike", table_column(name)),
                    &["pattern".into(), "escape=ESCAPE".into()],
                    ""
                )
                .trim_end_matches(',')
            ));
        }
        clause.push_str("            )\n        )");
        conditions.push(clause);
    }
    let mut sort_names: Vec<String> = list.sort.clone();
    for (column, _) in &list.default_sort {
        if !sort_names.contains(column) {
            sort_names.push(column.clone());
        }
    }
    let sort_columns = sort_names
        .iter()
        .map(|name| sort_entry(name, &table_column(name)))
        .collect();
    let sort_fields: Vec<Option<&Field>> = sort_names
        .iter()
        .map(|name| resource.fields.iter().find(|f| &f.name == name))
        .collect();
    let nullable_sort_keys = sort_fields
        .iter()
        .flatten()
        .filter(|f| f.optional)
        .map(|f| f.name.clone())
        .collect();
    let mut cursor_args: Vec<String> = sort_names
        .iter()
        .filter(|name| name.as_str() != "id")
        .map(|name| format!("{name}={}", cursor_type(resource, name, schema_imports)))
        .collect();
    cursor_args.push(format!(
        "id={}",
        cursor_type(resource, "id", schema_imports)
    ));
    schema_imports
        .add("app.schemas.page", "cursor_types")
        .add("pydantic", "model_validator")
        .add("typing", "Self");
    let cursor_max_length =
        Some(cursor_length(resource, &sort_names)).filter(|length| *length > DEFAULT_CURSOR_LENGTH);
    if cursor_max_length.is_some() {
        schema_imports
            .add("pydantic", "Field")
            .add("app.schemas.page", "AFTER")
            .add("app.schemas.page", "CURSOR_PATTERN");
    }
    let cursor_types = python::call(0, "CURSOR_TYPES = ", "cursor_types", &cursor_args, "");
    if !list.sort.is_empty() {
        schema_imports
            .add("pydantic", "Field")
            .add("pydantic", "field_validator");
        query_fields.push(python::call(
            4,
            "sort: str = ",
            "Field",
            &[
                format!("default={}", python::string(&list.default_sort_text())),
                // Room for each sortable key twice, descending, comma-separated: a bound
                // on the work a sort can ask for (keys named again are dropped).
                format!(
                    "max_length={}",
                    2 * list.sort.iter().map(|key| key.len() + 2).sum::<usize>()
                ),
                format!(
                    "pattern={}",
                    python::string(&{
                        let key = format!("-?(?:{})", list.sort.join("|"));
                        format!("^{key}(?:,{key})*$")
                    })
                ),
                "description=\"Columns to sort by, comma-separated; - for descending.\"".to_owned(),
            ],
            "",
        ));
    }
    if resource.list.page_size != 20 || resource.list.max_page_size != 100 {
        schema_imports.add("pydantic", "Field");
        query_fields.insert(
            0,
            python::call(
                4,
                "limit: int = ",
                "Field",
                &[
                    format!("default={}", list.page_size),
                    "ge=1".into(),
                    format!("le={}", list.max_page_size),
                    "description=\"Rows per page.\"".into(),
                ],
                "",
            ),
        );
    }
    ListView {
        query_fields: query_fields.join("\n"),
        conditions,
        filters: if filters.is_empty() {
            String::new()
        } else {
            python::string_tuple("_FILTERS = ", &filters)
        },
        sort_columns,
        nullable_sort_keys,
        cursor_types,
        cursor_max_length,
        filter_tests,
    }
}

/// The bound `PageParams` puts on `?after=`.
const DEFAULT_CURSOR_LENGTH: usize = 4096;

/// The longest cursor a list can write: its order, and each key's value as JSON (text at
/// six bytes a character, for escapes), in base64.
fn cursor_length(resource: &Resource, sort_names: &[String]) -> usize {
    let order: usize = 2 * sort_names.iter().map(|key| key.len() + 2).sum::<usize>();
    let values: usize = sort_names
        .iter()
        .map(
            |name| match resource.fields.iter().find(|f| &f.name == name) {
                Some(field) if field.is_text() => 6 * field.max_length.unwrap_or(0) as usize + 2,
                Some(field) if field.ty == FieldType::Enum => {
                    6 * field.values.iter().map(String::len).max().unwrap_or(0) + 2
                }
                _ => 48,
            },
        )
        .sum();
    (order + values + 48 + 16).div_ceil(3) * 4
}

/// What a sort key's column holds, as the annotation a cursor's value is read back into:
/// what the database stores, not what a request may write (rows written by SQL page too).
fn cursor_type(resource: &Resource, name: &str, imports: &mut Imports) -> String {
    let Some(field) = resource.fields.iter().find(|f| f.name == name) else {
        // The columns every table has: the id, `created_at` and `updated_at`.
        return match name {
            "id" => imported(imports, "app.schemas.types", "Int32"),
            _ => imported(imports, "app.schemas.types", "StoredDatetime"),
        };
    };
    let annotation = match field.ty {
        FieldType::String | FieldType::Text | FieldType::Email | FieldType::Url => "str".into(),
        FieldType::Int => imported(imports, "app.schemas.types", "Int32"),
        FieldType::Bigint => imported(imports, "app.schemas.types", "Int64"),
        FieldType::Float => "float".into(),
        FieldType::Decimal => {
            imports
                .add("typing", "Annotated")
                .add("decimal", "Decimal")
                .add("pydantic", "Field");
            format!(
                "Annotated[Decimal, Field(max_digits={}, decimal_places={})]",
                field.precision.unwrap_or(10),
                field.scale.unwrap_or(2)
            )
        }
        FieldType::Bool => "bool".into(),
        FieldType::Date => imported(imports, "datetime", "date"),
        FieldType::Datetime => imported(imports, "app.schemas.types", "StoredDatetime"),
        FieldType::Time => imported(imports, "app.schemas.types", "IsoTime"),
        FieldType::Uuid => imported(imports, "uuid", "UUID"),
        FieldType::Enum => {
            let class = field.enum_class(resource);
            imports.add(&format!("app.models.{}", resource.name), &class);
            class
        }
        FieldType::Json => unreachable!("json fields are not sortable"),
    };
    if field.optional {
        format!("{annotation} | None")
    } else {
        annotation
    }
}

fn imported(imports: &mut Imports, module: &str, name: &str) -> String {
    imports.add(module, name);
    name.to_owned()
}

/// The bounds of what a column holds, for the list query's filters on it.
/// `        "title": col(Task.title),` in `_order`'s dict, split as ruff would when long.
/// `TABLE.c.title`: a column of the resource's table, in its service module (whose queries
/// are SQLAlchemy Core on the table: rows as stored, no ORM objects).
pub(super) fn table_column(name: &str) -> String {
    format!("TABLE.c.{name}")
}

fn sort_entry(name: &str, expr: &str) -> String {
    let key = format!("{}: ", python::string(name));
    let line = format!("        {key}{expr},");
    let call = expr
        .split_once('(')
        .and_then(|(func, rest)| Some((func, rest.strip_suffix(')')?)));
    match call {
        _ if line.chars().count() <= python::LINE_LENGTH => line,
        Some((func, arg)) => python::call(8, &key, func, &[arg.to_owned()], ","),
        // An attribute cannot be split: ruff keeps it in parentheses of its own.
        None => format!("        {key}(\n            {expr}\n        ),"),
    }
}

pub(super) fn filter_constraints(field: &Field) -> Vec<String> {
    match field.ty {
        FieldType::Int => vec!["ge=_INT32_MIN".into(), "le=_INT32_MAX".into()],
        FieldType::Bigint => vec!["ge=_BIGINT_MIN".into(), "le=_BIGINT_MAX".into()],
        FieldType::Float => vec!["allow_inf_nan=False".into()],
        // `DecimalText` holds a decimal's digits and places.
        _ => Vec::new(),
    }
}
