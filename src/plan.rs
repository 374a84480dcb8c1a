//! The plan: every file of a project, rendered in memory, before anything touches the disk.

use anyhow::Result;

use crate::context;
use crate::manifest::Manifest;
use crate::model::{Project, Resource};
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

/// The JSON Schema of the spec format, kept in every project for editors.
pub const SCHEMA_PATH: &str = ".backendgen/schema.json";

/// The comment that points YAML language servers (VS Code, JetBrains, Neovim) at the schema.
pub const SCHEMA_COMMENT: &str = "# yaml-language-server: $schema=.backendgen/schema.json";

/// The spec with the schema comment as its first line (once).
pub fn with_schema_comment(spec_text: &str) -> String {
    if spec_text.lines().any(|l| l.trim() == SCHEMA_COMMENT) {
        spec_text.to_owned()
    } else {
        format!("{SCHEMA_COMMENT}\n{spec_text}")
    }
}

/// Renders the whole project. `spec_text` becomes the project's `backendgen.yaml`.
pub fn project(project: &Project, spec_text: &str) -> Result<Plan> {
    let renderer = Renderer::new(project.orm)?;
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
        files.extend(resource_files(&renderer, project, resource)?);
    }
    files.push(PlannedFile {
        path: "backendgen.yaml".to_owned(),
        contents: with_schema_comment(spec_text),
    });
    files.push(PlannedFile {
        path: SCHEMA_PATH.to_owned(),
        contents: crate::spec::json_schema(),
    });
    // Empty renders are templates that do not apply to this project (e.g. a sync-only module).
    files.retain(|f| !f.contents.is_empty() || f.path.ends_with("__init__.py"));
    let mut manifest = Manifest::new();
    for file in &files {
        manifest.record(file);
    }
    files.push(manifest.to_file());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // Two templates must never write one path: the second would silently replace the first.
    if let Some(pair) = files.windows(2).find(|pair| pair[0].path == pair[1].path) {
        anyhow::bail!(
            "two generated files would both be {}; rename the resource that causes it",
            pair[0].path
        );
    }
    Ok(Plan { files })
}

/// The files of one resource (model, schemas, service, router, tests), as `new` renders them.
pub fn resource_files(
    renderer: &Renderer,
    project: &Project,
    resource: &Resource,
) -> Result<Vec<PlannedFile>> {
    let context = context::resource(project, resource);
    renderer
        .templates(Scope::Resource)
        .into_iter()
        .map(|(template, output)| {
            let contents = renderer.render(template, &context)?;
            let path = output
                .replace("__resource__", &resource.name)
                .replace("__plural__", &resource.plural);
            Ok(PlannedFile { path, contents })
        })
        .collect()
}

/// A migration of one resource's table (`migrations/add_resource.py.tera` or
/// `migrations/drop_resource.py.tera`) at `path`, chained onto `down_revision`.
pub fn migration(
    renderer: &Renderer,
    template: &str,
    project: &Project,
    resource: &Resource,
    (revision, path): (&str, &str),
    down_revision: &str,
) -> Result<PlannedFile> {
    let context = context::migration(project, resource, revision, down_revision);
    Ok(PlannedFile {
        path: path.to_owned(),
        contents: renderer.render(template, &context)?,
    })
}
