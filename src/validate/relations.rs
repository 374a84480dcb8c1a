//! A resource's `belongs_to:` section: each relation to a resource declared above becomes a
//! foreign-key column.

use serde_yaml::Value;

use super::Validator;
use crate::model::{Bound, Field, FieldType, Reference, Resource, Rule};
use crate::problem::Problem;
use crate::spec::{OnDelete, RELATION_KEYS, RawRelation};

impl Validator {
    /// Resolves `belongs_to` against the resources declared above (`earlier`, the valid ones
    /// of the `declared` names): each relation becomes a `<parent>_id` column, first among the
    /// fields, filterable and indexed.
    pub(super) fn relations(
        &mut self,
        resource: &mut Resource,
        node: &Value,
        earlier: &[Resource],
        declared: &[String],
    ) {
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
                if raw.resource != resource.name && declared.contains(&raw.resource) {
                    // Declared above but invalid: its own problems say why.
                    continue;
                }
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
            if columns.iter().any(|f: &Field| f.name == column) {
                self.report(
                    Problem::new(&place, format!("`{}` is listed twice", parent.name)).hint(
                        format!(
                            "a resource belongs to `{}` once: remove one of them",
                            parent.name
                        ),
                    ),
                );
                continue;
            }
            if resource.fields.iter().any(|f| f.name == column) {
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
}

#[cfg(test)]
mod tests {
    use crate::spec::OnDelete;
    use crate::validate::test_support::{one, problems};
    use crate::validate::validate;

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
}
