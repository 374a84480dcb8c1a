//! `backendgen new NAME`: render a whole project and write it into an empty folder.
//!
//! The spec is validated before anything is asked, and the target checked, so no one answers
//! questions for a project that cannot be made. What the flags, the spec and the answers
//! decide is written into the spec the project keeps, and that text is what is rendered.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::NewArgs;
use crate::error::Error;
use crate::model::Project;
use crate::output::{DONE, HEADING};
use crate::overrides::{self, Overrides};
use crate::plan;
use crate::questions::{self, Ask, Choices, Stated, Terminal};
use crate::render::Renderer;
use crate::spec::DefaultAccess;
use crate::spec_edit::set_scalars;
use crate::validate::validate;
use crate::write;

pub(crate) fn run(args: &NewArgs) -> Result<()> {
    let (source, text) = super::read_spec(args.spec.as_deref())?;
    let name = validate(&source, &text, Some(&args.name))?.name;

    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    if target.exists() && !target.is_dir() {
        return Err(
            Error::new(format!("{} exists and is not a folder", target.display()))
                .with_hint("choose another --output")
                .into(),
        );
    }
    if target.join(crate::base::PATH).exists() {
        // Written over, the last render's files that this one does not make would stay,
        // wired to nothing: the project would fail its own checks.
        return Err(Error::new(format!(
            "{} holds a project made by backendgen; nothing was written",
            target.display()
        ))
        .with_hint("change its backendgen.yaml and run `backendgen apply` there, or choose another --output")
        .into());
    }
    if !args.force && !write::is_empty_or_missing(&target)? && !holds_only_overrides(&target)? {
        return Err(Error::new(format!(
            "{} is not empty; nothing was written",
            target.display()
        ))
        .with_hint("choose another --output, or pass --force to write over files of the same names")
        .into());
    }

    let flags = Stated {
        orm: args.orm,
        mode: args.mode,
        default_access: None,
    };
    // The embedded spec is an example, not a decision: its `orm` and `mode` are asked about.
    let spec = match args.spec {
        Some(_) => Stated::in_spec(&text),
        None => Stated::default(),
    };
    let mut terminal = Terminal;
    let ask = questions::may_ask(args.yes).then_some(&mut terminal as &mut dyn Ask);
    let choices = questions::decide(flags, spec, ask)?;

    let spec_text = kept_spec(&text, &name, choices, &source)?;
    let project = validate(&source, &spec_text, None)?;
    // Overrides already in the target (`.backendgen/templates/`) render the project from the start.
    let overrides = Overrides::load(&target)?;
    let renderer = Renderer::with_overrides(project.orm, &overrides)?;
    let plan = plan::project_with(&renderer, &project, &spec_text)?;
    if args.dry_run {
        // The paths are the data (one a line, for scripts); the count is a message.
        crate::sayln!(
            "would write {} files to {}:",
            plan.files.len(),
            target.display()
        );
        for file in &plan.files {
            crate::outln!("{}", file.path);
        }
        return Ok(());
    }
    write::write_all(&target, &plan.files)?;
    crate::sayln!(
        "{DONE}created{DONE:#} {} ({} files, {}; {})",
        target.display(),
        plan.files.len(),
        target_summary(&project),
        super::check::summary(&project)
    );
    if !overrides.templates.is_empty() {
        crate::sayln!(
            "with the template overrides in {}: {}",
            overrides::DIR,
            overrides
                .templates
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    crate::sayln!(
        "\n{HEADING}next:{HEADING:#}\n  cd {}\n  uv sync\n  uv run pytest\n  uv run alembic upgrade head\n  uv run fastapi dev app/main.py",
        target.display()
    );
    Ok(())
}

/// Whether `dir` holds nothing but template overrides (`.backendgen/templates/...`), which a new
/// project is rendered with rather than written over.
fn holds_only_overrides(dir: &Path) -> Result<bool> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(false);
    };
    let top: Vec<_> = entries.flatten().map(|e| e.file_name()).collect();
    if top != [".backendgen"] {
        return Ok(false);
    }
    let inner: Vec<_> = std::fs::read_dir(dir.join(".backendgen"))?
        .flatten()
        .map(|e| e.file_name())
        .collect();
    Ok(inner == ["templates"])
}

