//! The template context: the model, plus the Python each template needs, computed here so that
//! templates hold no naming or type logic and their output is laid out as `ruff format` wants.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use serde::Serialize;
use tera::Context;

use crate::model::{
    DefaultValue, EMAIL_MAX_LENGTH, Field, FieldType, Project, Resource, Rule, URL_MAX_LENGTH,
    enum_member,
};
use crate::python::{self, Imports};
use crate::types;

#[derive(Debug, Serialize)]
struct ProjectView<'a> {
    #[serde(flatten)]
    project: &'a Project,
    /// `from app.models.task import Task, TaskPriority` lines for `app/models/__init__.py`.
    model_imports: String,
    /// `__all__ = [...]` of `app/models/__init__.py`.
    model_all: String,
    /// `from app.routers import task, product` for `app/main.py`.
    router_imports: String,
    /// The first line of the initial migration's docstring.
    migration_title: String,
    /// The API's title as a Python literal, and its description as a TOML string.
    title_literal: String,
    description_toml: String,
    roles_claim_literal: String,
    /// `description="..."` for `app/main.py`, split over lines when long.
    description_expr: String,
    /// The resources, with their Python views.
    views: Vec<ResourceView<'a>>,
}

#[derive(Debug, Serialize)]
struct ResourceView<'a> {
    #[serde(flatten)]
    resource: &'a Resource,
    /// `/api/order-items`, and the same as a Python literal.
    path: String,
    /// The 404 detail: "Order item not found".
    not_found: String,
    /// The resource's row in the generated README's table of endpoints.
    readme_row: String,
    enums: Vec<EnumView>,
    fields: Vec<FieldView>,
    model_imports: String,
    schema_imports: String,
    service_imports: String,
    router_imports: String,
    /// Int fields bound their values to an `INTEGER` (or `BIGINT`) column's range.
    uses_int32: bool,
    uses_bigint: bool,
    /// Relations: the parents each row points at, and the chain of ancestors the tests create.
    relations: Vec<RelationView>,
    ancestors: Vec<AncestorView>,
    owned_ancestors: bool,
    references_list: String,
    router_names: Vec<String>,
    /// The test module's imports of schemas and services (its own and its ancestors').
    test_imports: String,
    /// Access: the caller's type and the owner scope of each action, role aliases, the
    /// admin roles, and a paragraph for the router's docstring.
    actions: BTreeMap<&'static str, ActionView>,
    role_aliases: Vec<String>,
    admin_roles_line: String,
    uses_owner: bool,
    access_doc: String,
    /// Tests: the roles that let a caller perform every action, whether owners can be told
    /// apart from other callers, the routes that need a token, and the access matrix.
    worker_roles: String,
    protected_routes: Vec<String>,
    callers: Vec<String>,
    access_cases: Vec<String>,
    /// Owned resources: whether the list, and which of GET/PATCH/DELETE, keep other users' rows
    /// away from the tests' usual callers.
    list_isolated: bool,
    isolated_methods: String,
    /// The list endpoint: its query model's declarations, the service's WHERE clauses, the
    /// sortable columns, and what the tests need to probe them.
    list_query_fields: String,
    list_conditions: Vec<String>,
    sort_columns: Vec<String>,
    default_sort: String,
    filter_tests: Vec<FilterTest>,
    /// The default order is newest first (the paging tests can say so).
    newest_first: bool,
    /// Sortable and searched fields the tests can give two different values.
    sort_tests: Vec<String>,
    sort_tests_list: String,
    search_tests: Vec<String>,
    search_tests_list: String,
    /// The tests compare decimals (they need `Decimal`).
    decimal_filters: bool,
    /// Tests: `WRITE_ONLY = [...]`, the fields the API never returns.
    write_only_list: String,
    /// The schemas' field declarations: Base, Create (write-only), Update, Read (read-only).
    base_fields: String,
    create_fields: String,
    update_fields: String,
    read_fields: String,
    /// `Decimal10x2 = Annotated[Decimal, DecimalText(10, 2)]`, one per shape of decimal.
    field_aliases: String,
    /// `responses=` of the nested list routes.
    nested_responses: String,
    /// `AttributesJson = Annotated[JsonObject, JsonLimits(...)]`, one per `json` field.
    json_aliases: String,
    edge_cases: Vec<String>,
    /// Tests: `ADMINS = frozenset({...})`, the admin roles of an owned resource.
    admins_set: String,
    has_changes: bool,
    /// A `json` field clients write: the tests build deep values with `nested()`.
    has_json: bool,
    /// The first field an update may change that the API returns (tests change it alone).
    first_change: Option<String>,
    immutable_fields: Vec<String>,
    /// Unique fields (their names), for the conflict handling and tests.
    unique_fields: Vec<String>,
    /// Schemas: `NOT_NULL = (...)`, the fields a PATCH may leave out but not set to null.
    not_null_tuple: String,
    has_not_null: bool,
    /// Services: `UNIQUE = ("title",)`, and the statement that names a conflict's field.
    unique_columns: String,
    conflict_call: String,
    /// What a 409 says, as a Python literal: "a task with this title already exists".
    conflict_literal: String,
    conflict_reason: String,
    /// A unique value or a reference can make the database refuse a write (409).
    may_conflict: bool,
    /// Migration: the `op.create_table(...)` arguments after the columns, and the indexes.
    table_constraints: Vec<String>,
    indexes: Vec<IndexView>,
    /// Tests: the 422 cases as `pytest.param(...)` lines.
    invalid_cases: Vec<String>,
    /// `REQUIRED = [...]` and `UNIQUE = [...]` of the tests.
    required_list: String,
    unique_list: String,
    required_fields: Vec<String>,
    has_defaults: bool,
}

