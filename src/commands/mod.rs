//! One module per subcommand; each turns parsed arguments into the pipeline's stages.

pub mod add_resource;
pub mod apply;
pub mod check;
pub mod completions;
pub mod man;
pub mod new;
pub mod remove_resource;
pub mod templates;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// The spec's text and the name to show in messages: the file, or the embedded default.
pub fn read_spec(file: Option<&Path>) -> Result<(String, String)> {
    match file {
        Some(path) => {
            let text = fs::read_to_string(path)
                .with_context(|| format!("failed to read the spec {}", path.display()))?;
            Ok((path.display().to_string(), text))
        }
        None => Ok((
            "<embedded tasks spec>".to_owned(),
            crate::DEFAULT_SPEC.to_owned(),
        )),
    }
}
