//! The list API: the query model's filters, sort and search, the service's WHERE clauses and
//! ORDER BY, and what the tests need to probe them.

use serde::Serialize;

use crate::model::{Field, FieldType, Resource};
use crate::python::{self, Imports, calls_field, declaration};
use crate::target::OrmDialect;
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
    pub(super) conditions: Vec<String>,
    pub(super) sort_columns: Vec<String>,
    pub(super) filter_tests: Vec<FilterTest>,
}

/// The list endpoint's query model and queries, from the resource's `list:` section.
pub(super) fn list_view(
    resource: &Resource,
    dialect: &dyn OrmDialect,
    (schema_imports, service_imports): (&mut Imports, &mut Imports),
    field_aliases: &mut Vec<String>,
) -> ListView {
    let class = &resource.class_name;
    let list = &resource.list;
    let mut query_fields = Vec::new();
    let mut conditions = Vec::new();
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
            operators.extend([("_gt", ">"), ("_gte", ">="), ("_lt", "<"), ("_lte", "<=")]);
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
            let column = dialect.column_expr(class, name, service_imports);
            let value = format!("query.{param}");
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
            conditions.push(format!("    if query.{param} is not None:\n{append}"));
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
            "    if query.q is not None:\n        pattern = contains_pattern(query.q)\n        conditions.append(\n            or_(\n",
        );
        for name in &list.search {
            clause.push_str(&format!(
                "{},\n",
                python::call(
                    16,
                    "",
                    &format!(
                        "{}.ilike",
                        dialect.column_expr(class, name, service_imports)
                    ),
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
        .map(|name| sort_entry(name, &dialect.column_expr(class, name, service_imports)))
        .collect();
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
        sort_columns,
        filter_tests,
    }
}

/// The bounds of what a column holds, for the list query's filters on it.
/// `        "title": col(Task.title),` in `_order`'s dict, split as ruff would when long.
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
