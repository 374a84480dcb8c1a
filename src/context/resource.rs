//! One resource's context: its model, schemas, service, router, migration and tests, field by
//! field.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use serde::Serialize;

use crate::model::{
    EMAIL_MAX_LENGTH, Field, FieldType, Project, Resource, Rule, URL_MAX_LENGTH, enum_member,
};
use crate::python::{self, Imports, calls_field, declaration};
use crate::target::{Column, Target};
use crate::types;

use super::*;

#[derive(Debug, Serialize)]
pub(super) struct ResourceView<'a> {
    #[serde(flatten)]
    pub(super) resource: &'a Resource,
    /// `/api/order-items`, and the same as a Python literal.
    pub(super) path: String,
    /// The 404 detail: "Order item not found".
    pub(super) not_found: String,
    /// The resource's row in the generated README's table of endpoints.
    pub(super) readme_row: String,
    pub(super) enums: Vec<EnumView>,
    pub(super) fields: Vec<FieldView>,
    pub(super) model_imports: String,
    /// `, table=True` where the ORM marks table models so, in `class Task(TableModel...)`.
    pub(super) table_keywords: &'static str,
    /// The owner's `user_id` column declaration (owned resources).
    pub(super) owner_line: Option<String>,
    pub(super) schema_imports: String,
    pub(super) service_imports: String,
    /// The owner and id columns as SQL expressions in the service's queries.
    pub(super) owner_col: String,
    pub(super) id_col: String,
    pub(super) router_imports: String,
    /// Int fields bound their values to an `INTEGER` (or `BIGINT`) column's range.
    pub(super) uses_int32: bool,
    pub(super) uses_bigint: bool,
    /// Relations: the parents each row points at, and the chain of ancestors the tests create.
    pub(super) relations: Vec<RelationView>,
    pub(super) ancestors: Vec<AncestorView>,
    pub(super) owned_ancestors: bool,
    pub(super) references_list: String,
    pub(super) router_names: Vec<String>,
    /// The test module's imports of schemas and services (its own and its ancestors').
    pub(super) test_imports: String,
    /// Access: the caller's type and the owner scope of each action, role aliases, the
    /// admin roles, and a paragraph for the router's docstring.
    pub(super) actions: BTreeMap<&'static str, ActionView>,
    pub(super) role_aliases: Vec<String>,
    pub(super) admin_roles_line: String,
    pub(super) uses_owner: bool,
    pub(super) access_doc: String,
    /// Tests: the roles that let a caller perform every action, whether owners can be told
    /// apart from other callers, the routes that need a token, and the access matrix.
    pub(super) worker_roles: String,
    pub(super) protected_routes: Vec<String>,
    pub(super) callers: Vec<String>,
    pub(super) access_cases: Vec<String>,
    /// Owned resources: whether the list, and which of GET/PATCH/DELETE, keep other users' rows
    /// away from the tests' usual callers.
    pub(super) list_isolated: bool,
    pub(super) isolated_methods: String,
    /// The list endpoint: its query model's declarations, the service's WHERE clauses, the
    /// sortable columns, and what the tests need to probe them.
    pub(super) list_query_fields: String,
    pub(super) list_conditions: Vec<String>,
    pub(super) sort_columns: Vec<String>,
    pub(super) default_sort: String,
    pub(super) filter_tests: Vec<FilterTest>,
    /// The default order is newest first (the paging tests can say so).
    pub(super) newest_first: bool,
    /// Sortable and searched fields the tests can give two different values.
    pub(super) sort_tests: Vec<String>,
    pub(super) sort_tests_list: String,
    pub(super) search_tests: Vec<String>,
    pub(super) search_tests_list: String,
    /// The tests compare decimals (they need `Decimal`).
    pub(super) decimal_filters: bool,
    /// Tests: `WRITE_ONLY = [...]`, the fields the API never returns.
    pub(super) write_only_list: String,
    /// The schemas' field declarations: Base, Create (write-only), Update, Read (read-only).
    pub(super) base_fields: String,
    pub(super) create_fields: String,
    pub(super) update_fields: String,
    pub(super) read_fields: String,
    /// `Decimal10x2 = Annotated[Decimal, DecimalText(10, 2)]`, one per shape of decimal.
    pub(super) field_aliases: String,
    /// `responses=` of the nested list routes.
    pub(super) nested_responses: String,
    /// `AttributesJson = Annotated[JsonObject, JsonLimits(...)]`, one per `json` field.
    pub(super) json_aliases: String,
    pub(super) edge_cases: Vec<String>,
    /// Tests: `ADMINS = frozenset({...})`, the admin roles of an owned resource.
    pub(super) admins_set: String,
    pub(super) has_changes: bool,
    /// A `json` field clients write: the tests build deep values with `nested()`.
    pub(super) has_json: bool,
    /// The first field an update may change that the API returns (tests change it alone).
    pub(super) first_change: Option<String>,
    pub(super) immutable_fields: Vec<String>,
    /// Unique fields (their names), for the conflict handling and tests.
    pub(super) unique_fields: Vec<String>,
    /// Schemas: `NOT_NULL = (...)`, the fields a PATCH may leave out but not set to null.
    pub(super) not_null_tuple: String,
    pub(super) has_not_null: bool,
    /// Services: `UNIQUE = ("title",)`, and the statement that names a conflict's field.
    pub(super) unique_columns: String,
    pub(super) conflict_call: String,
    /// What a 409 says, as a Python literal: "a task with this title already exists".
    pub(super) conflict_literal: String,
    pub(super) conflict_reason: String,
    /// A unique value or a reference can make the database refuse a write (409).
    pub(super) may_conflict: bool,
    /// Migration: the `op.create_table(...)` arguments after the columns, and the indexes.
    pub(super) table_constraints: Vec<String>,
    pub(super) indexes: Vec<IndexView>,
    /// Tests: the 422 cases as `pytest.param(...)` lines.
    pub(super) invalid_cases: Vec<String>,
    /// `REQUIRED = [...]` and `UNIQUE = [...]` of the tests.
    pub(super) required_list: String,
    pub(super) unique_list: String,
    pub(super) required_fields: Vec<String>,
    pub(super) has_defaults: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct EnumView {
    pub(super) class_name: String,
    pub(super) field: String,
    pub(super) members: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub(super) struct FieldView {
    pub(super) name: String,
    /// `    title: str = Field(max_length=200)` in the table model.
    pub(super) model_line: String,
    /// Where the field goes: Base (written on create and read back), Create only (write-only),
    /// Read only (read-only), Update (writable after create).
    pub(super) in_base: bool,
    pub(super) on_create: bool,
    pub(super) on_update: bool,
    pub(super) readable: bool,
    pub(super) read_only: bool,
    pub(super) immutable: bool,
    /// The same in the schemas (Base, Create or Read) and in the Update schema.
    pub(super) base_line: String,
    pub(super) update_line: String,
    pub(super) read_line: String,
    /// `        sa.Column("title", sa.String(length=200), nullable=False),` in the migration.
    pub(super) column_line: String,
    /// Tests: a valid value (may use `n`), another one, and the default as the API returns it.
    pub(super) sample: String,
    pub(super) changed: String,
    /// The test's check of what the row holds when the client leaves the field out.
    pub(super) default_assert: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct IndexView {
    pub(super) name: String,
    pub(super) create: String,
    pub(super) drop: String,
}

pub(super) fn resource_view<'a>(project: &'a Project, resource: &'a Resource) -> ResourceView<'a> {
    // Each module's imports are collected from the lines it is made of, as they are made.
    let target = Target::of(project);
    let dialect = target.dialect();
    let mut service_imports = service_imports(resource, target);
    let mut model_imports = Imports::default();
    model_imports.add("app.models.base", "TableModel");
    // The owner's column: the token's `sub`, indexed (every query filters on it).
    let owner_line = resource.owned.then(|| {
        dialect.column(
            &Column {
                name: "user_id",
                ty: FieldType::String,
                python: "str".to_owned(),
                optional: false,
                default: None,
                max_length: None,
                precision: 0,
                scale: 0,
                enum_class: None,
                foreign_key: None,
                unique: false,
                index: true,
            },
            &mut model_imports,
        )
    });
    let mut schema_imports = Imports::default();
    schema_imports
        .add("pydantic", "ConfigDict")
        .add("app.schemas.types", "RequestModel")
        .add("app.schemas.types", "patch_schema");
    schema_imports.add("datetime", "datetime");
    schema_imports.add("pydantic", "BaseModel");
    schema_imports.add("app.schemas.page", "Page");
    schema_imports.add("app.schemas.page", "PageParams");

    let mut enums = Vec::new();
    let mut json_aliases = Vec::new();
    let mut field_aliases: Vec<String> = Vec::new();
    let mut fields = Vec::new();
    let mut table_constraints = vec![python::call(
        8,
        "",
        "sa.PrimaryKeyConstraint",
        &[
            "\"id\"".to_owned(),
            format!("name=op.f(\"pk_{}\")", resource.plural),
        ],
        ",",
    )];
    let mut indexes = Vec::new();
    if resource.owned {
        indexes.push(index(resource, "user_id", false));
    }
    for field in &resource.fields {
        let row = types::row_of(field.ty);
        let enum_class = field.enum_class(resource);
        let py_type = row.python.map_or_else(|| enum_class.clone(), str::to_owned);
        // What `py_type` needs imported outside the model module (the enum is defined there).
        let enum_module = format!("app.models.{}", resource.name);
        let py_import: Option<(&str, &str)> = match field.ty {
            FieldType::Enum => Some((&enum_module, &enum_class)),
            _ => row.import,
        };
        let default_import = field.default.as_ref().and_then(types::default_import);
        if let Some((module, name)) = row.import {
            model_imports.add(module, name);
        }
        if let Some((module, name)) = default_import {
            model_imports.add(module, name);
        }
        if field.ty == FieldType::Enum {
            model_imports.add("enum", "StrEnum");
            enums.push(EnumView {
                class_name: enum_class.clone(),
                field: field.name.clone(),
                members: field
                    .values
                    .iter()
                    .map(|v| (enum_member(v), v.clone()))
                    .collect(),
            });
        }
        let default = field
            .default
            .as_ref()
            .map(|d| types::default_expr(d, &enum_class));
        // `default=...` when the field has a default, `default=None` when it is optional.
        let default_arg = match (&default, field.optional) {
            (Some(d), _) => Some(format!("default={d}")),
            (None, true) => Some("default=None".to_owned()),
            (None, false) => None,
        };

        // The table model.
        if let Some(reference) = &field.references {
            table_constraints.push(python::call(
                8,
                "",
                "sa.ForeignKeyConstraint",
                &[
                    format!("[{}]", python::string(&field.name)),
                    format!("[\"{}.id\"]", reference.table),
                    format!(
                        "name=op.f(\"fk_{}_{}_{}\")",
                        resource.plural, field.name, reference.table
                    ),
                    format!("ondelete=\"{}\"", on_delete_sql(reference.on_delete)),
                ],
                ",",
            ));
        }
        let column = Column {
            name: &field.name,
            ty: field.ty,
            python: py_type.clone(),
            optional: field.optional,
            default: default.clone(),
            max_length: field
                .is_text()
                .then(|| field.max_length.unwrap_or(255))
                .filter(|_| field.ty != FieldType::Text),
            precision: field.precision.unwrap_or(10),
            scale: field.scale.unwrap_or(2),
            enum_class: (field.ty == FieldType::Enum).then(|| enum_class.clone()),
            foreign_key: field
                .references
                .as_ref()
                .map(|r| (r.table.clone(), on_delete_sql(r.on_delete))),
            unique: field.unique,
            index: field.index,
        };
        let model_line = dialect.column(&column, &mut model_imports);

        // The schemas: Base (create), Update (every field optional), Read (what is stored).
        let written = field.on_create() || field.on_update();
        let input_type = match row.input {
            _ if !written => String::new(),
            Some((annotation, (module, name))) => {
                schema_imports.add(module, name);
                let default = match field.ty {
                    FieldType::Email => Some((EMAIL_MAX_LENGTH, "Email")),
                    FieldType::Url => Some((URL_MAX_LENGTH, "Url")),
                    _ => None,
                };
                match (default, field.max_length) {
                    // A shorter column than the type's own limit: the alias carries it.
                    (Some((default, suffix)), Some(length)) if length != default => {
                        schema_imports.add("app.schemas.types", "MaxLength");
                        let args = [length.to_string()];
                        push_alias(&mut field_aliases, alias_name(field, suffix), |name| {
                            annotated_alias(name, annotation, "MaxLength", &args)
                        })
                    }
                    _ => annotation.to_owned(),
                }
            }
            None if field.ty == FieldType::Decimal => decimal_alias(
                field,
                DecimalUse::Body,
                &mut schema_imports,
                &mut field_aliases,
            ),
            None if field.ty == FieldType::Json => {
                // A JSON value's limits live in an alias, shared by Base and Update.
                schema_imports
                    .add("typing", "Annotated")
                    .add("app.schemas.types", "JsonLimits")
                    .add("app.schemas.types", "JsonObject");
                let alias = format!("{}Json", field.name.to_pascal_case());
                json_aliases.push(json_alias(&alias, field));
                alias
            }
            None => {
                if let Some((module, name)) = py_import {
                    schema_imports.add(module, name);
                }
                py_type.clone()
            }
        };
        let constraints = types::schema_constraints(field);
        let mut base_args: Vec<String> = default_arg.into_iter().collect();
        base_args.extend(constraints.iter().cloned());
        let base_type = if field.optional {
            format!("{input_type} | None")
        } else {
            input_type.clone()
        };
        if field.on_create() {
            if let Some((module, name)) = default_import {
                schema_imports.add(module, name);
            }
            if field.ty == FieldType::Enum && field.default.is_some() {
                schema_imports.add(&enum_module, &enum_class);
            }
            if calls_field(&base_args) {
                schema_imports.add("pydantic", "Field");
            }
        }
        if field.on_update() && calls_field(&update_args_of(&constraints)) {
            schema_imports.add("pydantic", "Field");
        }
        let base_line = declaration(&field.name, &base_type, &base_args);
        let update_args = update_args_of(&constraints);
        // Leaving a field out of a PATCH is fine; sending null is not, unless the column is
        // nullable. The annotation says so (null is a 422, and the document agrees); the
        // `None` default only marks "not sent" and is never validated.
        let update_line = declaration(&field.name, &format!("{input_type} | None"), &update_args);
        // What the API returns comes from the database as it is: no input constraints, so a
        // row written before a constraint was tightened (or by SQL) is still served.
        let read_py = match row.output {
            Some((annotation, (module, name))) => {
                if field.readable() {
                    schema_imports.add(module, name);
                }
                annotation.to_owned()
            }
            None => {
                if let (true, Some((module, name))) = (field.readable(), py_import) {
                    schema_imports.add(module, name);
                }
                py_type.clone()
            }
        };
        let read_type = if field.optional {
            format!("{read_py} | None")
        } else {
            read_py
        };
        let read_args: Vec<String> = field
            .description
            .iter()
            .map(|d| format!("description={}", python::string(d)))
            .collect();
        if field.readable() && calls_field(&read_args) {
            schema_imports.add("pydantic", "Field");
        }
        let read_line = declaration(&field.name, &read_type, &read_args);

        // The migration.
        let column_args = vec![
            python::string(&field.name),
            types::migration_type(field),
            format!("nullable={}", if field.optional { "True" } else { "False" }),
        ];
        let column_line = python::call(8, "", "sa.Column", &column_args, ",");
        match (field.unique, field.index) {
            (true, true) => indexes.push(index(resource, &field.name, true)),
            (true, false) => table_constraints.push(python::call(
                8,
                "",
                "sa.UniqueConstraint",
                &[
                    python::string(&field.name),
                    format!("name=op.f(\"uq_{}_{}\")", resource.plural, field.name),
                ],
                ",",
            )),
            (false, true) => indexes.push(index(resource, &field.name, false)),
            (false, false) => {}
        }

        fields.push(FieldView {
            name: field.name.clone(),
            in_base: field.on_create() && field.readable(),
            on_create: field.on_create(),
            on_update: field.on_update(),
            readable: field.readable(),
            read_only: field.read_only,
            immutable: field.immutable,
            model_line,
            base_line,
            update_line,
            read_line,
            column_line,
            // A relation's column points at the parent rows the tests create (see `PARENTS`).
            sample: if field.references.is_some() {
                "PARENTS[owner]".to_owned()
            } else {
                test_values::sample(field, &field.name.replace('_', " "))
            },
            changed: if field.references.is_some() {
                "SECOND_PARENT".to_owned()
            } else {
                test_values::changed(field, &field.name.replace('_', " "))
            },
            default_assert: default_assert(field),
        });
    }
    // The column's range bounds what clients send, where the spec gives no tighter bound.
    let bounded_by_column = |ty: FieldType| {
        resource
            .fields
            .iter()
            .any(|f| f.ty == ty && f.on_create() && (f.min.is_none() || f.max.is_none()))
    };
    let filters_bounded = |constant: &str| {
        resource.list.filter.iter().any(|name| {
            resource.fields.iter().any(|f| {
                &f.name == name && filter_constraints(f).iter().any(|c| c.contains(constant))
            })
        })
    };
    let uses_int32 = bounded_by_column(FieldType::Int) || filters_bounded("_INT32_");
    let uses_bigint = bounded_by_column(FieldType::Bigint) || filters_bounded("_BIGINT_");
    let not_null: Vec<String> = resource
        .fields
        .iter()
        .filter(|f| !f.optional && f.on_update())
        .map(|f| f.name.clone())
        .collect();
    if !not_null.is_empty() {
        schema_imports.add("pydantic", "field_validator");
    }
    let unique_fields: Vec<String> = resource
        .fields
        .iter()
        .filter(|f| f.unique)
        .map(|f| f.name.clone())
        .collect();
    let unique_words: Vec<&str> = unique_fields.iter().map(String::as_str).collect();
    let invalid_cases = resource
        .fields
        .iter()
        .filter(|f| f.on_create())
        .flat_map(test_values::invalid)
        .map(pytest_param)
        .collect();
    let required: Vec<String> = resource
        .fields
        .iter()
        .filter(|f| f.required())
        .map(|f| f.name.clone())
        .collect();
    let path = format!("/api/{}", resource.route);
    let names = |keep: fn(&Field) -> bool| -> Vec<String> {
        resource
            .fields
            .iter()
            .filter(|f| keep(f))
            .map(|f| f.name.clone())
            .collect()
    };
    let typed_list = |head: &str, items: &[String]| {
        if items.is_empty() {
            format!("{head}: list[str] = []")
        } else {
            python::string_list(&format!("{head} = "), items)
        }
    };
    let edge_cases = resource
        .fields
        .iter()
        .filter(|f| f.on_create())
        .flat_map(test_values::edges)
        .map(pytest_param)
        .collect();
    let block = |keep: fn(&FieldView) -> bool, update: bool| -> String {
        let lines: Vec<&str> = fields
            .iter()
            .filter(|f| keep(f))
            .map(|f| {
                if update {
                    f.update_line.as_str()
                } else {
                    f.base_line.as_str()
                }
            })
            .collect();
        lines.join("\n")
    };
    let list = list_view(
        resource,
        dialect,
        (&mut schema_imports, &mut service_imports),
        &mut field_aliases,
    );
    let owner_col = dialect.column_expr(&resource.class_name, "user_id", &mut service_imports);
    let id_col = dialect.column_expr(&resource.class_name, "id", &mut service_imports);
    field_aliases.sort();
    let access = access_view(resource);
    let testable = |names: &[String], text_search: bool| -> Vec<String> {
        names
            .iter()
            .filter(|n| {
                resource.fields.iter().any(|f| {
                    &f.name == *n
                        && f.on_create()
                        && f.readable()
                        && !(text_search && f.example.is_some())
                })
            })
            .cloned()
            .collect()
    };
    let sort_tests = testable(&resource.list.sort, false);
    let search_tests = testable(&resource.list.search, true);
    ResourceView {
        table_keywords: dialect.table_keywords(),
        owner_line,
        relations: relation_views(project, resource, target),
        ancestors: ancestor_views(project, resource),
        owned_ancestors: ancestors(project, resource).iter().any(|a| a.owned),
        router_names: router_names(resource),
        references_list: python::string_list(
            "REFERENCES = ",
            &resource
                .fields
                .iter()
                .filter(|f| f.references.is_some())
                .map(|f| f.name.clone())
                .collect::<Vec<_>>(),
        ),
        test_imports: {
            let mut imports = Imports::default();
            for r in ancestors(project, resource)
                .into_iter()
                .chain(std::iter::once(resource))
            {
                imports.add(
                    &format!("app.schemas.{}", r.name),
                    &format!("{}Create", r.class_name),
                );
                let alias = if r.name == resource.name {
                    "service".to_owned()
                } else {
                    format!("{}_service", r.name)
                };
                imports.add("app.services", &format!("{} as {alias}", r.name));
            }
            imports.render()
        },
        actions: access.actions,
        role_aliases: access.role_aliases,
        admin_roles_line: access.admin_roles_line,
        uses_owner: access.uses_owner,
        access_doc: access.doc,
        worker_roles: access.worker_roles.join(","),
        protected_routes: access.protected_routes,
        callers: access.callers,
        access_cases: access.cases,
        list_isolated: access.isolation_testable && resource.access.list != Rule::Public,
        isolated_methods: {
            let methods: Vec<String> = [
                ("get", "GET", &resource.access.get),
                ("update", "PATCH", &resource.access.update),
                ("delete", "DELETE", &resource.access.delete),
            ]
            .iter()
            .filter(|(_, _, rule)| access.isolation_testable && **rule != Rule::Public)
            .map(|(_, method, _)| (*method).to_owned())
            .collect();
            if methods.is_empty() {
                String::new()
            } else {
                python::string_list("", &methods)
            }
        },
        nested_responses: route_responses(resource, "nested", &resource.access.list),
        list_query_fields: list.query_fields,
        list_conditions: list.conditions,
        sort_columns: list.sort_columns,
        default_sort: python::string(&resource.list.default_sort_text()),
        decimal_filters: list
            .filter_tests
            .iter()
            .any(|t| t.ordered && t.key.starts_with("Decimal")),
        filter_tests: list.filter_tests,
        newest_first: resource.list.default_sort == [("created_at".to_owned(), true)],
        sort_tests_list: python::string_list("SORTED_BY = ", &sort_tests),
        sort_tests,
        search_tests_list: python::string_list("SEARCHED = ", &search_tests),
        search_tests,
        base_fields: block(|f| f.in_base, false),
        create_fields: block(|f| f.on_create && !f.readable, false),
        update_fields: block(|f| f.on_update, true),
        read_fields: fields
            .iter()
            .filter(|f| f.readable)
            .map(|f| f.read_line.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        json_aliases: json_aliases.join("\n"),
        field_aliases: field_aliases.join("\n"),
        write_only_list: typed_list("WRITE_ONLY", &names(|f| f.write_only)),
        edge_cases,
        admins_set: if resource.admin_roles.is_empty() {
            "ADMINS: frozenset[str] = frozenset()".to_owned()
        } else {
            python::string_set("ADMINS = frozenset(", &resource.admin_roles, ")")
        },
        has_changes: resource.fields.iter().any(Field::on_update),
        has_json: resource
            .fields
            .iter()
            .any(|f| f.ty == FieldType::Json && f.on_create()),
        first_change: resource
            .fields
            .iter()
            .find(|f| f.on_update() && f.readable())
            .map(|f| f.name.clone()),
        immutable_fields: names(|f| f.immutable),
        uses_bigint,
        path,
        not_found: format!("{} not found", capitalize(&resource.label)),
        readme_row: readme_row(resource),
        enums,
        uses_int32,
        conflict_literal: python::string(&conflict_message(resource, &unique_words)),
        conflict_reason: conflict_reason(resource).to_owned(),
        may_conflict: !unique_words.is_empty()
            || resource.fields.iter().any(|f| f.references.is_some()),
        unique_list: python::string_list("UNIQUE = ", &unique_fields),
        unique_columns: python::string_tuple("UNIQUE = ", &unique_fields),
        not_null_tuple: if not_null.is_empty() {
            "NOT_NULL: tuple[str, ...] = ()".to_owned()
        } else {
            python::string_tuple("NOT_NULL = ", &not_null)
        },
        has_not_null: !not_null.is_empty(),
        conflict_call: python::call(
            8,
            "msg = ",
            "conflict_detail",
            &[
                "exc".to_owned(),
                format!("table={}", python::string(&resource.plural)),
                "unique=UNIQUE".to_owned(),
                format!(
                    "fallback={}",
                    python::string(&conflict_message(resource, &unique_words))
                ),
            ],
            "",
        ),
        unique_fields,
        table_constraints,
        indexes,
        invalid_cases,
        required_list: if required.is_empty() {
            "REQUIRED: list[str] = []".to_owned()
        } else {
            python::string_list("REQUIRED = ", &required)
        },
        required_fields: required,
        service_imports: service_imports.render(),
        router_imports: router_imports(resource, target, &access.imports),
        owner_col,
        id_col,
        has_defaults: resource
            .fields
            .iter()
            .any(|f| !f.required() && f.readable()),
        model_imports: model_imports.render(),
        schema_imports: schema_imports.render(),
        fields,
        resource,
    }
}

/// A PATCH field's `Field(...)` arguments: "not sent" by default, and the input constraints.
fn update_args_of(constraints: &[String]) -> Vec<String> {
    let mut args = vec!["default=None".to_owned()];
    args.extend(constraints.iter().cloned());
    args
}
