//! A resource's `access:` section: who may list, get, create, update and delete its rows, and
//! what `auth.default_access` makes of the actions it leaves out.

use serde_yaml::Value;

use super::Validator;
use crate::model::{Access, Resource, Rule};
use crate::problem::Problem;
use crate::spec::{ACCESS_KEYS, DefaultAccess, RawAccess, RawRule};

impl Validator {
    /// An `access:` section: each action `public`, `authenticated` or a list of roles.
    pub(super) fn access(&mut self, node: &Value, path: &str, owned: bool) -> Option<Access> {
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

    /// `auth.default_access: public-reads` makes the `list` and `get` that `access` (the
    /// resource's `access:` node) leaves out public, on shared resources that belong, directly
    /// or through their parents, to no owned resource: those rows are everyone's already.
    /// Public reads of private rows, or of the rows that hang off them, would leak them.
    pub(super) fn default_reads(
        &self,
        resource: &mut Resource,
        access: Option<&Value>,
        earlier: &[Resource],
    ) {
        if self.default_access != DefaultAccess::PublicReads || is_private(resource, earlier) {
            return;
        }
        let given = |action: &str| {
            access
                .and_then(|a| a.get(action))
                .is_some_and(|rule| !rule.is_null())
        };
        if !given("list") {
            resource.access.list = Rule::Public;
        }
        if !given("get") {
            resource.access.get = Rule::Public;
        }
    }
}

/// Whether a resource's rows are someone's: it is owned, or one of its parents is private
/// (parents are declared above their children, so `earlier` holds them).
fn is_private(resource: &Resource, earlier: &[Resource]) -> bool {
    resource.owned
        || resource
            .fields
            .iter()
            .filter_map(|f| f.references.as_ref())
            .any(|r| {
                r.owned_parent
                    || earlier
                        .iter()
                        .find(|p| p.name == r.resource)
                        .is_some_and(|p| is_private(p, earlier))
            })
}

#[cfg(test)]
mod tests {
    use crate::model::Rule;
    use crate::validate::test_support::problems;
    use crate::validate::validate;

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
    fn public_reads_open_list_and_get_of_shared_resources_only() {
        let yaml = "project: { name: x }\nauth: { default_access: public-reads }\nresources:\n  \
            project:\n    fields: { a: string }\n  \
            task:\n    owned: false\n    belongs_to: project\n    fields: { a: string }\n  \
            note:\n    owned: false\n    belongs_to: task\n    fields: { a: string }\n  \
            tag:\n    owned: false\n    fields: { a: string }\n  \
            label:\n    owned: false\n    belongs_to: tag\n    access: { get: [editor] }\n    fields: { a: string }\n";
        let project = validate("s", yaml, None).unwrap();
        let reads = |name: &str| {
            let resource = project.resources.iter().find(|r| r.name == name).unwrap();
            let writes = [
                &resource.access.create,
                &resource.access.update,
                &resource.access.delete,
            ];
            assert!(
                writes.iter().all(|rule| **rule == Rule::Authenticated),
                "{name}"
            );
            (resource.access.list.clone(), resource.access.get.clone())
        };
        let signed_in = (Rule::Authenticated, Rule::Authenticated);
        assert_eq!(reads("project"), signed_in, "owned rows stay private");
        assert_eq!(
            reads("task"),
            signed_in,
            "shared rows under an owned parent"
        );
        assert_eq!(reads("note"), signed_in, "and under its children");
        assert_eq!(reads("tag"), (Rule::Public, Rule::Public));
        assert_eq!(
            reads("label"),
            (Rule::Public, Rule::Roles(vec!["editor".into()])),
            "the resource's own `access:` wins"
        );
        let authenticated =
            validate("s", &yaml.replace("public-reads", "authenticated"), None).unwrap();
        assert!(
            authenticated
                .resources
                .iter()
                .all(|r| r.access.list == Rule::Authenticated)
        );
    }
}
