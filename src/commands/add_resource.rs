//! `backendgen add-resource NAME`: grow a live project by one resource without touching the
//! user's own lines.
//!
//! The resource is appended to `backendgen.yaml` (the rest of its text as it was), the whole
//! spec is validated again (so every collision with what the project has is caught), and the
//! edited spec is applied like any other edit of it: the resource's files, its migration and
//! the wiring in the shared files come from rendering the spec and merging with the user's
//! files (`apply`).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_yaml::Value;

use crate::apply;
use crate::cli::AddResourceArgs;
use crate::error::Error;
use crate::evolve;
use crate::inject;
use crate::locate::Locator;
use crate::project::{ProjectDir, SPEC};
use crate::shorthand;
use crate::validate::{validate, yaml_syntax_problems};

pub(crate) fn run(args: &AddResourceArgs) -> Result<()> {
    let project = ProjectDir::open(&args.project)?;
    if project.model.resources.iter().any(|r| r.name == args.name) {
        return Err(Error::new(format!(
            "resource `{}` already exists in {SPEC}; nothing was written",
            args.name
        ))
        .with_hint(format!(
            "choose another name, or run `backendgen remove-resource {}` first",
            args.name
        ))
        .into());
    }
    let definition = definition(args)?;
    let spec_text = inject::add_yaml_resource(&project.spec_text, &args.name, &definition.body)?;
    let model = validate(&definition.source, &spec_text, None).map_err(|mut problems| {
        // Line numbers would point into the combined text: each problem is placed in the
        // --spec file instead, where its path is found there.
        for problem in &mut problems.problems {
            problem.location = definition.place(&args.name, &problem.path);
        }
        problems
    })?;
    let resource = model
        .resources
        .iter()
        .find(|r| r.name == args.name)
        .context("the new resource is in the validated spec")?;
    ensure_table_is_free(&project.root, &resource.plural, &resource.name)?;

    let outcome = apply::plan(
        &project,
        &spec_text,
        &model,
        args.force,
        &evolve::Options::default(),
    )?;
    super::apply::finish(&project, &outcome, args.dry_run, || {
        format!(
            "added resource `{}` (/api/{}, {}) to {}:",
            resource.name,
            resource.route,
            if resource.owned { "owned" } else { "shared" },
            project.root.display()
        )
    })
}

/// The resource's definition as spec text, and where it came from.
struct Definition {
    /// The file (or `--field`) the definition came from, as the user named it.
    source: String,
    /// The value under the resource's name in the spec.
    body: String,
    /// Where the keys of the --spec file stand, and whether it names the resource at its top.
    file: Option<(Locator, bool)>,
}

impl Definition {
    /// The line and column in the --spec file of the spec's `path`, when it is in the
    /// resource and found in the file.
    fn place(&self, name: &str, path: &str) -> Option<(usize, usize)> {
        let (locator, named) = self.file.as_ref()?;
        let prefix = format!("resources.{name}");
        let rest = path.strip_prefix(&prefix)?;
        let in_file = match (rest.strip_prefix('.'), *named) {
            (Some(rest), true) => format!("{name}.{rest}"),
            (Some(rest), false) => rest.to_owned(),
            (None, true) if rest.is_empty() => name.to_owned(),
            _ => return None,
        };
        locator.find(&in_file)
    }
}

/// Reads the resource's definition from --spec FILE or the --field options.
fn definition(args: &AddResourceArgs) -> Result<Definition> {
    let owned = match (args.owned, args.shared) {
        (_, true) => Some(false),
        (true, _) => Some(true),
        _ => None,
    };
    if let Some(path) = &args.spec {
        let text = fs::read_to_string(path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        let source = path.display().to_string();
        if let Err(err) = serde_yaml::from_str::<Value>(&text) {
            // Placed in the file as it is: inside the project's spec it would be elsewhere.
            return Err(yaml_syntax_problems(&source, &text, &err).into());
        }
        let (body, named) = unwrap_named(&text, &args.name);
        return Ok(Definition {
            source,
            body: with_owned(&body, owned),
            file: Some((Locator::new(&text), named)),
        });
    }
    if args.fields.is_empty() {
        return Err(Error::new(format!(
            "`{}` has no fields; nothing was written",
            args.name
        ))
        .with_hint("give them with --field, e.g. --field title:string:max=200, or with --spec FILE")
        .into());
    }
    let mut text = format!("owned: {}\n", owned.unwrap_or(true));
    if !args.belongs_to.is_empty() {
        text.push_str(&format!("belongs_to: [{}]\n", args.belongs_to.join(", ")));
    }
    text.push_str("fields:\n");
    let mut names = Vec::new();
    for field in &args.fields {
        let (name, _) =
            shorthand::parse_field(field).map_err(|e| anyhow::anyhow!("--field {field}: {e}"))?;
        if names.contains(&name) {
            bail!("--field {field}: the field `{name}` is given twice; nothing was written");
        }
        names.push(name.clone());
        let rest = &field[name.len() + 1..];
        text.push_str(&format!("  {name}: {}\n", yaml_scalar(rest)));
    }
    Ok(Definition {
        source: if args.belongs_to.is_empty() {
            "--field"
        } else {
            "the command line"
        }
        .to_owned(),
        body: text,
        file: None,
    })
}

/// A file may hold `NAME: {definition}` or the definition itself; this returns the definition,
/// dedented to column 0, and whether it was named.
fn unwrap_named(text: &str, name: &str) -> (String, bool) {
    let parsed: Option<Value> = serde_yaml::from_str(text).ok();
    let named = parsed
        .as_ref()
        .and_then(Value::as_mapping)
        .is_some_and(|m| m.len() == 1 && m.contains_key(name));
    if !named {
        return (text.to_owned(), false);
    }
    let body: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with(&format!("{name}:")))
        .skip(1)
        .collect();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let body = body
        .iter()
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or("").trim_end()))
        .collect();
    (body, true)
}

