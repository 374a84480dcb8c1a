//! Edits of a spec's text that keep the user's comments and layout: one value set in place.
//!
//! `new` records in the project's `backendgen.yaml` what the command line and the answers
//! decided (the name, `orm`, `mode`, `default_access`). Rewriting the YAML from its parsed
//! tree would drop every comment, so the value is replaced where it stands, or its key added
//! to its mapping in that mapping's style. Every edit is checked by parsing both texts: the
//! result means exactly the original with that one value set, or there is no result.

use serde_yaml::{Mapping, Value};

use crate::locate::Locator;

/// The spec `text` with the scalar at `path` (`project.orm`) set to `value`, a plain YAML
/// scalar. A key that is there has its value replaced; a missing key is added as the last of
/// its mapping (a missing top-level section, such as `auth`, right after `project`), in block
/// or flow style as that mapping is written. `None` when the layout is one this cannot edit
/// without changing something else.
pub fn set_scalar(text: &str, path: &str, value: &str) -> Option<String> {
    set_scalars(text, &[(path, value)]).ok()
}

/// `set_scalar` for several values in turn, parsing the spec once and each edit once (a spec of
/// a hundred resources takes a while to parse). The error is the path that could not be set.
pub(crate) fn set_scalars<'p>(text: &str, edits: &[(&'p str, &str)]) -> Result<String, &'p str> {
    let first = edits.first().map_or("", |(path, _)| *path);
    let mut text = text.to_owned();
    let mut tree = parse(&text).ok_or(first)?;
    for &(path, value) in edits {
        let parsed = parse(value).ok_or(path)?;
        if current(&tree, path) == Some(&parsed) {
            continue;
        }
        let edited = edit(&text, path, value).ok_or(path)?;
        let edited_tree = parse(&edited).ok_or(path)?;
        if !means(tree, &edited_tree, path, parsed) {
            return Err(path);
        }
        text = edited;
        tree = edited_tree;
    }
    Ok(text)
}

/// The text with the value at `path` replaced, or its key added.
fn edit(text: &str, path: &str, value: &str) -> Option<String> {
    let locator = Locator::new(text);
    Some(match locator.scalar(path) {
        Some((start, end)) if start == end => {
            // An empty value stands at its key's `:`.
            let at = byte(text, start);
            let colon = at + text[at..].find(':')?;
            splice(text, colon + 1, colon + 1, &format!(" {value}"))
        }
        Some((start, end)) => splice(text, byte(text, start), byte(text, end), value),
        None => add(text, &locator, path, value)?,
    })
}

/// Adds the key of `path` to the nearest mapping on the path that exists.
fn add(text: &str, locator: &Locator, path: &str, value: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut depth = segments.len() - 1;
    while depth > 0 && locator.mapping(&segments[..depth].join(".")).is_none() {
        depth -= 1;
    }
    let parent = segments[..depth].join(".");
    let keys = &segments[depth..];
    let place = locator.mapping(&parent)?;
    let start = byte(text, place.start);
    if text[start..].starts_with('{') {
        let entry = flow_entry(keys, value);
        return Some(match place.last_value_end {
            Some(end) => {
                let at = byte(text, end);
                splice(text, at, at, &format!(", {entry}"))
            }
            None => splice(text, start + 1, start + 1, &format!(" {entry} ")),
        });
    }
    let indent = column(text, start);
    // Children of a new section are indented as the spec indents `project`'s keys.
    let step = locator
        .mapping("project")
        .map(|project| byte(text, project.start))
        .filter(|&at| !text[at..].starts_with('{'))
        .map_or(2, |at| column(text, at))
        .max(1);
    let after = if parent.is_empty() {
        "project"
    } else {
        parent.as_str()
    };
    let (line, key_column) = locator.key(after)?;
    let at = end_of_entry(text, line, key_column - 1);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut entry = String::new();
    if at > 0 && !text[..at].ends_with('\n') {
        entry.push_str(newline);
    }
    for (i, key) in keys.iter().enumerate() {
        let pad = " ".repeat(indent + i * step);
        if i + 1 == keys.len() {
            entry.push_str(&format!("{pad}{key}: {value}{newline}"));
        } else {
            entry.push_str(&format!("{pad}{key}:{newline}"));
        }
    }
    Some(splice(text, at, at, &entry))
}

