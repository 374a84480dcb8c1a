//! The template context: the model, plus the Python each template needs, computed here so that
//! templates hold no naming or type logic and their output is laid out as `ruff format` wants.

use serde::Serialize;
use tera::Context;

use crate::model::{FieldType, Project, Resource};
use crate::python::{self, Imports};
use crate::target::Target;

mod access;
mod declarations;
mod events;
mod imports;
mod list;
mod messages;
mod migration;
mod model;
mod relations;
mod resource;
mod schema;
mod test_data;
mod test_values;

use access::*;
use declarations::*;
use imports::*;
use list::*;
pub use messages::readme_row;
use messages::*;
use migration::*;
use model::*;
pub(crate) use relations::on_delete_sql;
pub use relations::router_names;
use relations::*;
use resource::*;
use schema::*;
use test_data::*;

#[derive(Debug, Serialize)]
struct ProjectView<'a> {
    #[serde(flatten)]
    project: &'a Project,
    /// `from app.models.task import Task, TaskPriority` lines for `app/models/__init__.py`.
    model_imports: String,
    /// `__all__ = [...]` of `app/models/__init__.py`, one name a line: every resource adds to it,
    /// and a merge then touches only the new lines.
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
    /// The import blocks of `app/database.py` and its tests, `app/dependencies/db.py` and the
    /// tests' conftest.
    database_imports: String,
    database_test_imports: String,
    session_dep_imports: String,
    conftest_imports: String,
    /// The resources, with their Python views.
    views: Vec<ResourceView<'a>>,
    /// Whether any resource publishes change events; who may see them, and the hooks.
    events: bool,
    event_declarations: String,
    hook_imports: String,
    /// "`products` and `carts`": the resources with events, for the README.
    event_resources: String,
    /// The project's name as a Python literal.
    name_literal: String,
}

/// The context of the templates rendered once per project.
pub fn project(project: &Project) -> Context {
    let mut context = Context::new();
    context.insert("project", &project_view(project));
    context.insert("target", &Target::of(project).view());
    context
}

/// The context of the templates rendered once per resource: that resource alone, so the cost
/// of a project grows linearly with its resources.
pub fn resource(project: &Project, resource: &Resource) -> Context {
    let mut context = Context::new();
    context.insert("resource", &resource_view(project, resource));
    context.insert("target", &Target::of(project).view());
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

/// One step of a migration's `upgrade()` or `downgrade()`.
pub enum Step<'a> {
    /// `op.create_table(...)` of a resource, with its indexes.
    Create(&'a Project, &'a Resource),
    /// Its indexes and `op.drop_table(...)`.
    Drop(&'a Project, &'a Resource),
    /// Statements written elsewhere, each line indented for the function's body.
    Statements(Vec<String>),
}

#[derive(Serialize)]
struct StepView<'a> {
    kind: &'static str,
    view: Option<ResourceView<'a>>,
    lines: Vec<String>,
}

fn step_view<'a>(step: &'a Step<'a>) -> StepView<'a> {
    match step {
        Step::Create(project, resource) => StepView {
            kind: "create",
            view: Some(resource_view(project, resource)),
            lines: Vec::new(),
        },
        Step::Drop(project, resource) => StepView {
            kind: "drop",
            view: Some(resource_view(project, resource)),
            lines: Vec::new(),
        },
        Step::Statements(lines) => StepView {
            kind: "statements",
            view: None,
            lines: lines.clone(),
        },
    }
}

/// The context of `migrations/revision.py.tera`: one revision made of steps.
pub fn revision(
    title: &str,
    (revision, down_revision): (&str, &str),
    upgrade: &[Step<'_>],
    downgrade: &[Step<'_>],
) -> Context {
    let mut context = Context::new();
    context.insert("title", title);
    context.insert("revision", revision);
    context.insert("down_revision", down_revision);
    context.insert(
        "upgrade",
        &upgrade.iter().map(step_view).collect::<Vec<_>>(),
    );
    context.insert(
        "downgrade",
        &downgrade.iter().map(step_view).collect::<Vec<_>>(),
    );
    context
}

/// "the projects table", "the projects and labels tables".
pub fn tables_phrase(tables: &[&str]) -> String {
    let noun = if tables.len() == 1 { "table" } else { "tables" };
    format!("the {} {noun}", english_list(tables))
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
    imports.add("app.models.base", "metadata");
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
    if events::any(project) {
        routers.push("events".to_owned());
    }
    routers.sort_by(|a, b| python::natural_cmp(a, b));
    let tables: Vec<&str> = project
        .resources
        .iter()
        .map(|r| r.plural.as_str())
        .collect();
    let noun = if tables.len() == 1 { "table" } else { "tables" };
    let migration_title = format!("Create the {} {noun}.", english_list(&tables));
    let target = Target::of(project);
    ProjectView {
        project,
        database_imports: database_imports(target),
        database_test_imports: database_test_imports(target),
        session_dep_imports: session_dep_imports(target),
        conftest_imports: conftest_imports(target, events::any(project)),
        model_imports: imports.render(),
        model_all: python::string_list_exploded("__all__ = ", &all),
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
        events: events::any(project),
        event_declarations: events::declarations(project),
        hook_imports: events::hook_imports(project),
        event_resources: events::resources_phrase(project),
        name_literal: python::string(&project.name),
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
            include_str!("../../examples/tasks.yaml"),
            include_str!("../../examples/shop.yaml"),
            include_str!("../../tests/specs/edge_cases.yaml"),
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
                for step in [
                    Step::Create(&project, resource),
                    Step::Statements(vec!["    pass".to_owned()]),
                ] {
                    keys(&serde_json::to_value(step_view(&step)).unwrap(), &mut known);
                }
            }
            for target in Target::all() {
                keys(&serde_json::to_value(target.view()).unwrap(), &mut known);
            }
        }
        // Tera's own: the loop variable's attributes.
        known.extend(["first", "last", "index", "index0"].map(String::from));
        let attribute = regex::Regex::new(r"\b[a-z_]+((?:\.[a-z_][a-z0-9_]*)+)").unwrap();
        let tag = regex::Regex::new(r"(?s)\{[{%](.*?)[}%]\}").unwrap();
        let literal = regex::Regex::new(r#""[^"]*""#).unwrap();
        // What a raw block holds is output as written (GitHub's `${{ github.ref }}`).
        let raw = regex::Regex::new(r"(?s)\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}").unwrap();
        let mut unknown = Vec::new();
        for (name, source) in crate::render::sources() {
            let source = raw.replace_all(source, "");
            for block in tag.captures_iter(&source) {
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
