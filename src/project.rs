//! A generated project on disk, as `apply` (and so `add-resource` and `remove-resource`) sees
//! it: its spec, and a change set (files to write and delete) that is shown as a diff or
//! applied all at once.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use similar::TextDiff;

use crate::error::Error;
use crate::model::Project;
use crate::plan::PlannedFile;
use crate::validate::validate;
use crate::write;

pub(crate) const SPEC: &str = "backendgen.yaml";

pub(crate) struct ProjectDir {
    pub root: PathBuf,
    pub spec_text: String,
    pub model: Project,
}

impl ProjectDir {
    /// Opens the project whose `backendgen.yaml` is in `dir`; its spec must be valid.
    pub(crate) fn open(dir: &Path) -> Result<Self> {
        let spec_path = dir.join(SPEC);
        if !dir.is_dir() {
            return Err(Error::new(format!("{} is not a folder", dir.display()))
                .with_hint("pass --project DIR, the folder of a project made by `backendgen new`")
                .into());
        }
        if !spec_path.is_file() {
            return Err(Error::new(format!("{} has no {SPEC}", dir.display()))
                .with_hint(
                    "run this inside a project made by `backendgen new`, or pass --project DIR",
                )
                .into());
        }
        let spec_text = fs::read_to_string(&spec_path)
            .with_context(|| format!("failed to read {}", spec_path.display()))?;
        let model = validate(&spec_path.display().to_string(), &spec_text, None)?;
        Ok(ProjectDir {
            root: dir.to_owned(),
            spec_text,
            model,
        })
    }

    /// Whether anything (a file, a folder, a link) is at `path` in the project.
    pub(crate) fn has(&self, path: &str) -> bool {
        fs::symlink_metadata(self.root.join(path)).is_ok()
    }

    /// The text of a project file, or None when it does not exist.
    pub(crate) fn read(&self, path: &str) -> Result<Option<String>> {
        let full = self.root.join(path);
        match fs::read_to_string(&full) {
            Ok(text) => Ok(Some(text)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err).with_context(|| format!("failed to read {}", full.display())),
        }
    }
}

/// What a command will do to a project: files to write (new or changed) and files to delete.
#[derive(Debug, Default)]
pub(crate) struct ChangeSet {
    pub writes: Vec<PlannedFile>,
    pub deletes: Vec<String>,
}

impl ChangeSet {
    pub(crate) fn write(&mut self, path: &str, contents: String) {
        self.writes.retain(|f| f.path != path);
        self.writes.push(PlannedFile {
            path: path.to_owned(),
            contents,
        });
    }

    /// A unified diff of every change against the project as it is on disk, in path order.
    /// The base file is left out: it only records the render the other changes come from.
    pub(crate) fn diff(&self, project: &ProjectDir) -> Result<String> {
        let mut out = String::new();
        let mut writes: Vec<&PlannedFile> = self
            .writes
            .iter()
            .filter(|f| f.path != crate::base::PATH)
            .collect();
        writes.sort_by(|a, b| a.path.cmp(&b.path));
        for file in writes {
            let old = project.read(&file.path)?.unwrap_or_default();
            if old != file.contents {
                out.push_str(&unified(&file.path, &old, &file.contents));
            }
        }
        for path in &self.deletes {
            let old = project.read(path)?.unwrap_or_default();
            out.push_str(&unified(path, &old, ""));
        }
        Ok(out)
    }

    pub(crate) fn apply(&self, project: &ProjectDir) -> Result<()> {
        write::apply(&project.root, &self.writes, &self.deletes)
    }
}

fn unified(path: &str, old: &str, new: &str) -> String {
    let from = if old.is_empty() {
        "/dev/null".to_owned()
    } else {
        format!("a/{path}")
    };
    let to = if new.is_empty() {
        "/dev/null".to_owned()
    } else {
        format!("b/{path}")
    };
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &to)
        .to_string()
}
