//! From spec text to the validated `model`, reporting every problem at once.
//!
//! The YAML is read into a generic tree first and checked node by node, so one unknown key does
//! not hide the problems after it. Each node is then deserialized into its `spec` struct and
//! resolved (names inflected, defaults checked against their types) into the `model`.

use std::collections::{BTreeMap, HashSet};

use heck::{ToPascalCase, ToSnakeCase, ToTitleCase};
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::locate::Locator;
use crate::model::{
    self, Bound, DEFAULT_TEXT_MAX_LENGTH, DefaultValue, EMAIL_MAX_LENGTH, Field, FieldType,
    GENERATED_SORTABLE, JSON_BYTES, JSON_DEPTH, ListApi, MAX_TEXT_LENGTH, Project, Resource,
    URL_MAX_LENGTH,
};
use crate::model::{Access, Reference, Rule};
use crate::problem::{Problem, Problems, nearest};
use crate::shorthand;
use crate::spec::{
    ACCESS_KEYS, Mode, OnDelete, Orm, RELATION_KEYS, RawAccess, RawRelation, RawRule,
};
use crate::spec::{
    AUTH_KEYS, FIELD_KEYS, LIST_KEYS, PROJECT_KEYS, RESOURCE_KEYS, RawAuth, RawField, RawList,
    RawProject, RawResource, SPEC_KEYS,
};

/// Parses and validates a spec. `source` names the file in messages; `name` (from the command
/// line) replaces the spec's project name.
pub fn validate(source: &str, text: &str, name: Option<&str>) -> Result<Project, Problems> {
    let mut v = Validator {
        problems: Vec::new(),
    };
    // Editors on Windows may start a file with a byte order mark; YAML does not want it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let project = match serde_yaml::from_str::<Value>(text) {
        Ok(root) => v.spec(&root, name),
        Err(err) => {
            let mut problem = Problem::new(
                "",
                format!("invalid YAML: {}", strip_location(&err.to_string())),
            )
            .hint(
                if err.to_string().contains("cannot start any token") && text.contains('\t') {
                    "YAML indents with spaces, never tabs"
                } else {
                    "check the indentation and quoting around that place"
                },
            );
            if let Some(loc) = err.location() {
                problem = problem.at(loc.line(), loc.column());
            }
            v.problems.push(problem);
            None
        }
    };
    match project {
        Some(project) if v.problems.is_empty() => Ok(project),
        _ => {
            let locator = Locator::new(text);
            let problems = v
                .problems
                .into_iter()
                .map(|p| match (p.location, locator.find(&p.path)) {
                    (None, Some((line, column))) => p.at(line, column),
                    _ => p,
                })
                .collect();
            Err(Problems {
                source: source.to_owned(),
                problems,
            })
        }
    }
}

/// `tasks` -> `Tasks API`, `shop_api` -> `Shop API`.
fn api_title(name: &str) -> String {
    let title = name.to_title_case();
    match title.strip_suffix(" Api") {
        Some(stem) => format!("{stem} API"),
        None if title == "Api" => "API".to_owned(),
        None => format!("{title} API"),
    }
}

