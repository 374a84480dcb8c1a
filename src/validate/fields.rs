//! One field of a resource: its type, its type's modifiers (lengths, precision, enum values,
//! JSON limits) and its constraints (bounds, pattern, example, description, access flags).

use std::collections::HashSet;

use serde_yaml::Value;

use super::names::is_snake_identifier;
use super::nodes::last_line;
use super::{MAX_DESCRIPTION, Validator};
use crate::model::{
    DEFAULT_TEXT_MAX_LENGTH, EMAIL_MAX_LENGTH, Field, FieldType, JSON_BYTES, JSON_DEPTH,
    MAX_TEXT_LENGTH, URL_MAX_LENGTH,
};
use crate::problem::{Problem, nearest};
use crate::spec::RawField;

impl Validator {
    pub(super) fn field(&mut self, name: &str, raw: &RawField, path: &str) -> Option<Field> {
        let Some(ty) = FieldType::parse(&raw.kind) else {
            let names = FieldType::names();
            let hint = match nearest(&raw.kind, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? Types are: {}", names.join(", ")),
                None => format!("types are: {}", names.join(", ")),
            };
            self.report(
                Problem::new(
                    format!("{path}.type"),
                    format!("unknown type `{}`", raw.kind),
                )
                .hint(hint),
            );
            return None;
        };
        let before = self.problems.len();
        let only_for = |key: &str, types: &str| {
            Problem::new(
                format!("{path}.{key}"),
                format!("`{key}` does not apply to `{}` fields", ty.name()),
            )
            .hint(format!("`{key}` applies to {types}; remove it"))
        };
        let max_length = match (&raw.max_length, ty) {
            (Some(v), FieldType::Text) => {
                self.count(v, &format!("{path}.max_length"), 1, MAX_TEXT_LENGTH)
            }
            (Some(v), FieldType::String | FieldType::Email | FieldType::Url) => {
                self.count(v, &format!("{path}.max_length"), 1, 65_535)
            }
            (None, FieldType::String) => Some(255),
            // A cap, so one row (and so one page of rows) has a bounded size.
            (None, FieldType::Text) => Some(DEFAULT_TEXT_MAX_LENGTH),
            // The longest address RFC 5321 allows, and the longest URL browsers take.
            (None, FieldType::Email) => Some(EMAIL_MAX_LENGTH),
            (None, FieldType::Url) => Some(URL_MAX_LENGTH),
            (Some(_), _) => {
                self.report(only_for(
                    "max_length",
                    "text fields (`string`, `text`, `email`, `url`)",
                ));
                None
            }
            (None, _) => None,
        };
        let json_limit =
            |this: &mut Self, raw: &Option<Value>, key: &str, (low, high, default)| match (raw, ty)
            {
                (Some(v), FieldType::Json) => this.count(v, &format!("{path}.{key}"), low, high),
                (None, FieldType::Json) => Some(default),
                (Some(_), _) => {
                    this.report(only_for(key, "`json` fields"));
                    None
                }
                (None, _) => None,
            };
        let max_depth = json_limit(self, &raw.max_depth, "max_depth", JSON_DEPTH);
        let max_bytes = json_limit(self, &raw.max_bytes, "max_bytes", JSON_BYTES);
        let (precision, scale) = match ty {
            FieldType::Decimal => {
                let precision = match &raw.precision {
                    Some(v) => self.count(v, &format!("{path}.precision"), 1, 38),
                    None => Some(10),
                };
                let scale = match &raw.scale {
                    Some(v) => self.count(v, &format!("{path}.scale"), 0, 38),
                    None => Some(2),
                };
                if let (Some(p), Some(s)) = (precision, scale)
                    && s > p
                {
                    self.report(
                        Problem::new(format!("{path}.scale"), format!("scale {s} is larger than precision {p}"))
                            .hint("scale counts the digits after the point, out of precision digits in all"),
                    );
                }
                (precision, scale)
            }
            _ => {
                for (key, value) in [("precision", &raw.precision), ("scale", &raw.scale)] {
                    if value.is_some() {
                        self.report(only_for(key, "`decimal` fields"));
                    }
                }
                (None, None)
            }
        };
        let values = match (&raw.values, ty) {
            (Some(values), FieldType::Enum) => self.enum_values(values, &format!("{path}.values")),
            (None, FieldType::Enum) => {
                self.report(
                    Problem::new(format!("{path}.values"), "an enum needs its `values`")
                        .hint("e.g. `values: [low, medium, high]`"),
                );
                Vec::new()
            }
            (Some(_), _) => {
                self.report(only_for("values", "`enum` fields"));
                Vec::new()
            }
            (None, _) => Vec::new(),
        };
        if raw.unique == Some(true) && matches!(ty, FieldType::Bool | FieldType::Enum) {
            self.report(
                Problem::new(
                    format!("{path}.unique"),
                    format!(
                        "a unique `{}` column could hold only as many rows as it has values",
                        ty.name()
                    ),
                )
                .hint("did you mean `index: true`?"),
            );
        }
        if ty == FieldType::Json && (raw.unique == Some(true) || raw.index == Some(true)) {
            self.report(
                Problem::new(path, "a `json` field cannot be `unique` or `index`ed")
                    .hint("index a field of its own type instead"),
            );
        }
        let mut field = Field {
            optional: raw.optional.unwrap_or(false),
            unique: raw.unique.unwrap_or(false),
            index: raw.index.unwrap_or(false),
            max_length,
            max_depth,
            max_bytes,
            precision,
            scale,
            values,
            read_only: raw.read_only.unwrap_or(false),
            write_only: raw.write_only.unwrap_or(false),
            immutable: raw.immutable.unwrap_or(false),
            renamed_from: raw.renamed_from.clone(),
            ..Field::new(name, ty)
        };
        self.constraints(&mut field, raw, path);
        if let Some(default) = &raw.default
            && self.problems.len() == before
        {
            field.default = self.default(&field, default, &format!("{path}.default"));
            self.default_in_range(&field, &format!("{path}.default"));
        }
        if field.read_only
            && field.default.is_none()
            && !field.optional
            && self.problems.len() == before
        {
            self.report(
                Problem::new(
                    format!("{path}.read_only"),
                    "a read-only field needs a `default` or `optional: true`",
                )
                .hint("clients never send it, so a new row must get its value some other way"),
            );
        }
        (self.problems.len() == before).then_some(field)
    }

