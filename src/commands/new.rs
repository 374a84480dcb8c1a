//! `backendgen new NAME`: render a whole project and write it into an empty folder.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::cli::NewArgs;
use crate::locate::Locator;
use crate::plan;
use crate::validate::validate;
use crate::write;

pub fn run(args: &NewArgs) -> Result<()> {
    let (source, text) = super::read_spec(args.spec.as_deref())?;
    let project = validate(&source, &text, Some(&args.name))?;
    let spec_text = with_project_name(&text, &project.name);
    let plan = plan::project(&project, &spec_text)?;

    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    if target.exists() && !target.is_dir() {
        bail!("{} exists and is not a folder", target.display());
    }
    if !args.force && !write::is_empty_or_missing(&target)? {
        bail!(
            "{} is not empty; nothing was written\n  hint: choose another --output, or pass --force to write over files of the same names",
            target.display()
        );
    }
    if args.dry_run {
        println!(
            "would write {} files to {}:",
            plan.files.len(),
            target.display()
        );
        for file in &plan.files {
            println!("  {}", file.path);
        }
        return Ok(());
    }
    write::write_all(&target, &plan.files)?;
    println!(
        "created {} ({} files, {})",
        target.display(),
        plan.files.len(),
        super::check::summary(&project)
    );
    println!(
        "\nnext:\n  cd {}\n  uv sync\n  uv run pytest\n  uv run alembic upgrade head\n  uv run fastapi dev app/main.py",
        target.display()
    );
    Ok(())
}

/// The spec as the project keeps it: the user's text, with `project.name` set to the name the
/// project was created under (comments and layout untouched).
fn with_project_name(text: &str, name: &str) -> String {
    let Some((line, column)) = Locator::new(text).find("project.name") else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    for (i, original) in text.split_inclusive('\n').enumerate() {
        if i + 1 != line {
            out.push_str(original);
            continue;
        }
        let (before, after) = original.split_at(
            original
                .char_indices()
                .nth(column - 1)
                .map_or(0, |(b, _)| b),
        );
        let after = after.trim_start_matches("name").trim_start_matches(':');
        let value_end = after.find([',', '}', '#', '\n']).unwrap_or(after.len());
        let value = &after[..value_end];
        if value.trim() == name {
            return text.to_owned();
        }
        let leading = &value[..value.len() - value.trim_start().len()];
        let trailing = &value[value.trim_end().len()..];
        out.push_str(before);
        out.push_str("name:");
        out.push_str(leading);
        out.push_str(name);
        out.push_str(trailing);
        let rest = &after[value_end..];
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_the_project_in_place() {
        let spec = "# mine\nproject:\n  name: tasks   # the name\n  orm: sqlmodel\n";
        assert_eq!(
            with_project_name(spec, "shop"),
            "# mine\nproject:\n  name: shop   # the name\n  orm: sqlmodel\n"
        );
        assert_eq!(with_project_name(spec, "tasks"), spec);
        assert_eq!(
            with_project_name("project: { name: tasks, orm: sqlmodel }\n", "shop"),
            "project: { name: shop, orm: sqlmodel }\n"
        );
    }
}
