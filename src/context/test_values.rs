//! The values the generated tests send, per field: a valid one, another valid one, the invalid
//! ones for each constraint (422s), and the edge values that must be accepted. They follow the
//! field's constraints, so every value is valid (or invalid) for the reason its test says.

use crate::model::{Field, FieldType, JSON_BYTES, JSON_DEPTH};
use crate::python;
use crate::types::{float_literal, row_of};

/// The bounds a number's test values must keep to.
fn number_range(field: &Field) -> (f64, f64) {
    let low = field.min.as_ref().map_or(f64::MIN, |b| b.value);
    let high = field.max.as_ref().map_or(f64::MAX, |b| b.value);
    (low, high)
}

/// A whole number near `wanted`, within the field's bounds.
fn whole_within(field: &Field, wanted: i64) -> i64 {
    let (low, high) = number_range(field);
    (wanted as f64).clamp(low.ceil(), high.floor()) as i64
}

/// A decimal as its field writes it: `scale` digits after the point.
fn decimal_text(field: &Field, value: f64) -> String {
    format!("{value:.*}", field.scale.unwrap_or(2) as usize)
}

/// A decimal value that fits the field's digits and bounds, near `wanted`.
fn decimal_within(field: &Field, wanted: f64) -> String {
    let (whole, _) = decimal_room(field);
    let room = 10f64.powi(whole as i32) - 10f64.powi(-(field.scale.unwrap_or(2) as i32));
    let (low, high) = number_range(field);
    decimal_text(field, wanted.clamp(low.max(-room), high.min(room)))
}

/// A valid value for the tests, as a Python expression of the JSON value. `n` (a variable in
/// the generated code) tells rows apart where the field is unique.
pub(super) fn sample(field: &Field, label: &str) -> String {
    let unique = field.unique;
    match field.ty {
        FieldType::String | FieldType::Text => match (&field.example, unique) {
            (Some(example), false) => python::string(example),
            (Some(example), true) => {
                let prefix: String = example.chars().take(example.chars().count() - 1).collect();
                format!(
                    "f{}",
                    python::string(&format!(
                        "{}{{n}}",
                        prefix.replace('{', "{{").replace('}', "}}")
                    ))
                )
            }
            (None, _) => {
                let max = field.max_length.unwrap_or(u32::MAX) as usize;
                let min = field.min_length.unwrap_or(0) as usize;
                let mut base = capitalize(label);
                while base.chars().count() < min {
                    base.push('x');
                }
                if unique {
                    // Room for up to three digits of `n`.
                    let room = max.saturating_sub(4);
                    let prefix: String = base.chars().take(room).collect();
                    if prefix.is_empty() {
                        "str(n)".into()
                    } else {
                        format!("f{}", python::string(&format!("{prefix} {{n}}")))
                    }
                } else {
                    python::string(&base.chars().take(max).collect::<String>())
                }
            }
        },
        FieldType::Int | FieldType::Bigint => {
            if unique {
                let (low, _) = number_range(field);
                if low > 0.0 {
                    format!("n + {}", low.ceil() as i64)
                } else {
                    "n".into()
                }
            } else {
                whole_within(field, 7).to_string()
            }
        }
        FieldType::Float => {
            let (low, high) = number_range(field);
            if unique {
                if low > 0.0 {
                    format!("n + {}", float_literal(low.ceil() + 0.5))
                } else {
                    "n + 0.5".into()
                }
            } else {
                float_literal(1.5f64.clamp(low, high))
            }
        }
        FieldType::Decimal => {
            let (whole, scale) = decimal_room(field);
            let fraction = "5".repeat(scale as usize);
            let (low, _) = number_range(field);
            let offset = if low > 0.0 { low.ceil() as i64 } else { 0 };
            match (unique, whole, scale) {
                (true, 0, _) => format!("f\"0.{{n}}{}\"", "0".repeat(scale as usize - 1)),
                (true, _, 0) if offset > 0 => format!("str(n + {offset})"),
                (true, _, 0) => "str(n)".into(),
                (true, _, _) if offset > 0 => format!("f\"{{n + {offset}}}.{fraction}\""),
                (true, _, _) => format!("f\"{{n}}.{fraction}\""),
                (false, _, _) => python::string(&decimal_within(field, 44.55)),
            }
        }
        FieldType::Bool => "True".into(),
        FieldType::Date => {
            if unique {
                "f\"2030-01-{n + 1:02d}\"".into()
            } else {
                "\"2030-01-02\"".into()
            }
        }
        FieldType::Datetime => {
            if unique {
                "f\"2030-01-02T09:{n:02d}:00Z\"".into()
            } else {
                "\"2030-01-02T09:30:00Z\"".into()
            }
        }
        FieldType::Time => {
            if unique {
                "f\"09:{n:02d}:00\"".into()
            } else {
                "\"09:30:00\"".into()
            }
        }
        FieldType::Uuid => {
            if unique {
                "f\"00000000-0000-4000-8000-{n:012d}\"".into()
            } else {
                "\"00000000-0000-4000-8000-000000000001\"".into()
            }
        }
        FieldType::Enum => python::string(&field.values[0]),
        FieldType::Email => match (&field.example, unique) {
            (Some(example), false) => python::string(example),
            _ => {
                if unique {
                    "f\"user{n}@example.com\"".into()
                } else {
                    "\"ada@example.com\"".into()
                }
            }
        },
        FieldType::Url => match (&field.example, unique) {
            (Some(example), false) => python::string(example),
            _ => {
                if unique {
                    "f\"https://example.com/{n}\"".into()
                } else {
                    "\"https://example.com/a\"".into()
                }
            }
        },
        FieldType::Json => "{\"key\": \"value\"}".into(),
    }
}

