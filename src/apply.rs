//! Applying a spec to a project: the one path by which a project changes after `new`.
//!
//! `backendgen apply`, `add-resource` and `remove-resource` all come here with the spec to
//! apply (the first as the user edited it, the others after editing it themselves). The spec
//! is rendered in full, as `new` would render it (theirs), and every file is merged three ways
//! with what backendgen rendered last time (the base, `.backendgen/base.json`) and what is on
//! disk (yours). The database follows by one migration (`evolve`). Nothing is written
//! here: the outcome is a change set to show as a diff or write all at once.
//!
//! Per file:
//! - rendered now and on disk: merged; a hunk both sides changed is written between markers.
//! - rendered now, not on disk: created, unless backendgen wrote it before (the user deleted
//!   it; it stays deleted) and it is not a file of a resource new in this spec.
//! - rendered before, not now: deleted when it is as backendgen wrote it, else kept and listed.
//! - rendered now for the first time, and on disk with other content: the user's own file;
//!   refused, or with `force` kept as `FILE.orig` and replaced.
//!
//! A project made before base files existed has only `.backendgen/manifest.json`, the hashes of
//! what backendgen wrote. Its base is rebuilt from its spec, which must be the one backendgen
//! last wrote (its hash says so), rendered by this backendgen: a file still as the manifest
//! recorded counts as untouched (so it takes the new render whole), any other file is merged
//! against that render (so your edits stay, and template changes since the version that wrote
//! it are not merged in). `app/main.py`, `app/models/__init__.py` and `README.md` were edited in
//! place by `add-resource` before, so they always take the second way.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use anyhow::Result;

use crate::base::{self, Base};
use crate::error::Error;
use crate::evolve;
use crate::manifest::{self, Manifest};
use crate::merge::{self, Merged};
use crate::migrations;
use crate::model::Project;
use crate::overrides::Overrides;
use crate::plan::{self, PlannedFile};
use crate::problem::Problems;
use crate::project::{ChangeSet, ProjectDir, SPEC};
use crate::render::Renderer;
use crate::validate::validate;

/// Files `add-resource` edited in place before base files existed.
const EDITED_IN_PLACE: &[&str] = &["app/main.py", "app/models/__init__.py", "README.md"];

/// What was done to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Action {
    Created,
    /// The new render, over a file the user had not changed.
    Changed,
    /// The new render merged with the user's edits.
    Merged,
    /// Merged, with hunks between conflict markers.
    Conflict,
    Deleted,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Created => "created",
            Action::Changed => "changed",
            Action::Merged => "merged",
            Action::Conflict => "conflict",
            Action::Deleted => "deleted",
        })
    }
}

/// Everything one apply does and leaves alone.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub changes: ChangeSet,
    /// Each file written or deleted, by path.
    pub actions: BTreeMap<String, Action>,
    /// Files the user deleted that backendgen still renders: left deleted.
    pub kept_deleted: Vec<String>,
    /// Files backendgen no longer renders that the user changed: left in place.
    pub kept_changed: Vec<String>,
    /// The migration written, if the tables change.
    pub migration: Option<String>,
    /// What that migration deletes for good (`Changes::losses`), to warn of.
    pub losses: Vec<String>,
    /// The older backendgen whose render this one's was merged into.
    pub upgraded_from: Option<String>,
    /// The project had no base file: its base was rebuilt from its spec and manifest.
    pub rebuilt_base: bool,
}

impl Outcome {
    /// Writes `contents` to `path`, done as `action`.
    fn write(&mut self, path: &str, action: Action, contents: String) {
        self.actions.insert(path.to_owned(), action);
        self.changes.write(path, contents);
    }

    /// Deletes the file at `path`.
    fn delete(&mut self, path: &str) {
        self.actions.insert(path.to_owned(), Action::Deleted);
        self.changes.deletes.push(path.to_owned());
    }

    pub(crate) fn conflicts(&self) -> Vec<String> {
        self.paths(Action::Conflict)
    }