#[derive(Debug, Serialize)]
struct ActionView {
    /// `CurrentUser` or a role alias (`CanDelete`); none for a public action, which does not
    /// look at the token at all (so it never answers 401 or 503).
    user: Option<String>,
    /// `responses=` of the route decorator: the error answers it documents.
    responses: String,
    /// Owned resources: whose rows the action may touch (`_owner(user)`, or `None` when public).
    owner: String,
}

/// What the generated tests need to probe one filter.
#[derive(Debug, Serialize)]
struct FilterTest {
    name: String,
    /// Range filters apply.
    ordered: bool,
    /// How the test orders two rows by the field (`Decimal(row["price"])` for decimals, whose
    /// JSON is text).
    key: String,
}

#[derive(Debug, Serialize)]
struct EnumView {
    class_name: String,
    field: String,
    members: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
struct FieldView {
    name: String,
    /// `    title: str = Field(max_length=200)` in the table model.
    model_line: String,
    /// Where the field goes: Base (written on create and read back), Create only (write-only),
    /// Read only (read-only), Update (writable after create).
    in_base: bool,
    on_create: bool,
    on_update: bool,
    readable: bool,
    read_only: bool,
    immutable: bool,
    /// The same in the schemas (Base, Create or Read) and in the Update schema.
    base_line: String,
    update_line: String,
    read_line: String,
    /// `        sa.Column("title", sa.String(length=200), nullable=False),` in the migration.
    column_line: String,
    /// Tests: a valid value (may use `n`), another one, and the default as the API returns it.
    sample: String,
    changed: String,
    /// The test's check of what the row holds when the client leaves the field out.
    default_assert: Option<String>,
}

#[derive(Debug, Serialize)]
struct IndexView {
    name: String,
    create: String,
    drop: String,
}

/// The context of the templates rendered once per project.
pub fn project(project: &Project) -> Context {
    let mut context = Context::new();
    context.insert("project", &project_view(project));
    context
}

/// The context of the templates rendered once per resource: that resource alone, so the cost
/// of a project grows linearly with its resources.
pub fn resource(project: &Project, resource: &Resource) -> Context {
    let mut context = Context::new();
    context.insert("resource", &resource_view(project, resource));
    context
}

/// The context of a migration that creates or drops one resource's table.
pub fn migration(
    project: &Project,
    resource: &Resource,
    revision: &str,
    down_revision: &str,
) -> Context {
    let mut context = Context::new();
    context.insert("view", &resource_view(project, resource));
    context.insert("revision", revision);
    context.insert("down_revision", down_revision);
    context
}

/// The Python names `app/models/__init__.py` exports for a resource: its table model and enums.
pub fn model_exports(resource: &Resource) -> Vec<String> {
    let mut names = vec![resource.class_name.clone()];
    names.extend(
        resource
            .fields
            .iter()
            .filter(|f| f.ty == FieldType::Enum)
            .map(|f| f.enum_class(resource)),
    );
    names
}

fn project_view(project: &Project) -> ProjectView<'_> {
    let mut imports = Imports::default();
    let mut all = vec!["metadata".to_owned()];
    for resource in &project.resources {
        let module = format!("app.models.{}", resource.name);
        for name in model_exports(resource) {
            imports.add(&module, &name);
            all.push(name);
        }
    }
    all.sort_by(|a, b| python::member_cmp(a, b));
    let mut routers: Vec<String> = project.resources.iter().map(|r| r.name.clone()).collect();
    routers.sort_by(|a, b| python::natural_cmp(a, b));
    let tables: Vec<&str> = project
        .resources
        .iter()
        .map(|r| r.plural.as_str())
        .collect();
    let noun = if tables.len() == 1 { "table" } else { "tables" };
    let migration_title = format!("Create the {} {noun}.", english_list(&tables));
    ProjectView {
        project,
        model_imports: imports.render(),
        model_all: python::string_list("__all__ = ", &all),
        router_imports: python::from_import("app.routers", &routers),
        migration_title: if migration_title.len() <= 80 {
            migration_title
        } else {
            "Create the initial tables.".to_owned()
        },
        title_literal: python::string(&project.title),
        description_toml: python::toml_string(&project.description),
        roles_claim_literal: python::string(&project.roles_claim),
        description_expr: python::long_string(8, "description=", &project.description, ","),
        views: project
            .resources
            .iter()
            .map(|r| resource_view(project, r))
            .collect(),
    }
}