/// Another valid value, different from `sample`, for the update tests (a plain literal).
pub(super) fn changed(field: &Field, label: &str) -> String {
    match field.ty {
        FieldType::String | FieldType::Text => {
            if let Some(example) = &field.example {
                // The example is the one value known to match a pattern.
                return python::string(example);
            }
            let max = field.max_length.unwrap_or(u32::MAX) as usize;
            let mut text = format!("Changed {label}");
            while text.chars().count() < field.min_length.unwrap_or(0) as usize {
                text.push('y');
            }
            python::string(&text.chars().take(max).collect::<String>())
        }
        FieldType::Int | FieldType::Bigint => {
            let value = whole_within(field, 42);
            let sample = whole_within(field, 7);
            let (low, high) = number_range(field);
            if value != sample || field.unique {
                value.to_string()
            } else if (value as f64) < high {
                (value + 1).to_string()
            } else {
                (low.ceil() as i64).to_string()
            }
        }
        FieldType::Float => {
            let (low, high) = number_range(field);
            let value = 2.25f64.clamp(low, high);
            if value == 1.5f64.clamp(low, high) {
                float_literal(low)
            } else {
                float_literal(value)
            }
        }
        FieldType::Decimal => {
            let value = decimal_within(field, 111.777);
            if value == decimal_within(field, 44.55) {
                let (low, _) = number_range(field);
                python::string(&decimal_within(field, low))
            } else {
                python::string(&value)
            }
        }
        FieldType::Bool => "False".into(),
        FieldType::Date => "\"2031-02-03\"".into(),
        FieldType::Datetime => "\"2031-02-03T10:00:00Z\"".into(),
        FieldType::Time => "\"17:45:00\"".into(),
        FieldType::Uuid => "\"11111111-1111-4111-8111-111111111111\"".into(),
        FieldType::Enum => python::string(field.values.get(1).unwrap_or(&field.values[0])),
        FieldType::Email => "\"grace@example.org\"".into(),
        FieldType::Url => "\"https://example.org/b\"".into(),
        FieldType::Json => "{\"key\": \"other\", \"count\": 2}".into(),
    }
}

