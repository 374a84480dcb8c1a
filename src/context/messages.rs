//! Words the generated code says: English lists, wrapped docstrings, conflict messages and
//! the README's endpoint rows.

use crate::model::Resource;

use super::*;

/// `a`, `a and b`, `a, b and c`.
pub(super) fn english_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a product with this name or sku already exists", or a shorter message when that is long.
/// Why the database may refuse a write, for the conflict error's docstring.
pub(super) fn conflict_reason(resource: &Resource) -> &'static str {
    let unique = resource.fields.iter().any(|f| f.unique);
    let references = resource.fields.iter().any(|f| f.references.is_some());
    match (unique, references) {
        (true, true) => "a unique value already exists, or a row it refers to is gone",
        (true, false) => "a value that must be unique is taken",
        _ => "a row it refers to is gone",
    }
}

pub(super) fn conflict_message(resource: &Resource, unique: &[&str]) -> String {
    if resource.fields.iter().any(|f| f.references.is_some()) {
        return conflict_reason(resource).to_owned();
    }
    let full = format!(
        "a {} with this {} already exists",
        resource.label,
        english_list(unique)
            .replace(" and ", " or ")
            .replace(", ", " or ")
            .replace('_', " ")
    );
    if full.len() <= 64 {
        full
    } else {
        "a value that must be unique is taken".to_owned()
    }
}

/// `| tasks | Each user's own rows. Every route needs a signed-in caller. | `/api/tasks`, ... |`
pub fn readme_row(resource: &Resource) -> String {
    let rows = if resource.owned {
        "Each user's own rows."
    } else {
        "Shared rows."
    };
    let path = format!("/api/{}", resource.route);
    let mut routes = format!("`{path}`, `{path}/{{id}}`");
    // The rows of one parent, listed under the parent's route.
    for field in &resource.fields {
        if let Some(parent) = field.references.as_ref().filter(|r| r.nested) {
            routes.push_str(&format!(", `{}`", parent.nested_path(&resource.route)));
        }
    }
    format!(
        "| {} | {rows} {} | {routes} |",
        resource.label_plural,
        access_sentence(resource)
    )
}

/// Greedy word wrap at `width` columns.
pub(super) fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}