    /// Lengths, bounds, pattern, example, description and access flags.
    fn constraints(&mut self, field: &mut Field, raw: &RawField, path: &str) {
        let ty = field.ty;
        let only_for = |key: &str, types: &str| {
            Problem::new(
                format!("{path}.{key}"),
                format!("`{key}` does not apply to `{}` fields", ty.name()),
            )
            .hint(format!("`{key}` applies to {types}; remove it"))
        };
        if let Some(v) = &raw.min_length {
            if field.is_text() {
                field.min_length = self.count(v, &format!("{path}.min_length"), 0, 65_535);
                if let (Some(min), Some(max)) = (field.min_length, field.max_length)
                    && min > max
                {
                    self.report(
                        Problem::new(
                            format!("{path}.min_length"),
                            format!("min_length {min} is larger than max_length {max}"),
                        )
                        .hint("lower min_length or raise max_length"),
                    );
                }
            } else {
                self.report(only_for(
                    "min_length",
                    "text fields (`string`, `text`, `email`, `url`)",
                ));
            }
        }
        for (key, raw_bound) in [("min", &raw.min), ("max", &raw.max)] {
            let Some(value) = raw_bound else { continue };
            if !field.is_number() {
                self.report(only_for(
                    key,
                    "numbers (`int`, `bigint`, `float`, `decimal`)",
                ));
                continue;
            }
            let bound = self.bound(field, value, &format!("{path}.{key}"));
            if key == "min" {
                field.min = bound
            } else {
                field.max = bound
            }
        }
        if let (Some(min), Some(max)) = (&field.min, &field.max)
            && min.value > max.value
        {
            self.report(
                Problem::new(
                    format!("{path}.min"),
                    format!("min {} is larger than max {}", min.literal, max.literal),
                )
                .hint("swap them"),
            );
        }
        if let Some(pattern) = &raw.pattern {
            if !matches!(ty, FieldType::String | FieldType::Text) {
                self.report(only_for("pattern", "`string` and `text` fields"));
            } else if let Err(err) = regex::Regex::new(pattern) {
                self.report(
                    Problem::new(format!("{path}.pattern"), format!("`{pattern}` is not a valid pattern: {}", last_line(&err.to_string())))
                        .hint("Pydantic checks patterns with Rust's regex syntax: no look-around, no back-references"),
                );
            } else {
                field.pattern = Some(pattern.clone());
            }
        }
        if let Some(example) = &raw.example {
            if !field.is_text() {
                self.report(only_for(
                    "example",
                    "text fields (`string`, `text`, `email`, `url`)",
                ));
            } else {
                field.example = Some(example.clone());
                if let Some(problem) = text_problem(field, example) {
                    self.report(
                        Problem::new(
                            format!("{path}.example"),
                            format!("the example `{example}` {problem}"),
                        )
                        .hint("give an example the field accepts"),
                    );
                }
            }
        }
        if field.unique
            && field.pattern.is_some()
            && let Some(example) = &field.example
        {
            // The tests tell unique rows apart by the example's last character.
            let stem: String = example
                .chars()
                .take(example.chars().count().saturating_sub(1))
                .collect();
            if (0..6).any(|n| text_problem(field, &format!("{stem}{n}")).is_some()) {
                self.report(
                    Problem::new(format!("{path}.example"), format!("`{example}` must stay valid with its last character replaced by a digit 0-5"))
                        .hint("for a unique field with a pattern, end the example with a digit the pattern allows anywhere, e.g. `ABC-1234`"),
                );
            }
        }
        if field.pattern.is_some() && field.example.is_none() {
            self.report(
                Problem::new(format!("{path}.example"), "a field with a `pattern` needs an `example`")
                    .hint("give a value that matches the pattern; the docs show it and the generated tests send it"),
            );
        }
        if let Some(description) = &raw.description {
            if description.contains('\n') || description.chars().count() > MAX_DESCRIPTION {
                self.report(
                    Problem::new(format!("{path}.description"), format!("a description is one line of at most {MAX_DESCRIPTION} characters"))
                        .hint("keep it short: it becomes the field's one-line description in the API docs"),
                );
            } else {
                field.description = Some(description.clone());
            }
        }
        let flags = [
            ("read_only", field.read_only),
            ("write_only", field.write_only),
            ("immutable", field.immutable),
        ];
        let set: Vec<&str> = flags
            .iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| *k)
            .collect();
        if field.read_only && set.len() > 1 {
            self.report(
                Problem::new(
                    path,
                    format!("`{}` cannot be combined", set.join("` and `")),
                )
                .hint("read_only fields are never written; choose one"),
            );
        }
    }

    fn enum_values(&mut self, values: &[String], path: &str) -> Vec<String> {
        if values.is_empty() {
            self.report(
                Problem::new(path, "an enum needs at least one value")
                    .hint("e.g. `values: [open, closed]`"),
            );
        }
        let mut seen = HashSet::new();
        for value in values {
            if !is_snake_identifier(value) {
                self.report(
                    Problem::new(path, format!("`{value}` is not a valid enum value")).hint(
                        "use snake_case words, e.g. `in_progress`; they become the API's values",
                    ),
                );
            } else if !seen.insert(value.as_str()) {
                self.report(
                    Problem::new(path, format!("`{value}` is listed twice"))
                        .hint("remove the duplicate"),
                );
            }
        }
        values.to_vec()
    }
}

