//! `.backendgen/manifest.json`: every file backendgen wrote into a project, with a hash of what
//! it wrote, so that later commands can tell the user's edits from untouched generated files.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::plan::PlannedFile;

pub(crate) const PATH: &str = ".backendgen/manifest.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The manifest format's version.
    pub(crate) version: u32,
    /// Relative path -> SHA-256 (hex) of the contents backendgen last wrote there.
    pub(crate) files: BTreeMap<String, String>,
}

impl Manifest {
    pub fn new() -> Self {
        Manifest {
            version: 1,
            files: BTreeMap::new(),
        }
    }

    /// Reads the project's manifest; a project without one gets an empty manifest, so that every
    /// existing file counts as the user's.
    pub(crate) fn load(project: &Path) -> Result<Self> {
        let path = project.join(PATH);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|err| {
                Error::new(format!("{} is not a valid manifest: {err}", path.display()))
                    .with_hint("restore it from version control")
                    .into()
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::new()),
            Err(err) => Err(err).with_context(|| format!("failed to read {}", path.display())),
        }
    }

    pub fn record(&mut self, file: &PlannedFile) {
        self.files.insert(file.path.clone(), hash(&file.contents));
    }

    pub fn forget(&mut self, path: &str) {
        self.files.remove(path);
    }

    /// Whether `contents` is exactly what backendgen last wrote at `path`.
    pub(crate) fn is_unmodified(&self, path: &str, contents: &[u8]) -> bool {
        self.files.get(path).is_some_and(|h| *h == hash(contents))
    }

    /// The manifest as a file of the plan.
    pub fn to_file(&self) -> PlannedFile {
        let mut contents =
            serde_json::to_string_pretty(self).expect("a manifest always serializes");
        contents.push('\n');
        PlannedFile {
            path: PATH.to_owned(),
            contents,
        }
    }
}

pub(crate) fn hash(contents: impl AsRef<[u8]>) -> String {
    Sha256::digest(contents.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn unmodified_means_same_bytes() {
        let mut manifest = Manifest::new();
        manifest.record(&PlannedFile {
            path: "a.py".into(),
            contents: "x = 1\n".into(),
        });
        assert!(manifest.is_unmodified("a.py", b"x = 1\n"));
        assert!(!manifest.is_unmodified("a.py", b"x = 2\n"));
        assert!(!manifest.is_unmodified("b.py", b"x = 1\n"));
    }
}
