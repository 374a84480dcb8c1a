//! `backendgen check [FILE]`: validate a spec, print every problem or a one-line summary.

use std::path::Path;

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::model::Project;
use crate::validate::validate;

pub fn run(args: &CheckArgs) -> Result<()> {
    let file = args.file.as_deref().unwrap_or(Path::new("backendgen.yaml"));
    let (source, text) = super::read_spec(Some(file))?;
    let project = validate(&source, &text, None)?;
    println!("{source}: ok: {}", summary(&project));
    Ok(())
}

/// `project tasks: 1 resource (task: 5 fields, owned)`; past six resources, "and N more".
pub fn summary(project: &Project) -> String {
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
