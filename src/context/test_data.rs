//! What the generated tests send and expect: the access matrix, defaults, pytest params.

use crate::model::{DefaultValue, Field, Resource, Rule};
use crate::python::{self};
use crate::types;

/// What the tests expect in a row when the client leaves a field out.
pub(super) fn default_assert(field: &Field) -> Option<String> {
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

pub(super) struct AccessTests {
    pub(super) worker_roles: Vec<String>,
    pub(super) isolation_testable: bool,
    pub(super) protected_routes: Vec<String>,
    pub(super) callers: Vec<String>,
    pub(super) cases: Vec<String>,
}

/// The access matrix: each action, for each kind of caller, and what it must answer.
pub(super) fn access_tests(resource: &Resource) -> AccessTests {
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
    if resource.owned && workers_are_admins {
        // alice and bob hold an admin role, which sees every row: the owner's own
        // access is checked again with alice holding none.
        callers.push(("plain-owner".into(), "alice".into(), vec!["user".into()]));
    }
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

/// `pytest.param("field", value, id="field-case")` for a `(id, value)` test case; the field is
/// the id up to its first `-` (field names have none).
pub(super) fn pytest_param((id, value): (String, String)) -> String {
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