    fn paths(&self, action: Action) -> Vec<String> {
        self.actions
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(p, _)| p.clone())
            .collect()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.changes.writes.is_empty() && self.changes.deletes.is_empty()
    }

    /// One line a file (`created app/models/project.py`), in path order, the base last.
    pub(crate) fn summary(&self) -> Vec<String> {
        let (base, files): (Vec<_>, Vec<_>) = self
            .actions
            .iter()
            .partition(|(path, _)| *path == base::PATH);
        files
            .into_iter()
            .chain(base)
            .map(|(path, action)| {
                let note = match action {
                    Action::Merged => " (your edits kept)",
                    Action::Conflict => " (both changed it: see the markers)",
                    _ => "",
                };
                format!("{action} {path}{note}")
            })
            .collect()
    }

    /// What the user reads after the change is written (or, with `dry_run`, before).
    pub(crate) fn report(&self, dry_run: bool) -> String {
        let mut out = String::new();
        if let Some(version) = &self.upgraded_from {
            out.push_str(&format!(
                "the templates of backendgen {} were merged into files rendered by backendgen {version}\n",
                base::VERSION
            ));
        }
        if self.rebuilt_base {
            out.push_str(&format!(
                "this project had no {}: its base was rebuilt from {SPEC} (see `backendgen apply --help`)\n",
                base::PATH
            ));
        }
        if !self.kept_deleted.is_empty() {
            out.push_str(&format!(
                "{}left deleted, because you deleted them:\n",
                if dry_run { "would be " } else { "" }
            ));
            for path in &self.kept_deleted {
                out.push_str(&format!("  {path}\n"));
            }
        }
        if !self.kept_changed.is_empty() {
            out.push_str(
                "left in place, because they were changed since backendgen wrote them (backendgen no longer renders them):\n",
            );
            for path in &self.kept_changed {
                out.push_str(&format!("  {path}\n"));
            }
        }
        out
    }

    /// The commands to run next.
    pub(crate) fn next_steps(&self) -> String {
        let mut out = String::from("\nnext:\n");
        if !self.conflicts().is_empty() {
            out.push_str("  resolve the conflicts (see the markers)\n");
        }
        if !self.kept_changed.is_empty() {
            // They may still import what backendgen no longer renders (a removed resource).
            out.push_str("  delete or adapt the files left in place\n");
        }
        if self.migration.is_some() {
            out.push_str("  uv run alembic upgrade head\n");
        }
        out.push_str("  uv run pytest\n");
        out
    }
}

/// Files were written with conflict markers: exit status 3.
#[derive(Debug)]
pub struct Conflicts {
    pub paths: Vec<String>,
    /// False for `--dry-run`: the conflicts would be written.
    pub written: bool,
}

/// The exit status of a change that left conflict markers.
pub(crate) const CONFLICT_EXIT: u8 = crate::error::CONFLICT;

impl From<Conflicts> for Error {
    /// Not a failure (the change was made, or would be): a warning, with exit status 3.
    fn from(conflicts: Conflicts) -> Self {
        let n = conflicts.paths.len();
        let files = if n == 1 { "file" } else { "files" };
        let (message, hint) = if conflicts.written {
            (
                format!(
                    "{n} {files} changed both by you and by backendgen in the same lines, written with both versions between `{}` and `{}`:",
                    merge::YOURS,
                    merge::BACKENDGEN
                ),
                "in each, keep what you want of both sides and delete the marker lines; `backendgen apply` refuses to run while markers remain",
            )
        } else {
            (
                format!(
                    "{n} {files} would be written with conflict markers (changed both by you and by backendgen in the same lines):"
                ),
                "nothing was written; apply writes them, then resolve each hunk between the markers",
            )
        };
        Error::new(message)
            .with_places(conflicts.paths)
            .with_hint(hint)
            .with_code(CONFLICT_EXIT)
            .warning()
    }
}

/// The last render of a project, as apply merges against it.
struct Last {
    /// The spec it rendered, validated.
    model: Project,
    /// Path -> what it rendered there (where known).
    files: BTreeMap<String, String>,
    /// Every path backendgen rendered (some without known text, in a project without a base).
    written: BTreeSet<String>,
    /// The version that rendered it, when its base file says.
    version: Option<String>,
    legacy: bool,
}

