//! Who may call each route: the user dependency, whose rows it touches, the errors it
//! documents, and the sentence that says it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Resource, Rule};
use crate::python::{self};

use super::*;

#[derive(Debug, Serialize)]
pub(super) struct ActionView {
    /// `CurrentUser` or a role alias (`CanDelete`); none for a public action, which does not
    /// look at the token at all (so it never answers 401 or 503).
    pub(super) user: Option<String>,
    /// `responses=` of the route decorator: the error answers it documents.
    pub(super) responses: String,
    /// Owned resources: whose rows the action may touch (`_owner(user)`, or `None` when public).
    pub(super) owner: String,
}

pub(super) struct AccessView {
    pub(super) worker_roles: Vec<String>,
    pub(super) isolation_testable: bool,
    pub(super) protected_routes: Vec<String>,
    pub(super) callers: Vec<String>,
    pub(super) cases: Vec<String>,
    pub(super) actions: BTreeMap<&'static str, ActionView>,
    pub(super) role_aliases: Vec<String>,
    pub(super) admin_roles_line: String,
    pub(super) uses_owner: bool,
    pub(super) doc: String,
    pub(super) imports: Vec<(&'static str, &'static str)>,
}

/// Who may call each route, as the router declares it.
pub(super) fn access_view(resource: &Resource) -> AccessView {
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
pub(super) fn route_responses(resource: &Resource, action: &str, rule: &Rule) -> String {
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
        // A body FastAPI cannot parse at all (JSON nested too deeply), and one over the
        // size limit.
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
    // A create's 201 carries the new row's `Location`.
    let function = if action == "create" {
        "created_responses"
    } else {
        "error_responses"
    };
    python::call(4, "responses=", function, &args, ",")
}

/// A sentence or two on who may call what, wrapped for a docstring.
pub(super) fn access_doc(resource: &Resource) -> String {
    wrap(&access_sentence(resource), 80)
}

/// Who may call what, in one line: "Access: list and get are public; delete needs the role
/// admin." (or "Every route needs a signed-in caller.").
pub(super) fn access_sentence(resource: &Resource) -> String {
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