fn resource_view<'a>(project: &'a Project, resource: &'a Resource) -> ResourceView<'a> {
    let mut model_imports = Imports::default();
    model_imports.add("sqlmodel", "Field");
    model_imports.add("app.models.base", "TableModel");
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
        if let Some((module, name)) = row.import {
            model_imports.add(module, name);
            schema_imports.add(module, name);
        }
        if field.ty == FieldType::Enum {
            model_imports
                .add("enum", "StrEnum")
                .add("app.models.base", "enum_column");
            schema_imports.add(&format!("app.models.{}", resource.name), &enum_class);
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
        if let Some(arg) = row.model_arg
            && arg.contains("sa.")
        {
            model_imports.add("sqlalchemy as sa", "");
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
        let mut model_args: Vec<String> = default_arg.iter().cloned().collect();
        if let Some(arg) = row.model_arg {
            model_args.push(arg.to_owned());
        }
        match field.ty {
            FieldType::String | FieldType::Email | FieldType::Url => {
                model_args.push(format!("max_length={}", field.max_length.unwrap_or(255)))
            }
            FieldType::Decimal => {
                model_args.push(format!("max_digits={}", field.precision.unwrap_or(10)));
                model_args.push(format!("decimal_places={}", field.scale.unwrap_or(2)));
            }
            FieldType::Enum => model_args.push(format!("sa_type=enum_column({enum_class})")),
            _ => {}
        }
        if let Some(reference) = &field.references {
            model_args.push(format!("foreign_key=\"{}.id\"", reference.table));
            model_args.push(format!(
                "ondelete=\"{}\"",
                on_delete_sql(reference.on_delete)
            ));
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
        if field.unique {
            model_args.push("unique=True".into());
        }
        if field.index {
            model_args.push("index=True".into());
        }
        let model_type = if field.optional {
            format!("{py_type} | None")
        } else {
            py_type.clone()
        };
        let model_line = declaration(&field.name, &model_type, &model_args);

        // The schemas: Base (create), Update (every field optional), Read (what is stored).
        let input_type = match row.input {
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
            None => py_type.clone(),
        };
        let constraints = types::schema_constraints(field);
        let mut base_args: Vec<String> = default_arg.into_iter().collect();
        base_args.extend(constraints.iter().cloned());
        let base_type = if field.optional {
            format!("{input_type} | None")
        } else {
            input_type.clone()
        };
        let base_line = declaration(&field.name, &base_type, &base_args);
        let mut update_args = vec!["default=None".to_owned()];
        update_args.extend(constraints);
        // Leaving a field out of a PATCH is fine; sending null is not, unless the column is
        // nullable. The annotation says so (null is a 422, and the document agrees); the
        // `None` default only marks "not sent" and is never validated.
        let update_line = declaration(&field.name, &format!("{input_type} | None"), &update_args);
        // What the API returns comes from the database as it is: no input constraints, so a
        // row written before a constraint was tightened (or by SQL) is still served.
        let read_py = match row.output {
            Some((annotation, (module, name))) => {
                schema_imports.add(module, name);
                annotation.to_owned()
            }
            None => py_type.clone(),
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
                types::sample(field, &field.name.replace('_', " "))
            },
            changed: if field.references.is_some() {
                "SECOND_PARENT".to_owned()
            } else {
                types::changed(field, &field.name.replace('_', " "))
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
        .flat_map(types::invalid)
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
        .flat_map(types::edges)
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
    schema_imports.add("pydantic", "Field");
    let list = list_view(resource, &mut schema_imports, &mut field_aliases);
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
    // Import only what the modules use: the body of each, as the templates will write it.
    let model_body: String = fields
        .iter()
        .map(|f| f.model_line.as_str())
        .collect::<Vec<_>>()
        .join("\n")
        + if resource.owned { " Field(" } else { "" }
        + if enums.is_empty() {
            ""
        } else {
            " StrEnum enum_column"
        }
        + " TableModel";
    model_imports.retain_used(&model_body);
    let schema_body = [
        fields
            .iter()
            .map(|f| {
                let written = if f.on_create {
                    f.base_line.as_str()
                } else {
                    ""
                };
                let read = if f.readable { f.read_line.as_str() } else { "" };
                let updated = if f.on_update {
                    f.update_line.as_str()
                } else {
                    ""
                };
                format!("{written}\n{read}\n{updated}")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        list.query_fields.clone(),
        if resource.list.sort.is_empty() {
            String::new()
        } else {
            "field_validator Field".to_owned()
        },
        json_aliases.join("\n"),
        field_aliases.join("\n"),
        "RequestModel ConfigDict PageParams datetime BaseModel Page patch_schema field_validator"
            .to_owned(),
    ]
    .join("\n");
    schema_imports.retain_used(&schema_body);
    ResourceView {
        relations: relation_views(project, resource),
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
        service_imports: service_imports(resource),
        router_imports: router_imports(resource, &access.imports),
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

/// Where a decimal is taken: a request body (a number or text, within the field's bounds) or
/// a query (text, any value the column holds).
#[derive(Clone, Copy, PartialEq, Eq)]
enum DecimalUse {
    Body,
    Query,
}

/// The name of the module-level alias a decimal is declared with, its definition joining
/// `aliases` once: `PriceDecimal = Annotated[Decimal, DecimalText(10, 2, ge=Decimal("0"))]`
/// for bodies, `DecimalQuery10x2` for queries. `DecimalText` holds every constraint (digits,
/// places, bounds), so the declaration itself stays short.
fn decimal_alias(
    field: &Field,
    used: DecimalUse,
    imports: &mut Imports,
    aliases: &mut Vec<String>,
) -> String {
    imports
        .add("typing", "Annotated")
        .add("decimal", "Decimal")
        .add("app.schemas.types", "DecimalText");
    let (precision, scale) = (field.precision.unwrap_or(10), field.scale.unwrap_or(2));
    let mut args = vec![precision.to_string(), scale.to_string()];
    let alias = match used {
        DecimalUse::Query => {
            args.push("numbers=False".to_owned());
            format!("DecimalQuery{precision}x{scale}")
        }
        DecimalUse::Body => {
            args.extend(field.min.iter().map(|min| format!("ge={}", min.literal)));
            args.extend(field.max.iter().map(|max| format!("le={}", max.literal)));
            alias_name(field, "Decimal")
        }
    };
    push_alias(aliases, alias, |name| {
        annotated_alias(name, "Decimal", "DecimalText", &args)
    })
}

/// `PriceDecimal`: the field's name and `suffix`, short enough that
/// `    name: Alias | None = Field(` fits on one line.
fn alias_name(field: &Field, suffix: &str) -> String {
    let room = python::LINE_LENGTH - 4 - field.name.len() - 2 - 16 - suffix.len();
    let stem: String = field.name.to_pascal_case().chars().take(room).collect();
    format!("{stem}{suffix}")
}

/// Adds the definition `define` makes for an alias to `aliases` (once) and returns its name;
/// a name another definition already took (two long field names cut to one stem) gets a number.
fn push_alias(aliases: &mut Vec<String>, alias: String, define: impl Fn(&str) -> String) -> String {
    let mut name = alias.clone();
    let mut n = 1;
    loop {
        let definition = define(&name);
        if aliases.contains(&definition) {
            return name;
        }
        if !aliases.iter().any(|a| a.starts_with(&format!("{name} ="))) {
            aliases.push(definition);
            return name;
        }
        n += 1;
        name = format!("{alias}{n}");
    }
}

/// `NameJson = Annotated[JsonObject, JsonLimits(...)]`.
fn json_alias(alias: &str, field: &Field) -> String {
    let args = [
        format!(
            "max_depth={}",
            field.max_depth.unwrap_or(crate::model::JSON_DEPTH.2)
        ),
        format!(
            "max_bytes={}",
            field.max_bytes.unwrap_or(crate::model::JSON_BYTES.2)
        ),
    ];
    annotated_alias(alias, "JsonObject", "JsonLimits", &args)
}

/// `Alias = Annotated[base, func(args)]`, laid out as ruff format does: on one line when it
/// fits, else the subscript splits first, and then its items go one a line.
fn annotated_alias(alias: &str, base: &str, func: &str, args: &[String]) -> String {
    let call = format!("{func}({})", args.join(", "));
    let line = format!("{alias} = Annotated[{base}, {call}]");
    if line.chars().count() <= python::LINE_LENGTH {
        return line;
    }
    let hugged = format!("    {base}, {call}");
    if hugged.chars().count() <= python::LINE_LENGTH {
        return format!("{alias} = Annotated[\n{hugged}\n]");
    }
    format!(
        "{alias} = Annotated[\n    {base},\n{}\n]",
        python::call(4, "", func, args, ",")
    )
}

/// `    name: type = Field(args)`, or `= value` when the only argument is the default.
fn declaration(name: &str, annotation: &str, args: &[String]) -> String {
    let head = format!("{name}: {annotation}");
    match args {
        [] => format!("    {head}"),
        [only] if only.starts_with("default=") => {
            let value = &only["default=".len()..];
            let line = format!("    {head} = {value}");
            if line.chars().count() <= python::LINE_LENGTH {
                line
            } else {
                format!("    {head} = (\n        {value}\n    )")
            }
        }
        _ => python::call(4, &format!("{head} = "), "Field", args, ""),
    }
}

fn index(resource: &Resource, column: &str, unique: bool) -> IndexView {
    let name = format!("ix_{}_{column}", resource.plural);
    let args = vec![
        format!("op.f({})", python::string(&name)),
        python::string(&resource.plural),
        format!("[{}]", python::string(column)),
        format!("unique={}", if unique { "True" } else { "False" }),
    ];
    let drop_args = vec![
        format!("op.f({})", python::string(&name)),
        format!("table_name={}", python::string(&resource.plural)),
    ];
    IndexView {
        create: python::call(4, "", "op.create_index", &args, ""),
        drop: python::call(4, "", "op.drop_index", &drop_args, ""),
        name,
    }
}

/// `a`, `a and b`, `a, b and c`.
fn english_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn service_imports(resource: &Resource) -> String {
    let mut imports = Imports::default();
    imports.add("collections.abc", "Sequence");
    imports.add("sqlalchemy.exc", "IntegrityError");
    imports
        .add("sqlmodel", "col")
        .add("sqlmodel", "func")
        .add("sqlmodel", "select")
        .add("sqlmodel.ext.asyncio.session", "AsyncSession")
        .add("app.models.base", "utcnow")
        .add(
            &format!("app.models.{}", resource.name),
            &resource.class_name,
        )
        .add(
            &format!("app.schemas.{}", resource.name),
            &format!("{}Create", resource.class_name),
        )
        .add(
            &format!("app.schemas.{}", resource.name),
            &format!("{}Update", resource.class_name),
        )
        .add(
            &format!("app.schemas.{}", resource.name),
            &format!("{}ListQuery", resource.class_name),
        )
        .add("typing", "Any")
        .add("sqlalchemy", "ColumnElement")
        .add("sqlalchemy", "UnaryExpression")
        .add("sqlalchemy.orm", "Mapped");
    if !resource.list.search.is_empty() {
        imports.add("sqlmodel", "or_");
    }
    if resource.fields.iter().any(|f| f.unique) {
        imports.add("app.services.integrity", "conflict_detail");
    }
    imports.render()
}

fn router_imports(resource: &Resource, access: &[(&str, &str)]) -> String {
    let mut imports = Imports::default();
    for (module, name) in access {
        imports.add(module, name);
    }
    for name in [
        "APIRouter",
        "HTTPException",
        "Request",
        "Response",
        "status",
    ] {
        imports.add("fastapi", name);
    }
    imports.add("sqlmodel.ext.asyncio.session", "AsyncSession");
    for name in ["IdPath", "SessionDep"] {
        imports.add("app.dependencies", name);
    }
    imports.add("typing", "Annotated").add("fastapi", "Query");
    for field in &resource.fields {
        if let Some(reference) = &field.references {
            imports.add(
                "app.services",
                &format!("{0} as {0}_service", reference.resource),
            );
            if reference.owned_parent {
                imports.add("app.dependencies", "AuthUser");
            }
        }
    }
    let schemas = format!("app.schemas.{}", resource.name);
    imports
        .add(
            &format!("app.models.{}", resource.name),
            &resource.class_name,
        )
        .add("app.schemas.errors", "error_responses")
        .add(&schemas, &format!("{}Create", resource.class_name))
        .add(&schemas, &format!("{}ListQuery", resource.class_name))
        .add(&schemas, &format!("{}Page", resource.class_name))
        .add(&schemas, &format!("{}Read", resource.class_name))
        .add(&schemas, &format!("{}Update", resource.class_name))
        .add("app.services", &format!("{} as service", resource.name));
    imports.render()
}

/// What the tests expect in a row when the client leaves a field out.
fn default_assert(field: &Field) -> Option<String> {
    if !field.readable() {
        return None;
    }
    let key = python::string(&field.name);
    match &field.default {
        None if field.optional => Some(format!("assert row[{key}] is None")),
        None => None,
        Some(DefaultValue::Bool(b)) => Some(format!(
            "assert row[{key}] is {}",
            if *b { "True" } else { "False" }
        )),
        Some(default) => Some(format!(
            "assert row[{key}] == {}",
            types::default_json(default)
        )),
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a product with this name or sku already exists", or a shorter message when that is long.
/// Why the database may refuse a write, for the conflict error's docstring.
fn conflict_reason(resource: &Resource) -> &'static str {
    let unique = resource.fields.iter().any(|f| f.unique);
    let references = resource.fields.iter().any(|f| f.references.is_some());
    match (unique, references) {
        (true, true) => "a unique value already exists, or a row it refers to is gone",
        (true, false) => "a value that must be unique is taken",
        _ => "a row it refers to is gone",
    }
}

fn conflict_message(resource: &Resource, unique: &[&str]) -> String {
    if resource.fields.iter().any(|f| f.references.is_some()) {
        return conflict_reason(resource).to_owned();
    }
    let full = format!(
        "a {} with this {} already exists",
        resource.label,
        english_list(unique)
            .replace(" and ", " or ")
            .replace(", ", " or ")
            .replace('_', " ")
    );
    if full.len() <= 64 {
        full
    } else {
        "a value that must be unique is taken".to_owned()
    }
}

/// `| tasks | Each user's own rows. Every route needs a signed-in caller. | `/api/tasks`, ... |`
pub fn readme_row(resource: &Resource) -> String {
    let rows = if resource.owned {
        "Each user's own rows."
    } else {
        "Shared rows."
    };
    let path = format!("/api/{}", resource.route);
    format!(
        "| {} | {rows} {} | `{path}`, `{path}/{{id}}` |",
        resource.label_plural,
        access_sentence(resource)
    )
}

struct ListView {
    query_fields: String,
    conditions: Vec<String>,
    sort_columns: Vec<String>,
    filter_tests: Vec<FilterTest>,
}

/// The list endpoint's query model and queries, from the resource's `list:` section.
fn list_view(
    resource: &Resource,
    schema_imports: &mut Imports,
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
            _ => row.python.unwrap_or("str").to_owned(),
        };
        if let Some((module, import)) = row.import {
            schema_imports.add(module, import);
        }
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
            query_fields.push(declaration(&param, &format!("{annotation} | None"), &args));
            let (column, value) = (format!("col({class}.{name})"), format!("query.{param}"));
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
        let mut clause = String::from(
            "    if query.q is not None:\n        conditions.append(\n            or_(\n",
        );
        for name in &list.search {
            clause.push_str(&format!(
                "{},\n",
                python::call(
                    16,
                    "",
                    &format!("col({class}.{name}).icontains"),
                    &["query.q".into(), "autoescape=True".into()],
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
        .map(|name| {
            python::call(
                8,
                &format!("{}: ", python::string(name)),
                "col",
                &[format!("{class}.{name}")],
                ",",
            )
        })
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

struct AccessView {
    worker_roles: Vec<String>,
    isolation_testable: bool,
    protected_routes: Vec<String>,
    callers: Vec<String>,
    cases: Vec<String>,
    actions: BTreeMap<&'static str, ActionView>,
    role_aliases: Vec<String>,
    admin_roles_line: String,
    uses_owner: bool,
    doc: String,
    imports: Vec<(&'static str, &'static str)>,
}

/// Who may call each route, as the router declares it.
fn access_view(resource: &Resource) -> AccessView {
    let mut actions = BTreeMap::new();
    let mut role_aliases = Vec::new();
    let mut imports: Vec<(&'static str, &'static str)> = Vec::new();
    let mut uses_owner = false;
    for (action, rule) in resource.access.actions() {
        let user = match rule {
            Rule::Public => None,
            Rule::Authenticated => {
                imports.push(("app.dependencies", "CurrentUser"));
                Some("CurrentUser".to_owned())
            }
            Rule::Roles(roles) => {
                imports.extend([
                    ("app.dependencies", "AuthUser"),
                    ("app.dependencies", "require_roles"),
                    ("fastapi", "Depends"),
                ]);
                let constant = format!("{}_ROLES", action.to_uppercase());
                let alias = format!("Can{}", capitalize(action));
                role_aliases.push(format!(
                    "\n# Who may {action}: a caller with one of these roles.\n{}\n{alias} = Annotated[AuthUser, Depends(require_roles(*{constant}))]",
                    python::string_tuple(&format!("{constant} = "), roles)
                ));
                Some(alias)
            }
        };
        let owner = match (action, rule) {
            ("create", _) => "user.id".to_owned(),
            ("list" | "get", Rule::Public) => "None".to_owned(),
            (_, Rule::Public) if resource.owned => {
                unreachable!("validate refuses a public {action} on an owned resource")
            }
            _ => {
                uses_owner = true;
                "_owner(user)".to_owned()
            }
        };
        let responses = route_responses(resource, action, rule);
        actions.insert(
            action,
            ActionView {
                user,
                owner,
                responses,
            },
        );
    }
    if resource.owned && uses_owner {
        imports.push(("app.dependencies", "AuthUser"));
    }
    let admin_roles_line =
        python::string_set("ADMIN_ROLES = frozenset(", &resource.admin_roles, ")");
    let tests = access_tests(resource);
    AccessView {
        worker_roles: tests.worker_roles,
        isolation_testable: tests.isolation_testable,
        protected_routes: tests.protected_routes,
        callers: tests.callers,
        cases: tests.cases,
        actions,
        role_aliases,
        admin_roles_line,
        uses_owner,
        doc: access_doc(resource),
        imports,
    }
}

/// The error answers a route documents: what it can answer, and nothing it cannot.
fn route_responses(resource: &Resource, action: &str, rule: &Rule) -> String {
    let mut codes: Vec<u16> = Vec::new();
    if *rule != Rule::Public {
        codes.push(401);
    }
    if matches!(rule, Rule::Roles(_)) {
        codes.push(403);
    }
    let relations = resource.fields.iter().any(|f| f.references.is_some());
    let unique = resource.fields.iter().any(|f| f.unique);
    match action {
        "get" | "update" | "delete" | "nested" => codes.push(404),
        // A parent the caller cannot see.
        "create" if relations => codes.push(404),
        _ => {}
    }
    match action {
        "create" | "update" if unique || relations => codes.push(409),
        // Rows of another resource may refer to it (`on_delete: restrict`).
        "delete" => codes.push(409),
        _ => {}
    }
    if matches!(action, "create" | "update") {
        // A body that is not JSON at all, and one over the size limit.
        codes.extend([400, 413]);
    }
    if *rule != Rule::Public {
        codes.push(503);
    }
    if codes.is_empty() {
        return String::new();
    }
    codes.sort_unstable();
    let args: Vec<String> = codes.iter().map(u16::to_string).collect();
    python::call(4, "responses=", "error_responses", &args, ",")
}

/// A sentence or two on who may call what, wrapped for a docstring.
fn access_doc(resource: &Resource) -> String {
    wrap(&access_sentence(resource), 80)
}

/// Who may call what, in one line: "Access: list and get are public; delete needs the role
/// admin." (or "Every route needs a signed-in caller.").
fn access_sentence(resource: &Resource) -> String {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for (action, rule) in resource.access.actions() {
        let needs = match rule {
            Rule::Public => "public".to_owned(),
            Rule::Authenticated => "needs a signed-in caller".to_owned(),
            Rule::Roles(roles) if roles.len() == 1 => format!("needs the role {}", roles[0]),
            Rule::Roles(roles) => format!(
                "needs the role {}",
                english_list(&roles.iter().map(String::as_str).collect::<Vec<_>>())
                    .replace(" and ", " or ")
            ),
        };
        match groups.iter_mut().find(|(n, _)| *n == needs) {
            Some((_, actions)) => actions.push(action),
            None => groups.push((needs, vec![action])),
        }
    }
    let mut text = if groups.len() == 1 && groups[0].0 == "needs a signed-in caller" {
        "Every route needs a signed-in caller.".to_owned()
    } else {
        let parts: Vec<String> = groups
            .iter()
            .map(|(needs, actions)| {
                let verb = if actions.len() == 1 {
                    needs.clone()
                } else {
                    needs.replace("needs", "need")
                };
                let verb = if needs == "public" {
                    if actions.len() == 1 {
                        "is public".to_owned()
                    } else {
                        "are public".to_owned()
                    }
                } else {
                    verb
                };
                format!("{} {verb}", english_list(actions))
            })
            .collect();
        format!("Access: {}.", parts.join("; "))
    };
    if !resource.admin_roles.is_empty() {
        text.push_str(&format!(
            " The roles {} see and manage every row.",
            resource.admin_roles.join(", ")
        ));
    }
    text
}

/// Greedy word wrap at `width` columns.
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

struct AccessTests {
    worker_roles: Vec<String>,
    isolation_testable: bool,
    protected_routes: Vec<String>,
    callers: Vec<String>,
    cases: Vec<String>,
}

/// The access matrix: each action, for each kind of caller, and what it must answer.
fn access_tests(resource: &Resource) -> AccessTests {
    let admins = &resource.admin_roles;
    // The roles the tests' usual callers (alice, bob) hold: enough for every action, admin
    // roles only where an action accepts nothing else.
    let mut worker_roles: Vec<String> = Vec::new();
    for (_, rule) in resource.access.actions() {
        if let Rule::Roles(roles) = rule
            && !roles.iter().any(|r| worker_roles.contains(r))
        {
            let pick = roles
                .iter()
                .find(|r| !admins.contains(r))
                .unwrap_or(&roles[0]);
            worker_roles.push(pick.clone());
        }
    }
    if worker_roles.is_empty() {
        worker_roles.push("user".to_owned());
    }
    let workers_are_admins = worker_roles.iter().any(|r| admins.contains(r));
    let mut declared: Vec<String> = Vec::new();
    for (_, rule) in resource.access.actions() {
        if let Rule::Roles(roles) = rule {
            for role in roles {
                if !declared.contains(role) {
                    declared.push(role.clone());
                }
            }
        }
    }
    for role in admins {
        if !declared.contains(role) {
            declared.push(role.clone());
        }
    }
    // (name, sub, roles)
    let mut callers: Vec<(String, String, Vec<String>)> = vec![
        ("owner".into(), "alice".into(), worker_roles.clone()),
        ("other".into(), "bob".into(), worker_roles.clone()),
        ("plain".into(), "carol".into(), vec!["user".into()]),
    ];
    for role in &declared {
        callers.push((format!("role-{role}"), "dave".into(), vec![role.clone()]));
    }
    let mut cases = Vec::new();
    let mut everyone = vec![("anonymous".to_owned(), None)];
    everyone.extend(
        callers
            .iter()
            .map(|(name, sub, roles)| (name.clone(), Some((sub.clone(), roles.clone())))),
    );
    for (action, rule) in resource.access.actions() {
        for (caller, who) in &everyone {
            let success = match action {
                "list" | "get" | "update" => 200,
                "create" => 201,
                _ => 204,
            };
            let (status, visible) = match (rule, who) {
                (Rule::Public, _) => (success, true),
                (_, None) => (401, false),
                (Rule::Roles(roles), Some((_, held)))
                    if !roles.iter().any(|r| held.contains(r)) =>
                {
                    (403, false)
                }
                (_, Some((sub, held))) => {
                    let sees_all = !resource.owned
                        || sub == "alice"
                        || held.iter().any(|r| admins.contains(r));
                    match action {
                        "list" => (200, sees_all),
                        "create" => (201, true),
                        _ if sees_all => (success, true),
                        _ => (404, false),
                    }
                }
            };
            cases.push(python::call(
                4,
                "",
                "pytest.param",
                &[
                    python::string(action),
                    python::string(caller),
                    status.to_string(),
                    if visible {
                        "True".into()
                    } else {
                        "False".into()
                    },
                    format!("id={}", python::string(&format!("{action}-{caller}"))),
                ],
                ",",
            ));
        }
    }
    let routes = [
        ("list", "(\"GET\", URL)"),
        ("create", "(\"POST\", URL)"),
        ("get", "(\"GET\", f\"{URL}/1\")"),
        ("update", "(\"PATCH\", f\"{URL}/1\")"),
        ("delete", "(\"DELETE\", f\"{URL}/1\")"),
    ];
    let protected_routes = routes
        .iter()
        .filter(|(action, _)| {
            resource
                .access
                .actions()
                .iter()
                .any(|(a, rule)| a == action && **rule != Rule::Public)
        })
        .map(|(_, route)| (*route).to_owned())
        .collect();
    let callers = callers
        .iter()
        .map(|(name, sub, roles)| {
            format!(
                "    {}: ({}, {}),",
                python::string(name),
                python::string(sub),
                python::string(&roles.join(","))
            )
        })
        .collect();
    AccessTests {
        isolation_testable: resource.owned && !workers_are_admins,
        worker_roles,
        protected_routes,
        callers,
        cases,
    }
}

fn on_delete_sql(on_delete: crate::spec::OnDelete) -> &'static str {
    match on_delete {
        crate::spec::OnDelete::Cascade => "CASCADE",
        crate::spec::OnDelete::Restrict => "RESTRICT",
        crate::spec::OnDelete::SetNull => "SET NULL",
    }
}

/// A relation of a child resource, as its router and tests need it.
#[derive(Debug, Serialize)]
struct RelationView {
    field: String,
    parent: String,
    class_name: String,
    owned_parent: bool,
    not_found: String,
    on_delete: &'static str,
    parent_path: String,
    /// The roles a caller needs to delete a parent row through the API (for the 409 test).
    parent_delete_roles: String,
    parent_label: String,
    /// A list of one parent's rows under the parent's route: its router and handler names.
    nested: bool,
    nested_router: String,
    nested_prefix: String,
    nested_handler: String,
    nested_check: String,
    /// `await _check_project(session, user, payload.project_id)`, in create (indent 4) and
    /// in update (indent 8).
    create_check: String,
    update_check: String,
}

/// A resource above this one in the chain of `belongs_to`: the tests create its rows.
#[derive(Debug, Serialize)]
struct AncestorView {
    name: String,
    class_name: String,
    owned: bool,
    /// `def <name>_row(n: int) -> dict[str, Any]: ...`, a valid body for row `n`.
    row_function: String,
}

fn relation_views(project: &Project, resource: &Resource) -> Vec<RelationView> {
    resource
        .fields
        .iter()
        .filter_map(|f| f.references.as_ref().map(|r| (f, r)))
        .map(|(field, reference)| {
            let parent = project
                .resources
                .iter()
                .find(|r| r.name == reference.resource);
            let delete_roles = match parent.map(|p| &p.access.delete) {
                Some(Rule::Roles(roles)) => roles[0].clone(),
                _ => "user".to_owned(),
            };
            let mut args = vec!["session".to_owned()];
            if reference.owned_parent {
                args.push("user".to_owned());
            }
            args.push(format!("payload.{}", field.name));
            let check = |indent| {
                python::call(
                    indent,
                    "await ",
                    &format!("_check_{}", reference.resource),
                    &args,
                    "",
                )
            };
            let mut nested_args = vec!["session".to_owned()];
            if reference.owned_parent {
                nested_args.push("user".to_owned());
            }
            nested_args.push(format!("{}_id", reference.resource));
            RelationView {
                nested: reference.nested,
                nested_router: format!("{}_router", reference.resource),
                nested_prefix: format!(
                    "/api/{}/{{{}_id}}/{}",
                    reference.route, reference.resource, resource.route
                ),
                nested_handler: format!("list_{}_{}", reference.resource, resource.plural),
                nested_check: python::call(
                    4,
                    "await ",
                    &format!("_check_{}", reference.resource),
                    &nested_args,
                    "",
                ),
                create_check: check(4),
                update_check: check(8),
                parent_label: reference.label.clone(),
                field: field.name.clone(),
                parent: reference.resource.clone(),
                class_name: reference.class_name.clone(),
                owned_parent: reference.owned_parent,

                not_found: format!("{} not found", capitalize(&reference.label)),
                on_delete: on_delete_sql(reference.on_delete),
                parent_path: format!("/api/{}", reference.route),
                parent_delete_roles: delete_roles,
            }
        })
        .collect()
}

/// The resources this one belongs to, directly or not, parents before children.
fn ancestors<'a>(project: &'a Project, resource: &Resource) -> Vec<&'a Resource> {
    let mut found: Vec<&Resource> = Vec::new();
    let mut pending: Vec<String> = resource
        .fields
        .iter()
        .filter_map(|f| f.references.as_ref().map(|r| r.resource.clone()))
        .collect();
    while let Some(name) = pending.pop() {
        if found.iter().any(|r| r.name == name) {
            continue;
        }
        if let Some(parent) = project.resources.iter().find(|r| r.name == name) {
            pending.extend(
                parent
                    .fields
                    .iter()
                    .filter_map(|f| f.references.as_ref().map(|r| r.resource.clone())),
            );
            found.push(parent);
        }
    }
    // Declaration order is dependency order: parents are declared above their children.
    found.sort_by_key(|r| project.resources.iter().position(|p| p.name == r.name));
    found
}

fn ancestor_views(project: &Project, resource: &Resource) -> Vec<AncestorView> {
    ancestors(project, resource)
        .into_iter()
        .map(|ancestor| {
            let mut body = format!(
                "def {}_row(n: int) -> dict[str, Any]:\n    \"\"\"A valid {}, number `n` of the rows the tests refer to.\"\"\"\n    return {{\n",
                ancestor.name, ancestor.label
            );
            for field in ancestor.fields.iter().filter(|f| f.on_create()) {
                let value = if field.references.is_some() { "n".to_owned() } else { types::sample(field, &field.name.replace('_', " ")) };
                body.push_str(&format!("        {}: {value},\n", python::string(&field.name)));
            }
            body.push_str("    }");
            AncestorView { name: ancestor.name.clone(), class_name: ancestor.class_name.clone(), owned: ancestor.owned, row_function: body }
        })
        .collect()
}

/// The routers a resource's module defines: `router`, and one per nested relation.
pub fn router_names(resource: &Resource) -> Vec<String> {
    let mut names = vec!["router".to_owned()];
    names.extend(
        resource
            .fields
            .iter()
            .filter_map(|f| f.references.as_ref())
            .filter(|r| r.nested)
            .map(|r| format!("{}_router", r.resource)),
    );
    names
}

/// `pytest.param("field", value, id="field-case")` for a `(id, value)` test case; the field is
/// the id up to its first `-` (field names have none).
fn pytest_param((id, value): (String, String)) -> String {
    let field = id.split('-').next().unwrap_or_default();
    python::call(
        4,
        "",
        "pytest.param",
        &[
            python::string(field),
            value,
            format!("id={}", python::string(&id)),
        ],
        ",",
    )
}

/// The bounds of what a column holds, for the list query's filters on it.
fn filter_constraints(field: &Field) -> Vec<String> {
    match field.ty {
        FieldType::Int => vec!["ge=_INT32_MIN".into(), "le=_INT32_MAX".into()],
        FieldType::Bigint => vec!["ge=_BIGINT_MIN".into(), "le=_BIGINT_MAX".into()],
        FieldType::Float => vec!["allow_inf_nan=False".into()],
        // `DecimalText` holds a decimal's digits and places.
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(value: &serde_json::Value, out: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map {
                    out.insert(key.clone());
                    keys(inner, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| keys(i, out)),
            _ => {}
        }
    }

    /// Tera reads a misspelt attribute in `{% if %}` as false, silently. Every `.name` a
    /// template reads must therefore be a key the context really has (for some spec).
    #[test]
    fn templates_read_only_attributes_the_context_has() {
        let mut known = BTreeSet::new();
        for spec in [
            include_str!("../examples/tasks.yaml"),
            include_str!("../examples/shop.yaml"),
            include_str!("../tests/specs/edge_cases.yaml"),
        ] {
            let project = crate::validate::validate("spec", spec, None).unwrap();
            keys(
                &serde_json::to_value(project_view(&project)).unwrap(),
                &mut known,
            );
            for resource in &project.resources {
                keys(
                    &serde_json::to_value(resource_view(&project, resource)).unwrap(),
                    &mut known,
                );
            }
        }
        // Tera's own: the loop variable's attributes.
        known.extend(["first", "last", "index", "index0"].map(String::from));
        let attribute = regex::Regex::new(r"\b[a-z_]+((?:\.[a-z_][a-z0-9_]*)+)").unwrap();
        let tag = regex::Regex::new(r"(?s)\{[{%](.*?)[}%]\}").unwrap();
        let literal = regex::Regex::new(r#""[^"]*""#).unwrap();
        let mut unknown = Vec::new();
        for (name, source) in crate::render::sources() {
            for block in tag.captures_iter(source) {
                // String literals inside a tag are not attribute reads.
                let code = literal.replace_all(&block[1], "\"\"");
                for path in attribute.captures_iter(&code) {
                    for part in path[1].split('.').filter(|p| !p.is_empty()) {
                        if !known.contains(part) {
                            unknown.push(format!("{name}: .{part}"));
                        }
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "templates read attributes no context has: {unknown:#?}"
        );
    }
}