/// The spec as the project keeps it: the user's text (comments and layout untouched) with
/// `project.name` set to the name the project was created under, `orm` and `mode` set to what
/// it was generated as, and `auth.default_access` when it is not the default.
fn kept_spec(text: &str, name: &str, choices: Choices, source: &str) -> Result<String> {
    let mut values = vec![
        ("project.name", name.to_owned()),
        ("project.orm", word(choices.orm)),
        ("project.mode", word(choices.mode)),
    ];
    if choices.default_access != DefaultAccess::default() {
        values.push(("auth.default_access", word(choices.default_access)));
    }
    // Editors on Windows may start a file with a byte order mark; the kept spec does without.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let edits: Vec<(&str, &str)> = values.iter().map(|(p, v)| (*p, v.as_str())).collect();
    set_scalars(text, &edits).map_err(|path| {
        let value = values.iter().find(|(p, _)| *p == path).map_or("", |(_, v)| v);
        let (section, key) = path.split_once('.').expect("a dotted path");
        Error::new(format!(
            "cannot record `{path}: {value}` in the spec without rewriting its layout; nothing was written"
        ))
        .with_hint(format!(
            "add `{key}: {value}` under `{section}:` in {source} (in block style), then run this again"
        ))
        .into()
    })
}

/// A choice as the spec spells it.
fn word(value: impl serde::Serialize) -> String {
    match serde_yaml::to_value(value) {
        Ok(serde_yaml::Value::String(word)) => word,
        _ => unreachable!("the spec's choices serialize as words"),
    }
}

/// `sqlalchemy, sync`.
fn target_summary(project: &Project) -> String {
    format!("{}, {}", word(project.orm), word(project.mode))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Mode, Orm};

    fn kept(text: &str, name: &str, choices: Choices) -> String {
        kept_spec(text, name, choices, "spec.yaml").unwrap()
    }

    #[test]
    fn records_the_name_and_target_in_place() {
        let spec =
            "# mine\nproject:\n  name: tasks   # the name\n  orm: sqlmodel\n\nresources: {}\n";
        assert_eq!(
            kept(spec, "shop", Choices::default()),
            "# mine\nproject:\n  name: shop   # the name\n  orm: sqlmodel\n  mode: async\n\nresources: {}\n"
        );
        let choices = Choices {
            orm: Orm::Sqlalchemy,
            mode: Mode::Sync,
            default_access: DefaultAccess::Authenticated,
        };
        assert_eq!(
            kept(spec, "tasks", choices),
            "# mine\nproject:\n  name: tasks   # the name\n  orm: sqlalchemy\n  mode: sync\n\nresources: {}\n"
        );
        assert_eq!(
            kept("project: { name: tasks, orm: sqlmodel }\n", "shop", choices),
            "project: { name: shop, orm: sqlalchemy, mode: sync }\n"
        );
    }

    #[test]
    fn records_default_access_only_when_it_is_not_the_default() {
        let spec = "project: { name: x, orm: sqlmodel, mode: async }\nresources: {}\n";
        assert_eq!(kept(spec, "x", Choices::default()), spec);
        let public = Choices {
            default_access: DefaultAccess::PublicReads,
            ..Choices::default()
        };
        assert_eq!(
            kept(spec, "x", public),
            "project: { name: x, orm: sqlmodel, mode: async }\nauth:\n  default_access: public-reads\nresources: {}\n"
        );
        assert_eq!(
            kept(
                "project:\n  name: x\nauth:\n  roles_claim: roles  # ours\nresources: {}\n",
                "x",
                public
            ),
            "project:\n  name: x\n  orm: sqlmodel\n  mode: async\nauth:\n  roles_claim: roles  # ours\n  default_access: public-reads\nresources: {}\n"
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(
            kept("\u{feff}project:\n  name: x\n", "x", Choices::default()),
            "project:\n  name: x\n  orm: sqlmodel\n  mode: async\n"
        );
    }

    #[test]
    fn a_layout_it_cannot_edit_is_an_error_with_the_line_to_add() {
        let err = kept_spec(
            "project: {\n  name: x\n}\nresources: {}\n",
            "x",
            Choices {
                default_access: DefaultAccess::PublicReads,
                ..Choices::default()
            },
            "spec.yaml",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("add `default_access: public-reads` under `auth:` in spec.yaml"),
            "{err}"
        );
    }
}
