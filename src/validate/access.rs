//! A resource's `access:` section: who may list, get, create, update and delete its rows.

use serde_yaml::Value;

use super::Validator;
use crate::model::{Access, Rule};
use crate::problem::Problem;
use crate::spec::{ACCESS_KEYS, RawAccess, RawRule};

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
}
