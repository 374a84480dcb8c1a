//! One module per subcommand; each turns parsed arguments into the pipeline's stages.

pub(crate) mod add_resource;
pub(crate) mod apply;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod man;
pub(crate) mod new;
pub(crate) mod remove_resource;
pub(crate) mod templates;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::error::Error;

/// The spec's text and the name to show in messages: the file, or the embedded default.
pub(crate) fn read_spec(file: Option<&Path>) -> Result<(String, String)> {
    match file {
        Some(path) => match fs::read_to_string(path) {
            Ok(text) => Ok((path.display().to_string(), text)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(Error::new(format!(
                "the spec {} does not exist",
                path.display()
            ))
            .with_hint("give the path of a spec (YAML), or run inside a project made by `backendgen new`, whose spec is backendgen.yaml")
            .into()),
            Err(err) => {
                Err(err).with_context(|| format!("failed to read the spec {}", path.display()))
            }
        },
        None => Ok((
            "<embedded tasks spec>".to_owned(),
            crate::DEFAULT_SPEC.to_owned(),
        )),
    }
}
