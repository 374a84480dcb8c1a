//! Rendering the embedded Tera templates. Autoescaping is off: we render code, not HTML.
//!
//! `templates/common/` mirrors the generated tree. Files under `project/` are rendered once per
//! project; files under `resource/` once per resource, with `__resource__` in their path replaced
//! by the resource's module name. Every template ends in `.tera`, which the output path drops.
//!
//! `templates/orm/<orm>/` holds the files that differ for one ORM: an overlay file replaces the
//! common file of the same path. An overlay that changes only parts of a file extends the common
//! one, reachable as `common/<path>`, and overrides its blocks.

use anyhow::{Context as _, Result, anyhow};
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;

use tera::{Context, Tera};

use crate::spec::Orm;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

pub struct Renderer {
    tera: Tera,
}

/// Where the templates of every target live, and the overlays of each ORM.
const COMMON: &str = "common/";
const OVERLAYS: &str = "orm/";

/// The kind of a template: where it sits says how often it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Project,
    Resource,
}

impl Renderer {
    /// The templates of one ORM: the common set with that ORM's overlay on top.
    pub fn new(orm: Orm) -> Result<Self> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        tera.add_raw_templates(target_sources(orm))
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

/// The templates of `orm` under the names templates use for one another: `project/...` is the
/// overlay's file when it has one, else the common one; `common/...` names a replaced common file.
fn target_sources(orm: Orm) -> Vec<(String, &'static str)> {
    let overlay = format!("{OVERLAYS}{}/", orm.as_str());
    let mut chosen: BTreeMap<String, &'static str> = BTreeMap::new();
    let mut replaced = Vec::new();
    for (path, text) in sources() {
        if let Some(name) = path.strip_prefix(COMMON) {
            chosen.entry(name.to_owned()).or_insert(text);
        }
    }
    for (path, text) in sources() {
        if let Some(name) = path.strip_prefix(overlay.as_str())
            && let Some(common) = chosen.insert(name.to_owned(), text)
        {
            replaced.push((format!("{COMMON}{name}"), common));
        }
    }
    chosen.into_iter().chain(replaced).collect()
}

/// Every embedded template, as `(path under templates/, source)`.
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
        for orm in Orm::ALL {
            let renderer = Renderer::new(orm).unwrap();
            assert!(!renderer.templates(Scope::Project).is_empty());
            assert!(!renderer.templates(Scope::Resource).is_empty());
        }
    }

    #[test]
    fn every_overlay_replaces_a_common_file() {
        // An overlay file with no common file of its path would be a target-only module:
        // every target has the same files.
        let common: Vec<&str> = sources()
            .into_iter()
            .filter_map(|(path, _)| path.strip_prefix(COMMON))
            .collect();
        for (path, _) in sources() {
            if let Some(rest) = path.strip_prefix(OVERLAYS) {
                let (_, name) = rest.split_once('/').unwrap();
                assert!(common.contains(&name), "{path} replaces no common template");
            }
        }
    }
}