/// `key: value`, or `outer: { key: value }` for a key whose mapping is new too.
fn flow_entry(keys: &[&str], value: &str) -> String {
    match keys {
        [key] => format!("{key}: {value}"),
        [key, rest @ ..] => format!("{key}: {{ {} }}", flow_entry(rest, value)),
        [] => String::new(),
    }
}

/// The byte offset just past the last line of the entry whose key stands on `line` (1-based)
/// at `indent`: the lines after it that are blank or indented deeper belong to it.
fn end_of_entry(text: &str, line: usize, indent: usize) -> usize {
    let mut offset = 0;
    let mut end = 0;
    for (i, current) in text.split_inclusive('\n').enumerate() {
        offset += current.len();
        if i + 1 < line {
            continue;
        }
        if i + 1 == line {
            end = offset;
            continue;
        }
        let trimmed = current.trim_start();
        if trimmed.trim_end().is_empty() {
            continue;
        }
        if current.len() - trimmed.len() <= indent {
            break;
        }
        end = offset;
    }
    end
}

/// The column (0-based, in characters) of a byte offset.
fn column(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].chars().count()
}

/// The byte offset of a character index.
fn byte(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(b, _)| b)
}

fn splice(text: &str, start: usize, end: usize, with: &str) -> String {
    format!("{}{with}{}", &text[..start], &text[end..])
}

fn parse(text: &str) -> Option<Value> {
    serde_yaml::from_str(text).ok()
}

fn current<'a>(spec: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = spec;
    for key in path.split('.') {
        node = node.get(key)?;
    }
    Some(node)
}

/// Whether `edited` means `original` with `path` set to `value`, and nothing else changed.
fn means(original: Value, edited: &Value, path: &str, value: Value) -> bool {
    let mut expected = original;
    let keys: Vec<&str> = path.split('.').collect();
    let mut node = &mut expected;
    for key in &keys[..keys.len() - 1] {
        let Value::Mapping(map) = node else {
            return false;
        };
        node = map
            .entry(Value::from(*key))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
    }
    let Value::Mapping(map) = node else {
        return false;
    };
    map.insert(Value::from(keys[keys.len() - 1]), value);
    &expected == edited
}

#[cfg(test)]
mod tests {
    use super::set_scalar;

    #[test]
    fn replaces_a_value_in_place() {
        let spec = "# mine\nproject:\n  name: tasks   # the name\n  orm: sqlmodel\n";
        assert_eq!(
            set_scalar(spec, "project.name", "shop").unwrap(),
            "# mine\nproject:\n  name: shop   # the name\n  orm: sqlmodel\n"
        );
        assert_eq!(
            set_scalar(spec, "project.orm", "sqlalchemy").unwrap(),
            "# mine\nproject:\n  name: tasks   # the name\n  orm: sqlalchemy\n"
        );
        assert_eq!(set_scalar(spec, "project.name", "tasks").unwrap(), spec);
        assert_eq!(
            set_scalar(
                "project: { name: tasks, orm: sqlmodel }\n",
                "project.name",
                "shop"
            )
            .unwrap(),
            "project: { name: shop, orm: sqlmodel }\n"
        );
        assert_eq!(
            set_scalar(
                "project: { name: \"x\", mode: 'async' }\n",
                "project.mode",
                "sync"
            )
            .unwrap(),
            "project: { name: \"x\", mode: sync }\n"
        );
        assert_eq!(
            set_scalar(
                "project:\n  name: x\n  mode: # later\n",
                "project.mode",
                "sync"
            )
            .unwrap(),
            "project:\n  name: x\n  mode: sync # later\n"
        );
        assert_eq!(
            set_scalar(
                "project: { name: x, mode: \"async\" }\n",
                "project.mode",
                "async"
            )
            .unwrap(),
            "project: { name: x, mode: \"async\" }\n",
            "a value that is already there keeps its quotes"
        );
    }

