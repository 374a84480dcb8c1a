//! `backendgen remove-resource NAME`: the undo of `add-resource`.
//!
//! The resource is taken out of `backendgen.yaml` and the spec applied (`apply`): its files
//! that are exactly as backendgen wrote them are deleted, files the user changed stay and are
//! listed, the wiring leaves the shared files by the merge, and a migration drops its table
//! (its downgrade creates the table again).

use anyhow::Result;

use crate::apply;
use crate::cli::RemoveResourceArgs;
use crate::error::Error;
use crate::evolve;
use crate::inject;
use crate::project::{ProjectDir, SPEC};
use crate::validate::validate;

pub(crate) fn run(args: &RemoveResourceArgs) -> Result<()> {
    let project = ProjectDir::open(&args.project)?;
    let Some(resource) = project
        .model
        .resources
        .iter()
        .find(|r| r.name == args.name)
        .cloned()
    else {
        let names: Vec<&str> = project
            .model
            .resources
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        return Err(
            Error::new(format!("there is no resource `{}` in {SPEC}", args.name))
                .with_hint(format!("its resources are: {}", names.join(", ")))
                .into(),
        );
    };
    let referrers: Vec<&str> = project
        .model
        .resources
        .iter()
        .filter(|r| {
            r.fields.iter().any(|f| {
                f.references
                    .as_ref()
                    .is_some_and(|p| p.resource == args.name)
            })
        })
        .map(|r| r.name.as_str())
        .collect();
    if !referrers.is_empty() {
        return Err(Error::new(format!(
            "`{}` is referred to by {}; nothing was written",
            args.name,
            referrers
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_hint(format!(
            "remove them (or their `belongs_to: {}`) first",
            args.name
        ))
        .into());
    }
    if project.model.resources.len() == 1 {
        return Err(Error::new(format!(
            "`{}` is the project's only resource; nothing was written",
            args.name
        ))
        .with_hint(
            "a project keeps at least one resource: add the next one before removing this one",
        )
        .into());
    }

    let spec_text = inject::remove_yaml_resource(&project.spec_text, &resource.name)?;
    let model = validate(SPEC, &spec_text, None)?;
    let outcome = apply::plan(
        &project,
        &spec_text,
        &model,
        false,
        &evolve::Options::default(),
    )?;
    super::apply::finish(&project, &outcome, args.dry_run, || {
        format!(
            "removed resource `{}` from {}:",
            resource.name,
            project.root.display()
        )
    })
}