/// serde_yaml appends " at line L column C" to its messages; the location is reported apart.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn spec(&mut self, root: &Value, name_override: Option<&str>) -> Option<Project> {
        let root = self.mapping(root, "")?;
        self.keys(root, SPEC_KEYS, "");
        let project: Option<RawProject> = match root.get("project") {
            Some(node) => self.node(node, PROJECT_KEYS, "project"),
            None => {
                self.report(
                    Problem::new("project", "the spec has no `project` section")
                        .hint("add `project: { name: my_api }` at the top"),
                );
                None
            }
        };
        let auth: RawAuth = match root.get("auth") {
            Some(node) => self.node(node, AUTH_KEYS, "auth").unwrap_or_default(),
            None => RawAuth::default(),
        };
        let name = match name_override {
            Some(name) => self.project_name(name, "NAME"),
            None => project
                .as_ref()
                .and_then(|p| self.project_name(&p.name, "project.name")),
        };
        let roles_claim = auth.roles_claim.unwrap_or_else(|| "role".to_owned());
        if roles_claim.trim().is_empty() {
            self.report(
                Problem::new("auth.roles_claim", "the roles claim is empty")
                    .hint("leave it out to use `role`, the claim Better Auth's admin plugin sets"),
            );
        }
        if let Some(project) = &project {
            if project.orm.is_some_and(|orm| orm != Orm::Sqlmodel) {
                self.report(
                    Problem::new(
                        "project.orm",
                        "`sqlalchemy` is not supported yet: projects use SQLModel",
                    )
                    .hint("remove `orm`, or set it to `sqlmodel`"),
                );
            }
            if project.mode.is_some_and(|mode| mode != Mode::Async) {
                self.report(
                    Problem::new(
                        "project.mode",
                        "`sync` is not supported yet: projects are async",
                    )
                    .hint("remove `mode`, or set it to `async`"),
                );
            }
            if let Some(description) = &project.description
                && (description.chars().any(char::is_control) || description.chars().count() > 200)
            {
                self.report(
                    Problem::new("project.description", "the description is one line of at most 200 characters")
                        .hint("it becomes the API's one-line description in the docs, pyproject.toml and the README"),
                );
            }
        }
        let resources = self.resources(root.get("resources"));
        let project = project?;
        let name = name?;
        Some(Project {
            slug: name.replace('_', "-"),
            title: api_title(&name),
            description: project.description.unwrap_or_else(|| api_title(&name)),
            name,
            orm: project.orm.unwrap_or_default(),
            mode: project.mode.unwrap_or_default(),
            roles_claim,
            resources: resources?,
        })
    }

    fn project_name(&mut self, name: &str, path: &str) -> Option<String> {
        let snake = name.replace('-', "_");
        if !is_snake_identifier(&snake) {
            self.report(
                Problem::new(path, format!("`{name}` is not a valid project name"))
                    .hint("use lowercase letters, digits, `_` or `-`, starting with a letter, e.g. `shop_api`"),
            );
            return None;
        }
        if PYTHON_KEYWORDS.contains(&snake.as_str()) {
            self.report(
                Problem::new(path, format!("`{name}` is a Python keyword"))
                    .hint(format!("choose another name, e.g. `{snake}_api`")),
            );
            return None;
        }
        Some(snake)
    }

    fn resources(&mut self, node: Option<&Value>) -> Option<Vec<Resource>> {
        let Some(node) = node else {
            self.report(
                Problem::new("resources", "the spec declares no resources")
                    .hint("add one, e.g. `resources: { task: { fields: { title: string } } }`"),
            );
            return None;
        };
        let map = self.mapping(node, "resources")?;
        if map.is_empty() {
            self.report(
                Problem::new("resources", "the spec declares no resources")
                    .hint("add one, e.g. `resources: { task: { fields: { title: string } } }`"),
            );
            return None;
        }
        let mut resources = Vec::new();
        let before = self.problems.len();
        for (key, value) in map {
            let Some(name) = self.key_name(key, "resources") else {
                continue;
            };
            if let Some(mut resource) = self.resource(&name, value) {
                if let Some(belongs_to) = value.get("belongs_to").filter(|v| !v.is_null()) {
                    self.relations(&mut resource, belongs_to, &resources);
                }
                resources.push(resource);
            }
        }
        self.across_resources(&resources);
        (self.problems.len() == before).then_some(resources)
    }

    fn resource(&mut self, name: &str, node: &Value) -> Option<Resource> {
        let path = format!("resources.{name}");
        let name_ok = self.resource_name(name, &path);
        // Fields are checked one by one below, so one bad field does not hide the others.
        let mut shallow = self.mapping(node, &path)?.clone();
        let has_fields = shallow
            .remove("fields")
            .is_some_and(|f| !f.is_null() && f.as_mapping().is_none_or(|m| !m.is_empty()));
        let list_node = shallow.remove("list");
        let access_node = shallow.remove("access");
        let raw: RawResource = self.node(&Value::Mapping(shallow), RESOURCE_KEYS, &path)?;
        let plural = match &raw.plural {
            Some(plural) if plural.len() > MAX_PLURAL => {
                self.report(
                    Problem::new(
                        format!("{path}.plural"),
                        format!(
                            "`{plural}` is {} characters long; plurals have at most {MAX_PLURAL}",
                            plural.len()
                        ),
                    )
                    .hint("shorten it: it names the table and its indexes"),
                );
                None
            }
            Some(plural) if RESERVED_PLURALS.contains(&plural.as_str()) => {
                self.report(
                    Problem::new(format!("{path}.plural"), format!("`{plural}` would overwrite the project's own app/tests/test_{plural}.py"))
                        .hint("choose another plural"),
                );
                None
            }
            Some(plural) if !is_snake_identifier(plural) => {
                self.report(
                    Problem::new(
                        format!("{path}.plural"),
                        format!("`{plural}` is not a snake_case name"),
                    )
                    .hint("use lowercase letters, digits and `_`, e.g. `categories`"),
                );
                None
            }
            Some(plural) => Some(plural.clone()),
            None => None,
        };
        let owned = raw.owned.unwrap_or(true);
        if !has_fields {
            self.report(
                Problem::new(format!("{path}.fields"), "the resource has no fields")
                    .hint("add at least one, e.g. `fields: { name: string }`"),
            );
        }
        let explicit = raw.plural.is_some();
        let (class_name, plural, route) = model::resource_names(name, plural.as_deref());
        if !explicit && RESERVED_PLURALS.contains(&plural.as_str()) {
            self.report(
                Problem::new(&path, format!("its plural `{plural}` would overwrite the project's own app/tests/test_{plural}.py"))
                    .hint("give the resource another name, or another `plural`"),
            );
            return None;
        }
        let mut fields = Vec::new();
        let before_fields = self.problems.len();
        let raw_fields = match node.get("fields") {
            Some(Value::Mapping(map)) => map.clone(),
            Some(other) if !other.is_null() => {
                self.mapping(other, &format!("{path}.fields"));
                return None;
            }
            _ => Mapping::new(),
        };
        for (key, value) in &raw_fields {
            let fields_path = format!("{path}.fields");
            let Some(field_name) = self.key_name(key, &fields_path) else {
                continue;
            };
            let field_path = format!("{fields_path}.{field_name}");
            let raw_field = match value {
                Value::String(text) => match shorthand::parse_type(text) {
                    Ok(field) => Some(field),
                    Err(message) => {
                        self.report(Problem::new(&field_path, message).hint(
                            "or write the field as a mapping: `{ type: string, max_length: 120 }`",
                        ));
                        None
                    }
                },
                other => self.node::<RawField>(other, FIELD_KEYS, &field_path),
            };
            let name_ok = self.field_name(&field_name, owned, &field_path);
            if let Some(field) =
                raw_field.and_then(|raw| self.field(&field_name, &raw, &field_path))
                && name_ok
            {
                fields.push(field);
            }
        }
        // The list's field names mean something only once every field is valid; access rules
        // and admin roles stand apart, so they are checked whatever the fields hold.
        let fields_ok = name_ok && !raw_fields.is_empty() && self.problems.len() == before_fields;
        let access = match access_node {
            Some(node) if !node.is_null() => self.access(&node, &format!("{path}.access"), owned),
            _ => Some(Access::default()),
        };
        let admin_roles = raw.admin_roles.clone().unwrap_or_default();
        for role in &admin_roles {
            self.role_name(role, &format!("{path}.admin_roles"));
        }
        if !admin_roles.is_empty() && !owned {
            self.report(
                Problem::new(format!("{path}.admin_roles"), "`admin_roles` applies to owned resources")
                    .hint("on a shared resource every caller sees every row already; use `access` to limit actions to roles"),
            );
        }
        if !fields_ok {
            return None;
        }
        let access = access?;
        if !fields.is_empty() && fields.iter().all(|f| f.read_only) {
            self.report(
                Problem::new(
                    format!("{path}.fields"),
                    "every field is read-only: clients could never write a row",
                )
                .hint("let clients write at least one field"),
            );
            return None;
        }
        let list = match list_node {
            Some(node) if !node.is_null() => {
                let list_path = format!("{path}.list");
                let raw_list: RawList = self.node(&node, LIST_KEYS, &list_path)?;
                self.list_api(&raw_list, &mut fields, &list_path)?
            }
            _ => ListApi::default(),
        };
        Some(Resource {
            access,
            admin_roles,
            label: name.replace('_', " "),
            label_plural: plural.replace('_', " "),
            name: name.to_owned(),
            class_name,
            plural,
            route,
            owned,
            fields,
            list,
        })
    }

    /// An `access:` section: each action `public`, `authenticated` or a list of roles.
    fn access(&mut self, node: &Value, path: &str, owned: bool) -> Option<Access> {
        let raw: RawAccess = self.node(node, ACCESS_KEYS, path)?;
        let before = self.problems.len();
        let rule = |this: &mut Self, action: &str, raw: &Option<RawRule>| -> Rule {
            let place = format!("{path}.{action}");
            match raw {
                None => Rule::Authenticated,
                Some(RawRule::Word(word)) if word == "public" => Rule::Public,
                Some(RawRule::Word(word)) if word == "authenticated" => Rule::Authenticated,
                Some(RawRule::Word(word)) => {
                    this.report(
                        Problem::new(place, format!("`{word}` is not an access rule"))
                            .hint(format!("write `public`, `authenticated`, or a list of roles such as `[{word}]`")),
                    );
                    Rule::Authenticated
                }
                Some(RawRule::Roles(roles)) if roles.is_empty() => {
                    this.report(
                        Problem::new(place, "an empty list of roles lets nobody in")
                            .hint("name at least one role, or write `authenticated`"),
                    );
                    Rule::Authenticated
                }
                Some(RawRule::Roles(roles)) => {
                    for role in roles {
                        this.role_name(role, &place);
                    }
                    Rule::Roles(roles.clone())
                }
            }
        };
        let access = Access {
            list: rule(self, "list", &raw.list),
            get: rule(self, "get", &raw.get),
            create: rule(self, "create", &raw.create),
            update: rule(self, "update", &raw.update),
            delete: rule(self, "delete", &raw.delete),
        };
        if owned && access.create == Rule::Public {
            self.report(
                Problem::new(
                    format!("{path}.create"),
                    "an owned resource cannot be created anonymously: who would own the row?",
                )
                .hint("write `authenticated` or a list of roles, or set `owned: false`"),
            );
        }
        // A public write on an owned resource would let anyone change every owner's rows:
        // only the owner (or an admin role) may act on a row.
        for (action, rule) in [("update", &access.update), ("delete", &access.delete)] {
            if owned && *rule == Rule::Public {
                self.report(
                    Problem::new(
                        format!("{path}.{action}"),
                        format!("`{action}: public` would let anonymous callers {action} every owner's rows"),
                    )
                    .hint(format!("write `authenticated` (owners {action} their own rows) or a list of roles; `admin_roles` act on every row")),
                );
            }
        }
        (self.problems.len() == before).then_some(access)
    }

    /// A role as a JWT's role claim carries it: no spaces or commas.
    fn role_name(&mut self, role: &str, path: &str) {
        let ok = !role.is_empty()
            && role.len() <= 64
            && role
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c));
        if !ok {
            self.report(
                Problem::new(path, format!("`{role}` is not a role name")).hint(
                    "roles are words like `admin` or `editor`: letters, digits, `_`, `-`, `.`, `:`",
                ),
            );
        }
    }

    /// Checks a `list:` section against the fields; filtered and sorted fields get an index.
    fn list_api(&mut self, raw: &RawList, fields: &mut [Field], path: &str) -> Option<ListApi> {
        let before = self.problems.len();
        let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
        type Rule = fn(&Field) -> Result<(), &'static str>;
        let rules: [(&str, &Vec<String>, Rule); 3] = [
            ("filter", &raw.filter, |f| match f {
                f if f.ty == FieldType::Json => Err("json values have no equality"),
                f if !f.on_create() || !f.readable() => {
                    Err("clients only filter by fields they both write and read")
                }
                _ => Ok(()),
            }),
            ("sort", &raw.sort, |f| match f {
                f if f.ty == FieldType::Json => Err("json values have no order"),
                f if !f.readable() => Err("it is write-only"),
                _ => Ok(()),
            }),
            ("search", &raw.search, |f| match f {
                f if !f.is_text() => {
                    Err("search looks into text fields (`string`, `text`, `email`, `url`)")
                }
                f if !f.readable() => Err("it is write-only"),
                _ => Ok(()),
            }),
        ];
        for (key, listed, rule) in rules {
            for name in listed {
                match fields.iter().find(|f| f.name == *name) {
                    None if key == "sort" && GENERATED_SORTABLE.contains(&name.as_str()) => {}
                    None => {
                        let hint = match nearest(name, names.iter().map(String::as_str)) {
                            Some(near) => format!(
                                "did you mean `{near}`? The fields are: {}",
                                names.join(", ")
                            ),
                            None => format!("the fields are: {}", names.join(", ")),
                        };
                        self.report(
                            Problem::new(
                                format!("{path}.{key}"),
                                format!("`{name}` is not a field of this resource"),
                            )
                            .hint(hint),
                        );
                    }
                    Some(field) => {
                        if let Err(why) = rule(field) {
                            self.report(
                                Problem::new(
                                    format!("{path}.{key}"),
                                    format!("cannot {key} by `{name}`: {why}"),
                                )
                                .hint(format!("remove `{name}` from `{key}`")),
                            );
                        }
                    }
                }
            }
        }
        let mut list = ListApi {
            filter: raw.filter.clone(),
            sort: raw.sort.clone(),
            search: raw.search.clone(),
            ..ListApi::default()
        };
        if let Some(text) = &raw.default_sort {
            let mut keys = Vec::new();
            for key in text.split(',').map(str::trim) {
                let (column, descending) = match key.strip_prefix('-') {
                    Some(column) => (column, true),
                    None => (key, false),
                };
                let sortable =
                    raw.sort.iter().any(|s| s == column) || GENERATED_SORTABLE.contains(&column);
                if sortable {
                    keys.push((column.to_owned(), descending));
                } else {
                    self.report(
                        Problem::new(
                            format!("{path}.default_sort"),
                            format!("`{column}` is not in `sort`"),
                        )
                        .hint("list it in `sort`, or sort by `created_at`, `updated_at` or `id`"),
                    );
                }
            }
            list.default_sort = keys;
        }
        if let Some(size) = &raw.page_size {
            list.page_size = size.default.unwrap_or(list.page_size);
            list.max_page_size = size.max.unwrap_or(list.max_page_size.max(list.page_size));
            if list.page_size == 0
                || list.page_size > list.max_page_size
                || list.max_page_size > MAX_PAGE_SIZE
            {
                self.report(
                    Problem::new(
                        format!("{path}.page_size"),
                        format!(
                            "page size {} with a maximum of {} does not work",
                            list.page_size, list.max_page_size
                        ),
                    )
                    .hint(format!("give 1 <= default <= max <= {MAX_PAGE_SIZE}")),
                );
            }
        }
        if self.problems.len() > before {
            return None;
        }
        // Filtered and sorted columns are looked up: they get an index (unique ones have one).
        for field in fields.iter_mut() {
            if !field.unique
                && (list.filter.contains(&field.name) || list.sort.contains(&field.name))
            {
                field.index = true;
            }
        }
        Some(list)
    }

    /// Resolves `belongs_to` against the resources declared above: each relation becomes a
    /// `<parent>_id` column, first among the fields, filterable and indexed.
    fn relations(&mut self, resource: &mut Resource, node: &Value, earlier: &[Resource]) {
        let path = format!("resources.{}.belongs_to", resource.name);
        let entries: Vec<Value> = match node {
            Value::Sequence(items) => items.clone(),
            other => vec![other.clone()],
        };
        let mut columns = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let place = if entries.len() > 1 {
                format!("{path}.{i}")
            } else {
                path.clone()
            };
            let raw = match entry {
                Value::String(name) => RawRelation {
                    resource: name.clone(),
                    on_delete: None,
                    optional: None,
                    nested: None,
                },
                other => match self.node::<RawRelation>(other, RELATION_KEYS, &place) {
                    Some(raw) => raw,
                    None => continue,
                },
            };
            let Some(parent) = earlier.iter().find(|r| r.name == raw.resource) else {
                let hint = if raw.resource == resource.name {
                    "a resource cannot belong to itself yet".to_owned()
                } else {
                    format!(
                        "declare `{}` as a resource above `{}` (parents come first), or remove it from `belongs_to`",
                        raw.resource, resource.name
                    )
                };
                self.report(
                    Problem::new(
                        &place,
                        format!("`{}` is not a resource declared above", raw.resource),
                    )
                    .hint(hint),
                );
                continue;
            };
            let column = format!("{}_id", parent.name);
            if resource.fields.iter().any(|f| f.name == column)
                || columns.iter().any(|f: &Field| f.name == column)
            {
                self.report(
                    Problem::new(
                        &place,
                        format!("`{column}` is declared twice: by `belongs_to` and as a field"),
                    )
                    .hint(format!(
                        "remove the field `{column}`: `belongs_to: {}` adds it",
                        parent.name
                    )),
                );
                continue;
            }
            let constraint = format!("fk_{}_{column}_{}", resource.plural, parent.plural);
            if constraint.len() > 63 {
                self.report(
                    Problem::new(&place, format!("the foreign key `{constraint}` would be {} characters; PostgreSQL keeps 63", constraint.len()))
                        .hint("shorten the resource's plural or the parent's name"),
                );
                continue;
            }
            let on_delete = raw.on_delete.unwrap_or_default();
            if on_delete == OnDelete::SetNull && raw.optional == Some(false) {
                self.report(
                    Problem::new(&place, "`on_delete: set_null` needs an optional relation")
                        .hint("remove `optional: false`, or choose `cascade` or `restrict`"),
                );
                continue;
            }
            let nested_route = format!(
                "/api/{}/{{{}_id}}/{}",
                parent.route, parent.name, resource.route
            );
            if raw.nested == Some(true) && nested_route.len() > 70 {
                self.report(
                    Problem::new(&place, format!("the nested route `{nested_route}` is {} characters long; at most 70 fit", nested_route.len()))
                        .hint("shorten the names, or drop `nested`"),
                );
                continue;
            }
            if parent.owned && raw.nested == Some(true) && resource.access.list == Rule::Public {
                self.report(
                    Problem::new(&place, format!("the nested list checks that the caller sees the `{}`, so it cannot be public", parent.name))
                        .hint("make `list` `authenticated` or role-restricted, or drop `nested`"),
                );
                continue;
            }
            if parent.owned
                && resource
                    .access
                    .actions()
                    .iter()
                    .any(|(a, rule)| matches!(*a, "create" | "update") && **rule == Rule::Public)
            {
                self.report(
                    Problem::new(&place, format!("`{}` belongs to its owners, so creating or moving a `{}` needs a signed-in caller", parent.name, resource.name))
                        .hint("make `create` and `update` `authenticated` or role-restricted"),
                );
                continue;
            }
            columns.push(Field {
                optional: raw.optional.unwrap_or(on_delete == OnDelete::SetNull),
                index: true,
                min: Some(Bound {
                    literal: "1".into(),
                    value: 1.0,
                }),
                description: Some(format!("The {} it belongs to.", parent.label)),
                references: Some(Reference {
                    resource: parent.name.clone(),
                    class_name: parent.class_name.clone(),
                    table: parent.plural.clone(),
                    label: parent.label.clone(),
                    route: parent.route.clone(),
                    on_delete,
                    owned_parent: parent.owned,
                    nested: raw.nested.unwrap_or(false),
                }),
                ..Field::new(&column, FieldType::Int)
            });
            if !resource.list.filter.contains(&column) {
                resource.list.filter.push(column);
            }
        }
        columns.append(&mut resource.fields);
        resource.fields = columns;
    }

    /// What only shows across resources: plurals, tables and class names that collide.
    fn across_resources(&mut self, resources: &[Resource]) {
        let mut tables: BTreeMap<&str, &str> = BTreeMap::new();
        let mut classes: BTreeMap<String, String> = BTreeMap::new();
        for resource in resources {
            if let Some(other) = tables.insert(&resource.plural, &resource.name) {
                self.report(
                    Problem::new(
                        format!("resources.{}.plural", resource.name),
                        format!(
                            "`{}` and `{other}` both have the plural `{}`",
                            resource.name, resource.plural
                        ),
                    )
                    .hint("give one of them another `plural`"),
                );
            }
            let mut names = vec![resource.class_name.clone()];
            for suffix in ["Create", "Update", "Read", "Page"] {
                names.push(format!("{}{suffix}", resource.class_name));
            }
            for field in resource.fields.iter().filter(|f| f.ty == FieldType::Enum) {
                let class = field.enum_class(resource);
                if class.len() > MAX_ENUM_CLASS {
                    self.report(
                        Problem::new(
                            format!("resources.{}.fields.{}", resource.name, field.name),
                            format!("the enum class `{class}` would be {} characters long; at most {MAX_ENUM_CLASS} fit the generated code", class.len()),
                        )
                        .hint("shorten the field's or the resource's name"),
                    );
                }
                names.push(class);
            }
            for class in names {
                if let Some(other) = classes.insert(class.clone(), resource.name.clone())
                    && other != resource.name
                {
                    self.report(
                        Problem::new(
                            format!("resources.{}", resource.name),
                            format!("the Python class `{class}` would be generated for both `{other}` and `{}`", resource.name),
                        )
                        .hint("rename one of the resources or the enum field"),
                    );
                }
            }
        }
    }

    fn resource_name(&mut self, name: &str, path: &str) -> bool {
        if !is_snake_identifier(name) {
            self.report(
                Problem::new(path, format!("`{name}` is not a valid resource name"))
                    .hint("use a singular snake_case name: lowercase letters, digits and `_`, starting with a letter, e.g. `order_item`"),
            );
            return false;
        }
        if PYTHON_KEYWORDS.contains(&name) || PYTHON_BUILTINS.contains(&name) {
            self.report(
                Problem::new(path, format!("`{name}` is a Python keyword or builtin, and would break the generated code"))
                    .hint(format!("choose a more specific name, e.g. `{name}_entry`")),
            );
            return false;
        }
        if name.len() > MAX_RESOURCE_NAME {
            self.report(
                Problem::new(path, format!("`{name}` is {} characters long; resource names have at most {MAX_RESOURCE_NAME}", name.len()))
                    .hint("shorten it: table, index and class names are built from it, and databases limit their length"),
            );
            return false;
        }
        if RESERVED_RESOURCES.contains(&name) {
            self.report(
                Problem::new(
                    path,
                    format!("`{name}` is used by the generated project itself"),
                )
                .hint(format!("choose a more specific name, e.g. `{name}_entry`")),
            );
            return false;
        }
        let class = name.to_pascal_case();
        if RESERVED_CLASSES.contains(&class.as_str()) {
            self.report(
                Problem::new(
                    path,
                    format!("the class `{class}` would shadow a name the generated code imports"),
                )
                .hint(format!("choose a more specific name, e.g. `{name}_entry`")),
            );
            return false;
        }
        true
    }

    fn field_name(&mut self, name: &str, owned: bool, path: &str) -> bool {
        let problem = if !is_snake_identifier(name) {
            Some(
                Problem::new(path, format!("`{name}` is not a valid field name")).hint(
                    "use snake_case: lowercase letters, digits and `_`, starting with a letter",
                ),
            )
        } else if name.len() > MAX_FIELD_NAME {
            Some(
                Problem::new(path, format!("`{name}` is {} characters long; field names have at most {MAX_FIELD_NAME}", name.len()))
                    .hint("shorten it: index and constraint names are built from it, and databases limit their length"),
            )
        } else if PYTHON_KEYWORDS.contains(&name) {
            Some(
                Problem::new(path, format!("`{name}` is a Python keyword")).hint(format!(
                    "rename it, e.g. `{name}_`, or something more specific"
                )),
            )
        } else if PYTHON_TYPE_NAMES.contains(&name) {
            Some(
                Problem::new(
                    path,
                    format!("`{name}` would shadow the Python type `{name}` in the model class"),
                )
                .hint(format!(
                    "rename it to say what it holds, e.g. `{name}_value` or `due_{name}`"
                )),
            )
        } else if name.starts_with("model_") || PYDANTIC_RESERVED.contains(&name) {
            Some(
                Problem::new(path, format!("`{name}` is reserved by Pydantic/SQLModel")).hint(
                    "Pydantic keeps `model_*` and its own methods for itself; rename the field",
                ),
            )
        } else if GENERATED_COLUMNS.contains(&name) || (owned && name == "user_id") {
            let hint = if name == "user_id" {
                "owned resources get `user_id` automatically: remove the field, or set `owned: false`"
            } else {
                "every table gets `id`, `created_at` and `updated_at` automatically: remove the field"
            };
            Some(
                Problem::new(path, format!("`{name}` collides with a generated column")).hint(hint),
            )
        } else {
            None
        };
        match problem {
            Some(problem) => {
                self.report(problem);
                false
            }
            None => true,
        }
    }

    fn field(&mut self, name: &str, raw: &RawField, path: &str) -> Option<Field> {
        let Some(ty) = FieldType::parse(&raw.kind) else {
            let names = FieldType::names();
            let hint = match nearest(&raw.kind, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? Types are: {}", names.join(", ")),
                None => format!("types are: {}", names.join(", ")),
            };
            self.report(
                Problem::new(
                    format!("{path}.type"),
                    format!("unknown type `{}`", raw.kind),
                )
                .hint(hint),
            );
            return None;
        };
        let before = self.problems.len();
        let only_for = |key: &str, types: &str| {
            Problem::new(
                format!("{path}.{key}"),
                format!("`{key}` does not apply to `{}` fields", ty.name()),
            )
            .hint(format!("`{key}` applies to {types}; remove it"))
        };
        let max_length = match (&raw.max_length, ty) {
            (Some(v), FieldType::Text) => {
                self.count(v, &format!("{path}.max_length"), 1, MAX_TEXT_LENGTH)
            }
            (Some(v), FieldType::String | FieldType::Email | FieldType::Url) => {
                self.count(v, &format!("{path}.max_length"), 1, 65_535)
            }
            (None, FieldType::String) => Some(255),
            // A cap, so one row (and so one page of rows) has a bounded size.
            (None, FieldType::Text) => Some(DEFAULT_TEXT_MAX_LENGTH),
            // The longest address RFC 5321 allows, and the longest URL browsers take.
            (None, FieldType::Email) => Some(EMAIL_MAX_LENGTH),
            (None, FieldType::Url) => Some(URL_MAX_LENGTH),
            (Some(_), _) => {
                self.report(only_for(
                    "max_length",
                    "text fields (`string`, `text`, `email`, `url`)",
                ));
                None
            }
            (None, _) => None,
        };
        let json_limit =
            |this: &mut Self, raw: &Option<Value>, key: &str, (low, high, default)| match (raw, ty)
            {
                (Some(v), FieldType::Json) => this.count(v, &format!("{path}.{key}"), low, high),
                (None, FieldType::Json) => Some(default),
                (Some(_), _) => {
                    this.report(only_for(key, "`json` fields"));
                    None
                }
                (None, _) => None,
            };
        let max_depth = json_limit(self, &raw.max_depth, "max_depth", JSON_DEPTH);
        let max_bytes = json_limit(self, &raw.max_bytes, "max_bytes", JSON_BYTES);
        let (precision, scale) = match ty {
            FieldType::Decimal => {
                let precision = match &raw.precision {
                    Some(v) => self.count(v, &format!("{path}.precision"), 1, 38),
                    None => Some(10),
                };
                let scale = match &raw.scale {
                    Some(v) => self.count(v, &format!("{path}.scale"), 0, 38),
                    None => Some(2),
                };
                if let (Some(p), Some(s)) = (precision, scale)
                    && s > p
                {
                    self.report(
                        Problem::new(format!("{path}.scale"), format!("scale {s} is larger than precision {p}"))
                            .hint("scale counts the digits after the point, out of precision digits in all"),
                    );
                }
                (precision, scale)
            }
            _ => {
                for (key, value) in [("precision", &raw.precision), ("scale", &raw.scale)] {
                    if value.is_some() {
                        self.report(only_for(key, "`decimal` fields"));
                    }
                }
                (None, None)
            }
        };
        let values = match (&raw.values, ty) {
            (Some(values), FieldType::Enum) => self.enum_values(values, &format!("{path}.values")),
            (None, FieldType::Enum) => {
                self.report(
                    Problem::new(format!("{path}.values"), "an enum needs its `values`")
                        .hint("e.g. `values: [low, medium, high]`"),
                );
                Vec::new()
            }
            (Some(_), _) => {
                self.report(only_for("values", "`enum` fields"));
                Vec::new()
            }
            (None, _) => Vec::new(),
        };
        if raw.unique == Some(true) && matches!(ty, FieldType::Bool | FieldType::Enum) {
            self.report(
                Problem::new(
                    format!("{path}.unique"),
                    format!(
                        "a unique `{}` column could hold only as many rows as it has values",
                        ty.name()
                    ),
                )
                .hint("did you mean `index: true`?"),
            );
        }
        if ty == FieldType::Json && (raw.unique == Some(true) || raw.index == Some(true)) {
            self.report(
                Problem::new(path, "a `json` field cannot be `unique` or `index`ed")
                    .hint("index a field of its own type instead"),
            );
        }
        let mut field = Field {
            optional: raw.optional.unwrap_or(false),
            unique: raw.unique.unwrap_or(false),
            index: raw.index.unwrap_or(false),
            max_length,
            max_depth,
            max_bytes,
            precision,
            scale,
            values,
            read_only: raw.read_only.unwrap_or(false),
            write_only: raw.write_only.unwrap_or(false),
            immutable: raw.immutable.unwrap_or(false),
            ..Field::new(name, ty)
        };
        self.constraints(&mut field, raw, path);
        if let Some(default) = &raw.default
            && self.problems.len() == before
        {
            field.default = self.default(&field, default, &format!("{path}.default"));
            self.default_in_range(&field, &format!("{path}.default"));
        }
        if field.read_only
            && field.default.is_none()
            && !field.optional
            && self.problems.len() == before
        {
            self.report(
                Problem::new(
                    format!("{path}.read_only"),
                    "a read-only field needs a `default` or `optional: true`",
                )
                .hint("clients never send it, so a new row must get its value some other way"),
            );
        }
        (self.problems.len() == before).then_some(field)
    }

    /// Lengths, bounds, pattern, example, description and access flags.
    fn constraints(&mut self, field: &mut Field, raw: &RawField, path: &str) {
        let ty = field.ty;
        let only_for = |key: &str, types: &str| {
            Problem::new(
                format!("{path}.{key}"),
                format!("`{key}` does not apply to `{}` fields", ty.name()),
            )
            .hint(format!("`{key}` applies to {types}; remove it"))
        };
        if let Some(v) = &raw.min_length {
            if field.is_text() {
                field.min_length = self.count(v, &format!("{path}.min_length"), 0, 65_535);
                if let (Some(min), Some(max)) = (field.min_length, field.max_length)
                    && min > max
                {
                    self.report(
                        Problem::new(
                            format!("{path}.min_length"),
                            format!("min_length {min} is larger than max_length {max}"),
                        )
                        .hint("lower min_length or raise max_length"),
                    );
                }
            } else {
                self.report(only_for(
                    "min_length",
                    "text fields (`string`, `text`, `email`, `url`)",
                ));
            }
        }
        for (key, raw_bound) in [("min", &raw.min), ("max", &raw.max)] {
            let Some(value) = raw_bound else { continue };
            if !field.is_number() {
                self.report(only_for(
                    key,
                    "numbers (`int`, `bigint`, `float`, `decimal`)",
                ));
                continue;
            }
            let bound = self.bound(field, value, &format!("{path}.{key}"));
            if key == "min" {
                field.min = bound
            } else {
                field.max = bound
            }
        }
        if let (Some(min), Some(max)) = (&field.min, &field.max)
            && min.value > max.value
        {
            self.report(
                Problem::new(
                    format!("{path}.min"),
                    format!("min {} is larger than max {}", min.literal, max.literal),
                )
                .hint("swap them"),
            );
        }
        if let Some(pattern) = &raw.pattern {
            if !matches!(ty, FieldType::String | FieldType::Text) {
                self.report(only_for("pattern", "`string` and `text` fields"));
            } else if let Err(err) = regex::Regex::new(pattern) {
                self.report(
                    Problem::new(format!("{path}.pattern"), format!("`{pattern}` is not a valid pattern: {}", last_line(&err.to_string())))
                        .hint("Pydantic checks patterns with Rust's regex syntax: no look-around, no back-references"),
                );
            } else {
                field.pattern = Some(pattern.clone());
            }
        }
        if let Some(example) = &raw.example {
            if !field.is_text() {
                self.report(only_for(
                    "example",
                    "text fields (`string`, `text`, `email`, `url`)",
                ));
            } else {
                field.example = Some(example.clone());
                if let Some(problem) = text_problem(field, example) {
                    self.report(
                        Problem::new(
                            format!("{path}.example"),
                            format!("the example `{example}` {problem}"),
                        )
                        .hint("give an example the field accepts"),
                    );
                }
            }
        }
        if field.unique
            && field.pattern.is_some()
            && let Some(example) = &field.example
        {
            // The tests tell unique rows apart by the example's last character.
            let stem: String = example
                .chars()
                .take(example.chars().count().saturating_sub(1))
                .collect();
            if (0..6).any(|n| text_problem(field, &format!("{stem}{n}")).is_some()) {
                self.report(
                    Problem::new(format!("{path}.example"), format!("`{example}` must stay valid with its last character replaced by a digit 0-5"))
                        .hint("for a unique field with a pattern, end the example with a digit the pattern allows anywhere, e.g. `ABC-1234`"),
                );
            }
        }
        if field.pattern.is_some() && field.example.is_none() {
            self.report(
                Problem::new(format!("{path}.example"), "a field with a `pattern` needs an `example`")
                    .hint("give a value that matches the pattern; the docs show it and the generated tests send it"),
            );
        }
        if let Some(description) = &raw.description {
            if description.contains('\n') || description.chars().count() > MAX_DESCRIPTION {
                self.report(
                    Problem::new(format!("{path}.description"), format!("a description is one line of at most {MAX_DESCRIPTION} characters"))
                        .hint("keep it short: it becomes the field's one-line description in the API docs"),
                );
            } else {
                field.description = Some(description.clone());
            }
        }
        let flags = [
            ("read_only", field.read_only),
            ("write_only", field.write_only),
            ("immutable", field.immutable),
        ];
        let set: Vec<&str> = flags
            .iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| *k)
            .collect();
        if field.read_only && set.len() > 1 {
            self.report(
                Problem::new(
                    path,
                    format!("`{}` cannot be combined", set.join("` and `")),
                )
                .hint("read_only fields are never written; choose one"),
            );
        }
    }

    /// A number's default must fit its column and its own bounds.
    fn default_in_range(&mut self, field: &Field, path: &str) {
        let value = match &field.default {
            Some(DefaultValue::Int(n)) => *n as f64,
            Some(DefaultValue::Float(x)) => *x,
            Some(DefaultValue::Decimal(text)) => text.parse::<f64>().unwrap_or_default(),
            _ => return,
        };
        if let Some(DefaultValue::Int(n)) = &field.default
            && field.ty == FieldType::Int
            && i32::try_from(*n).is_err()
        {
            self.report(
                Problem::new(
                    path,
                    format!("default {n} does not fit an `int` column (32 bits)"),
                )
                .hint("use `bigint` for larger numbers"),
            );
            return;
        }
        if let Some(DefaultValue::Int(n)) = &field.default
            && field.ty == FieldType::Bigint
            && n.unsigned_abs() > (1 << 53) - 1
        {
            self.report(
                Problem::new(
                    path,
                    format!("default {n} is beyond what a `bigint` field takes"),
                )
                .hint("the API takes integers up to 2^53 - 1 (JavaScript's safe integers)"),
            );
            return;
        }
        let below = field.min.as_ref().filter(|min| value < min.value);
        let above = field.max.as_ref().filter(|max| value > max.value);
        if let Some(bound) = below.or(above) {
            let side = if below.is_some() {
                "below min"
            } else {
                "above max"
            };
            self.report(
                Problem::new(path, format!("the default is {side} {}", bound.literal))
                    .hint("give a default within `min` and `max`"),
            );
        }
    }

    /// A `min` or `max`, checked against the field's type.
    fn bound(&mut self, field: &Field, value: &Value, path: &str) -> Option<Bound> {
        let number = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if field.ty == FieldType::Decimal => {
                decimal_digits(s).and_then(|_| s.parse::<f64>().ok())
            }
            _ => None,
        };
        let Some(number) = number else {
            return self.reject(
                Problem::new(path, format!("{} is not a number", show(value)))
                    .hint("give a number, e.g. `0`"),
            );
        };
        let whole = matches!(field.ty, FieldType::Int | FieldType::Bigint);
        if whole && value.as_i64().is_none() {
            return self.reject(
                Problem::new(path, format!("{} is not a whole number", show(value)))
                    .hint("give a whole number, e.g. `0`"),
            );
        }
        let range = match field.ty {
            FieldType::Int => Some((-(2f64.powi(31)), 2f64.powi(31) - 1.0)),
            // JavaScript's safe integers: what a TypeScript client and the OpenAPI
            // document (whose numbers FastAPI writes as doubles) hold exactly.
            FieldType::Bigint => Some((-(2f64.powi(53) - 1.0), 2f64.powi(53) - 1.0)),
            _ => None,
        };
        if let Some((low, high)) = range
            && !(low..=high).contains(&number)
        {
            return self.reject(
                if field.ty == FieldType::Int {
                    Problem::new(path, format!("{} does not fit an `int` column", show(value)))
                        .hint("use `bigint` for values beyond 32 bits")
                } else {
                    Problem::new(path, format!("{} is beyond what a `bigint` field takes", show(value)))
                        .hint("the API takes integers up to 2^53 - 1 either way (JavaScript's safe integers, which TypeScript clients hold exactly)")
                },
            );
        }
        let literal = match value {
            Value::String(s) => format!("Decimal({})", crate::python::string(s)),
            Value::Number(n) if field.ty == FieldType::Float && n.as_i64().is_some() => {
                format!("{n}.0")
            }
            Value::Number(n) => n.to_string(),
            _ => unreachable!("checked above"),
        };
        let literal = if field.ty == FieldType::Decimal && !literal.starts_with("Decimal") {
            format!("Decimal({})", crate::python::string(&literal))
        } else {
            literal
        };
        Some(Bound {
            literal,
            value: number,
        })
    }

    fn enum_values(&mut self, values: &[String], path: &str) -> Vec<String> {
        if values.is_empty() {
            self.report(
                Problem::new(path, "an enum needs at least one value")
                    .hint("e.g. `values: [open, closed]`"),
            );
        }
        let mut seen = HashSet::new();
        for value in values {
            if !is_snake_identifier(value) {
                self.report(
                    Problem::new(path, format!("`{value}` is not a valid enum value")).hint(
                        "use snake_case words, e.g. `in_progress`; they become the API's values",
                    ),
                );
            } else if !seen.insert(value.as_str()) {
                self.report(
                    Problem::new(path, format!("`{value}` is listed twice"))
                        .hint("remove the duplicate"),
                );
            }
        }
        values.to_vec()
    }

    fn default(&mut self, field: &Field, value: &Value, path: &str) -> Option<DefaultValue> {
        let mismatch = |expected: &str| {
            Problem::new(
                path,
                format!(
                    "default {} does not fit a `{}` field",
                    show(value),
                    field.ty.name()
                ),
            )
            .hint(format!("give {expected}"))
        };
        let default = match (field.ty, value) {
            (_, Value::Null) => {
                let problem =
                    Problem::new(path, "a default of null is what `optional: true` means")
                        .hint("remove `default` and set `optional: true`");
                self.report(problem);
                return None;
            }
            (FieldType::Bool, Value::Bool(b)) => DefaultValue::Bool(*b),
            (FieldType::Bool, _) => return self.reject(mismatch("`true` or `false`")),
            (FieldType::Int | FieldType::Bigint, Value::Number(n)) if n.as_i64().is_some() => {
                DefaultValue::Int(n.as_i64().unwrap_or_default())
            }
            (FieldType::Int | FieldType::Bigint, _) => {
                return self.reject(mismatch("a whole number, e.g. `0`"));
            }
            (FieldType::Float, Value::Number(n)) if !n.as_f64().is_some_and(f64::is_finite) => {
                return self.reject(mismatch("a finite number, e.g. `0.5`"));
            }
            (FieldType::Float, Value::Number(n)) => {
                DefaultValue::Float(n.as_f64().unwrap_or_default())
            }
            (FieldType::Float, _) => return self.reject(mismatch("a number, e.g. `0.5`")),
            (FieldType::Decimal, Value::Number(_) | Value::String(_)) => {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => show(other),
                };
                match decimal_digits(&text) {
                    Some((whole, fraction))
                        if fraction <= field.scale.unwrap_or(0)
                            && whole <= field.precision.unwrap_or(0) - field.scale.unwrap_or(0) =>
                    {
                        DefaultValue::Decimal(text)
                    }
                    Some(_) => {
                        return self.reject(
                            Problem::new(
                                path,
                                format!(
                                    "default {text} does not fit decimal({}, {})",
                                    field.precision.unwrap_or(0),
                                    field.scale.unwrap_or(0)
                                ),
                            )
                            .hint("use fewer digits, or raise `precision`/`scale`"),
                        );
                    }
                    None => return self.reject(mismatch("a decimal number, e.g. `\"9.99\"`")),
                }
            }
            (FieldType::Decimal, _) => {
                return self.reject(mismatch("a decimal number, e.g. `\"9.99\"`"));
            }
            (
                FieldType::String | FieldType::Text | FieldType::Email | FieldType::Url,
                Value::String(s),
            ) => {
                if let Some(problem) = text_problem(field, s) {
                    return self.reject(
                        Problem::new(path, format!("the default `{s}` {problem}"))
                            .hint("give a default the field accepts"),
                    );
                }
                if s.chars().count() > MAX_TEXT_DEFAULT {
                    return self.reject(
                        Problem::new(path, format!("default is {} characters long; text defaults have at most {MAX_TEXT_DEFAULT}", s.chars().count()))
                            .hint("keep defaults short; longer text belongs in the data, not the schema"),
                    );
                }
                DefaultValue::Str(s.clone())
            }
            (FieldType::String | FieldType::Text | FieldType::Email | FieldType::Url, _) => {
                return self.reject(mismatch("text, in quotes"));
            }
            (FieldType::Enum, Value::String(s)) if field.values.contains(s) => {
                DefaultValue::Enum(s.clone())
            }
            (FieldType::Enum, _) => {
                let hint = match value
                    .as_str()
                    .and_then(|s| nearest(s, field.values.iter().map(String::as_str)))
                {
                    Some(near) => format!(
                        "did you mean `{near}`? The values are: {}",
                        field.values.join(", ")
                    ),
                    None => format!("the values are: {}", field.values.join(", ")),
                };
                return self.reject(
                    Problem::new(
                        path,
                        format!("default {} is not one of the enum's values", show(value)),
                    )
                    .hint(hint),
                );
            }
            (FieldType::Date, Value::String(s)) if is_iso_date(s) => DefaultValue::Date(s.clone()),
            (FieldType::Date, _) => {
                return self.reject(mismatch("a date as `YYYY-MM-DD`, in quotes"));
            }
            (FieldType::Time, Value::String(s)) if is_iso_time(s) => DefaultValue::Time(s.clone()),
            (FieldType::Time, _) => {
                return self.reject(mismatch(
                    "a time of day as `HH:MM` or `HH:MM:SS`, in quotes",
                ));
            }
            (FieldType::Datetime | FieldType::Uuid | FieldType::Json, _) => {
                return self.reject(
                    Problem::new(
                        path,
                        format!("`{}` fields take no default", field.ty.name()),
                    )
                    .hint("make the field `optional: true`, or let the client send it"),
                );
            }
        };
        Some(default)
    }

    fn reject<T>(&mut self, problem: Problem) -> Option<T> {
        self.report(problem);
        None
    }

    /// A whole number in `min..=max`.
    fn count(&mut self, value: &Value, path: &str, min: u32, max: u32) -> Option<u32> {
        let message = match value.as_i64() {
            Some(n) if n >= i64::from(min) && n <= i64::from(max) => return u32::try_from(n).ok(),
            Some(_) => format!("{} is out of range", show(value)),
            None if value.is_string() => format!("{} is text, not a number", show(value)),
            None => format!("{} is not a whole number", show(value)),
        };
        self.reject(
            Problem::new(path, message).hint(format!("give a whole number from {min} to {max}")),
        )
    }

    fn mapping<'a>(&mut self, node: &'a Value, path: &str) -> Option<&'a Mapping> {
        match node {
            Value::Mapping(map) => Some(map),
            other => {
                let place = if path.is_empty() { "the spec" } else { path };
                self.reject(
                    Problem::new(
                        path,
                        format!("{place} must be a mapping, found {}", kind_of(other)),
                    )
                    .hint("write `key: value` pairs, indented under it"),
                )
            }
        }
    }

    fn key_name(&mut self, key: &Value, path: &str) -> Option<String> {
        match key {
            Value::String(s) => Some(s.clone()),
            other => self.reject(
                Problem::new(path, format!("the key {} is not a name", show(other)))
                    .hint("names are snake_case words, e.g. `order_item`"),
            ),
        }
    }

    /// Reports unknown keys, each with the nearest known key.
    fn keys(&mut self, map: &Mapping, allowed: &[&str], path: &str) {
        for key in map.keys() {
            let Some(key) = key.as_str() else { continue };
            if allowed.contains(&key) {
                continue;
            }
            let place = if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            };
            let hint = match nearest(key, allowed.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the keys here are: {}", allowed.join(", ")),
            };
            self.report(Problem::new(place, format!("unknown key `{key}`")).hint(hint));
        }
    }

    /// Checks a mapping's keys, then deserializes it.
    fn node<T: DeserializeOwned>(
        &mut self,
        node: &Value,
        allowed: &[&str],
        path: &str,
    ) -> Option<T> {
        let map = self.mapping(node, path)?;
        let before = self.problems.len();
        self.keys(map, allowed, path);
        if self.problems.len() > before {
            return None;
        }
        match serde_yaml::from_value::<T>(node.clone()) {
            Ok(value) => Some(value),
            Err(err) => self.reject(
                Problem::new(path, strip_location(&err.to_string()))
                    .hint("see `backendgen schema` for what each key takes"),
            ),
        }
    }
}