/// Why a text value does not fit its field (length, pattern, kind), if it does not.
pub fn text_problem(field: &Field, value: &str) -> Option<String> {
    let length = value.chars().count();
    if let Some(max) = field.max_length
        && length > max as usize
    {
        return Some(format!(
            "is {length} characters, longer than max_length {max}"
        ));
    }
    if let Some(min) = field.min_length
        && length < min as usize
    {
        return Some(format!(
            "is {length} characters, shorter than min_length {min}"
        ));
    }
    if let Some(pattern) = &field.pattern
        && !regex::Regex::new(pattern).is_ok_and(|re| re.is_match(value))
    {
        return Some(format!("does not match the pattern `{pattern}`"));
    }
    match field.ty {
        FieldType::Email
            if !value
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) =>
        {
            Some("is not an email address".to_owned())
        }
        FieldType::Url if !(value.starts_with("http://") || value.starts_with("https://")) => {
            Some("is not an http(s) URL".to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::DefaultValue;
    use crate::validate::test_support::{HEAD, one};
    use crate::validate::validate;

    #[test]
    fn unknown_types_list_the_valid_ones() {
        let problem = one(&format!("{HEAD}      title: {{ type: strnig }}\n"));
        assert_eq!(problem.path, "resources.item.fields.title.type");
        assert!(problem.hint.unwrap().starts_with("did you mean `string`?"));
    }

    #[test]
    fn lengths_must_be_positive() {
        let problem = one(&format!(
            "{HEAD}      s: {{ type: string, max_length: -5 }}\n"
        ));
        assert_eq!(problem.path, "resources.item.fields.s.max_length");
        assert!(problem.hint.unwrap().contains("from 1 to"));
    }

    #[test]
    fn modifiers_belong_to_their_types() {
        let problem = one(&format!("{HEAD}      s: {{ type: int, max_length: 5 }}\n"));
        assert!(problem.message.contains("does not apply"));
    }

    #[test]
    fn constraints_are_checked_against_each_other_and_their_types() {
        let cases = [
            (
                "s: { type: string, min_length: 5, max_length: 3 }",
                "min_length 5 is larger than max_length 3",
            ),
            (
                "s: { type: int, min: 5, max: 3 }",
                "min 5 is larger than max 3",
            ),
            (
                "s: { type: int, max: 3000000000 }",
                "does not fit an `int` column",
            ),
            ("s: { type: int, min: 1.5 }", "is not a whole number"),
            (
                "s: { type: bool, min: 1 }",
                "`min` does not apply to `bool` fields",
            ),
            (
                "s: { type: string, pattern: \"(\" , example: x }",
                "is not a valid pattern",
            ),
            (
                "s: { type: string, pattern: \"^a+$\" }",
                "needs an `example`",
            ),
            (
                "s: { type: string, pattern: \"^a+$\", example: b }",
                "does not match the pattern",
            ),
            (
                "s: { type: int, read_only: true }",
                "needs a `default` or `optional: true`",
            ),
            (
                "s: { type: int, default: 0, read_only: true, write_only: true }",
                "cannot be combined",
            ),
            ("s: { type: json, unique: true }", "cannot be `unique`"),
            ("s: { type: json, default: x }", "take no default"),
            (
                "s: { type: time, default: \"25:00\" }",
                "does not fit a `time` field",
            ),
            (
                "s: { type: email, default: nobody }",
                "is not an email address",
            ),
            ("s: { type: string, description: \"a\\nb\" }", "one line"),
            (
                "s: { type: string, max_length: 8, unique: true, pattern: \"^[A-Z]+$\", example: ABC }",
                "replaced by a digit",
            ),
        ];
        for (field, expected) in cases {
            let problem = one(&format!("{HEAD}      {field}\n"));
            assert!(problem.to_string().contains(expected), "{field}: {problem}");
        }
    }

    #[test]
    fn every_new_type_and_modifier_validates() {
        let yaml = format!(
            "{HEAD}      a: bigint:min=0\n      b: time=09:30\n      c: email:optional\n      d: url:optional\n      e: json:optional\n      f: {{ type: string, pattern: \"^[A-Z]{{3}}-[0-9]{{4}}$\", example: ABC-1234, unique: true }}\n      g: {{ type: int, default: 0, read_only: true }}\n      h: string:write_only:optional\n      i: string:immutable:min=2:max=4\n      j: {{ type: decimal, min: \"0.50\", max: 10, description: Price in euros }}\n"
        );
        let project = validate("s", &yaml, None).unwrap_or_else(|e| panic!("{e}"));
        let fields = &project.resources[0].fields;
        assert_eq!(fields[1].default, Some(DefaultValue::Time("09:30".into())));
        assert!(fields[6].read_only && fields[7].write_only && fields[8].immutable);
        assert_eq!(
            (fields[8].min_length, fields[8].max_length),
            (Some(2), Some(4))
        );
        assert_eq!(fields[9].min.as_ref().unwrap().literal, "Decimal(\"0.50\")");
        assert_eq!(fields[9].max.as_ref().unwrap().literal, "Decimal(\"10\")");
    }
}
