//! Rendering the embedded Tera templates. Autoescaping is off: we render code, not HTML.
//!
//! `templates/` mirrors the generated tree. Files under `project/` are rendered once per project;
//! files under `resource/` once per resource, with `__resource__` in their path replaced by the
//! resource's module name. Every template ends in `.tera`, which the output path drops.

use anyhow::{Context as _, Result, anyhow};
use include_dir::{Dir, include_dir};
use tera::{Context, Tera};

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

pub struct Renderer {
    tera: Tera,
}

/// The kind of a template: where it sits says how often it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Project,
    Resource,
}

impl Renderer {
    pub fn new() -> Result<Self> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        let mut sources = Vec::new();
        collect(&TEMPLATES, &mut sources);
        tera.add_raw_templates(sources)
            .map_err(|err| anyhow!("{err:#}"))
            .context("the embedded templates do not parse")?;
        Ok(Renderer { tera })
    }

    /// Template names of one scope, sorted, with their output path (relative, `.tera` dropped).
    pub fn templates(&self, scope: Scope) -> Vec<(&str, &str)> {
        let prefix = match scope {
            Scope::Project => "project/",
            Scope::Resource => "resource/",
        };
        let mut names: Vec<(&str, &str)> = self
            .tera
            .get_template_names()
            .filter_map(|name| {
                let output = name.strip_prefix(prefix)?.strip_suffix(".tera")?;
                Some((name, output))
            })
            .collect();
        names.sort_unstable();
        names
    }

    pub fn render(&self, name: &str, context: &Context) -> Result<String> {
        let text = self
            .tera
            .render(name, context)
            .map_err(|err| anyhow!("{err:#}"))
            .with_context(|| format!("failed to render template {name}"))?;
        Ok(tidy(&text))
    }
}

/// Every embedded template, as `(name, source)`.
pub fn sources() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    collect(&TEMPLATES, &mut out);
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(&'static str, &'static str)>) {
    for file in dir.files() {
        if let (Some(path), Some(text)) = (file.path().to_str(), file.contents_utf8()) {
            out.push((path, text));
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

/// No trailing white space on any line, and exactly one newline at the end of a non-empty file.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let trimmed = out.trim_end_matches('\n');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_trims_lines_and_ends_with_one_newline() {
        assert_eq!(tidy("a  \nb\n\n\n"), "a\nb\n");
        assert_eq!(tidy("\n\n"), "");
    }

    #[test]
    fn every_embedded_template_parses() {
        let renderer = Renderer::new().unwrap();
        assert!(!renderer.templates(Scope::Project).is_empty());
        assert!(!renderer.templates(Scope::Resource).is_empty());
    }
}
