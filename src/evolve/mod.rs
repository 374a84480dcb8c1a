//! The migration of a spec change: from the model of the spec the database was last migrated
//! to (the applied spec) and the model of the edited one, the schema operations that take the
//! database from one to the other, and one Alembic revision that runs them (`upgrade()`) and
//! undoes them (`downgrade()`). Nothing here reads a database or the disk.
//!
//! How `apply` uses it (not a doctest: `migrations` and `Problems::located` are crate-private):
//!
//! ```ignore
//! # use backendgen::{evolve, migrations, model::Project, problem::Problems};
//! # fn apply(old: &Project, new: &Project, spec_text: &str, root: &std::path::Path) -> anyhow::Result<()> {
//! let options = evolve::Options { allow_lossy: false };
//! let changes = evolve::plan_changes(old, new, &options)
//!     .map_err(|problems| Problems::located("backendgen.yaml", spec_text, problems))?;
//! if !changes.is_empty() {
//!     let revisions = migrations::revisions(root)?;
//!     let head = migrations::head(&revisions)?;
//!     let (id, path) = migrations::next(&revisions, &changes.slug());
//!     let text = evolve::render_revision(&changes, &id, &head);
//!     // `text` goes to `path`; `changes.summary()` says what it does, one line a change.
//! }
//! # Ok(())
//! # }
//! ```
//!
//! What a change covers, on SQLite and PostgreSQL alike (one revision serves both):
//! - resources added and removed (their whole tables, with the same code as `add-resource`
//!   and `remove-resource`), renamed with `renamed_from` (the table, its sequence, and every
//!   index and constraint named after it, keeping the rows), or with a new `plural`;
//! - fields added (optional; or required with a `default`, which existing rows get), removed,
//!   renamed with `renamed_from` (values kept);
//! - type changes that convert in place (`int` to `bigint`, `string` to `text`, longer
//!   lengths, more digits) and, with [`Options::allow_lossy`], those that may lose values (a
//!   shorter `max_length`, `text` to `int`, fewer digits): the values that would not convert
//!   are rewritten first (cut, rounded, or replaced by the default, or NULL), and the migration
//!   says so in a comment;
//! - optional to required (the default fills the empty rows) and back; unique and index added
//!   or removed; enum values added or removed (the migration stops, with a count, while rows
//!   hold a removed value); relations added or removed, or their `on_delete` changed; list
//!   filters, sorts and searches (the indexes of `Resource::indexes`, trigram ones included).
//!
//! What would lose data, or leave rows without a value, is refused when planned, with a
//! problem that names the place in the new spec and a hint. The downgrade undoes the upgrade;
//! where it cannot (values the upgrade dropped, values that no longer fit the old type), it
//! stops before changing anything and says how many rows are in the way.

mod convert;
mod layout;
mod ops;
mod plan;
mod render;
mod schema;

pub use convert::{Condition, Rewrite, SetTo};
pub use ops::{Check, Named, Op};
pub use schema::{Column, ForeignKey, Schema, SqlType, Table, TableIndex, Unique};

use crate::model::Project;
use crate::problem::Problem;
use crate::render::Renderer;

use plan::Direction;

/// What a change may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Plan the conversions that may lose values (a shorter `max_length`, `text` to `int`,
    /// fewer digits of a decimal, `bigint` to `int`, ...): the values that would not convert are
    /// rewritten first (cut, rounded, or replaced by the field's default, or NULL when it is
    /// optional), and the revision says which in a comment. Without it they are refused.
    pub allow_lossy: bool,
}

/// The planned change of a database: the steps of the upgrade and of the downgrade, in the
/// order they run, and the two models (the revision renders the tables it creates from them).
#[derive(Debug, Clone)]
pub struct Changes {
    upgrade: Vec<Op>,
    downgrade: Vec<Op>,
    old: Project,
    new: Project,
}

impl Changes {
    /// The two models have the same schema: there is nothing to migrate.
    pub fn is_empty(&self) -> bool {
        self.upgrade.is_empty()
    }

    /// The steps `upgrade()` runs, in order.
    pub fn upgrade(&self) -> &[Op] {
        &self.upgrade
    }

    /// The steps `downgrade()` runs, in order.
    pub fn downgrade(&self) -> &[Op] {
        &self.downgrade
    }

    /// One line per change that matters to a reader (what a dry run shows, and the revision's
    /// docstring lists): `tasks: add column priority (existing rows get 'medium')`.
    pub fn summary(&self) -> Vec<String> {
        self.upgrade.iter().filter_map(render::describe).collect()
    }

