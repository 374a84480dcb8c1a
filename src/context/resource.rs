//! One resource's context: its model, schemas, service, router, migration and tests, field by
//! field.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Field, FieldType, Project, Resource, Rule};
use crate::python::{self, Imports};
use crate::target::Target;

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
    /// The model's `__table_args__` (its list indexes), and whether the migration enables
    /// `pg_trgm` for them.
    pub(super) table_args: Option<String>,
    pub(super) trigram: bool,
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
    /// Change events: the owner an event carries (`row.user_id`, or `None` when shared).
    pub(super) event_owner: &'static str,
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
    /// `_FILTERS = (...)`, empty without filters.
    pub(super) list_filters: String,
    pub(super) sort_columns: Vec<String>,
    /// `    return sort_keys(...)`: the keys of a list's order.
    pub(super) sort_keys_call: String,
    pub(super) cursor_types: String,
    pub(super) cursor_max_length: Option<usize>,
    /// `        return self.read_order(...)`: the list query's order and cursor.
    pub(super) read_order_call: String,
    pub(super) default_sort: String,
    pub(super) filter_tests: Vec<FilterTest>,
    /// The default order is newest first (the paging tests can say so).
    pub(super) newest_first: bool,
    /// Every key of the default order is one `?sort=` takes: the tests can ask for it.
    pub(super) default_sort_requestable: bool,
    /// Sortable and searched fields the tests can give two different values.
    pub(super) sort_tests: Vec<String>,
    pub(super) sort_tests_list: String,
    /// `EMPTY_SORTED = [...]`: the sorted fields a row may leave empty.
    pub(super) empty_sort_tests_list: String,
    pub(super) empty_sorted: bool,
    /// How many values a cursor of the default order holds: its keys and the id.
    pub(super) cursor_keys: usize,
    /// `def _page(...) -> XPage:` of the router, laid out as ruff would.
    pub(super) page_signature: String,
    /// `ORDERS = [None, "title", "-title", ...]`: the orders the cursor tests walk.
    pub(super) orders_list: String,
    /// An order other than the default, for a cursor read in the wrong one.
    pub(super) other_order: String,
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
    /// A write reads the row back: the database stores some value otherwise than the app
    /// holds it (decimals: scale on PostgreSQL, binary floats on SQLite).
    pub(super) reads_back: bool,
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

