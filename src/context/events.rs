//! Change events: who may see each resource's events on the feed, and the hooks each runs.

use crate::model::{Project, Resource, Rule};
use crate::python;

use super::english_list;

/// Whether any resource of `project` publishes change events.
pub(super) fn any(project: &Project) -> bool {
    project.resources.iter().any(|r| r.events)
}

fn with_events(project: &Project) -> impl Iterator<Item = &Resource> {
    project.resources.iter().filter(|r| r.events)
}

/// `AUDIENCES` and `EVENT_NAMES` of `app/events/event.py`: who may see each resource's
/// events (whom its `get` route lets see the row), and its singular name for webhook types.
pub(super) fn declarations(project: &Project) -> String {
    let mut audiences = String::from("AUDIENCES: dict[str, Audience] = {\n");
    let mut names = String::from(
        "# Their singular names, for webhook types (`task.created`).\nEVENT_NAMES: dict[str, str] = {\n",
    );
    for resource in with_events(project) {
        let mut arguments = Vec::new();
        if let Rule::Roles(roles) = &resource.access.get {
            arguments.push(python::string_set("roles=frozenset(", roles, ")"));
        }
        // A public `get` of an owned resource shows every owner's rows to every caller.
        if resource.owned && resource.access.get != Rule::Public {
            arguments.push("owned=True".to_owned());
        }
        if !resource.admin_roles.is_empty() {
            arguments.push(python::string_set(
                "admin_roles=frozenset(",
                &resource.admin_roles,
                ")",
            ));
        }
        let key = python::string(&resource.plural);
        if arguments.is_empty() {
            audiences.push_str(&format!("    {key}: Audience(),\n"));
        } else {
            // Exploded, with the trailing comma that keeps ruff format from joining them.
            audiences.push_str(&format!("    {key}: Audience(\n"));
            for argument in arguments {
                audiences.push_str(&format!("        {argument},\n"));
            }
            audiences.push_str("    ),\n");
        }
        names.push_str(&format!("    {key}: {},\n", python::string(&resource.name)));
    }
    audiences.push_str("}\n");
    names.push('}');
    format!("{audiences}{names}")
}

/// `from app.hooks import task as task_hooks`, one line a resource with events, sorted.
pub(super) fn hook_imports(project: &Project) -> String {
    let mut modules: Vec<&str> = with_events(project).map(|r| r.name.as_str()).collect();
    modules.sort_by(|a, b| python::natural_cmp(a, b));
    modules
        .iter()
        .map(|m| format!("from app.hooks import {m} as {m}_hooks"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "`products` and `carts`": the resources with events, for the README.
pub(super) fn resources_phrase(project: &Project) -> String {
    let names: Vec<String> = with_events(project)
        .map(|r| format!("`{}`", r.plural))
        .collect();
    english_list(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audiences(access: &str) -> String {
        let spec = format!(
            "project: {{ name: blog }}\nauth: {{ default_access: public-reads }}\nresources:\n  post:\n    events: true\n    admin_roles: [editor]\n    access: {access}\n    fields: {{ title: string }}\n"
        );
        let project = crate::validate::validate("spec", &spec, None).unwrap();
        declarations(&project)
    }

    #[test]
    fn an_owned_resource_s_events_go_to_whoever_its_get_shows_the_row() {
        let own = audiences("{ get: authenticated }");
        assert!(own.contains("owned=True"), "{own}");
        let roles = audiences("{ get: [support] }");
        assert!(roles.contains("roles=frozenset({\"support\"})"), "{roles}");
        assert!(roles.contains("owned=True"), "{roles}");
        // A public get shows every owner's rows to every caller, and so does the feed.
        let public = audiences("{ get: public, list: public }");
        assert!(!public.contains("owned=True"), "{public}");
    }
}
