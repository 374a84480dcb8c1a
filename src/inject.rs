//! Surgical edits of the files a project shares between its resources: the app's router
//! wiring, the models' exports, the README's table and `backendgen.yaml`.
//!
//! Each edit touches only the lines it is about, so the user's own lines stay where they are.
//! An edit relies on an anchor (an import statement, `__all__`, a marker comment); when the anchor
//! is gone, the edit fails with a message naming the file and the anchor, instead of skipping.
//! An edit that is already there is not repeated.

use std::fmt;

use crate::python;

pub const ROUTERS_MARKER: &str = "# backendgen: new routers go above this line";
pub const README_MARKER: &str = "<!-- backendgen: new resources go above this line -->";

/// An anchor an edit needs is missing from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingAnchor {
    pub file: String,
    pub anchor: String,
    pub hint: String,
}

impl fmt::Display for MissingAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot find `{}`\n  hint: {}",
            self.file, self.anchor, self.hint
        )
    }
}

impl std::error::Error for MissingAnchor {}

type Edit = Result<String, MissingAnchor>;

fn missing(file: &str, anchor: &str, hint: &str) -> MissingAnchor {
    MissingAnchor {
        file: file.to_owned(),
        anchor: anchor.to_owned(),
        hint: hint.to_owned(),
    }
}

