//! What the database needs when a project goes from one spec to the next: the one Alembic
//! revision `apply` writes, chained onto the current head.
//!
//! Tables of resources added are created and tables of resources removed are dropped, with
//! their indexes and foreign keys, exactly as `new` would have created them. A resource in both
//! specs whose table would be created differently has changed columns, indexes or constraints:
//! that is `alter_table`'s job, the seam where the field-level diff plugs in. Until it does,
//! such a change is refused, naming each field, so that no database is silently left behind
//! its models.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::context::{self, Step};
use crate::migrations::{self, Revision};
use crate::model::{Field, Project, Resource};
use crate::plan::PlannedFile;
use crate::render::Renderer;
use crate::types;

/// The statements that take one table from its old definition to its new one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableAlteration {
    /// Lines of `upgrade()`, indented for the function body (4 spaces).
    pub upgrade: Vec<String>,
    /// Lines of `downgrade()`, undoing `upgrade`.
    pub downgrade: Vec<String>,
}

/// The tables a change of spec touches.
#[derive(Debug, Default)]
pub struct TableChanges<'a> {
    /// Resources only the new spec has, in its order (parents before children).
    pub created: Vec<&'a Resource>,
    /// Resources only the old spec has, in its order.
    pub dropped: Vec<&'a Resource>,
    /// Resources in both whose tables differ: (old, new).
    pub altered: Vec<(&'a Resource, &'a Resource)>,
}

impl TableChanges<'_> {
    pub fn is_empty(&self) -> bool {
        self.created.is_empty() && self.dropped.is_empty() && self.altered.is_empty()
    }
}

/// Compares the tables of two specs. A kept resource's table differs when the migration that
/// creates it would differ: that text is what the database holds, whatever in the spec
/// changed it.
pub fn table_changes<'a>(
    renderer: &Renderer,
    old: &'a Project,
    new: &'a Project,
) -> Result<TableChanges<'a>> {
    let old_by_name: BTreeMap<&str, &Resource> =
        old.resources.iter().map(|r| (r.name.as_str(), r)).collect();
    let new_names: Vec<&str> = new.resources.iter().map(|r| r.name.as_str()).collect();
    let mut changes = TableChanges::default();
    for resource in &new.resources {
        match old_by_name.get(resource.name.as_str()) {
            None => changes.created.push(resource),
            Some(before) => {
                if create_table(renderer, old, before)? != create_table(renderer, new, resource)? {
                    changes.altered.push((before, resource));
                }
            }
        }
    }
    changes.dropped = old
        .resources
        .iter()
        .filter(|r| !new_names.contains(&r.name.as_str()))
        .collect();
    Ok(changes)
}

fn create_table(renderer: &Renderer, project: &Project, resource: &Resource) -> Result<String> {
    renderer.render(
        "partials/create_table.py.tera",
        &context::migration(project, resource, "", ""),
    )
}

/// The revision that takes a database from `old`'s tables to `new`'s, chained onto the single
/// head of `history`; None when the tables are the same.
///
/// Steps run so that foreign keys always point at a table that exists: tables are created
/// first (parents before children), then kept tables altered, then tables dropped (children
/// before parents); `downgrade()` runs the reverse.
pub fn migration_for(
    renderer: &Renderer,
    old: &Project,
    new: &Project,
    history: &[Revision],
) -> Result<Option<PlannedFile>> {
    let changes = table_changes(renderer, old, new)?;
    if changes.is_empty() {
        return Ok(None);
    }
    let alterations: Vec<TableAlteration> = changes
        .altered
        .iter()
        .map(|(before, after)| alter_table(old, before, new, after))
        .collect::<Result<_>>()?;
    let down_revision = migrations::head(history)?;
    let (revision, path) = migrations::next(history, &slug(&changes));

    let mut upgrade: Vec<Step> = changes
        .created
        .iter()
        .map(|r| Step::Create(new, r))
        .collect();
    upgrade.extend(
        alterations
            .iter()
            .map(|a| Step::Statements(a.upgrade.clone())),
    );
    upgrade.extend(changes.dropped.iter().rev().map(|r| Step::Drop(old, r)));
    let mut downgrade: Vec<Step> = changes
        .dropped
        .iter()
        .map(|r| Step::Create(old, r))
        .collect();
    downgrade.extend(
        alterations
            .iter()
            .rev()
            .map(|a| Step::Statements(a.downgrade.clone())),
    );
    downgrade.extend(changes.created.iter().rev().map(|r| Step::Drop(new, r)));

    let context = context::revision(
        &title(&changes),
        (&revision, &down_revision),
        &upgrade,
        &downgrade,
    );
    Ok(Some(PlannedFile {
        path,
        contents: renderer.render("migrations/revision.py.tera", &context)?,
    }))
}