/// Values the API must refuse with 422, each with a test id: `(id, Python literal)`.
pub(super) fn invalid(field: &Field) -> Vec<(String, String)> {
    let name = &field.name;
    let mut cases = vec![(
        format!("{name}-wrong-type"),
        row_of(field.ty).wrong_kind.to_owned(),
    )];
    if field.is_text() {
        // One character too many, in a shape the type otherwise takes.
        let too_long = match (field.ty, field.max_length) {
            (FieldType::Url, Some(max)) => {
                Some(format!("\"https://example.com/\" + \"a\" * {}", max - 19))
            }
            // The domain's one label must stay within 63 characters to be valid otherwise.
            (FieldType::Email, Some(max)) if max <= 68 => {
                Some(format!("\"x@\" + \"e\" * {} + \".com\"", max - 5))
            }
            (FieldType::Email, _) => None,
            (_, max) => max.map(|max| format!("\"x\" * {}", max + 1)),
        };
        if let Some(value) = too_long {
            cases.push((format!("{name}-too-long"), value));
        }
        if let Some(min) = field.min_length
            && min > 0
        {
            cases.push((format!("{name}-too-short"), format!("\"x\" * {}", min - 1)));
        }
    }
    if matches!(field.ty, FieldType::String | FieldType::Text) {
        cases.push((format!("{name}-nul"), "\"a\\x00b\"".into()));
        cases.push((format!("{name}-lone-surrogate"), "\"a\\ud800b\"".into()));
    }
    if field.pattern.is_some() {
        let misfit = ["", "!", "no match here", "0", "a"].into_iter().find(|c| {
            field
                .pattern
                .as_ref()
                .is_some_and(|p| regex::Regex::new(p).is_ok_and(|re| !re.is_match(c)))
        });
        if let Some(misfit) = misfit {
            cases.push((format!("{name}-not-matching"), python::string(misfit)));
        }
    }
    match field.ty {
        FieldType::Int => cases.push((format!("{name}-out-of-range"), "2**31".into())),
        FieldType::Bigint => cases.push((format!("{name}-out-of-range"), "2**53".into())),
        FieldType::Decimal => {
            let (whole, scale) = decimal_room(field);
            cases.push((
                format!("{name}-too-many-decimals"),
                python::string(&format!("1.{}", "1".repeat(scale as usize + 1))),
            ));
            cases.push((
                format!("{name}-too-many-digits"),
                python::string(&"9".repeat(whole as usize + 1)),
            ));
        }
        FieldType::Datetime => {
            cases.push((
                format!("{name}-without-time-zone"),
                "\"2030-01-02T09:30:00\"".into(),
            ));
            cases.push((
                format!("{name}-beyond-utc"),
                "\"9999-12-31T23:59:59-14:00\"".into(),
            ));
        }
        FieldType::Time => cases.push((format!("{name}-out-of-range"), "\"25:00:00\"".into())),
        FieldType::Enum => cases.push((format!("{name}-unknown-value"), "\"not_a_value\"".into())),
        FieldType::Email => {
            cases.push((format!("{name}-not-an-address"), "\"not-an-email\"".into()))
        }
        FieldType::Url => cases.push((format!("{name}-not-a-url"), "\"not a url\"".into())),
        FieldType::Json => {
            let depth = field.max_depth.unwrap_or(JSON_DEPTH.2);
            let bytes = field.max_bytes.unwrap_or(JSON_BYTES.2);
            cases.extend([
                (format!("{name}-a-list"), "[1, 2]".into()),
                (format!("{name}-too-deep"), format!("nested({})", depth + 1)),
                (
                    format!("{name}-too-big"),
                    format!("{{\"key\": \"x\" * {bytes}}}"),
                ),
                (
                    format!("{name}-not-a-number"),
                    "{\"key\": float(\"nan\")}".into(),
                ),
                (format!("{name}-nul"), "{\"key\": \"a\\x00b\"}".into()),
                (
                    format!("{name}-lone-surrogate-key"),
                    "{\"\\ud800\": 1}".into(),
                ),
            ]);
        }
        _ => {}
    }
    if field.is_number() {
        // Whole numbers step from the literal itself: 64-bit bounds do not survive a float.
        let whole = matches!(field.ty, FieldType::Int | FieldType::Bigint);
        if let Some(min) = &field.min {
            let value = if whole {
                format!("{} - 1", min.literal)
            } else {
                number_json(field, min.value - 1.0)
            };
            cases.push((format!("{name}-below-min"), value));
        }
        if let Some(max) = &field.max {
            let value = if whole {
                format!("{} + 1", max.literal)
            } else {
                number_json(field, max.value + 1.0)
            };
            cases.push((format!("{name}-above-max"), value));
        }
    }
    if !field.optional {
        cases.push((format!("{name}-null"), "None".into()));
    }
    cases
}