/// A `from MODULE import a, b` statement found in a file: its line range and names.
struct FromImport {
    start: usize,
    end: usize,
    names: Vec<String>,
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

fn join(lines: &[String]) -> String {
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn find_from_import(lines: &[&str], module: &str) -> Option<FromImport> {
    let head = format!("from {module} import ");
    let start = lines.iter().position(|l| l.starts_with(&head))?;
    let rest = lines[start][head.len()..].trim();
    if let Some(inner) = rest.strip_prefix('(') {
        let mut body = inner.to_owned();
        let mut end = start;
        while !body.contains(')') {
            end += 1;
            body.push(',');
            body.push_str(lines.get(end)?);
        }
        let body = &body[..body.find(')')?];
        return Some(FromImport {
            start,
            end,
            names: split_names(body),
        });
    }
    Some(FromImport {
        start,
        end: start,
        names: split_names(rest),
    })
}

fn split_names(text: &str) -> Vec<String> {
    text.split(',')
        .map(|n| n.split('#').next().unwrap_or_default().trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

/// Adds names to `from MODULE import ...`, creating the statement (after `after_prefix`
/// statements, in sorted order) when it does not exist.
fn add_import_names(
    text: &str,
    module: &str,
    names: &[String],
    sibling_prefix: &str,
) -> Option<String> {
    let lines = lines(text);
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    match find_from_import(&lines, module) {
        Some(found) => {
            let mut all = found.names.clone();
            for name in names {
                if !all.contains(name) {
                    all.push(name.clone());
                }
            }
            all.sort_by(|a, b| python::member_cmp(a, b));
            let statement = python::from_import(module, &all);
            out.splice(
                found.start..=found.end,
                statement.lines().map(str::to_owned),
            );
        }
        None => {
            // Insert among the sibling statements, keeping them sorted by module.
            let siblings: Vec<(usize, usize, String)> = (0..lines.len())
                .filter(|i| lines[*i].starts_with(sibling_prefix))
                .filter_map(|i| {
                    let module = lines[i]["from ".len()..].split(' ').next()?.to_owned();
                    let found = find_from_import(&lines, &module)?;
                    Some((found.start, found.end, module))
                })
                .collect();
            let (first, _, _) = siblings.first()?;
            let mut sorted = names.to_vec();
            sorted.sort_by(|a, b| python::member_cmp(a, b));
            let statement: Vec<String> = python::from_import(module, &sorted)
                .lines()
                .map(str::to_owned)
                .collect();
            let at = siblings
                .iter()
                .find(|(_, _, m)| python::natural_cmp(m, module).is_gt())
                .map_or_else(
                    || siblings.last().map_or(*first, |(_, end, _)| end + 1),
                    |(start, _, _)| *start,
                );
            out.splice(at..at, statement);
        }
    }
    Some(join(&out))
}

/// Removes names from `from MODULE import ...`, and the statement when none is left.
fn remove_import_names(text: &str, module: &str, names: &[String]) -> String {
    let lines = lines(text);
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    if let Some(found) = find_from_import(&lines, module) {
        let kept: Vec<String> = found
            .names
            .into_iter()
            .filter(|n| !names.contains(n))
            .collect();
        let replacement: Vec<String> = if kept.is_empty() {
            Vec::new()
        } else {
            python::from_import(module, &kept)
                .lines()
                .map(str::to_owned)
                .collect()
        };
        out.splice(found.start..=found.end, replacement);
    }
    join(&out)
}

/// Wires a resource's routers into `app/main.py`: the module's import and an
/// `include_router` line for each router it has (`router`, and `project_router` for a list
/// nested under a parent).
pub fn add_router(main_py: &str, module: &str, routers: &[String]) -> Edit {
    const FILE: &str = "app/main.py";
    let with_import = add_import_names(
        main_py,
        "app.routers",
        &[module.to_owned()],
        "from app.routers ",
    )
    .ok_or_else(|| {
        missing(
            FILE,
            "from app.routers import ...",
            "restore the import of the resource routers, e.g. `from app.routers import task`",
        )
    })?;
    let mut out: Vec<String> = with_import.lines().map(str::to_owned).collect();
    for router in routers {
        let include = format!("app.include_router({module}.{router})");
        if out.iter().any(|l| l.trim() == include) {
            continue;
        }
        let at = out.iter().position(|l| l.trim() == ROUTERS_MARKER).ok_or_else(|| {
            missing(FILE, ROUTERS_MARKER, "put the marker back as the line after the last `app.include_router(...)` in create_app()")
        })?;
        let indent: String = out[at].chars().take_while(|c| c.is_whitespace()).collect();
        out.insert(at, format!("{indent}{include}"));
    }
    Ok(join(&out))
}

/// Undoes `add_router`.
pub fn remove_router(main_py: &str, module: &str) -> String {
    let without_import = remove_import_names(main_py, "app.routers", &[module.to_owned()]);
    let include = format!("app.include_router({module}.");
    let kept: Vec<String> = without_import
        .lines()
        .filter(|l| !l.trim().starts_with(&include))
        .map(str::to_owned)
        .collect();
    join(&kept)
}

/// Exports a resource's model classes from `app/models/__init__.py`: the import, and `__all__`.
pub fn add_model_exports(init_py: &str, module: &str, names: &[String]) -> Edit {
    const FILE: &str = "app/models/__init__.py";
    let full = format!("app.models.{module}");
    let with_import =
        add_import_names(init_py, &full, names, "from app.models.").ok_or_else(|| {
            missing(
                FILE,
                "from app.models.<resource> import ...",
                "the models package must import each table model; restore those imports",
            )
        })?;
    edit_all(&with_import, |all| {
        for name in names.iter().chain(std::iter::once(&"metadata".to_owned())) {
            if !all.contains(name) {
                all.push(name.clone());
            }
        }
    })
    .ok_or_else(|| {
        missing(
            FILE,
            "__all__ = [...]",
            "restore the `__all__` list of the models package",
        )
    })
}

/// Undoes `add_model_exports`.
pub fn remove_model_exports(init_py: &str, module: &str, names: &[String]) -> String {
    let without_import = remove_import_names(init_py, &format!("app.models.{module}"), names);
    edit_all(&without_import, |all| all.retain(|n| !names.contains(n))).unwrap_or(without_import)
}

/// Rewrites the `__all__ = [...]` list, sorted as ruff wants it.
fn edit_all(text: &str, change: impl FnOnce(&mut Vec<String>)) -> Option<String> {
    let lines = lines(text);
    let start = lines.iter().position(|l| l.starts_with("__all__ = ["))?;
    let mut end = start;
    while !lines[end].contains(']') {
        end += 1;
        lines.get(end)?;
    }
    let body: String = lines[start..=end].join(" ");
    let inner = &body[body.find('[')? + 1..body.rfind(']')?];
    let mut names: Vec<String> = inner
        .split(',')
        .map(|n| n.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    change(&mut names);
    names.sort_by(|a, b| python::member_cmp(a, b));
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out.splice(
        start..=end,
        python::string_list("__all__ = ", &names)
            .lines()
            .map(str::to_owned),
    );
    Some(join(&out))
}

/// Adds a row to the README's table of endpoints, above its marker.
pub fn add_readme_row(readme: &str, row: &str) -> Edit {
    let mut out: Vec<String> = readme.lines().map(str::to_owned).collect();
    if out.iter().any(|l| l == row) {
        return Ok(join(&out));
    }
    let at = out
        .iter()
        .position(|l| l.trim() == README_MARKER)
        .ok_or_else(|| {
            missing(
                "README.md",
                README_MARKER,
                "put the marker back as the line after the table of endpoints",
            )
        })?;
    out.insert(at, row.to_owned());
    Ok(join(&out))
}

/// Undoes `add_readme_row`.
pub fn remove_readme_row(readme: &str, row: &str) -> String {
    join(
        &readme
            .lines()
            .filter(|l| *l != row)
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    )
}

/// The `resources:` block of a spec: the line of its key, the lines of its body, and the
/// indentation of the resource names in it.
struct ResourcesBlock {
    key: usize,
    end: usize,
    indent: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

fn resources_block(lines: &[&str]) -> Result<ResourcesBlock, MissingAnchor> {
    const FILE: &str = "backendgen.yaml";
    let key = lines
        .iter()
        .position(|l| l.starts_with("resources:"))
        .ok_or_else(|| {
            missing(
                FILE,
                "resources:",
                "the spec needs a top-level `resources:` mapping",
            )
        })?;
    let value = lines[key]["resources:".len()..]
        .split('#')
        .next()
        .unwrap_or_default()
        .trim();
    if !value.is_empty() {
        return Err(missing(
            FILE,
            "resources: (in block style)",
            "write `resources:` in block style (each resource on its own indented line) so resources can be added without rewriting it",
        ));
    }
    let mut end = key;
    let mut indent = None;
    for (i, line) in lines.iter().enumerate().skip(key + 1) {
        if !is_content(line) {
            continue;
        }
        if indent_of(line) == 0 {
            break;
        }
        indent.get_or_insert(indent_of(line));
        end = i;
    }
    Ok(ResourcesBlock {
        key,
        end,
        indent: indent.unwrap_or(2),
    })
}

/// Appends a resource (its definition as spec text, indented from column 0 as the value of its
/// name) to the `resources:` block, leaving every other line as it is.
pub fn add_yaml_resource(spec: &str, name: &str, definition: &str) -> Edit {
    let lines = lines(spec);
    let block = resources_block(&lines)?;
    let pad = " ".repeat(block.indent);
    let mut entry = vec![format!("{pad}{name}:")];
    for line in definition.lines() {
        entry.push(if line.trim().is_empty() {
            String::new()
        } else {
            format!("{pad}{pad}{line}")
        });
    }
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let at = if block.end == block.key {
        block.key + 1
    } else {
        block.end + 1
    };
    out.splice(at..at, entry);
    Ok(join(&out))
}

/// Removes a resource's entry from the `resources:` block (its key line and everything indented
/// under it).
pub fn remove_yaml_resource(spec: &str, name: &str) -> Edit {
    let lines = lines(spec);
    let block = resources_block(&lines)?;
    let key = format!("{name}:");
    let start = (block.key + 1..=block.end)
        .find(|i| indent_of(lines[*i]) == block.indent && lines[*i].trim_start().starts_with(&key))
        .ok_or_else(|| {
            missing(
                "backendgen.yaml",
                &format!("resources.{name}"),
                "the resource is not in the spec",
            )
        })?;
    let mut end = start;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if is_content(line) && indent_of(line) <= block.indent {
            break;
        }
        if is_content(line) {
            end = i;
        }
    }
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out.drain(start..=end);
    Ok(join(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str = "from fastapi import FastAPI\n\nfrom app.config import settings\nfrom app.routers import product, task\n\n\ndef create_app() -> FastAPI:\n    app = FastAPI()\n    app.include_router(task.router)\n    app.include_router(mine.router)  # the user's own\n    app.include_router(product.router)\n    # backendgen: new routers go above this line\n    return app\n";

    #[test]
    fn a_router_is_wired_and_unwired() {
        let added = add_router(MAIN, "cart", &["router".to_owned()]).unwrap();
        assert!(added.contains("from app.routers import cart, product, task\n"));
        assert!(added.contains("    app.include_router(product.router)\n    app.include_router(cart.router)\n    # backendgen"));
        assert!(added.contains("app.include_router(mine.router)  # the user's own"));
        assert_eq!(
            add_router(&added, "cart", &["router".to_owned()]).unwrap(),
            added,
            "not repeated"
        );
        assert_eq!(remove_router(&added, "cart"), MAIN);
    }

    #[test]
    fn a_missing_marker_is_an_error_naming_it() {
        let err = add_router(
            &MAIN.replace(ROUTERS_MARKER, ""),
            "cart",
            &["router".to_owned()],
        )
        .unwrap_err();
        assert_eq!(err.file, "app/main.py");
        assert_eq!(err.anchor, ROUTERS_MARKER);
        let err = add_router(
            &MAIN.replace("from app.routers import product, task\n", ""),
            "cart",
            &["router".to_owned()],
        )
        .unwrap_err();
        assert!(err.anchor.starts_with("from app.routers import"));
    }

    #[test]
    fn long_imports_are_exploded_and_merged() {
        let names = [
            "alpha_resource",
            "beta_resource",
            "gamma_resource",
            "delta_resource",
            "epsilon",
        ];
        let mut text = MAIN.to_owned();
        for name in names {
            text = add_router(&text, name, &["router".to_owned()]).unwrap();
        }
        assert!(
            text.contains("from app.routers import (\n    alpha_resource,\n    beta_resource,\n")
        );
        for name in names {
            text = remove_router(&text, name);
        }
        assert_eq!(text, MAIN);
    }

    const MODELS: &str = "\"\"\"Table models.\"\"\"\n\nfrom sqlmodel import SQLModel\n\nfrom app.models.product import Product, ProductKind\nfrom app.models.task import Task, TaskPriority\n\nmetadata = SQLModel.metadata\n\n__all__ = [\"Product\", \"ProductKind\", \"Task\", \"TaskPriority\", \"metadata\"]\n";

    #[test]
    fn model_exports_are_added_in_order_and_removed() {
        let names = vec!["Cart".to_owned(), "CartStatus".to_owned()];
        let added = add_model_exports(MODELS, "cart", &names).unwrap();
        assert!(added.contains(
            "from app.models.cart import Cart, CartStatus\nfrom app.models.product import"
        ));
        assert!(
            added.contains("__all__ = [\n    \"Cart\",\n    \"CartStatus\",\n    \"Product\",")
        );
        assert_eq!(remove_model_exports(&added, "cart", &names), MODELS);
        let last = add_model_exports(MODELS, "zebra", &["Zebra".to_owned()]).unwrap();
        assert!(last.contains(
            "from app.models.task import Task, TaskPriority\nfrom app.models.zebra import Zebra\n"
        ));
    }

    const SPEC: &str = "# my shop\nproject:\n  name: shop # mine\n\nresources:\n  task:\n    fields:\n      title: string # short\n\n# trailing comment\nauth:\n  roles_claim: role\n";

    #[test]
    fn resources_are_appended_and_removed_keeping_comments() {
        let added = add_yaml_resource(
            SPEC,
            "project",
            "owned: false\nfields:\n  name: string:max=120\n",
        )
        .unwrap();
        assert_eq!(
            added,
            "# my shop\nproject:\n  name: shop # mine\n\nresources:\n  task:\n    fields:\n      title: string # short\n  project:\n    owned: false\n    fields:\n      name: string:max=120\n\n# trailing comment\nauth:\n  roles_claim: role\n"
        );
        assert_eq!(remove_yaml_resource(&added, "project").unwrap(), SPEC);
        let flow = add_yaml_resource(
            "resources: { a: { fields: { x: string } } }\n",
            "b",
            "fields: {}\n",
        );
        assert!(flow.unwrap_err().hint.contains("block style"));
    }

    #[test]
    fn readme_rows_go_above_the_marker() {
        let readme = format!("| a | b |\n| --- | --- |\n| x | y |\n{README_MARKER}\n\ntext\n");
        let added = add_readme_row(&readme, "| z | w |").unwrap();
        assert!(added.contains("| x | y |\n| z | w |\n<!--"));
        assert_eq!(remove_readme_row(&added, "| z | w |"), readme);
    }
}
