//! YAML plumbing: checking a node's shape and keys before deserializing it, and showing values
//! and serde_yaml's messages in problems.

use clap::ValueEnum;
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::Validator;
use crate::problem::{Problem, nearest};

impl Validator {
    pub(super) fn reject<T>(&mut self, problem: Problem) -> Option<T> {
        self.report(problem);
        None
    }

    /// A whole number in `min..=max`.
    pub(super) fn count(&mut self, value: &Value, path: &str, min: u32, max: u32) -> Option<u32> {
        let message = match value.as_i64() {
            Some(n) if n >= i64::from(min) && n <= i64::from(max) => return u32::try_from(n).ok(),
            Some(_) => format!("{} is out of range", show(value)),
            None if value.is_string() => format!("{} is text, not a number", show(value)),
            None => format!("{} is not a whole number", show(value)),
        };
        self.reject(
            Problem::new(path, message).hint(format!("give a whole number from {min} to {max}")),
        )
    }

    pub(super) fn mapping<'a>(&mut self, node: &'a Value, path: &str) -> Option<&'a Mapping> {
        match node {
            Value::Mapping(map) => Some(map),
            other => {
                let place = if path.is_empty() { "the spec" } else { path };
                self.reject(
                    Problem::new(
                        path,
                        format!("{place} must be a mapping, found {}", kind_of(other)),
                    )
                    .hint("write `key: value` pairs, indented under it"),
                )
            }
        }
    }

    pub(super) fn key_name(&mut self, key: &Value, path: &str) -> Option<String> {
        match key {
            Value::String(s) => Some(s.clone()),
            other => self.reject(
                Problem::new(path, format!("the key {} is not a name", show(other)))
                    .hint("names are snake_case words, e.g. `order_item`"),
            ),
        }
    }

    /// Reports unknown keys, each with the nearest known key.
    pub(super) fn keys(&mut self, map: &Mapping, allowed: &[&str], path: &str) {
        for key in map.keys() {
            let Some(key) = key.as_str() else { continue };
            if allowed.contains(&key) {
                continue;
            }
            let place = if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            };
            let hint = match nearest(key, allowed.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the keys here are: {}", allowed.join(", ")),
            };
            self.report(Problem::new(place, format!("unknown key `{key}`")).hint(hint));
        }
    }

    /// Checks a key of `map` that takes one of a few words (`orm: sqlalchemy`). A wrong word is
    /// reported at the key's own place with the words it takes, and emptied, so the rest of the
    /// mapping still deserializes and is checked.
    pub(super) fn choice<T: ValueEnum + DeserializeOwned>(
        &mut self,
        map: &mut Mapping,
        key: &str,
        path: &str,
    ) {
        let Some(value) = map.get_mut(key) else {
            return;
        };
        if value.is_null() || serde_yaml::from_value::<T>(value.clone()).is_ok() {
            return;
        }
        let words: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        let hint = match value
            .as_str()
            .and_then(|w| nearest(&w.to_lowercase(), words.iter().map(String::as_str)))
        {
            Some(near) => format!(
                "did you mean `{near}`? `{key}` is one of: {}",
                words.join(", ")
            ),
            None => format!("`{key}` is one of: {}", words.join(", ")),
        };
        self.report(
            Problem::new(
                format!("{path}.{key}"),
                format!("{} is not a valid `{key}`", show(value)),
            )
            .hint(hint),
        );
        *value = Value::Null;
    }

    /// Checks a mapping's keys, then deserializes it.
    pub(super) fn node<T: DeserializeOwned>(
        &mut self,
        node: &Value,
        allowed: &[&str],
        path: &str,
    ) -> Option<T> {
        let map = self.mapping(node, path)?;
        let before = self.problems.len();
        self.keys(map, allowed, path);
        if self.problems.len() > before {
            return None;
        }
        // The path to the value serde refused, so that the problem names its key.
        match serde_path_to_error::deserialize::<_, T>(node.clone()) {
            Ok(value) => Some(value),
            Err(err) => {
                let place = match err.path().to_string() {
                    inner if inner == "." => path.to_owned(),
                    inner => crate::locate::join(path, &inner),
                };
                self.reject(
                    Problem::new(place, strip_location(&err.inner().to_string()))
                        .hint("see `backendgen schema` for what each key takes"),
                )
            }
        }
    }
}

/// serde_yaml appends " at line L column C" to its messages; the location is reported apart.
pub(super) fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The last non-blank line of a multi-line message (the regex crate ends with the cause).
pub(super) fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(text)
        .trim()
}

pub(super) fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => serde_yaml::to_string(other)
            .map(|s| format!("`{}`", s.trim_end()))
            .unwrap_or_else(|_| "the value".to_owned()),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::test_support::{HEAD, one};

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let problem = one(&format!(
            "{HEAD}      title: {{ type: string, max_lenght: 10 }}\n"
        ));
        assert_eq!(problem.path, "resources.item.fields.title.max_lenght");
        assert_eq!(problem.hint.as_deref(), Some("did you mean `max_length`?"));
        assert_eq!(problem.location, Some((5, 30)));
    }
}
