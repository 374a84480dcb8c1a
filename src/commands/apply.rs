//! `backendgen apply`: bring a project in line with its `backendgen.yaml` (after an edit of the
//! spec, a new backendgen, or a new template override), keeping the user's edits.

use anyhow::Result;

use crate::apply::{self, Conflicts, Outcome};
use crate::cli::ApplyArgs;
use crate::error::Error;
use crate::evolve;
use crate::project::{ProjectDir, SPEC};

pub(crate) fn run(args: &ApplyArgs) -> Result<()> {
    let project = ProjectDir::open(&args.project)?;
    let outcome = apply::plan(
        &project,
        &project.spec_text,
        &project.model,
        args.force,
        &evolve::Options {
            allow_lossy: args.allow_lossy,
        },
    )?;
    finish(&project, &outcome, args.dry_run, || {
        format!("applied {SPEC} to {}:", project.root.display())
    })
}

/// What the migration deletes for good goes to stderr as warnings, `--quiet` or not.
fn warn_of_losses(outcome: &Outcome) {
    for loss in &outcome.losses {
        crate::output::warn(loss);
    }
}

/// Shows (`dry_run`) or writes the outcome of a change and tells the user what happened and
/// what to run next; conflicts end it with exit status 3.
pub(crate) fn finish(
    project: &ProjectDir,
    outcome: &Outcome,
    dry_run: bool,
    headline: impl FnOnce() -> String,
) -> Result<()> {
    let conflicts = outcome.conflicts();
    if dry_run {
        crate::out!("{}", outcome.changes.diff(project)?);
        crate::say!("{}", outcome.report(true));
        warn_of_losses(outcome);
        if outcome.is_empty() {
            crate::sayln!("nothing to apply: the project is up to date with {SPEC}");
        }
        if !conflicts.is_empty() {
            return Err(Error::from(Conflicts {
                paths: conflicts,
                written: false,
            })
            .into());
        }
        return Ok(());
    }
    if outcome.is_empty() {
        crate::say!("{}", outcome.report(false));
        crate::sayln!("nothing to apply: the project is up to date with {SPEC}");
        return Ok(());
    }
    outcome
        .changes
        .apply(project)
        .map_err(|err| err.context("nothing was changed"))?;
    crate::sayln!("{}", headline());
    for line in outcome.summary() {
        crate::sayln!("  {line}");
    }
    crate::say!("{}", outcome.report(false));
    warn_of_losses(outcome);
    crate::say!("{}", outcome.next_steps());
    if !conflicts.is_empty() {
        return Err(Error::from(Conflicts {
            paths: conflicts,
            written: true,
        })
        .into());
    }
    Ok(())
}
