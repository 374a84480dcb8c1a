//! Template overrides: a project may hold `.backendgen/templates/<name>`, which replaces the
//! embedded template of that name (`project/app/main.py.tera`, `resource/app/models/__resource__.py.tera`,
//! `partials/...`) whenever backendgen renders that project.
//!
//! An override can only replace: a name the embedded templates do not have is an error, so a
//! typo never leaves the embedded template silently in use.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::error::Error;

/// Where a project keeps its overrides, relative to its root.
pub(crate) const DIR: &str = ".backendgen/templates";

/// The overrides of one project: template name -> source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub templates: BTreeMap<String, String>,
}

impl Overrides {
    /// Reads every `*.tera` file below the project's `.backendgen/templates/` (none when the
    /// folder does not exist). Hidden files are skipped; any other file is an error, since it
    /// would replace nothing.
    pub fn load(project: &Path) -> Result<Self> {
        let dir = project.join(DIR);
        let mut templates = BTreeMap::new();
        if !dir.is_dir() {
            return Ok(Overrides { templates });
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("failed to read {}", dir.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry
                .path()
                .strip_prefix(&dir)
                .expect("walkdir stays below its root")
                .to_string_lossy()
                .replace('\\', "/");
            if name.split('/').any(|part| part.starts_with('.')) {
                continue;
            }
            if Path::new(&name).extension().is_none_or(|ext| ext != "tera") {
                return Err(Error::new(format!(
                    "{DIR}/{name} is not a template: every override ends in .tera"
                ))
                .with_hint("`backendgen templates list` shows the names it can replace")
                .into());
            }
            let text = fs::read_to_string(entry.path())
                .with_context(|| format!("failed to read {DIR}/{name}"))?;
            templates.insert(name, text);
        }
        Ok(Overrides { templates })
    }

    /// Where the override of `name` lives, relative to the project root.
    pub fn path_of(name: &str) -> String {
        format!("{DIR}/{name}")
    }

    pub fn contains(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_templates_by_name_and_skips_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(DIR).join("project/app");
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("main.py.tera"), "x").unwrap();
        fs::write(root.join(".DS_Store"), "junk").unwrap();
        let overrides = Overrides::load(dir.path()).unwrap();
        assert_eq!(
            overrides.templates.keys().collect::<Vec<_>>(),
            ["project/app/main.py.tera"]
        );
        assert!(
            Overrides::load(tempfile::tempdir().unwrap().path())
                .unwrap()
                .templates
                .is_empty()
        );
    }

    #[test]
    fn a_file_that_is_not_a_template_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(DIR).join("project/app");
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("main.py"), "x").unwrap();
        let err = Overrides::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(".backendgen/templates/project/app/main.py is not a template"));
    }
}