/// The last non-blank line of a multi-line message (the regex crate ends with the cause).
fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim()
}

/// Why a text value does not fit its field (length, pattern, kind), if it does not.
pub fn text_problem(field: &Field, value: &str) -> Option<String> {
    let length = value.chars().count();
    if let Some(max) = field.max_length
        && length > max as usize
    {
        return Some(format!(
            "is {length} characters, longer than max_length {max}"
        ));
    }
    if let Some(min) = field.min_length
        && length < min as usize
    {
        return Some(format!(
            "is {length} characters, shorter than min_length {min}"
        ));
    }
    if let Some(pattern) = &field.pattern
        && !regex::Regex::new(pattern).is_ok_and(|re| re.is_match(value))
    {
        return Some(format!("does not match the pattern `{pattern}`"));
    }
    match field.ty {
        FieldType::Email
            if !value
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) =>
        {
            Some("is not an email address".to_owned())
        }
        FieldType::Url if !(value.starts_with("http://") || value.starts_with("https://")) => {
            Some("is not an http(s) URL".to_owned())
        }
        _ => None,
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => serde_yaml::to_string(other)
            .map(|s| format!("`{}`", s.trim_end()))
            .unwrap_or_else(|_| "the value".to_owned()),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// `[a-z][a-z0-9_]*`, with no double or trailing underscore.
pub fn is_snake_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && !name.ends_with('_')
        && !name.contains("__")
        && name.to_snake_case() == name
}

