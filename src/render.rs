//! Rendering the embedded Tera templates. Autoescaping is off: we render code, not HTML.
//!
//! `templates/common/` mirrors the generated tree. Files under `project/` are rendered once per
//! project; files under `resource/` once per resource, with `__resource__` in their path replaced
//! by the resource's module name. Every template ends in `.tera`, which the output path drops.
//!
//! `templates/orm/<orm>/` holds the files that differ for one ORM: an overlay file replaces the
//! common file of the same path. An overlay that changes only parts of a file extends the common
//! one, reachable as `common/<path>`, and overrides its blocks.

use anyhow::{Result, anyhow};
use include_dir::{Dir, include_dir};
use std::collections::{BTreeMap, BTreeSet};

use tera::{Context, ErrorKind, Tera};

use crate::error::Error;
use crate::overrides::Overrides;
use crate::problem::nearest;
use crate::spec::Orm;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

pub struct Renderer {
    tera: Tera,
    /// The names whose source is one of the project's overrides, so errors name its file.
    overridden: BTreeSet<String>,
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
        Self::with_overrides(orm, &Overrides::default())
    }

    /// The templates of one ORM, with a project's overrides replacing the embedded templates
    /// of the same names. An override of a name that does not exist, or one that does not
    /// parse, is an error naming its file (and line).
    pub fn with_overrides(orm: Orm, overrides: &Overrides) -> Result<Self> {
        let mut sources: BTreeMap<String, &str> = target_sources(orm).into_iter().collect();
        for (name, text) in &overrides.templates {
            match sources.get_mut(name) {
                Some(source) => *source = text.as_str(),
                None => {
                    let hint = match nearest(name, sources.keys().map(String::as_str)) {
                        Some(near) => format!("did you mean {}?", Overrides::path_of(near)),
                        None => {
                            "`backendgen templates list` shows the names it can replace".to_owned()
                        }
                    };
                    return Err(Error::new(format!(
                        "{} replaces no template of backendgen",
                        Overrides::path_of(name)
                    ))
                    .with_hint(hint)
                    .into());
                }
            }
        }
        let overridden: BTreeSet<String> = overrides.templates.keys().cloned().collect();
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        if let Err(err) = tera.add_raw_templates(sources) {
            return Err(match template_error(&err, &overridden) {
                Some(error) => error.into(),
                None => anyhow!("{err:#}").context("the embedded templates do not parse"),
            });
        }
        Ok(Renderer { tera, overridden })
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
        let text = self.tera.render(name, context).map_err(|err| {
            match template_error(&err, &self.overridden) {
                Some(error) => error.into(),
                None => anyhow!("{err:#}").context(format!("failed to render template {name}")),
            }
        })?;
        Ok(tidy(&text))
    }
}

/// An error in one of the project's overrides, as `FILE:LINE:COLUMN: message` with a hint;
/// None when the error is in an embedded template.
fn template_error(err: &tera::Error, overridden: &BTreeSet<String>) -> Option<Error> {
    let (ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report)) = err.kind() else {
        return None;
    };
    if !overridden.contains(report.filename()) {
        return None;
    }
    let span = report.span();
    Some(
        Error::new(format!(
            "{}:{}:{}: {}",
            Overrides::path_of(report.filename()),
            span.start_line,
            span.start_col + 1,
            report.message()
        ))
        .with_hint("fix the override, or delete it to render with the embedded template again"),
    )
}

/// Every template name of `orm`, sorted: what an override may replace.
pub(crate) fn names(orm: Orm) -> Vec<String> {
    let mut names: Vec<String> = target_sources(orm)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    names.sort_unstable();
    names
}

/// The embedded source of the template `name` for `orm` (its overlay's, when it has one).
pub(crate) fn embedded(orm: Orm, name: &str) -> Option<&'static str> {
    target_sources(orm)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, text)| text)
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
pub(crate) fn sources() -> Vec<(&'static str, &'static str)> {
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

    fn overrides(name: &str, text: &str) -> Overrides {
        Overrides {
            templates: [(name.to_owned(), text.to_owned())].into(),
        }
    }

    #[test]
    fn an_override_replaces_the_embedded_template_of_its_name() {
        let renderer = Renderer::with_overrides(
            Orm::Sqlmodel,
            &overrides(
                "project/app/__init__.py.tera",
                "\"\"\"Ours: {{ project.name }}.\"\"\"\n",
            ),
        )
        .unwrap();
        let mut context = Context::new();
        context.insert("project", &serde_json::json!({ "name": "shop" }));
        assert_eq!(
            renderer
                .render("project/app/__init__.py.tera", &context)
                .unwrap(),
            "\"\"\"Ours: shop.\"\"\"\n"
        );
        assert!(names(Orm::Sqlmodel).contains(&"project/app/main.py.tera".to_owned()));
        assert!(embedded(Orm::Sqlmodel, "project/app/models/base.py.tera").is_some());
    }

    #[test]
    fn an_override_of_no_template_is_an_error_with_the_nearest_name() {
        let err =
            Renderer::with_overrides(Orm::Sqlmodel, &overrides("project/app/mian.py.tera", ""))
                .err()
                .unwrap()
                .to_string();
        assert_eq!(
            err,
            ".backendgen/templates/project/app/mian.py.tera replaces no template of backendgen\n  hint: did you mean .backendgen/templates/project/app/main.py.tera?"
        );
    }

    #[test]
    fn a_broken_override_names_its_file_and_line() {
        let err = Renderer::with_overrides(
            Orm::Sqlmodel,
            &overrides("project/app/__init__.py.tera", "ok\n{{ project.name }\n"),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            err.starts_with(".backendgen/templates/project/app/__init__.py.tera:2:"),
            "{err}"
        );
        let renderer = Renderer::with_overrides(
            Orm::Sqlmodel,
            &overrides("project/app/__init__.py.tera", "ok\n{{ nothing.here }}\n"),
        )
        .unwrap();
        let err = renderer
            .render("project/app/__init__.py.tera", &Context::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(".backendgen/templates/project/app/__init__.py.tera:2:4: "),
            "{err}"
        );
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
