//! `backendgen remove-resource NAME`: the undo of `add-resource`.
//!
//! The resource's files that are exactly as backendgen wrote them (by the manifest's hashes) are
//! deleted; files the user changed stay and are listed. The wiring is taken out of the shared
//! files, the resource out of `backendgen.yaml`, and a migration drops its table (its downgrade
//! creates the table again).

use anyhow::{Context, Result, bail};

use crate::cli::RemoveResourceArgs;
use crate::context;
use crate::inject;
use crate::migrations;
use crate::plan;
use crate::project::{ChangeSet, ProjectDir, SPEC};
use crate::render::Renderer;

pub fn run(args: &RemoveResourceArgs) -> Result<()> {
    let mut project = ProjectDir::open(&args.project)?;
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
        bail!(
            "there is no resource `{}` in {SPEC}\n  hint: its resources are: {}",
            args.name,
            names.join(", ")
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
        bail!(
            "`{}` is referred to by {}; nothing was written\n  hint: remove them (or their `belongs_to: {}`) first",
            args.name,
            referrers
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", "),
            args.name
        );
    }
    if project.model.resources.len() == 1 {
        bail!(
            "`{}` is the project's only resource; nothing was written\n  hint: a project keeps at least one resource: add the next one before removing this one",
            args.name
        );
    }

    let renderer = Renderer::new(project.model.orm)?;
    let mut changes = ChangeSet::default();
    let mut kept = Vec::new();
    for file in plan::resource_files(&renderer, &project.model, &resource)? {
        let Some(existing) = project.read(&file.path)? else {
            continue;
        };
        if project
            .manifest
            .is_unmodified(&file.path, existing.as_bytes())
        {
            changes.deletes.push(file.path);
        } else {
            kept.push(file.path);
        }
    }

    let main = project.require("app/main.py")?;
    changes.write("app/main.py", inject::remove_router(&main, &resource.name));
    let models = project.require("app/models/__init__.py")?;
    let exports = context::model_exports(&resource);
    changes.write(
        "app/models/__init__.py",
        inject::remove_model_exports(&models, &resource.name, &exports),
    );
    if let Some(readme) = project.read("README.md")? {
        changes.write(
            "README.md",
            inject::remove_readme_row(&readme, &context::readme_row(&resource)),
        );
    }
    changes.write(
        SPEC,
        inject::remove_yaml_resource(&project.spec_text, &resource.name)?,
    );

    let revisions = migrations::revisions(&project.root)?;
    let head = migrations::head(&revisions)?;
    let (revision, path) = migrations::next(&revisions, &format!("drop_{}", resource.plural));
    let migration = plan::migration(
        &renderer,
        "migrations/drop_resource.py.tera",
        &project.model,
        &resource,
        (&revision, &path),
        &head,
    )?;
    changes.write(&migration.path, migration.contents);
    for path in &kept {
        project.manifest.forget(path);
    }
    changes.update_manifest(&mut project.manifest);

    if args.dry_run {
        print!("{}", changes.diff(&project)?);
        return Ok(());
    }
    let summary = changes.summary(&project);
    changes.apply(&project).context("nothing was changed")?;
    println!(
        "removed resource `{}` from {}:",
        resource.name,
        project.root.display()
    );
    for line in summary {
        println!("  {line}");
    }
    if !kept.is_empty() {
        println!("\nleft in place, because they were changed since backendgen wrote them:");
        for path in &kept {
            println!("  {path}");
        }
        println!(
            "  (they still refer to `{}`: delete or adapt them)",
            resource.name
        );
    }
    println!("\nnext:\n  uv run alembic upgrade head\n  uv run pytest");
    Ok(())
}