    #[test]
    fn adds_a_missing_key_as_the_last_of_its_block_mapping() {
        let spec = "project:\n  name: tasks\n  description: |\n    Two\n    lines\n\n# the rest\nresources:\n  t:\n    fields: { a: string }\n";
        assert_eq!(
            set_scalar(spec, "project.orm", "sqlalchemy").unwrap(),
            "project:\n  name: tasks\n  description: |\n    Two\n    lines\n  orm: sqlalchemy\n\n# the rest\nresources:\n  t:\n    fields: { a: string }\n"
        );
        let four = "project:\n    name: x  # four spaces\nresources:\n    t:\n        fields: { a: string }\n";
        assert_eq!(
            set_scalar(four, "project.mode", "sync").unwrap(),
            "project:\n    name: x  # four spaces\n    mode: sync\nresources:\n    t:\n        fields: { a: string }\n"
        );
        assert_eq!(
            set_scalar("project:\n  name: x", "project.mode", "sync").unwrap(),
            "project:\n  name: x\n  mode: sync\n",
            "a last line without a newline"
        );
        assert_eq!(
            set_scalar(
                "project:\r\n  name: x\r\nresources: {}\r\n",
                "project.mode",
                "sync"
            )
            .unwrap(),
            "project:\r\n  name: x\r\n  mode: sync\r\nresources: {}\r\n",
            "Windows line ends"
        );
    }

    #[test]
    fn adds_a_missing_key_to_a_flow_mapping() {
        assert_eq!(
            set_scalar(
                "project: { name: tasks }  # mine\n",
                "project.orm",
                "sqlalchemy"
            )
            .unwrap(),
            "project: { name: tasks, orm: sqlalchemy }  # mine\n"
        );
        assert_eq!(
            set_scalar("project: {name: x, tags: [a, b]}\n", "project.mode", "sync").unwrap(),
            "project: {name: x, tags: [a, b], mode: sync}\n"
        );
        assert_eq!(
            set_scalar(
                "project: {\n  name: x,  # the name\n}\n",
                "project.mode",
                "sync"
            )
            .unwrap(),
            "project: {\n  name: x, mode: sync,  # the name\n}\n"
        );
        assert_eq!(
            set_scalar(
                "project: { name: x }\nauth: {}\n",
                "auth.default_access",
                "public-reads"
            )
            .unwrap(),
            "project: { name: x }\nauth: { default_access: public-reads }\n"
        );
    }

    #[test]
    fn adds_a_missing_section_after_project() {
        let spec =
            "project:\n  name: x\n\n# what there is\nresources:\n  t:\n    fields: { a: string }\n";
        assert_eq!(
            set_scalar(spec, "auth.default_access", "public-reads").unwrap(),
            "project:\n  name: x\nauth:\n  default_access: public-reads\n\n# what there is\nresources:\n  t:\n    fields: { a: string }\n"
        );
        let flow = "project: { name: x }\nresources: { t: { fields: { a: string } } }\n";
        assert_eq!(
            set_scalar(flow, "auth.default_access", "public-reads").unwrap(),
            "project: { name: x }\nauth:\n  default_access: public-reads\nresources: { t: { fields: { a: string } } }\n"
        );
        assert_eq!(
            set_scalar(
                "{project: {name: x}}\n",
                "auth.default_access",
                "public-reads"
            )
            .unwrap(),
            "{project: {name: x}, auth: { default_access: public-reads }}\n"
        );
    }

    #[test]
    fn a_layout_it_cannot_edit_safely_gives_nothing() {
        // The closing brace of a multi-line flow mapping sits where a new section would go.
        assert_eq!(
            set_scalar(
                "project: {\n  name: x\n}\nresources: {}\n",
                "auth.default_access",
                "public-reads"
            ),
            None
        );
        assert_eq!(
            set_scalar("project: [x]\n", "project.orm", "sqlalchemy"),
            None
        );
    }
}