/// Values at the very edge of what a field accepts (each one must be accepted), with test ids.
pub(super) fn edges(field: &Field) -> Vec<(String, String)> {
    let name = &field.name;
    let mut cases = Vec::new();
    if matches!(field.ty, FieldType::String | FieldType::Text)
        && field.pattern.is_none()
        && !field.unique
    {
        if let Some(max) = field.max_length {
            cases.push((format!("{name}-longest"), format!("\"x\" * {max}")));
        }
        if let Some(min) = field.min_length
            && min > 0
        {
            cases.push((format!("{name}-shortest"), format!("\"x\" * {min}")));
        }
    }
    if field.ty == FieldType::Json {
        // The deepest and the largest values accepted (`{"key": "xx..."}` is 11 bytes more
        // than its x's).
        let depth = field.max_depth.unwrap_or(JSON_DEPTH.2);
        let bytes = field.max_bytes.unwrap_or(JSON_BYTES.2);
        cases.push((format!("{name}-deepest"), format!("nested({depth})")));
        cases.push((
            format!("{name}-largest"),
            format!("{{\"key\": \"x\" * {}}}", bytes - 11),
        ));
    }
    if field.is_number() && !field.unique {
        let whole = matches!(field.ty, FieldType::Int | FieldType::Bigint);
        if let Some(min) = &field.min {
            let value = if whole {
                min.literal.clone()
            } else {
                number_json(field, min.value)
            };
            cases.push((format!("{name}-min"), value));
        }
        if let Some(max) = &field.max {
            let value = if whole {
                max.literal.clone()
            } else {
                number_json(field, max.value)
            };
            cases.push((format!("{name}-max"), value));
        }
    }
    cases
}

/// A number as the API takes and returns it: decimals as strings with `scale` digits.
fn number_json(field: &Field, value: f64) -> String {
    match field.ty {
        FieldType::Decimal => python::string(&decimal_text(field, value)),
        FieldType::Float => float_literal(value),
        _ => format!("{}", value as i64),
    }
}

/// Digits before and after the point a decimal field holds.
fn decimal_room(field: &Field) -> (u32, u32) {
    let precision = field.precision.unwrap_or(10);
    let scale = field.scale.unwrap_or(2);
    (precision - scale, scale)
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Bound;
    use crate::types::tests::field;

    #[test]
    fn samples_fit_their_constraints() {
        assert_eq!(
            sample(&field(FieldType::String), "a very long label"),
            "\"A very lon\""
        );
        assert_eq!(sample(&field(FieldType::Decimal), "price"), "\"44.55\"");
        let mut unique = field(FieldType::String);
        unique.unique = true;
        assert_eq!(sample(&unique, "name"), "f\"Name {n}\"");
        let mut bounded = field(FieldType::Int);
        bounded.min = Some(Bound {
            literal: "10".into(),
            value: 10.0,
        });
        bounded.max = Some(Bound {
            literal: "20".into(),
            value: 20.0,
        });
        assert_eq!(sample(&bounded, "n"), "10");
        assert_eq!(changed(&bounded, "n"), "20");
        let ids: Vec<String> = invalid(&bounded).into_iter().map(|(id, _)| id).collect();
        assert!(ids.contains(&"f-below-min".to_owned()) && ids.contains(&"f-above-max".to_owned()));
        assert_eq!(
            edges(&bounded),
            [
                ("f-min".to_owned(), "10".to_owned()),
                ("f-max".to_owned(), "20".to_owned())
            ]
        );
    }

    #[test]
    fn invalid_values_cover_each_constraint() {
        let ids: Vec<String> = invalid(&field(FieldType::Decimal))
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            ids,
            [
                "f-wrong-type",
                "f-too-many-decimals",
                "f-too-many-digits",
                "f-null"
            ]
        );
    }
}