/// Computes what applying `spec_text` (valid, as `model`) to `project` changes. `force` lets a
/// newly rendered file replace the user's own file at its path, keeping that as `FILE.orig`.
pub(crate) fn plan(
    project: &ProjectDir,
    spec_text: &str,
    model: &Project,
    force: bool,
    options: &evolve::Options,
) -> Result<Outcome> {
    // The templates (with the project's overrides), the last render (base), and no markers left.
    let overrides = Overrides::load(&project.root)?;
    let renderer = Renderer::with_overrides(model.orm, &overrides)?;
    let last = last_render(project, &overrides)?;
    refuse_markers(project, last.written.iter().chain(last.files.keys()))?;

    // Theirs: the spec rendered in full, and the migration from the last spec's tables.
    let (user_files, rendered_files): (Vec<PlannedFile>, Vec<PlannedFile>) =
        plan::render(&renderer, model, spec_text)?
            .into_iter()
            .partition(|f| base::is_user_file(&f.path));
    let theirs: Vec<PlannedFile> = rendered_files
        .into_iter()
        .filter(|f| base::is_merged(&f.path))
        .collect();
    let (migration, losses) = migration_for(
        &renderer,
        (&last.model, model),
        spec_text,
        &migrations::revisions(&project.root)?,
        options,
    )?;

    // Files of resources new in this spec are created even where an old file was deleted.
    let new_resource_files: BTreeSet<String> = model
        .resources
        .iter()
        .filter(|r| !last.model.resources.iter().any(|o| o.name == r.name))
        .map(|r| plan::resource_files(&renderer, model, r))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .map(|f| f.path)
        .collect();

    // A renamed resource's files, by their new path: where each was before.
    let moved: BTreeMap<String, String> = model
        .resources
        .iter()
        .filter_map(|r| {
            let old = r.renamed_from.as_ref()?;
            let before = last.model.resources.iter().find(|o| &o.name == old)?;
            Some(plan::renamed_paths(&renderer, r, before))
        })
        .flatten()
        .collect();

    // Merged file by file with yours.
    let mut outcome = Outcome::default();
    // Old files of renamed resources whose edits were carried to the new ones.
    let mut carried: BTreeSet<String> = BTreeSet::new();
    let mut collisions = Vec::new();
    let rendered: BTreeSet<&str> = theirs.iter().map(|f| f.path.as_str()).collect();
    for file in &theirs {
        let path = file.path.as_str();
        let yours = project.read(path)?;
        if yours.is_none()
            && let Some(old) = moved.get(path)
            && let (Some(old_yours), Some(old_base)) = (project.read(old)?, last.files.get(old))
            && &old_yours != old_base
        {
            // Your edits of the file under the resource's old name, merged into its new one
            // as they would have been had it kept its name.
            let (action, text) = match merge::three_way(old_base, &old_yours, &file.contents) {
                Merged::Clean(text) => (Action::Merged, text),
                Merged::Conflict(text) => (Action::Conflict, text),
            };
            outcome.write(path, action, text);
            outcome.delete(old);
            carried.insert(old.clone());
            continue;
        }
        let base = last.files.get(path);
        match (yours, base) {
            (Some(yours), _) if yours == file.contents => {}
            (Some(yours), Some(base)) => {
                let (action, text) = match merge::three_way(base, &yours, &file.contents) {
                    Merged::Clean(text) if text == file.contents => (Action::Changed, text),
                    Merged::Clean(text) => (Action::Merged, text),
                    Merged::Conflict(text) => (Action::Conflict, text),
                };
                if text != yours {
                    outcome.write(path, action, text);
                }
            }
            (Some(yours), None) => {
                if force {
                    let backup = backup_path(project, path);
                    outcome.write(&backup, Action::Created, yours);
                    outcome.write(path, Action::Changed, file.contents.clone());
                } else {
                    collisions.push(path.to_owned());
                }
            }
            (None, _) if last.written.contains(path) && !new_resource_files.contains(path) => {
                outcome.kept_deleted.push(path.to_owned());
            }
            (None, _) => {
                outcome.write(path, Action::Created, file.contents.clone());
            }
        }
    }
    // The user's own files: created when missing, never touched otherwise; a renamed
    // resource's move to its new name as they are (its hooks would be left unused).
    for file in user_files {
        if project.read(&file.path)?.is_some() {
            continue;
        }
        let moved_here = match moved.get(&file.path) {
            Some(old) => project.read(old)?.map(|text| (old, text)),
            None => None,
        };
        match moved_here {
            Some((old, text)) => {
                outcome.write(&file.path, Action::Created, text);
                outcome.delete(old);
            }
            None => outcome.write(&file.path, Action::Created, file.contents),
        }
    }
    if !collisions.is_empty() {
        let n = collisions.len();
        return Err(Error::new(format!(
            "{n} file{} already exist{} with other content; nothing was written:",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
        ))
        .with_places(collisions)
        .with_hint("move them away, or pass --force to overwrite them (each is kept as FILE.orig, or FILE.orig.N when that exists)")
        .into());
    }

    // Files no longer rendered.
    for path in &last.written {
        if rendered.contains(path.as_str()) || !base::is_merged(path) || carried.contains(path) {
            continue;
        }
        let Some(yours) = project.read(path)? else {
            continue;
        };
        if last.files.get(path) == Some(&yours) {
            outcome.delete(path);
        } else {
            outcome.kept_changed.push(path.clone());
        }
    }

    outcome.losses = losses;
    if let Some(file) = migration {
        outcome.migration = Some(file.path.clone());
        outcome.write(&file.path, Action::Created, file.contents);
    }
    if spec_text != project.spec_text {
        outcome.write(SPEC, Action::Changed, spec_text.to_owned());
    }

    // The new base: this render, whatever was merged from it.
    let base_file = Base::of(spec_text, &theirs).to_file();
    if project.read(base::PATH)?.as_deref() != Some(base_file.contents.as_str()) {
        let action = if last.legacy {
            Action::Created
        } else {
            Action::Changed
        };
        outcome.write(&base_file.path, action, base_file.contents);
    }
    if last.legacy && project.read(manifest::PATH)?.is_some() {
        // The base file replaces it.
        outcome.delete(manifest::PATH);
    }
    outcome.rebuilt_base = last.legacy;
    if last.version.as_deref() != Some(base::VERSION) && !outcome.is_empty() {
        outcome.upgraded_from = last.version.clone();
    }
    Ok(outcome)
}