    /// What the upgrade deletes for good, one line each, for a warning: the tables dropped with
    /// their rows, the columns with their values. A column dropped from a table that gains one
    /// of the same type may be a rename without `renamed_from`: its line says how to keep them.
    pub fn losses(&self) -> Vec<String> {
        let added_like = |table: &str, dropped: &Column| {
            self.upgrade.iter().find_map(|op| match op {
                Op::AddColumn {
                    table: t, column, ..
                } if t == table && column.ty == dropped.ty => Some(column.name.clone()),
                _ => None,
            })
        };
        self.upgrade
            .iter()
            .filter_map(|op| match op {
                Op::DropTable { table, .. } => Some(format!(
                    "the migration drops table {} and every row in it",
                    table.name
                )),
                Op::DropColumn { table, column } => {
                    let mut line = format!(
                        "the migration drops column {table}.{} and its values",
                        column.name
                    );
                    if let Some(added) = added_like(table, column) {
                        let dropped = &column.name;
                        line.push_str(&format!(
                            "; if `{added}` is `{dropped}` renamed, give it `renamed_from: {dropped}` to keep them"
                        ));
                    }
                    Some(line)
                }
                _ => None,
            })
            .collect()
    }

    /// A short name for the revision's file, from the tables it changes: `tasks`,
    /// `tasks_projects`, `add_projects` (tables only created), `drop_labels` (only dropped),
    /// or `schema` when that would be long. For
    /// `migrations::next(&revisions, &changes.slug())`.
    pub fn slug(&self) -> String {
        let mut tables: Vec<&str> = Vec::new();
        for op in &self.upgrade {
            let table = match op {
                Op::CreateTable { table, .. } | Op::DropTable { table, .. } => table.name.as_str(),
                Op::RenameTable { to, .. } => to.as_str(),
                other => match other.table() {
                    Some(table) => table,
                    None => continue,
                },
            };
            if !tables.contains(&table) {
                tables.push(table);
            }
        }
        // Whole tables only created, or only dropped: `add_projects`, `drop_projects_labels`.
        let kind = if self
            .upgrade
            .iter()
            .all(|op| matches!(op, Op::CreateTable { .. }))
        {
            "add_"
        } else if self
            .upgrade
            .iter()
            .all(|op| matches!(op, Op::DropTable { .. }))
        {
            "drop_"
        } else {
            ""
        };
        let slug = format!("{kind}{}", tables.join("_"));
        if tables.is_empty() || slug.len() > 24 {
            "schema".to_owned()
        } else {
            slug
        }
    }
}

/// Plans the change of a database migrated for `old` (the applied spec's model) so that it
/// fits `new`. Both are validated models; their ORM and mode do not matter.
///
/// Returns every problem at once, each with its place in the new spec and a hint: a rename
/// whose old name the applied spec does not have, a required field without a default for the
/// existing rows, a type that cannot change in place, a lossy change not allowed by `options`.
pub fn plan_changes(
    old: &Project,
    new: &Project,
    options: &Options,
) -> Result<Changes, Vec<Problem>> {
    let matching = plan::matching(old, new)?;
    let upgrade = plan::steps(old, new, &matching, Direction::Upgrade, options)?;
    let downgrade = plan::steps(
        new,
        old,
        &matching.reversed(),
        Direction::Downgrade,
        options,
    )?;
    Ok(Changes {
        upgrade,
        downgrade,
        old: old.clone(),
        new: new.clone(),
    })
}

/// The revision file (`alembic/versions/<revision>.py`) of a planned change, chained onto
/// `down_revision`, laid out as `ruff format` would, passing the generated project's `ruff
/// check` and `mypy --strict`. Deterministic: the same change gives the same bytes.
pub fn render_revision(changes: &Changes, revision: &str, down_revision: &str) -> String {
    let renderer = Renderer::new(changes.new.orm).expect("the embedded templates parse");
    render_revision_with(&renderer, changes, revision, down_revision)
}

/// `render_revision` with a project's renderer (its template overrides).
pub fn render_revision_with(
    renderer: &Renderer,
    changes: &Changes,
    revision: &str,
    down_revision: &str,
) -> String {
    let upgrade = render::body(&changes.upgrade, &changes.old, &changes.new, renderer);
    let downgrade = render::body(&changes.downgrade, &changes.new, &changes.old, renderer);
    let mut summary = Vec::new();
    for line in changes.summary() {
        for (i, part) in render::wrap(&line, crate::python::LINE_LENGTH - 2)
            .into_iter()
            .enumerate()
        {
            summary.push(format!("{}{part}", if i == 0 { "- " } else { "  " }));
        }
    }
    let code = |body: &render::Body| {
        if body.lines.is_empty() {
            "    pass".to_owned()
        } else {
            body.lines.join("\n")
        }
    };
    let mut context = tera::Context::new();
    context.insert("revision", revision);
    context.insert("down_revision", down_revision);
    context.insert("summary", &summary);
    context.insert(
        "uses_sa",
        &(upgrade.uses_sa || downgrade.uses_sa || upgrade.guards || downgrade.guards),
    );
    context.insert(
        "uses_op",
        &!(upgrade.lines.is_empty() && downgrade.lines.is_empty()),
    );
    context.insert(
        "guard_helper",
        &(upgrade.guards || downgrade.guards).then_some(render::GUARD_HELPER),
    );
    context.insert("upgrade", &code(&upgrade));
    context.insert("downgrade", &code(&downgrade));
    renderer
        .render("migrations/apply.py.tera", &context)
        .expect("the revision template renders")
}

#[cfg(test)]
mod tests;
