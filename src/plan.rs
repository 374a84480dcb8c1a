//! The plan: every file of a project, rendered in memory, before anything touches the disk.

use std::collections::BTreeMap;

use anyhow::Result;

use crate::base::Base;
use crate::context;
use crate::error::Error;
use crate::model::{Project, Resource};
use crate::render::{Renderer, Scope};

/// One file to write: its path relative to the project root (with `/`), and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub contents: String,
}

impl PlannedFile {
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        PlannedFile {
            path: path.into(),
            contents: contents.into(),
        }
    }
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
pub(crate) const SCHEMA_PATH: &str = ".backendgen/schema.json";

/// The comment that points YAML language servers (VS Code, JetBrains, Neovim) at the schema.
pub(crate) const SCHEMA_COMMENT: &str = "# yaml-language-server: $schema=.backendgen/schema.json";

/// The spec with the schema comment as its first line (once).
pub(crate) fn with_schema_comment(spec_text: &str) -> String {
    if spec_text.lines().any(|l| l.trim() == SCHEMA_COMMENT) {
        spec_text.to_owned()
    } else {
        format!("{SCHEMA_COMMENT}\n{spec_text}")
    }
}

/// Renders the whole project as `new` writes it: every file, `spec_text` as its
/// `backendgen.yaml`, and the base `apply` merges the next render against.
pub fn project(project: &Project, spec_text: &str) -> Result<Plan> {
    project_with(&Renderer::new(project.orm)?, project, spec_text)
}

/// `project`, with the templates of `renderer` (a project's overrides, say).
pub(crate) fn project_with(
    renderer: &Renderer,
    project: &Project,
    spec_text: &str,
) -> Result<Plan> {
    let mut files = render(renderer, project, spec_text)?;
    let spec = with_schema_comment(spec_text);
    files.push(Base::of(&spec, &files).to_file());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan { files })
}

/// Every file the templates render for `project`, sorted by path, with `spec_text` as its
/// `backendgen.yaml`; no base.
pub(crate) fn render(
    renderer: &Renderer,
    project: &Project,
    spec_text: &str,
) -> Result<Vec<PlannedFile>> {
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
        files.extend(resource_files(renderer, project, resource)?);
    }
    files.push(PlannedFile {
        path: "backendgen.yaml".to_owned(),
        contents: with_schema_comment(spec_text),
    });
    files.push(PlannedFile {
        path: SCHEMA_PATH.to_owned(),
        contents: crate::spec::json_schema(),
    });
    // Empty renders are templates that do not apply to this project (e.g. a sync-only module),
    // and so are empty packages: an `__init__.py` alone in its folder.
    files.retain(|f| !f.contents.is_empty() || f.path.ends_with("__init__.py"));
    let folders: std::collections::BTreeSet<&str> = files
        .iter()
        .filter(|f| !f.path.ends_with("/__init__.py"))
        .filter_map(|f| f.path.rsplit_once('/').map(|(folder, _)| folder))
        .collect();
    let empty_packages: Vec<String> = files
        .iter()
        .filter(|f| f.contents.is_empty())
        .filter_map(|f| f.path.strip_suffix("/__init__.py"))
        .filter(|folder| !folders.contains(folder))
        .map(str::to_owned)
        .collect();
    files.retain(|f| {
        f.path
            .strip_suffix("/__init__.py")
            .is_none_or(|folder| !empty_packages.iter().any(|e| e == folder))
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // Two templates must never write one path: the second would silently replace the first.
    if let Some(pair) = files.windows(2).find(|pair| pair[0].path == pair[1].path) {
        return Err(Error::new(format!(
            "two generated files would both be {}",
            pair[0].path
        ))
        .with_hint("rename the resource that causes it")
        .into());
    }
    Ok(files)
}

/// The files of one resource (model, schemas, service, router, tests), as `new` renders them.
pub(crate) fn resource_files(
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
            let path = resource_path(output, resource);
            Ok(PlannedFile { path, contents })
        })
        .collect()
}

/// Where a resource template's output goes for `resource`: `app/models/task.py`.
fn resource_path(output: &str, resource: &Resource) -> String {
    output
        .replace("__resource__", &resource.name)
        .replace("__plural__", &resource.plural)
}

/// Each file `resource_files` renders for `resource`, by the path it has for `before`: where
/// a renamed resource's files were.
pub(crate) fn renamed_paths(
    renderer: &Renderer,
    resource: &Resource,
    before: &Resource,
) -> BTreeMap<String, String> {
    renderer
        .templates(Scope::Resource)
        .into_iter()
        .map(|(_, output)| {
            (
                resource_path(output, resource),
                resource_path(output, before),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base;

    #[test]
    fn base_records_every_merged_file_and_the_kept_spec() {
        let spec = crate::DEFAULT_SPEC;
        let model = crate::validate::validate("spec", spec, None).unwrap();
        let plan = project(&model, spec).unwrap();
        let stored = plan.get(base::PATH).unwrap();
        let dir = tempfile::tempdir().unwrap();
        crate::write::write_all(dir.path(), std::slice::from_ref(stored)).unwrap();
        let recorded = base::Base::load(dir.path()).unwrap().unwrap();
        assert_eq!(recorded.spec, plan.get("backendgen.yaml").unwrap().contents);
        assert_eq!(recorded.version, base::VERSION);
        let merged: Vec<&PlannedFile> = plan
            .files
            .iter()
            .filter(|f| base::is_merged(&f.path))
            .collect();
        assert_eq!(recorded.files.len(), merged.len());
        for file in merged {
            assert_eq!(recorded.files[&file.path], file.contents, "{}", file.path);
        }
        assert!(
            !recorded
                .files
                .contains_key("alembic/versions/0001_initial.py")
        );
        assert!(!recorded.files.contains_key("backendgen.yaml"));
    }
}
