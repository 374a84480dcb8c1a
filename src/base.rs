//! `.backendgen/base.json`: what backendgen last rendered into a project, so that `apply` can
//! merge the next render into the user's files (base, yours, theirs).
//!
//! It holds the spec that was applied, the version of backendgen that rendered it, and the
//! exact text of every file it merges. Each text is a list of lines (the text split at `\n`, so
//! a file ending in a newline ends with `""`), so that `git diff` of the base reads line by
//! line. It is one JSON file rather than a copy of the tree, so that no tool of the generated
//! project (ruff, mypy, pytest) ever picks it up.
//!
//! The spec itself (`backendgen.yaml`) and the migrations (`alembic/versions/`) are not merged:
//! the first is the user's input, the second is history that is never rendered again.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::plan::PlannedFile;

pub const PATH: &str = ".backendgen/base.json";

/// The version of this backendgen, as base files record it.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

const FORMAT: u32 = 1;

/// The last render of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Base {
    /// The spec text that was applied.
    pub(crate) spec: String,
    /// The backendgen that rendered it.
    pub(crate) version: String,
    /// Relative path -> the text rendered there.
    pub(crate) files: BTreeMap<String, String>,
}

/// The file as it is stored.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    format: u32,
    backendgen: String,
    spec: Vec<String>,
    files: BTreeMap<String, Vec<String>>,
}

/// Whether `apply` merges the file at `path` (and the base records it).
pub(crate) fn is_merged(path: &str) -> bool {
    !is_user_file(path)
        && path != crate::project::SPEC
        && path != PATH
        && path != crate::manifest::PATH
        && !path.starts_with(crate::migrations::VERSIONS)
}

/// Files backendgen writes once, for the user to own: the hooks of resources with events.
/// `apply` creates one that is missing, and never changes or deletes one.
pub(crate) fn is_user_file(path: &str) -> bool {
    path.starts_with("app/hooks/") && path != "app/hooks/__init__.py"
}

fn lines(text: &str) -> Vec<String> {
    text.split('\n').map(str::to_owned).collect()
}

impl Base {
    /// The base of a render: the merged files among `files`.
    pub(crate) fn of(spec: &str, files: &[PlannedFile]) -> Self {
        Base {
            spec: spec.to_owned(),
            version: VERSION.to_owned(),
            files: files
                .iter()
                .filter(|f| is_merged(&f.path))
                .map(|f| (f.path.clone(), f.contents.clone()))
                .collect(),
        }
    }

    /// The project's base, or None when it has none (made before `apply` existed).
    pub(crate) fn load(project: &Path) -> Result<Option<Self>> {
        let path = project.join(PATH);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(err).with_context(|| format!("failed to read {}", path.display()));
            }
        };
        let stored: Stored = serde_json::from_str(&text).map_err(|err| {
            Error::new(format!(
                "{} is not a valid base file: {err}",
                path.display()
            ))
            .with_hint("restore it from version control; backendgen merges every change against it")
        })?;
        if stored.format != FORMAT {
            return Err(Error::new(format!(
                "{} has format {}, which this backendgen ({VERSION}) does not read",
                path.display(),
                stored.format
            ))
            .with_hint(format!(
                "use the backendgen that wrote it ({}) or a newer one",
                stored.backendgen
            ))
            .into());
        }
        Ok(Some(Base {
            spec: stored.spec.join("\n"),
            version: stored.backendgen,
            files: stored
                .files
                .into_iter()
                .map(|(path, lines)| (path, lines.join("\n")))
                .collect(),
        }))
    }

    /// The base as a file of the plan.
    pub(crate) fn to_file(&self) -> PlannedFile {
        let stored = Stored {
            format: FORMAT,
            backendgen: self.version.clone(),
            spec: lines(&self.spec),
            files: self
                .files
                .iter()
                .map(|(path, text)| (path.clone(), lines(text)))
                .collect(),
        };
        let mut contents = serde_json::to_string_pretty(&stored).expect("a base always serializes");
        contents.push('\n');
        PlannedFile {
            path: PATH.to_owned(),
            contents,
        }
    }
}

/// `Less` when `a` is an older version than `b` (`0.9.1` < `0.10.0`); versions that are not
/// dotted numbers compare as text.
pub(crate) fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let numbers = |v: &str| -> Option<Vec<u64>> {
        v.split(['.', '-', '+'])
            .take(3)
            .map(|part| part.parse().ok())
            .collect()
    };
    match (numbers(a), numbers(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip_exactly_as_lines() {
        let dir = tempfile::tempdir().unwrap();
        let base = Base::of(
            "project: { name: x }\n",
            &[
                PlannedFile::new("app/main.py", "a\n\nb\n"),
                PlannedFile::new("app/__init__.py", ""),
                PlannedFile::new("no_newline.txt", "x"),
                PlannedFile::new("backendgen.yaml", "spec"),
                PlannedFile::new("alembic/versions/0001_initial.py", "history"),
            ],
        );
        assert_eq!(
            base.files.keys().collect::<Vec<_>>(),
            ["app/__init__.py", "app/main.py", "no_newline.txt"]
        );
        let stored = base.to_file();
        assert!(stored.contents.contains(
            "\"app/main.py\": [\n      \"a\",\n      \"\",\n      \"b\",\n      \"\"\n    ]"
        ));
        fs::create_dir(dir.path().join(".backendgen")).unwrap();
        fs::write(dir.path().join(PATH), &stored.contents).unwrap();
        assert_eq!(Base::load(dir.path()).unwrap(), Some(base));
    }

    #[test]
    fn no_base_is_none_and_a_broken_one_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Base::load(dir.path()).unwrap(), None);
        fs::create_dir(dir.path().join(".backendgen")).unwrap();
        fs::write(dir.path().join(PATH), "{").unwrap();
        let err = Base::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("restore it from version control"));
    }

    #[test]
    fn versions_compare_as_numbers() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("0.9.1", "0.10.0"), Less);
        assert_eq!(compare_versions("1.2.3", "1.2.3"), Equal);
        assert_eq!(compare_versions("2.0.0", "1.9.9"), Greater);
    }
}