/// The seam for field-level changes: the statements that take `old`'s table (as `old_project`
/// declares it) to `new`'s. `migration_for` calls it for every resource kept by a change of
/// spec whose table differs, and puts its statements into the one revision `apply` writes.
///
/// Fields added, removed, renamed or changed in type are not migrated yet: every such change is
/// refused with its place in the spec, so that `apply` writes nothing rather than models the
/// database does not match.
pub fn alter_table(
    old_project: &Project,
    old: &Resource,
    new_project: &Project,
    new: &Resource,
) -> Result<TableAlteration> {
    // The projects give the field-level diff what a resource alone does not (ORM, naming).
    let _ = (old_project, new_project);
    let changes = describe_changes(old, new);
    bail!(
        "the spec changes the table `{}` of a resource it keeps, which apply cannot migrate yet; nothing was written:\n{}\n  hint: apply creates and drops the tables of whole resources; undo these changes in backendgen.yaml to apply the rest",
        old.plural,
        changes
            .iter()
            .map(|c| format!("  {c}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// Each difference between two definitions of one table, with its place in the spec.
fn describe_changes(old: &Resource, new: &Resource) -> Vec<String> {
    let at = format!("resources.{}", new.name);
    let mut out = Vec::new();
    if old.plural != new.plural {
        out.push(format!(
            "{at}.plural: the table would be renamed from `{}` to `{}`",
            old.plural, new.plural
        ));
    }
    if old.owned != new.owned {
        out.push(format!(
            "{at}.owned: the `user_id` column would be {}",
            if new.owned { "added" } else { "removed" }
        ));
    }
    for field in &new.fields {
        match old.fields.iter().find(|f| f.name == field.name) {
            None => out.push(format!(
                "{at}.fields.{}: a new column ({})",
                field.name,
                column(field)
            )),
            Some(before) if column(before) != column(field) => out.push(format!(
                "{at}.fields.{}: the column would change from {} to {}",
                field.name,
                column(before),
                column(field)
            )),
            Some(_) => {}
        }
    }
    for field in &old.fields {
        if !new.fields.iter().any(|f| f.name == field.name) {
            out.push(format!(
                "{at}.fields.{}: the column would be dropped",
                field.name
            ));
        }
    }
    let names = |r: &Resource| -> Vec<String> { r.indexes().into_iter().map(|i| i.name).collect() };
    let (before, after) = (names(old), names(new));
    let added: Vec<&String> = after.iter().filter(|n| !before.contains(n)).collect();
    let removed: Vec<&String> = before.iter().filter(|n| !after.contains(n)).collect();
    if !added.is_empty() || !removed.is_empty() {
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("{} added", quoted(&added)));
        }
        if !removed.is_empty() {
            parts.push(format!("{} dropped", quoted(&removed)));
        }
        out.push(format!(
            "{at}.list: the indexes that serve the list would change ({})",
            parts.join("; ")
        ));
    }
    if out.is_empty() {
        out.push(format!("{at}: its table would be created differently"));
    }
    out
}

/// What the database holds of a field: `sa.String(length=200) NOT NULL UNIQUE`.
fn column(field: &Field) -> String {
    let mut text = types::migration_type(field);
    text.push_str(if field.optional { " NULL" } else { " NOT NULL" });
    if field.unique {
        text.push_str(" UNIQUE");
    }
    if field.index {
        text.push_str(" INDEXED");
    }
    if let Some(reference) = &field.references {
        text.push_str(&format!(
            " REFERENCES {} ON DELETE {:?}",
            reference.table, reference.on_delete
        ));
    }
    format!("`{text}`")
}

fn quoted(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plurals<'a>(resources: impl IntoIterator<Item = &'a Resource>) -> Vec<&'a str> {
    resources.into_iter().map(|r| r.plural.as_str()).collect()
}

/// The docstring's first line: `Create the projects table.`, `Create the projects table; drop
/// the notes table.`, or counts when the names would not fit a line.
fn title(changes: &TableChanges) -> String {
    let named = |verb: &str, tables: Vec<&str>| {
        (!tables.is_empty()).then(|| format!("{verb} {}", context::tables_phrase(&tables)))
    };
    let parts: Vec<String> = [
        named("create", plurals(changes.created.iter().copied())),
        named("change", plurals(changes.altered.iter().map(|(_, r)| *r))),
        named("drop", plurals(changes.dropped.iter().copied())),
    ]
    .into_iter()
    .flatten()
    .collect();
    let title = capitalized(&format!("{}.", parts.join("; ")));
    if title.len() <= 80 {
        return title;
    }
    let counted = |verb: &str, n: usize| {
        (n > 0).then(|| format!("{verb} {n} table{}", if n == 1 { "" } else { "s" }))
    };
    let parts: Vec<String> = [
        counted("create", changes.created.len()),
        counted("change", changes.altered.len()),
        counted("drop", changes.dropped.len()),
    ]
    .into_iter()
    .flatten()
    .collect();
    capitalized(&format!("{}.", parts.join("; ")))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The revision's name after its number: `add_projects`, `drop_notes`,
/// `add_projects_labels_drop_notes`; past two tables of a kind, their count.
fn slug(changes: &TableChanges) -> String {
    let part = |verb: &str, tables: Vec<&str>| match tables.len() {
        0 => None,
        1 | 2 => Some(format!("{verb}_{}", tables.join("_"))),
        n => Some(format!("{verb}_{n}_tables")),
    };
    [
        part("add", plurals(changes.created.iter().copied())),
        part("change", plurals(changes.altered.iter().map(|(_, r)| *r))),
        part("drop", plurals(changes.dropped.iter().copied())),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validate;

    const SPEC: &str = "project: { name: shop }\nresources:\n  project:\n    fields:\n      name: string:max=120\n  note:\n    belongs_to: [project]\n    fields:\n      body: text\n";

    fn model(text: &str) -> Project {
        validate("spec", text, None).unwrap_or_else(|e| panic!("{e}"))
    }

    fn history() -> Vec<Revision> {
        vec![Revision {
            id: "0001_initial".into(),
            down: vec![],
            file: "alembic/versions/0001_initial.py".into(),
        }]
    }

    fn without(text: &str, resource: &str) -> String {
        crate::inject::remove_yaml_resource(text, resource).unwrap()
    }

    #[test]
    fn the_same_tables_need_no_migration() {
        let renderer = Renderer::new(crate::spec::Orm::Sqlmodel).unwrap();
        let old = model(SPEC);
        // Rules the API enforces, not the database: no migration.
        let new = model(&SPEC.replace("body: text", "body: text:min=3"));
        assert_eq!(
            migration_for(&renderer, &old, &new, &history()).unwrap(),
            None
        );
    }

    #[test]
    fn added_and_dropped_resources_are_one_revision_in_foreign_key_order() {
        let renderer = Renderer::new(crate::spec::Orm::Sqlmodel).unwrap();
        let old = model(&without(&without(SPEC, "note"), "project").replace(
            "resources:\n",
            "resources:\n  tag:\n    fields:\n      label: string\n",
        ));
        let new = model(SPEC);
        let file = migration_for(&renderer, &old, &new, &history())
            .unwrap()
            .unwrap();
        assert_eq!(
            file.path,
            "alembic/versions/0002_add_projects_notes_drop_tags.py"
        );
        let text = &file.contents;
        assert!(
            text.starts_with("\"\"\"Create the projects and notes tables; drop the tags table.\n")
        );
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        let downgrade = at("def downgrade");
        assert!(
            at("op.create_table(\n        \"projects\"")
                < at("op.create_table(\n        \"notes\"")
        );
        assert!(at("op.create_table(\n        \"notes\"") < at("op.drop_table(\"tags\")"));
        assert!(at("op.drop_table(\"tags\")") < downgrade);
        let rest = &text[downgrade..];
        assert!(rest.find("\"tags\"").unwrap() < rest.find("op.drop_table(\"notes\")").unwrap());
        assert!(
            rest.find("op.drop_table(\"notes\")").unwrap()
                < rest.find("op.drop_table(\"projects\")").unwrap()
        );
    }

    #[test]
    fn a_changed_column_is_refused_naming_each_field() {
        let renderer = Renderer::new(crate::spec::Orm::Sqlmodel).unwrap();
        let old = model(SPEC);
        let new = model(
            &SPEC
                .replace(
                    "name: string:max=120",
                    "name: string:max=200\n      rank: int",
                )
                .replace("      body: text\n", "      text: text\n"),
        );
        let err = migration_for(&renderer, &old, &new, &history())
            .unwrap_err()
            .to_string();
        assert!(err.contains("the table `projects`"), "{err}");
        assert!(err.contains("resources.project.fields.name: the column would change from `sa.String(length=120) NOT NULL` to `sa.String(length=200) NOT NULL`"), "{err}");
        assert!(
            err.contains("resources.project.fields.rank: a new column (`sa.Integer() NOT NULL`)"),
            "{err}"
        );
        assert!(err.contains("nothing was written"));
        assert!(err.contains("hint: "));
    }

    #[test]
    fn slugs_and_titles_stay_short() {
        let renderer = Renderer::new(crate::spec::Orm::Sqlmodel).unwrap();
        let many: String = (0..5)
            .map(|i| format!("  resource_number_{i}:\n    fields:\n      a: string\n"))
            .collect();
        let old = model(SPEC);
        let new = model(&format!("{SPEC}{many}"));
        let changes = table_changes(&renderer, &old, &new).unwrap();
        assert_eq!(slug(&changes), "add_5_tables");
        assert_eq!(title(&changes), "Create 5 tables.");
    }
}
