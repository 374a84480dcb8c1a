//! Relations: the parent checks of a router, nested routes, and the ancestors the tests create.

use serde::Serialize;

use crate::model::{Project, Resource, Rule};
use crate::python::{self};
use crate::target::Target;

use super::*;

pub(crate) fn on_delete_sql(on_delete: crate::spec::OnDelete) -> &'static str {
    match on_delete {
        crate::spec::OnDelete::Cascade => "CASCADE",
        crate::spec::OnDelete::Restrict => "RESTRICT",
        crate::spec::OnDelete::SetNull => "SET NULL",
    }
}

/// A relation of a child resource, as its router and tests need it.
#[derive(Debug, Serialize)]
pub(super) struct RelationView {
    pub(super) field: String,
    pub(super) parent: String,
    pub(super) class_name: String,
    pub(super) owned_parent: bool,
    pub(super) not_found: String,
    pub(super) on_delete: &'static str,
    pub(super) parent_path: String,
    /// The roles a caller needs to delete a parent row through the API (for the 409 test).
    pub(super) parent_delete_roles: String,
    pub(super) parent_label: String,
    /// A list of one parent's rows under the parent's route: its router and handler names.
    pub(super) nested: bool,
    pub(super) nested_router: String,
    pub(super) nested_prefix: String,
    pub(super) nested_handler: String,
    pub(super) nested_check: String,
    /// `await _check_project(session, user, payload.project_id)`, in create (indent 4) and
    /// in update (indent 8).
    pub(super) create_check: String,
    pub(super) update_check: String,
}

/// A resource above this one in the chain of `belongs_to`: the tests create its rows.
#[derive(Debug, Serialize)]
pub(super) struct AncestorView {
    pub(super) name: String,
    pub(super) class_name: String,
    pub(super) owned: bool,
    /// `def <name>_row(n: int) -> dict[str, Any]: ...`, a valid body for row `n`.
    pub(super) row_function: String,
}

pub(super) fn relation_views(
    project: &Project,
    resource: &Resource,
    target: Target,
) -> Vec<RelationView> {
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
                    target.await_prefix(),
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
                nested_prefix: reference.nested_path(&resource.route),
                nested_handler: format!("list_{}_{}", reference.resource, resource.plural),
                // Inside the route's `with reading(session):` block.
                nested_check: python::call(
                    8,
                    target.await_prefix(),
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
pub(super) fn ancestors<'a>(project: &'a Project, resource: &Resource) -> Vec<&'a Resource> {
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

pub(super) fn ancestor_views(project: &Project, resource: &Resource) -> Vec<AncestorView> {
    ancestors(project, resource)
        .into_iter()
        .map(|ancestor| {
            let mut body = format!(
                "def {}_row(n: int) -> dict[str, Any]:\n    \"\"\"A valid {}, number `n` of the rows the tests refer to.\"\"\"\n    return {{\n",
                ancestor.name, ancestor.label
            );
            for field in ancestor.fields.iter().filter(|f| f.on_create()) {
                let value = if field.references.is_some() { "n".to_owned() } else { test_values::sample(field, &field.name.replace('_', " ")) };
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