pub(super) fn resource_view<'a>(project: &'a Project, resource: &'a Resource) -> ResourceView<'a> {
    // Each module's imports are collected from the lines it is made of, as they are made.
    let target = Target::of(project);
    let dialect = target.dialect();
    let mut service_imports = service_imports(resource, target);
    let model = model_view(resource, dialect);
    let migration = migration_view(resource);
    let schema = schema_view(resource);
    let mut schema_imports = schema.imports;
    let mut field_aliases = schema.field_aliases;
    let json_aliases = schema.json_aliases;
    let mut fields = Vec::new();
    for (i, field) in resource.fields.iter().enumerate() {
        let (model_line, column_line) = (model.lines[i].clone(), migration.columns[i].clone());
        let SchemaLines {
            base_line,
            update_line,
            read_line,
        } = &schema.lines[i];
        let (base_line, update_line, read_line) =
            (base_line.clone(), update_line.clone(), read_line.clone());
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
    // `NAME = [...]`, or `NAME: list[str] = []`: mypy cannot tell an empty list's type.
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
        (&mut schema_imports, &mut service_imports),
        &mut field_aliases,
    );
    let owner_col = table_column("user_id");
    let id_col = table_column("id");
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
        owner_line: model.owner_line,
        table_args: model.table_args,
        trigram: migration.trigram,
        relations: relation_views(project, resource, target),
        ancestors: ancestor_views(project, resource),
        owned_ancestors: ancestors(project, resource).iter().any(|a| a.owned),
        router_names: router_names(resource),
        event_owner: if resource.owned {
            "row.user_id"
        } else {
            "None"
        },
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
            imports.add("app.config", "settings");
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
            imports.add(
                &format!("app.schemas.{}", resource.name),
                &format!("{}ListQuery", resource.class_name),
            );
            if resource.events {
                imports
                    .add("app.events", "hooks")
                    .add("app.events.bus", "Events")
                    .add("app.events.event", "Event")
                    .add("app.hooks", &format!("{0} as {0}_hooks", resource.name));
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
        list_filters: list.filters,
        sort_columns: list.sort_columns,
        sort_keys_call: python::call(
            4,
            "return ",
            "sort_keys",
            &[
                "sort".into(),
                "columns".into(),
                python::string_tuple("nullable=", &list.nullable_sort_keys),
                format!("tiebreak={id_col}"),
            ],
            "",
        ),
        cursor_types: list.cursor_types,
        cursor_max_length: list.cursor_max_length,
        read_order_call: python::call(
            8,
            "return ",
            "self.read_order",
            &[
                if resource.list.sort.is_empty() {
                    python::string(&resource.list.default_sort_text())
                } else {
                    "self.sort".into()
                },
                "CURSOR_TYPES".into(),
            ],
            "",
        ),
        default_sort: python::string(&resource.list.default_sort_text()),
        decimal_filters: list
            .filter_tests
            .iter()
            .any(|t| t.ordered && t.key.starts_with("Decimal")),
        filter_tests: list.filter_tests,
        newest_first: resource.list.default_sort == [("created_at".to_owned(), true)],
        default_sort_requestable: resource
            .list
            .default_sort
            .iter()
            .all(|(key, _)| resource.list.sort.contains(key)),
        sort_tests_list: python::string_list("SORTED_BY = ", &sort_tests),
        empty_sort_tests_list: {
            let optional: Vec<String> = sort_tests
                .iter()
                .filter(|name| {
                    resource
                        .fields
                        .iter()
                        .any(|f| &&f.name == name && f.optional)
                })
                .cloned()
                .collect();
            typed_list("EMPTY_SORTED", &optional)
        },
        empty_sorted: sort_tests.iter().any(|name| {
            resource
                .fields
                .iter()
                .any(|f| &f.name == name && f.optional)
        }),
        cursor_keys: resource.list.default_sort.len() + 1,
        page_signature: python::call(
            0,
            "def ",
            "_page",
            &[
                "listed: Listed[Row]".to_owned(),
                format!("query: {}ListQuery", resource.class_name),
            ],
            &format!(" -> {}Page:", resource.class_name),
        ),
        orders_list: orders_list(resource),
        other_order: python::string(&other_order(resource)),
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
        enums: model.enums,
        uses_int32,
        conflict_literal: python::string(&conflict_message(resource, &unique_words)),
        conflict_reason: conflict_reason(resource).to_owned(),
        may_conflict: !unique_words.is_empty()
            || resource.fields.iter().any(|f| f.references.is_some()),
        reads_back: resource.fields.iter().any(|f| f.ty == FieldType::Decimal),
        unique_list: python::string_list("UNIQUE = ", &unique_fields),
        unique_columns: python::string_tuple("UNIQUE = ", &unique_fields),
        not_null_tuple: if not_null.is_empty() {
            "NOT_NULL: tuple[str, ...] = ()".to_owned()
        } else {
            python::string_tuple("NOT_NULL = ", &not_null)
        },
        has_not_null: !not_null.is_empty(),
        conflict_call: python::call(
            4,
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
        table_constraints: migration.table_constraints,
        indexes: migration.indexes,
        invalid_cases,
        required_list: typed_list("REQUIRED", &required),
        required_fields: required,
        service_imports: service_imports.render(),
        router_imports: router_imports(resource, target, &access.imports),
        owner_col,
        id_col,
        has_defaults: resource
            .fields
            .iter()
            .any(|f| !f.required() && f.readable()),
        model_imports: model.imports,
        schema_imports: schema_imports.render(),
        fields,
        resource,
    }
}

/// `ORDERS = [None, ...]`: the default order (no `?sort=`), each sort key both ways, and two
/// keys going opposite ways.
fn orders_list(resource: &Resource) -> String {
    let sort = &resource.list.sort;
    let mut orders: Vec<String> = vec!["None".into()];
    for key in sort {
        orders.push(python::string(key));
        orders.push(python::string(&format!("-{key}")));
    }
    if let [first, second, ..] = sort.as_slice() {
        orders.push(python::string(&format!("{first},-{second}")));
    }
    let line = format!("ORDERS: list[str | None] = [{}]", orders.join(", "));
    if line.chars().count() <= python::LINE_LENGTH {
        return line;
    }
    let items: String = orders.iter().map(|o| format!("    {o},\n")).collect();
    format!("ORDERS: list[str | None] = [\n{items}]")
}

/// A `?sort=` other than the default (the first sort key, or it reversed).
fn other_order(resource: &Resource) -> String {
    let default = resource.list.default_sort_text();
    match resource.list.sort.first() {
        Some(key) if *key != default => key.clone(),
        Some(key) => format!("-{key}"),
        None => default,
    }
}
