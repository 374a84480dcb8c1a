//! From spec text to the validated `model`, reporting every problem at once.
//!
//! The YAML is read into a generic tree first and checked node by node, so one unknown key does
//! not hide the problems after it. Each node is then deserialized into its `spec` struct and
//! resolved (names inflected, defaults checked against their types) into the `model`.
//!
//! This file holds the entry point and the walk over the whole spec (project, resources, what
//! shows only across resources); the checks live beside it by concern: `resource` (one
//! resource), `names`, `fields` (types and constraints), `values` (defaults and bounds), `list`,
//! `access`, `relations`, `renames`, and the YAML plumbing in `nodes`.

mod access;
mod fields;
mod indexes;
mod list;
mod names;
mod nodes;
mod relations;
mod renames;
mod resource;
mod values;

use std::collections::BTreeMap;

use serde_yaml::Value;

pub use fields::text_problem;
pub use names::{
    PROJECT_PACKAGES, PYTHON_KEYWORDS, field_name_schema, is_snake_identifier, project_name_schema,
    renamed_from_pattern, resource_name_schema,
};

use crate::model::{FieldType, Project, Resource};
use crate::problem::{Problem, Problems};
use crate::spec::{
    AUTH_KEYS, DefaultAccess, Mode, Orm, PROJECT_KEYS, RawAuth, RawProject, SPEC_KEYS,
};
use names::api_title;
use nodes::strip_location;

/// Parses and validates a spec. `source` names the file in messages; `name` (from the command
/// line) replaces the spec's project name.
pub fn validate(source: &str, text: &str, name: Option<&str>) -> Result<Project, Problems> {
    let mut v = Validator {
        problems: Vec::new(),
        default_access: DefaultAccess::default(),
    };
    // Editors on Windows may start a file with a byte order mark; YAML does not want it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let project = match serde_yaml::from_str::<Value>(text) {
        Ok(root) => v.spec(&root, name),
        Err(err) => {
            v.problems.push(yaml_syntax_problem(text, &err));
            None
        }
    };
    match project {
        Some(project) if v.problems.is_empty() => Ok(project),
        _ => Err(Problems::located(source, text, v.problems)),
    }
}

/// The problem of `text` that YAML cannot read, at its line and column.
fn yaml_syntax_problem(text: &str, err: &serde_yaml::Error) -> Problem {
    let message = strip_location(&err.to_string());
    if let Some(problem) = repeated_key_problem(text, &message) {
        return problem;
    }
    let mut problem = Problem::new("", format!("invalid YAML: {message}")).hint(
        if message.contains("cannot start any token") && text.contains('\t') {
            "YAML indents with spaces, never tabs"
        } else {
            "check the indentation and quoting around that place"
        },
    );
    if let Some(loc) = err.location() {
        problem = problem.at(loc.line(), loc.column());
    }
    problem
}

/// A key given twice in one mapping, placed where it is given the second time (serde_yaml
/// places it at the mapping): `message` is serde_yaml's, `fields: duplicate entry with key
/// "title"`.
fn repeated_key_problem(text: &str, message: &str) -> Option<Problem> {
    const MARK: &str = "duplicate entry with key \"";
    let at = message.find(MARK)?;
    let key = message[at + MARK.len()..].strip_suffix('"')?;
    let mapping = message[..at].trim_end_matches([':', ' ']);
    let path = crate::locate::join(mapping, key);
    let (line, column) = crate::locate::Locator::new(text).repeated(&path)?;
    let within = if mapping.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("in `{mapping}`")
    };
    Some(
        Problem::new(&path, format!("`{key}` is given twice {within}"))
            .hint("keep one of them: a key appears once in a mapping")
            .at(line, column),
    )
}

/// The problems of a file from `source` that YAML cannot read (`err`): its one problem.
pub fn yaml_syntax_problems(source: &str, text: &str, err: &serde_yaml::Error) -> Problems {
    Problems {
        source: source.to_owned(),
        problems: vec![yaml_syntax_problem(text, err)],
    }
}

struct Validator {
    problems: Vec<Problem>,
    /// `auth.default_access`, known before the resources are resolved.
    default_access: DefaultAccess,
}