/// Digits before and after the point of a plain decimal literal (`-12.50` -> (2, 2)).
fn decimal_digits(text: &str) -> Option<(u32, u32)> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    Some((whole.len() as u32, fraction.len() as u32))
}

fn is_iso_time(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str| {
        (s.len() == 2 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match parts.as_slice() {
        [h, m] => matches!((number(h), number(m)), (Some(0..=23), Some(0..=59))),
        [h, m, sec] => matches!(
            (number(h), number(m), number(sec)),
            (Some(0..=23), Some(0..=59), Some(0..=59))
        ),
        _ => false,
    }
}

fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
}

pub const PYTHON_KEYWORDS: &[&str] = &[
    "false", "none", "true", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type",
];

/// Builtins whose shadowing breaks a module of the generated code.
const PYTHON_BUILTINS: &[&str] = &[
    "list", "dict", "set", "tuple", "str", "int", "float", "bool", "bytes", "object", "len",
    "print", "range", "id", "input", "open", "filter", "map", "min", "max", "sum", "any", "all",
    "iter", "next", "super", "property", "format", "hash", "vars", "dir", "help",
];

/// Names used as annotations inside model and schema classes: a field of that name would rebind
/// it in the class body.
const PYTHON_TYPE_NAMES: &[&str] = &[
    "str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple", "object", "date",
    "datetime", "time", "decimal", "uuid",
];

const PYDANTIC_RESERVED: &[&str] = &[
    "metadata",
    "registry",
    "dict",
    "json",
    "copy",
    "schema",
    "schema_json",
    "construct",
    "validate",
    "parse_obj",
    "parse_raw",
    "parse_file",
    "from_orm",
    "update_forward_refs",
    "fields",
];

/// Length limits: index names (`ix_<plural>_<field>`) must stay within PostgreSQL's 63
/// characters, and generated lines within ruff's 88.
const MAX_RESOURCE_NAME: usize = 24;
const MAX_PLURAL: usize = 28;
const MAX_FIELD_NAME: usize = 30;
const MAX_ENUM_CLASS: usize = 32;
const MAX_TEXT_DEFAULT: usize = 40;
const MAX_DESCRIPTION: usize = 60;
const MAX_PAGE_SIZE: u32 = 1000;

const GENERATED_COLUMNS: &[&str] = &["id", "created_at", "updated_at"];

/// Module and local names of the generated project that a resource of the same name would clash with.
const RESERVED_RESOURCES: &[&str] = &[
    "app",
    "api",
    "auth",
    "base",
    "config",
    "database",
    "db",
    "dependencies",
    "health",
    "main",
    "models",
    "page",
    "routers",
    "schemas",
    "services",
    "session",
    "settings",
    "tests",
    "types",
    "user",
    "payload",
    "response",
    "request",
    "alembic",
    "conftest",
    // Names app/main.py, the routers and the services bind themselves.
    "engine",
    "math",
    "httpx",
    "lifespan",
    "create_app",
    "health_router",
    "status",
    "jsonable_encoder",
    "request_validation_error",
    "asynccontextmanager",
    "metadata",
    "service",
    "conditions",
    "query",
];

/// Plurals whose test module (`app/tests/test_<plural>.py`) the project already has.
const RESERVED_PLURALS: &[&str] = &["auth", "config", "health", "migrations"];

/// Names imported into generated modules; a resource class must not shadow them.
const RESERVED_CLASSES: &[&str] = &[
    "Field",
    "SQLModel",
    "Session",
    "AsyncSession",
    "Depends",
    "APIRouter",
    "HTTPException",
    "Query",
    "Path",
    "Response",
    "Request",
    "Decimal",
    "UUID",
    "Annotated",
    "Any",
    "Enum",
    "StrEnum",
    "AuthUser",
    "Page",
    "UTCDateTime",
    "Settings",
    "Base",
    "Select",
    "Status",
    "Column",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<Problem> {
        validate("spec.yaml", yaml, None).unwrap_err().problems
    }

    fn one(yaml: &str) -> Problem {
        let problems = problems(yaml);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        problems.into_iter().next().unwrap()
    }

    const HEAD: &str = "project: { name: shop }\nresources:\n  item:\n    fields:\n";

    #[test]
    fn a_valid_spec_resolves_names_and_defaults() {
        let yaml = "project: { name: shop-api }\nresources:\n  order_item:\n    owned: false\n    fields:\n      title: string:max=80\n      qty: { type: int, default: 1 }\n";
        let project = validate("s", yaml, None).unwrap();
        assert_eq!(project.name, "shop_api");
        assert_eq!(project.slug, "shop-api");
        let resource = &project.resources[0];
        assert_eq!(resource.class_name, "OrderItem");
        assert_eq!(resource.plural, "order_items");
        assert_eq!(resource.route, "order-items");
        assert!(!resource.owned);
        assert_eq!(resource.fields[0].max_length, Some(80));
        assert_eq!(resource.fields[1].default, Some(DefaultValue::Int(1)));
    }

    #[test]
    fn yaml_syntax_errors_have_line_and_column() {
        let problem = one("project:\n  name: [oops\n");
        assert!(problem.message.starts_with("invalid YAML"), "{problem}");
        assert!(problem.location.is_some());
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let problem = one(&format!(
            "{HEAD}      title: {{ type: string, max_lenght: 10 }}\n"
        ));
        assert_eq!(problem.path, "resources.item.fields.title.max_lenght");
        assert_eq!(problem.hint.as_deref(), Some("did you mean `max_length`?"));
        assert_eq!(problem.location, Some((5, 30)));
    }

    #[test]
    fn unknown_types_list_the_valid_ones() {
        let problem = one(&format!("{HEAD}      title: {{ type: strnig }}\n"));
        assert_eq!(problem.path, "resources.item.fields.title.type");
        assert!(problem.hint.unwrap().starts_with("did you mean `string`?"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let yaml = format!(
            "{HEAD}      class: string\n      model_config: string\n      id: int\n      n: {{ type: int, default: abc }}\n"
        );
        let paths: Vec<String> = problems(&yaml).into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "resources.item.fields.class",
                "resources.item.fields.model_config",
                "resources.item.fields.id",
                "resources.item.fields.n.default",
            ]
        );
    }

    #[test]
    fn owned_resources_reserve_user_id() {
        let problem = one(&format!("{HEAD}      user_id: string\n"));
        assert!(problem.message.contains("generated column"));
        let shared = "project: { name: shop }\nresources:\n  item:\n    owned: false\n    fields:\n      user_id: string\n";
        assert!(validate("s", shared, None).is_ok());
    }

    #[test]
    fn resource_names_must_be_identifiers() {
        let problem =
            one("project: { name: shop }\nresources:\n  ../evil:\n    fields: { a: string }\n");
        assert!(
            problem.message.contains("not a valid resource name"),
            "{problem}"
        );
        assert!(
            one("project: { name: shop }\nresources:\n  class:\n    fields: { a: string }\n")
                .message
                .contains("keyword")
        );
        assert!(
            one("project: { name: shop }\nresources:\n  field:\n    fields: { a: string }\n")
                .message
                .contains("shadow")
        );
    }

    #[test]
    fn defaults_must_fit_their_type() {
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: enum, values: [a, b], default: c }}\n"
            ))
            .message
            .contains("not one of")
        );
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: string, max_length: 2, default: abc }}\n"
            ))
            .message
            .contains("longer")
        );
        assert!(
            one(&format!("{HEAD}      s: {{ type: bool, default: 1 }}\n"))
                .message
                .contains("does not fit")
        );
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: decimal, precision: 4, scale: 2, default: \"123.4\" }}\n"
            ))
            .message
            .contains("does not fit decimal")
        );
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: date, default: \"2024-13-01\" }}\n"
            ))
            .message
            .contains("does not fit")
        );
        assert!(
            validate(
                "s",
                &format!("{HEAD}      s: {{ type: decimal, default: \"12.50\" }}\n"),
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn lengths_must_be_positive() {
        let problem = one(&format!(
            "{HEAD}      s: {{ type: string, max_length: -5 }}\n"
        ));
        assert_eq!(problem.path, "resources.item.fields.s.max_length");
        assert!(problem.hint.unwrap().contains("from 1 to"));
    }

    #[test]
    fn modifiers_belong_to_their_types() {
        let problem = one(&format!("{HEAD}      s: {{ type: int, max_length: 5 }}\n"));
        assert!(problem.message.contains("does not apply"));
    }

    #[test]
    fn colliding_plurals_are_reported() {
        let yaml = "project: { name: shop }\nresources:\n  person:\n    fields: { a: string }\n  human:\n    plural: people\n    fields: { a: string }\n";
        assert!(one(yaml).message.contains("both have the plural"));
    }

    #[test]
    fn the_command_line_name_wins() {
        let project = validate("s", &format!("{HEAD}      s: string\n"), Some("other")).unwrap();
        assert_eq!(project.name, "other");
    }

    #[test]
    fn constraints_are_checked_against_each_other_and_their_types() {
        let cases = [
            (
                "s: { type: string, min_length: 5, max_length: 3 }",
                "min_length 5 is larger than max_length 3",
            ),
            (
                "s: { type: int, min: 5, max: 3 }",
                "min 5 is larger than max 3",
            ),
            (
                "s: { type: int, max: 3000000000 }",
                "does not fit an `int` column",
            ),
            ("s: { type: int, min: 1.5 }", "is not a whole number"),
            (
                "s: { type: bool, min: 1 }",
                "`min` does not apply to `bool` fields",
            ),
            (
                "s: { type: string, pattern: \"(\" , example: x }",
                "is not a valid pattern",
            ),
            (
                "s: { type: string, pattern: \"^a+$\" }",
                "needs an `example`",
            ),
            (
                "s: { type: string, pattern: \"^a+$\", example: b }",
                "does not match the pattern",
            ),
            (
                "s: { type: int, read_only: true }",
                "needs a `default` or `optional: true`",
            ),
            (
                "s: { type: int, default: 0, read_only: true, write_only: true }",
                "cannot be combined",
            ),
            ("s: { type: json, unique: true }", "cannot be `unique`"),
            ("s: { type: json, default: x }", "take no default"),
            (
                "s: { type: time, default: \"25:00\" }",
                "does not fit a `time` field",
            ),
            (
                "s: { type: email, default: nobody }",
                "is not an email address",
            ),
            ("s: { type: string, description: \"a\\nb\" }", "one line"),
            (
                "s: { type: string, max_length: 8, unique: true, pattern: \"^[A-Z]+$\", example: ABC }",
                "replaced by a digit",
            ),
        ];
        for (field, expected) in cases {
            let problem = one(&format!("{HEAD}      {field}\n"));
            assert!(problem.to_string().contains(expected), "{field}: {problem}");
        }
    }

    #[test]
    fn every_new_type_and_modifier_validates() {
        let yaml = format!(
            "{HEAD}      a: bigint:min=0\n      b: time=09:30\n      c: email:optional\n      d: url:optional\n      e: json:optional\n      f: {{ type: string, pattern: \"^[A-Z]{{3}}-[0-9]{{4}}$\", example: ABC-1234, unique: true }}\n      g: {{ type: int, default: 0, read_only: true }}\n      h: string:write_only:optional\n      i: string:immutable:min=2:max=4\n      j: {{ type: decimal, min: \"0.50\", max: 10, description: Price in euros }}\n"
        );
        let project = validate("s", &yaml, None).unwrap_or_else(|e| panic!("{e}"));
        let fields = &project.resources[0].fields;
        assert_eq!(fields[1].default, Some(DefaultValue::Time("09:30".into())));
        assert!(fields[6].read_only && fields[7].write_only && fields[8].immutable);
        assert_eq!(
            (fields[8].min_length, fields[8].max_length),
            (Some(2), Some(4))
        );
        assert_eq!(fields[9].min.as_ref().unwrap().literal, "Decimal(\"0.50\")");
        assert_eq!(fields[9].max.as_ref().unwrap().literal, "Decimal(\"10\")");
    }

    #[test]
    fn the_list_api_is_checked_against_the_fields() {
        let fields = "      title: string\n      body: text:write_only:optional\n      meta: json:optional\n      n: int=0\n";
        let cases = [
            ("filter: [titel]", "did you mean `title`?"),
            (
                "filter: [meta]",
                "cannot filter by `meta`: json values have no equality",
            ),
            ("sort: [body]", "cannot sort by `body`: it is write-only"),
            (
                "search: [n]",
                "cannot search by `n`: search looks into text fields",
            ),
            (
                "sort: [title]\n      default_sort: -n",
                "`n` is not in `sort`",
            ),
            (
                "page_size: { default: 50, max: 10 }",
                "page size 50 with a maximum of 10",
            ),
            ("filtre: [title]", "did you mean `filter`?"),
        ];
        for (list, expected) in cases {
            let yaml = format!("{HEAD}{fields}    list:\n      {list}\n");
            let problem = one(&yaml);
            assert!(problem.to_string().contains(expected), "{list}: {problem}");
        }
        let yaml = format!(
            "{HEAD}{fields}    list:\n      filter: [n]\n      sort: [title, created_at]\n      default_sort: title,-id\n"
        );
        let project = validate("s", &yaml, None).unwrap();
        let resource = &project.resources[0];
        assert_eq!(
            resource.list.default_sort,
            [("title".to_owned(), false), ("id".to_owned(), true)]
        );
        assert!(
            resource.fields[0].index && resource.fields[3].index,
            "filtered and sorted fields are indexed"
        );
    }

    /// Specs that once passed validation and then rendered a broken project.
    #[test]
    fn regressions_that_rendered_broken_projects() {
        let cases = [
            (
                "project: { name: x }\nresources:\n  task:\n    fields: {}\n",
                "the resource has no fields",
            ),
            (
                &format!("{HEAD}      f: {{ type: float, default: .nan }}\n"),
                "a finite number",
            ),
            (
                &format!("{HEAD}      d: {{ type: date, default: \"2026-02-30\" }}\n"),
                "does not fit a `date` field",
            ),
            (
                &format!("{HEAD}      n: {{ type: int, default: 2147483648 }}\n"),
                "does not fit an `int` column",
            ),
            (
                &format!("{HEAD}      n: {{ type: int, default: 5, min: 10 }}\n"),
                "below min 10",
            ),
            (
                "project: { name: x }\nresources:\n  engine:\n    fields: { a: string }\n",
                "used by the generated project",
            ),
            (
                "project: { name: x }\nresources:\n  migration:\n    fields: { a: string }\n",
                "test_migrations.py",
            ),
            (
                "project: { name: x }\nresources:\n  thing:\n    plural: health\n    fields: { a: string }\n",
                "test_health.py",
            ),
            (
                "project: { name: x, orm: sqlalchemy }\nresources:\n  t:\n    fields: { a: string }\n",
                "not supported yet",
            ),
            (
                "project: { name: x, mode: sync }\nresources:\n  t:\n    fields: { a: string }\n",
                "not supported yet",
            ),
            (
                "project: { name: x, description: \"a\\nb\" }\nresources:\n  t:\n    fields: { a: string }\n",
                "one line",
            ),
        ];
        for (yaml, expected) in cases {
            let problems = problems(yaml);
            assert!(
                problems.iter().any(|p| p.to_string().contains(expected)),
                "{yaml}: {problems:#?}"
            );
        }
        assert!(
            is_iso_date("2024-02-29") && !is_iso_date("2023-02-29") && !is_iso_date("2026-04-31")
        );
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert!(
            validate(
                "s",
                "\u{feff}project: { name: x }\nresources:\n  t:\n    fields: { a: string }\n",
                None
            )
            .is_ok()
        );
    }

    #[test]
    fn access_rules_are_checked() {
        let head = "project: { name: x }\nresources:\n  doc:\n    fields: { a: string }\n";
        let cases = [
            (
                "    access: { get: everyone }\n",
                "`everyone` is not an access rule",
            ),
            ("    access: { delete: [] }\n", "lets nobody in"),
            (
                "    access: { create: public }\n",
                "cannot be created anonymously",
            ),
            (
                "    access: { update: public }\n",
                "would let anonymous callers update every owner's rows",
            ),
            (
                "    access: { delete: public }\n",
                "would let anonymous callers delete every owner's rows",
            ),
            (
                "    access: { update: [\"super user\"] }\n",
                "is not a role name",
            ),
            ("    access: { remove: [admin] }\n", "unknown key `remove`"),
            (
                "    owned: false\n    admin_roles: [admin]\n",
                "applies to owned resources",
            ),
        ];
        for (extra, expected) in cases {
            let problems = problems(&format!("{head}{extra}"));
            assert!(
                problems.iter().any(|p| p.to_string().contains(expected)),
                "{extra}: {problems:#?}"
            );
        }
        let project = validate(
            "s",
            &format!("{head}    access: {{ list: public, update: [editor, admin] }}\n    admin_roles: [admin]\n"),
            None,
        )
        .unwrap();
        let resource = &project.resources[0];
        assert_eq!(resource.access.list, Rule::Public);
        assert_eq!(resource.access.get, Rule::Authenticated);
        assert_eq!(
            resource.access.update,
            Rule::Roles(vec!["editor".into(), "admin".into()])
        );
        assert_eq!(resource.admin_roles, ["admin"]);
    }

    #[test]
    fn relations_are_checked_against_the_resources_above() {
        let head = "project: { name: x }\nresources:\n  project:\n    fields: { name: string }\n  task:\n    fields: { title: string }\n";
        let cases = [
            (
                "    belongs_to: projct\n",
                "`projct` is not a resource declared above",
            ),
            ("    belongs_to: task\n", "cannot belong to itself"),
            (
                "    belongs_to: { resource: project, on_delete: set_null, optional: false }\n",
                "needs an optional relation",
            ),
            (
                "    belongs_to: { resource: project, on_delete: explode }\n",
                "unknown variant",
            ),
            (
                "    belongs_to: { resource: project, cascade: true }\n",
                "unknown key `cascade`",
            ),
        ];
        for (extra, expected) in cases {
            let problems = problems(&format!("{head}{extra}"));
            assert!(
                problems.iter().any(|p| p.to_string().contains(expected)),
                "{extra}: {problems:#?}"
            );
        }
        let public_nested = format!(
            "{head}    access: {{ list: public }}\n    belongs_to: {{ resource: project, nested: true }}\n"
        );
        assert!(one(&public_nested).message.contains("cannot be public"));
        let twice = "project: { name: x }\nresources:\n  project:\n    fields: { name: string }\n  task:\n    belongs_to: project\n    fields: { project_id: int }\n";
        assert!(one(twice).message.contains("declared twice"));
        let later = "project: { name: x }\nresources:\n  task:\n    belongs_to: project\n    fields: { title: string }\n  project:\n    fields: { name: string }\n";
        assert!(one(later).hint.unwrap().contains("parents come first"));
        let project = validate(
            "s",
            &format!("{head}    belongs_to: [{{ resource: project, on_delete: set_null }}]\n"),
            None,
        )
        .unwrap();
        let column = &project.resources[1].fields[0];
        assert_eq!(column.name, "project_id");
        assert!(column.optional && column.index);
        assert_eq!(
            column.references.as_ref().unwrap().on_delete,
            OnDelete::SetNull
        );
        assert!(
            project.resources[1]
                .list
                .filter
                .contains(&"project_id".to_owned())
        );
    }

    #[test]
    fn names_have_length_limits() {
        let long = "a".repeat(25);
        assert!(
            one(&format!(
                "project: {{ name: shop }}\nresources:\n  {long}:\n    fields: {{ a: string }}\n"
            ))
            .message
            .contains("at most 24")
        );
        assert!(
            one(&format!("{HEAD}      {}: string\n", "b".repeat(31)))
                .message
                .contains("at most 30")
        );
        let enum_field = format!("{HEAD}      {}: enum(a,b)\n", "c".repeat(30));
        assert!(one(&enum_field).message.contains("enum class"));
    }

    #[test]
    fn snake_identifiers() {
        assert!(is_snake_identifier("order_item2"));
        for bad in ["", "Order", "_x", "x_", "a__b", "a-b", "../evil", "1a"] {
            assert!(!is_snake_identifier(bad), "{bad}");
        }
    }
}
