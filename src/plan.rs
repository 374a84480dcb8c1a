//! The plan: every file of a project, rendered in memory, before anything touches the disk.

use anyhow::Result;

use crate::context;
use crate::model::Project;
use crate::render::{Renderer, Scope};

/// One file to write: its path relative to the project root (with `/`), and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub contents: String,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
}

impl Plan {
    pub fn get(&self, path: &str) -> Option<&PlannedFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// Renders the whole project. `spec_text` becomes the project's `backendgen.yaml`.
pub fn project(project: &Project, spec_text: &str) -> Result<Plan> {
    let renderer = Renderer::new()?;
    let mut files = Vec::new();
    let project_context = context::project(project);
    for (template, output) in renderer.templates(Scope::Project) {
        let contents = renderer.render(template, &project_context)?;
        files.push(PlannedFile {
            path: output.to_owned(),
            contents,
        });
    }
    for resource in &project.resources {
        let resource_context = context::resource(resource);
        for (template, output) in renderer.templates(Scope::Resource) {
            let contents = renderer.render(template, &resource_context)?;
            let path = output
                .replace("__resource__", &resource.name)
                .replace("__plural__", &resource.plural);
            files.push(PlannedFile { path, contents });
        }
    }
    files.push(PlannedFile {
        path: "backendgen.yaml".to_owned(),
        contents: spec_text.to_owned(),
    });
    // Empty renders are templates that do not apply to this project (e.g. a sync-only module).
    files.retain(|f| !f.contents.is_empty() || f.path.ends_with("__init__.py"));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan { files })
}