/// What backendgen rendered into the project last time: its base file, or for a project made
/// before base files, a base rebuilt from its manifest and spec.
/// Where `--force` keeps the user's own `path` before replacing it: `FILE.orig`, or the
/// first of `FILE.orig.1`, `FILE.orig.2`, ... that is free, so that no earlier copy is lost.
fn backup_path(project: &ProjectDir, path: &str) -> String {
    let first = format!("{path}.orig");
    if !project.has(&first) {
        return first;
    }
    let mut n = 1;
    while project.has(&format!("{first}.{n}")) {
        n += 1;
    }
    format!("{first}.{n}")
}

fn last_render(project: &ProjectDir, overrides: &Overrides) -> Result<Last> {
    if let Some(base) = Base::load(&project.root)? {
        if base::compare_versions(&base.version, base::VERSION).is_gt() {
            return Err(Error::new(format!(
                "this project was last rendered by backendgen {}, newer than this one ({}); nothing was written",
                base.version,
                base::VERSION
            ))
            .with_hint(format!("upgrade backendgen to {} or later", base.version))
            .into());
        }
        let model = validate(&format!("{} (spec)", base::PATH), &base.spec, None).map_err(|problems| {
            Error::from(problems)
                .within("the spec last applied no longer validates, so the change from it cannot be computed")
                .with_hint("restore .backendgen/base.json from version control, or run the backendgen that wrote it")
        })?;
        return Ok(Last {
            model,
            written: base.files.keys().cloned().collect(),
            files: base.files,
            version: Some(base.version),
            legacy: false,
        });
    }

    let manifest = Manifest::load(&project.root)?;
    if manifest.files.is_empty() {
        return Err(Error::new(format!(
            "{} has neither {} nor {}, so backendgen cannot tell its files from yours",
            project.root.display(),
            base::PATH,
            manifest::PATH
        ))
        .with_hint(format!("apply works on projects made by `backendgen new`; to start one from this spec, run `backendgen new NAME --spec {SPEC}` elsewhere"))
        .into());
    }
    if !manifest.is_unmodified(SPEC, project.spec_text.as_bytes()) {
        return Err(Error::new(format!(
            "{SPEC} changed since backendgen last wrote it, and this project has no {} (it was made by an older backendgen), so the spec last applied is unknown; nothing was written",
            base::PATH
        ))
        .with_hint(format!("put {SPEC} back as it was (e.g. `git stash`), run `backendgen apply` once to record the base, then make your change again"))
        .into());
    }
    let old = Renderer::with_overrides(project.model.orm, overrides)?;
    let rendered: BTreeMap<String, String> =
        plan::render(&old, &project.model, &project.spec_text)?
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
    let mut files = BTreeMap::new();
    let mut written = BTreeSet::new();
    for path in manifest.files.keys().filter(|p| base::is_merged(p)) {
        written.insert(path.clone());
        let disk = project.read(path)?;
        let untouched = disk
            .as_deref()
            .is_some_and(|d| manifest.is_unmodified(path, d.as_bytes()));
        if untouched && !EDITED_IN_PLACE.contains(&path.as_str()) {
            files.insert(path.clone(), disk.expect("an untouched file exists"));
        } else if let Some(text) = rendered.get(path) {
            files.insert(path.clone(), text.clone());
        }
    }
    Ok(Last {
        model: project.model.clone(),
        files,
        written,
        version: None,
        legacy: true,
    })
}

