//! Surgical edits of `backendgen.yaml`: a resource appended to or removed from its
//! `resources:` block, every other line (comments, layout) left as it is.
//!
//! An edit relies on an anchor (the `resources:` key in block style); when the anchor is gone,
//! the edit fails with a message naming the file and the anchor, instead of skipping. The files
//! generated from the spec follow by `apply`, which merges instead of editing in place.

use crate::error::Error;

/// The text after the edit, or an error naming the file and the anchor it lacks.
type Edit = Result<String, Error>;

/// An anchor an edit needs is missing from a file.
fn missing(file: &str, anchor: &str, hint: &str) -> Error {
    Error::new(format!("{file}: cannot find `{anchor}`")).with_hint(hint)
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

fn join(lines: &[String]) -> String {
    let mut out = lines.join("\n");
    out.push('\n');
    out
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

fn resources_block(lines: &[&str]) -> Result<ResourcesBlock, Error> {
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
pub(crate) fn add_yaml_resource(spec: &str, name: &str, definition: &str) -> Edit {
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
pub(crate) fn remove_yaml_resource(spec: &str, name: &str) -> Edit {
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
        assert!(flow.unwrap_err().hint().unwrap().contains("block style"));
    }
}
