//! `backendgen check [FILE]`: validate a spec, print every problem or a one-line summary.

use std::path::Path;

use anyhow::Result;

use crate::apply;
use crate::base::Base;
use crate::cli::CheckArgs;
use crate::model::Project;
use crate::output;
use crate::project::SPEC;
use crate::validate::validate;

pub(crate) fn run(args: &CheckArgs) -> Result<()> {
    let file = args.file.as_deref().unwrap_or(Path::new("backendgen.yaml"));
    warn_about_markers(file);
    let (source, text) = super::read_spec(Some(file))?;
    let project = validate(&source, &text, None)?;
    crate::sayln!("{source}: ok: {}", summary(&project));
    Ok(())
}

/// The spec of a project whose last `apply` left conflict markers: say so (on stderr; the
/// spec may still be valid).
fn warn_about_markers(file: &Path) {
    if file.file_name().is_none_or(|name| name != SPEC) {
        return;
    }
    let root = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Ok(Some(base)) = Base::load(root) else {
        return;
    };
    let found = apply::remaining_markers(root, base.files.keys());
    if !found.is_empty() {
        let places: String = found.iter().map(|place| format!("\n  {place}")).collect();
        output::warn(&format!(
            "conflict markers from `backendgen apply` remain (apply refuses to run until they are resolved):{places}"
        ));
    }
}

/// `project tasks: 1 resource (task: 5 fields, owned)`; past six resources, "and N more".
pub(crate) fn summary(project: &Project) -> String {
    const LISTED: usize = 6;
    let count = project.resources.len();
    let noun = if count == 1 { "resource" } else { "resources" };
    let mut resources: Vec<String> = project
        .resources
        .iter()
        .take(LISTED)
        .map(|r| {
            let fields = r.fields.len();
            let field_noun = if fields == 1 { "field" } else { "fields" };
            let ownership = if r.owned { "owned" } else { "shared" };
            format!("{}: {fields} {field_noun}, {ownership}", r.name)
        })
        .collect();
    if count > LISTED {
        resources.push(format!("and {} more", count - LISTED));
    }
    format!(
        "project {}: {count} {noun} ({})",
        project.name,
        resources.join("; ")
    )
}
