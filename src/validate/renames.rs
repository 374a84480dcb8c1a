//! `renamed_from:` on resources and fields: the name something had before a rename, which
//! `apply` turns into a table or column rename that keeps the data. Here only what the spec
//! alone can tell is checked (a name, not the own one, not a name still in use, not claimed
//! twice); whether the applied spec had that name is `apply`'s to say.

use std::collections::BTreeMap;

use super::Validator;
use super::names::is_snake_identifier;
use crate::model::Resource;
use crate::problem::Problem;

/// What is renamed: the words of the messages.
#[derive(Clone, Copy)]
enum Kind {
    Resource,
    Field,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::Field => "field",
        }
    }
}

impl Validator {
    /// Each field's `renamed_from`, against the resource's fields (its relation columns too).
    pub(super) fn field_renames(&mut self, resource: &Resource) {
        let path = format!("resources.{}.fields", resource.name);
        let names: Vec<&str> = resource.fields.iter().map(|f| f.name.as_str()).collect();
        let renames: Vec<(&str, &str)> = resource
            .fields
            .iter()
            .filter_map(|f| Some((f.name.as_str(), f.renamed_from.as_deref()?)))
            .collect();
        self.renames(Kind::Field, &path, &names, &renames);
    }

    /// Each resource's `renamed_from`, against the spec's resources.
    pub(super) fn resource_renames(&mut self, resources: &[Resource]) {
        let names: Vec<&str> = resources.iter().map(|r| r.name.as_str()).collect();
        let renames: Vec<(&str, &str)> = resources
            .iter()
            .filter_map(|r| Some((r.name.as_str(), r.renamed_from.as_deref()?)))
            .collect();
        self.renames(Kind::Resource, "resources", &names, &renames);
    }

    fn renames(&mut self, kind: Kind, parent: &str, names: &[&str], renames: &[(&str, &str)]) {
        let noun = kind.noun();
        let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
        for &(name, old) in renames {
            let path = format!("{parent}.{name}.renamed_from");
            let problem = if !is_snake_identifier(old) {
                Problem::new(&path, format!("`{old}` is not a {noun} name"))
                    .hint(format!("`renamed_from` gives the {noun}'s name before the rename: a snake_case name, e.g. `old_name`"))
            } else if old == name {
                Problem::new(&path, format!("`{old}` is the {noun}'s own name"))
                    .hint(format!("`renamed_from` gives the name the {noun} had before; remove it if the {noun} was not renamed"))
            } else if names.contains(&old) {
                Problem::new(
                    &path,
                    format!("`{name}` is renamed from `{old}`, but the spec still declares `{old}`"),
                )
                .hint(format!("a renamed {noun} replaces its old name: remove `{old}`, or remove `renamed_from` to keep both"))
            } else if let Some(other) = claimed.insert(old, name) {
                Problem::new(
                    &path,
                    format!("both `{other}` and `{name}` are renamed from `{old}`"),
                )
                .hint(format!(
                    "one {noun} takes over `{old}`'s data; remove `renamed_from` from the other"
                ))
            } else {
                continue;
            };
            self.report(problem);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::test_support::{HEAD, one};
    use crate::validate::validate;

    #[test]
    fn renamed_fields_and_resources_reach_the_model() {
        let yaml = "project: { name: x }\nresources:\n  group:\n    renamed_from: category\n    fields:\n      title: { type: string, renamed_from: name }\n";
        let project = validate("s", yaml, None).unwrap();
        let resource = &project.resources[0];
        assert_eq!(resource.renamed_from.as_deref(), Some("category"));
        assert_eq!(resource.fields[0].renamed_from.as_deref(), Some("name"));
    }

    #[test]
    fn renames_are_checked_against_the_spec() {
        let cases = [
            (
                format!("{HEAD}      title: {{ type: string, renamed_from: Old Title }}\n"),
                "resources.item.fields.title.renamed_from: `Old Title` is not a field name",
            ),
            (
                format!("{HEAD}      title: {{ type: string, renamed_from: title }}\n"),
                "resources.item.fields.title.renamed_from: `title` is the field's own name",
            ),
            (
                format!(
                    "{HEAD}      title: {{ type: string, renamed_from: name }}\n      name: string\n"
                ),
                "`title` is renamed from `name`, but the spec still declares `name`",
            ),
            (
                format!(
                    "{HEAD}      a: {{ type: string, renamed_from: old }}\n      b: {{ type: string, renamed_from: old }}\n"
                ),
                "resources.item.fields.b.renamed_from: both `a` and `b` are renamed from `old`",
            ),
            (
                "project: { name: x }\nresources:\n  item:\n    renamed_from: thing\n    fields: { a: string }\n  thing:\n    fields: { a: string }\n".to_owned(),
                "resources.item.renamed_from: `item` is renamed from `thing`, but the spec still declares `thing`",
            ),
            (
                "project: { name: x }\nresources:\n  item:\n    renamed_from: item\n    fields: { a: string }\n".to_owned(),
                "`item` is the resource's own name",
            ),
        ];
        for (yaml, expected) in cases {
            let problem = one(&yaml);
            assert!(problem.to_string().contains(expected), "{yaml}\n{problem}");
            assert!(problem.hint.is_some());
        }
    }

    #[test]
    fn a_relation_column_counts_as_a_field_name() {
        let yaml = "project: { name: x }\nresources:\n  project:\n    fields: { name: string }\n  task:\n    belongs_to: project\n    fields:\n      title: { type: string, renamed_from: project_id }\n";
        assert!(one(yaml).message.contains("still declares `project_id`"));
    }
}