/// Sets `owned:` at the top of a definition when --owned or --shared says so.
fn with_owned(definition: &str, owned: Option<bool>) -> String {
    let Some(owned) = owned else {
        return definition.to_owned();
    };
    let kept: String = definition
        .lines()
        .filter(|l| !l.starts_with("owned:"))
        .map(|l| format!("{l}\n"))
        .collect();
    format!("owned: {owned}\n{kept}")
}

/// A YAML scalar for `text`, quoted only when YAML needs it.
fn yaml_scalar(text: &str) -> String {
    serde_yaml::to_string(&Value::String(text.to_owned()))
        .map(|s| s.trim_end().to_owned())
        .unwrap_or_else(|_| format!("{text:?}"))
}

/// A table of that name defined by the user's own code is a collision the spec cannot see.
fn ensure_table_is_free(root: &Path, table: &str, module: &str) -> Result<()> {
    let models = root.join("app/models");
    let Ok(entries) = fs::read_dir(&models) else {
        return Ok(());
    };
    let needle = format!("__tablename__ = \"{table}\"");
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "py")
            || path.file_stem().is_some_and(|s| s == module)
        {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        if text.contains(&needle) {
            return Err(Error::new(format!(
                "the table `{table}` already exists in app/models/{}; nothing was written",
                path.file_name().unwrap_or_default().to_string_lossy()
            ))
            .with_hint("give the resource another `plural`, or another name")
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_definition_is_unwrapped() {
        let text = "comment:\n  owned: false\n  fields:\n    body: text # the words\n";
        assert_eq!(
            unwrap_named(text, "comment"),
            (
                "owned: false\nfields:\n  body: text # the words\n".to_owned(),
                true
            )
        );
        let bare = "fields:\n  body: text\n";
        assert_eq!(unwrap_named(bare, "comment"), (bare.to_owned(), false));
    }

    #[test]
    fn a_problem_is_placed_in_the_spec_file() {
        let named = Definition {
            source: "note.yaml".to_owned(),
            body: String::new(),
            file: Some((
                Locator::new("note:\n  fields:\n    title:\n      type: strng\n"),
                true,
            )),
        };
        let place = |path| named.place("note", path);
        assert_eq!(place("resources.note.fields.title.type"), Some((4, 7)));
        assert_eq!(place("resources.note"), Some((1, 1)));
        assert_eq!(place("resources.other.fields"), None);
        let bare = Definition {
            file: Some((Locator::new("fields:\n  title: strng\n"), false)),
            ..named
        };
        assert_eq!(
            bare.place("note", "resources.note.fields.title"),
            Some((2, 3))
        );
        assert_eq!(bare.place("note", "resources.note"), None);
        assert_eq!(bare.place("note", "resources.notes.fields.title"), None);
    }

    #[test]
    fn owned_flags_replace_the_definition_s() {
        assert_eq!(
            with_owned("owned: true\nfields: {}\n", Some(false)),
            "owned: false\nfields: {}\n"
        );
        assert_eq!(with_owned("fields: {}\n", None), "fields: {}\n");
    }

    #[test]
    fn shorthand_is_quoted_only_when_needed() {
        assert_eq!(yaml_scalar("string:max=120"), "string:max=120");
        assert_eq!(
            yaml_scalar("enum(open,closed)=open"),
            "enum(open,closed)=open"
        );
        assert_eq!(yaml_scalar("string=a #b"), "'string=a #b'");
    }
}