/// Conflict markers left in the files at `paths` below `root`, as `path:line`.
pub(crate) fn remaining_markers<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a String>,
) -> Vec<String> {
    let mut found = Vec::new();
    let paths: BTreeSet<&String> = paths.into_iter().collect();
    for path in paths {
        // Unreadable or not text: not a file a merge wrote.
        if let Ok(text) = std::fs::read_to_string(root.join(path)) {
            found.extend(
                merge::markers(&text)
                    .into_iter()
                    .map(|line| format!("{path}:{line}")),
            );
        }
    }
    found
}

fn refuse_markers<'a>(
    project: &ProjectDir,
    paths: impl IntoIterator<Item = &'a String>,
) -> Result<()> {
    let found = remaining_markers(&project.root, paths);
    if found.is_empty() {
        return Ok(());
    }
    Err(
        Error::new("conflict markers remain in the project; nothing was written:")
            .with_places(found)
            .with_hint(format!(
                "resolve each hunk between `{}` and `{}` (keep what you want of both sides, delete the marker lines), then run this again",
                merge::YOURS,
                merge::BACKENDGEN
            ))
            .into(),
    )
}

/// The revision that takes a database migrated for `old` (the applied spec) to `new`, chained
/// onto the single head of `history`; None when the tables are the same. A change that would
/// lose data or leave rows without a value is refused, each problem at its place in the spec.
fn migration_for(
    renderer: &Renderer,
    (old, new): (&Project, &Project),
    spec_text: &str,
    history: &[migrations::Revision],
    options: &evolve::Options,
) -> Result<(Option<PlannedFile>, Vec<String>)> {
    let changes = evolve::plan_changes(old, new, options)
        .map_err(|problems| Problems::located(SPEC, spec_text, problems))?;
    if changes.is_empty() {
        return Ok((None, Vec::new()));
    }
    let down_revision = migrations::head(history)?;
    let (revision, path) = migrations::next(history, &changes.slug());
    let contents = evolve::render_revision_with(renderer, &changes, &revision, &down_revision);
    Ok((Some(PlannedFile { path, contents }), changes.losses()))
}
