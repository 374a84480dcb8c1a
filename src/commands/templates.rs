//! `backendgen templates list|eject`: the templates a project renders with, and copies of them
//! to override (`.backendgen/templates/<name>`, picked up by `new`, `apply` and `add-resource`).

use anyhow::Result;

use crate::cli::{TemplatesCommand, TemplatesEjectArgs, TemplatesListArgs};
use crate::error::Error;
use crate::overrides::Overrides;
use crate::plan::PlannedFile;
use crate::problem::nearest;
use crate::project::ProjectDir;
use crate::render;
use crate::write;

pub(crate) fn run(command: &TemplatesCommand) -> Result<()> {
    match command {
        TemplatesCommand::List(args) => list(args),
        TemplatesCommand::Eject(args) => eject(args),
    }
}

fn list(args: &TemplatesListArgs) -> Result<()> {
    let project = ProjectDir::open(&args.project)?;
    let overrides = Overrides::load(&project.root)?;
    let names = render::names(project.model.orm);
    for name in &names {
        if overrides.contains(name) {
            crate::outln!("{name}  (overridden by {})", Overrides::path_of(name));
        } else {
            crate::outln!("{name}");
        }
    }
    for name in overrides.templates.keys() {
        if !names.contains(name) {
            crate::outln!(
                "{}  (replaces no template: an error when rendering)",
                Overrides::path_of(name)
            );
        }
    }
    Ok(())
}

fn eject(args: &TemplatesEjectArgs) -> Result<()> {
    let project = ProjectDir::open(&args.project)?;
    let orm = project.model.orm;
    let names = render::names(orm);
    // `app/main.py` or `project/app/main.py` find `project/app/main.py.tera`.
    let candidates = [
        args.name.clone(),
        format!("{}.tera", args.name),
        format!("project/{}.tera", args.name),
    ];
    let Some(name) = candidates.iter().find(|c| names.contains(c)) else {
        let near = candidates
            .iter()
            .rev()
            .find_map(|c| nearest(c, names.iter().map(String::as_str)));
        let hint = match near {
            Some(near) => format!("did you mean {near}?"),
            None => "`backendgen templates list` shows every name".to_owned(),
        };
        return Err(Error::new(format!(
            "there is no template `{}`; nothing was written",
            args.name
        ))
        .with_hint(hint)
        .into());
    };
    let path = Overrides::path_of(name);
    if project.root.join(&path).exists() && !args.force {
        return Err(
            Error::new(format!("{path} already exists; nothing was written"))
                .with_hint("edit it, or pass --force to replace it with the embedded template")
                .into(),
        );
    }
    let source = render::embedded(orm, name).expect("a listed name has a source");
    write::write_all(
        &project.root,
        &[PlannedFile {
            path: path.clone(),
            contents: source.to_owned(),
        }],
    )?;
    crate::sayln!(
        "copied the embedded {name} to {path}\n\nnext:\n  edit it (it replaces the embedded one for this project)\n  backendgen apply --dry-run   # the files it changes\n  backendgen apply"
    );
    Ok(())
}