impl Validator {
    fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn spec(&mut self, root: &Value, name_override: Option<&str>) -> Option<Project> {
        let root = self.mapping(root, "")?;
        self.keys(root, SPEC_KEYS, "");
        let project: Option<RawProject> = match root.get("project") {
            Some(Value::Mapping(map)) => {
                let mut map = map.clone();
                self.choice::<Orm>(&mut map, "orm", "project");
                self.choice::<Mode>(&mut map, "mode", "project");
                self.node(&Value::Mapping(map), PROJECT_KEYS, "project")
            }
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
            Some(Value::Mapping(map)) => {
                let mut map = map.clone();
                self.choice::<DefaultAccess>(&mut map, "default_access", "auth");
                self.node(&Value::Mapping(map), AUTH_KEYS, "auth")
                    .unwrap_or_default()
            }
            Some(node) => self.node(node, AUTH_KEYS, "auth").unwrap_or_default(),
            None => RawAuth::default(),
        };
        self.default_access = auth.default_access.unwrap_or_default();
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
        if let Some(description) = project.as_ref().and_then(|p| p.description.as_ref())
            && (description.chars().any(char::is_control) || description.chars().count() > 200)
        {
            self.report(
                Problem::new("project.description", "the description is one line of at most 200 characters")
                    .hint("it becomes the API's one-line description in the docs, pyproject.toml and the README"),
            );
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
        if name.len() > MAX_PROJECT_NAME {
            self.report(
                Problem::new(
                    path,
                    format!(
                        "the project name is {} characters long; at most {MAX_PROJECT_NAME}",
                        name.len()
                    ),
                )
                .hint("it names the project's folder and package: shorten it"),
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
        if PROJECT_PACKAGES.contains(&snake.replace('_', "-").as_str()) {
            self.report(
                Problem::new(
                    path,
                    format!("`{name}` is the name of a package the generated project installs"),
                )
                .hint(format!(
                    "a project cannot depend on a package of its own name (uv refuses to lock it): choose another, e.g. `{snake}_api`"
                )),
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
        // Every name declared so far, valid or not: a relation to an invalid parent is no
        // problem of its own (the parent's are reported).
        let mut declared: Vec<String> = Vec::new();
        let before = self.problems.len();
        for (key, value) in map {
            let Some(name) = self.key_name(key, "resources") else {
                continue;
            };
            let resource = self.resource(&name, value);
            declared.push(name);
            if let Some(mut resource) = resource {
                if let Some(belongs_to) = value.get("belongs_to").filter(|v| !v.is_null()) {
                    self.relations(&mut resource, belongs_to, &resources, &declared);
                }
                // After the relations: whether the rows hang off an owned resource decides.
                self.default_reads(&mut resource, value.get("access"), &resources);
                // After the relations too: their columns are names a rename cannot take.
                self.field_renames(&resource);
                resources.push(resource);
            }
        }
        self.across_resources(&resources);
        self.resource_renames(&resources);
        (self.problems.len() == before).then_some(resources)
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
}

/// A project name names its folder, its package and its API title.
const MAX_PROJECT_NAME: usize = 64;
/// Length limits: index names (`ix_<plural>_<field>`) must stay within PostgreSQL's 63
/// characters, and generated lines within ruff's 88.
const MAX_RESOURCE_NAME: usize = 24;
const MAX_PLURAL: usize = 28;
const MAX_FIELD_NAME: usize = 30;
const MAX_ENUM_CLASS: usize = 32;
const MAX_TEXT_DEFAULT: usize = 40;
const MAX_DESCRIPTION: usize = 60;
pub const MAX_PAGE_SIZE: u32 = 1000;

/// What the tests of every file here share.
#[cfg(test)]
mod test_support {
    use super::validate;
    use crate::problem::Problem;

    pub(super) fn problems(yaml: &str) -> Vec<Problem> {
        validate("spec.yaml", yaml, None).unwrap_err().problems
    }

    pub(super) fn one(yaml: &str) -> Problem {
        let problems = problems(yaml);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        problems.into_iter().next().unwrap()
    }

    pub(super) const HEAD: &str = "project: { name: shop }\nresources:\n  item:\n    fields:\n";
}

#[cfg(test)]
mod tests {
    use super::test_support::{HEAD, one, problems};
    use super::validate;
    use super::values::is_iso_date;
    use crate::model::DefaultValue;
    use crate::spec::{DefaultAccess, Mode, Orm, json_schema};

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
    fn a_project_name_has_at_most_64_characters() {
        let name = "a".repeat(65);
        let problem = one(&format!(
            "project: {{ name: {name} }}\nresources: {{ task: {{ fields: {{ title: string }} }} }}\n"
        ));
        assert!(problem.message.contains("65 characters long"), "{problem}");
        let name = "a".repeat(64);
        validate("s", &format!("project: {{ name: {name} }}\nresources: {{ task: {{ fields: {{ title: string }} }} }}\n"), None).unwrap();
    }

    #[test]
    fn a_parent_listed_twice_in_belongs_to_is_named_as_such() {
        let yaml = "project: { name: x }\nresources:\n  post: { fields: { n: string } }\n  comment:\n    belongs_to: [post, post]\n    fields: { n: string }\n";
        let problem = one(yaml);
        assert_eq!(problem.path, "resources.comment.belongs_to.1");
        assert!(
            problem.message.contains("`post` is listed twice"),
            "{problem}"
        );
    }

    #[test]
    fn two_filters_making_one_query_parameter_are_refused() {
        for filter in ["[n, n_gte]", "[n_gte, n]"] {
            let yaml = format!(
                "{HEAD}      n: int\n      n_gte: {{ type: int, optional: true }}\n    list: {{ filter: {filter} }}\n"
            );
            let problem = one(&yaml);
            assert_eq!(problem.path, "resources.item.list.filter");
            assert!(
                problem
                    .message
                    .contains("`n` and `n_gte` both make the query parameter `n_gte`"),
                "{problem}"
            );
        }
    }

    #[test]
    fn a_project_named_after_a_package_it_installs_is_refused() {
        for name in [
            "fastapi",
            "sqlalchemy",
            "pydantic-settings",
            "typing_extensions",
        ] {
            let problem = one(&format!(
                "project: {{ name: {name} }}\nresources: {{ task: {{ fields: {{ title: string }} }} }}\n"
            ));
            assert!(
                problem
                    .message
                    .contains("a package the generated project installs"),
                "{problem}"
            );
            assert_eq!(problem.path, "project.name");
        }
    }

    #[test]
    fn a_relation_to_an_invalid_parent_adds_no_problem_of_its_own() {
        let yaml = "project: { name: shop }\nresources:\n  project:\n    fields: { name: string }\n    list: { filter: [nosuch] }\n  task:\n    belongs_to: [project, nowhere]\n    fields: { title: string }\n";
        let paths: Vec<String> = problems(yaml).into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "resources.project.list.filter",
                "resources.task.belongs_to.1"
            ]
        );
    }

    #[test]
    fn a_key_given_twice_is_placed_where_it_repeats() {
        let problem = one(&format!(
            "{HEAD}      title: string\n      body: text\n      title: int\n"
        ));
        assert_eq!(problem.path, "resources.item.fields.title");
        assert_eq!(problem.location, Some((7, 7)));
        assert_eq!(
            problem.message,
            "`title` is given twice in `resources.item.fields`"
        );
    }

    #[test]
    fn a_wrong_value_of_a_resource_names_its_key_and_hides_no_field_problem() {
        let yaml = "project: { name: shop }\nresources:\n  item:\n    owned: maybe\n    admin_roles: [admin, [x]]\n    fields:\n      title: strng\n";
        let found: Vec<_> = problems(yaml)
            .into_iter()
            .map(|p| (p.path, p.location))
            .collect();
        assert_eq!(
            found,
            [
                ("resources.item.owned".to_owned(), Some((4, 5))),
                ("resources.item.fields.title.type".to_owned(), Some((7, 7))),
            ]
        );
        let roles = one(
            "project: { name: shop }\nresources:\n  item:\n    admin_roles: [admin, [x]]\n    fields:\n      title: string\n",
        );
        assert_eq!(roles.path, "resources.item.admin_roles[1]");
        assert_eq!(roles.location, Some((4, 5)));
    }

    #[test]
    fn yaml_syntax_errors_have_line_and_column() {
        let problem = one("project:\n  name: [oops\n");
        assert!(problem.message.starts_with("invalid YAML"), "{problem}");
        assert!(problem.location.is_some());
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
    fn colliding_plurals_are_reported() {
        let yaml = "project: { name: shop }\nresources:\n  person:\n    fields: { a: string }\n  human:\n    plural: people\n    fields: { a: string }\n";
        assert!(one(yaml).message.contains("both have the plural"));
    }

    #[test]
    fn the_command_line_name_wins() {
        let project = validate("s", &format!("{HEAD}      s: string\n"), Some("other")).unwrap();
        assert_eq!(project.name, "other");
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
                "project: { name: x }\nresources:\n  log:\n    fields: { a: string }\n",
                "test_logs.py",
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
    fn every_target_is_accepted_and_reaches_the_model() {
        for (orm, expected_orm) in [("sqlmodel", Orm::Sqlmodel), ("sqlalchemy", Orm::Sqlalchemy)] {
            for (mode, expected_mode) in [("async", Mode::Async), ("sync", Mode::Sync)] {
                let yaml = format!(
                    "project: {{ name: x, orm: {orm}, mode: {mode} }}\nresources:\n  t:\n    fields: {{ a: string }}\n"
                );
                let project = validate("s", &yaml, None).unwrap();
                assert_eq!((project.orm, project.mode), (expected_orm, expected_mode));
            }
        }
        let project = validate("s", &format!("{HEAD}      s: string\n"), None).unwrap();
        assert_eq!((project.orm, project.mode), (Orm::Sqlmodel, Mode::Async));
    }

    #[test]
    fn a_wrong_choice_is_reported_at_its_key_with_the_words_it_takes() {
        let yaml = "project: { name: \"My Shop\", orm: SQLAlchemy, mode: threads }\nauth: { default_access: public }\nresources:\n  t:\n    fields: { a: string }\n";
        let problems = problems(yaml);
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "1:29: project.orm: `SQLAlchemy` is not a valid `orm`\n  hint: did you mean `sqlalchemy`? `orm` is one of: sqlmodel, sqlalchemy",
                "1:46: project.mode: `threads` is not a valid `mode`\n  hint: `mode` is one of: async, sync",
                "2:9: auth.default_access: `public` is not a valid `default_access`\n  hint: did you mean `public-reads`? `default_access` is one of: authenticated, public-reads",
                "1:12: project.name: `My Shop` is not a valid project name\n  hint: use lowercase letters, digits, `_` or `-`, starting with a letter, e.g. `shop_api`",
            ],
            "the rest of the section is still checked"
        );
    }

    /// `check` accepts, for each key that takes a word, exactly the words the JSON Schema
    /// offers editors, and the command line offers the same words.
    #[test]
    fn the_schema_offers_exactly_the_words_validate_accepts() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
        for (path, def, key, words) in [
            ("project.orm", "RawProject", "orm", clap_words::<Orm>()),
            ("project.mode", "RawProject", "mode", clap_words::<Mode>()),
            (
                "auth.default_access",
                "RawAuth",
                "default_access",
                clap_words::<DefaultAccess>(),
            ),
        ] {
            let offered = schema_words(&schema, &schema["$defs"][def]["properties"][key]);
            assert_eq!(offered, words, "{path}: the schema and the command line");
            let mut candidates = offered.clone();
            for word in &offered {
                candidates.extend([
                    word.to_uppercase(),
                    word.replace('-', "_"),
                    format!("{word} "),
                    format!("{word}s"),
                ]);
            }
            candidates.extend(["".to_owned(), "true".to_owned(), "sqlite".to_owned()]);
            for candidate in candidates {
                let (section, key) = path.split_once('.').unwrap();
                let value = serde_json::to_string(&candidate).unwrap();
                let head = match section {
                    "project" => format!("project:\n  name: x\n  {key}: {value}\n"),
                    _ => format!("project: {{ name: x }}\n{section}:\n  {key}: {value}\n"),
                };
                let yaml = format!("{head}resources:\n  t:\n    fields: {{ a: string }}\n");
                assert_eq!(
                    validate("s", &yaml, None).is_ok(),
                    offered.contains(&candidate),
                    "{path}: {candidate:?}\n{yaml}"
                );
            }
        }
    }

    fn clap_words<T: clap::ValueEnum>() -> Vec<String> {
        T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect()
    }

    /// The words a schema node allows, following `$ref`, `anyOf` and `oneOf` (`null` aside).
    fn schema_words(schema: &serde_json::Value, node: &serde_json::Value) -> Vec<String> {
        if let Some(reference) = node["$ref"].as_str() {
            let name = reference.trim_start_matches("#/$defs/");
            return schema_words(schema, &schema["$defs"][name]);
        }
        if let Some(words) = node["enum"].as_array() {
            return words
                .iter()
                .map(|w| w.as_str().unwrap().to_owned())
                .collect();
        }
        if let Some(word) = node["const"].as_str() {
            return vec![word.to_owned()];
        }
        let alternatives = node["anyOf"].as_array().or(node["oneOf"].as_array());
        alternatives
            .into_iter()
            .flatten()
            .filter(|alternative| alternative["type"] != "null")
            .flat_map(|alternative| schema_words(schema, alternative))
            .collect()
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
}
