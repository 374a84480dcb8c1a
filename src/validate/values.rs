//! Literal values a field's spec gives: its `default` and its `min`/`max` bounds, each checked
//! against the field's type, with the date, time and decimal text checks they need.

use serde_yaml::Value;

use super::fields::text_problem;
use super::nodes::show;
use super::{MAX_TEXT_DEFAULT, Validator};
use crate::model::{Bound, DefaultValue, Field, FieldType};
use crate::problem::{Problem, nearest};

impl Validator {
    /// A number's default must fit its column and its own bounds.
    pub(super) fn default_in_range(&mut self, field: &Field, path: &str) {
        let value = match &field.default {
            Some(DefaultValue::Int(n)) => *n as f64,
            Some(DefaultValue::Float(x)) => *x,
            Some(DefaultValue::Decimal(text)) => text.parse::<f64>().unwrap_or_default(),
            _ => return,
        };
        if let Some(DefaultValue::Int(n)) = &field.default
            && field.ty == FieldType::Int
            && i32::try_from(*n).is_err()
        {
            self.report(
                Problem::new(
                    path,
                    format!("default {n} does not fit an `int` column (32 bits)"),
                )
                .hint("use `bigint` for larger numbers"),
            );
            return;
        }
        if let Some(DefaultValue::Int(n)) = &field.default
            && field.ty == FieldType::Bigint
            && n.unsigned_abs() > (1 << 53) - 1
        {
            self.report(
                Problem::new(
                    path,
                    format!("default {n} is beyond what a `bigint` field takes"),
                )
                .hint("the API takes integers up to 2^53 - 1 (JavaScript's safe integers)"),
            );
            return;
        }
        let below = field.min.as_ref().filter(|min| value < min.value);
        let above = field.max.as_ref().filter(|max| value > max.value);
        if let Some(bound) = below.or(above) {
            let side = if below.is_some() {
                "below min"
            } else {
                "above max"
            };
            self.report(
                Problem::new(path, format!("the default is {side} {}", bound.literal))
                    .hint("give a default within `min` and `max`"),
            );
        }
    }

    /// A `min` or `max`, checked against the field's type.
    pub(super) fn bound(&mut self, field: &Field, value: &Value, path: &str) -> Option<Bound> {
        let number = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if field.ty == FieldType::Decimal => {
                decimal_digits(s).and_then(|_| s.parse::<f64>().ok())
            }
            _ => None,
        };
        let Some(number) = number else {
            return self.reject(
                Problem::new(path, format!("{} is not a number", show(value)))
                    .hint("give a number, e.g. `0`"),
            );
        };
        let whole = matches!(field.ty, FieldType::Int | FieldType::Bigint);
        if whole && value.as_i64().is_none() {
            return self.reject(
                Problem::new(path, format!("{} is not a whole number", show(value)))
                    .hint("give a whole number, e.g. `0`"),
            );
        }
        let range = match field.ty {
            FieldType::Int => Some((-(2f64.powi(31)), 2f64.powi(31) - 1.0)),
            // JavaScript's safe integers: what a TypeScript client and the OpenAPI
            // document (whose numbers FastAPI writes as doubles) hold exactly.
            FieldType::Bigint => Some((-(2f64.powi(53) - 1.0), 2f64.powi(53) - 1.0)),
            _ => None,
        };
        if let Some((low, high)) = range
            && !(low..=high).contains(&number)
        {
            return self.reject(
                if field.ty == FieldType::Int {
                    Problem::new(path, format!("{} does not fit an `int` column", show(value)))
                        .hint("use `bigint` for values beyond 32 bits")
                } else {
                    Problem::new(path, format!("{} is beyond what a `bigint` field takes", show(value)))
                        .hint("the API takes integers up to 2^53 - 1 either way (JavaScript's safe integers, which TypeScript clients hold exactly)")
                },
            );
        }
        let literal = match value {
            Value::String(s) => format!("Decimal({})", crate::python::string(s)),
            Value::Number(n) if field.ty == FieldType::Float && n.as_i64().is_some() => {
                format!("{n}.0")
            }
            Value::Number(n) => n.to_string(),
            _ => unreachable!("checked above"),
        };
        let literal = if field.ty == FieldType::Decimal && !literal.starts_with("Decimal") {
            format!("Decimal({})", crate::python::string(&literal))
        } else {
            literal
        };
        Some(Bound {
            literal,
            value: number,
        })
    }

    pub(super) fn default(
        &mut self,
        field: &Field,
        value: &Value,
        path: &str,
    ) -> Option<DefaultValue> {
        let mismatch = |expected: &str| {
            Problem::new(
                path,
                format!(
                    "default {} does not fit a `{}` field",
                    show(value),
                    field.ty.name()
                ),
            )
            .hint(format!("give {expected}"))
        };
        let default = match (field.ty, value) {
            (_, Value::Null) => {
                let problem =
                    Problem::new(path, "a default of null is what `optional: true` means")
                        .hint("remove `default` and set `optional: true`");
                self.report(problem);
                return None;
            }
            (FieldType::Bool, Value::Bool(b)) => DefaultValue::Bool(*b),
            (FieldType::Bool, _) => return self.reject(mismatch("`true` or `false`")),
            (FieldType::Int | FieldType::Bigint, Value::Number(n)) if n.as_i64().is_some() => {
                DefaultValue::Int(n.as_i64().unwrap_or_default())
            }
            (FieldType::Int | FieldType::Bigint, _) => {
                return self.reject(mismatch("a whole number, e.g. `0`"));
            }
            (FieldType::Float, Value::Number(n)) if !n.as_f64().is_some_and(f64::is_finite) => {
                return self.reject(mismatch("a finite number, e.g. `0.5`"));
            }
            (FieldType::Float, Value::Number(n)) => {
                DefaultValue::Float(n.as_f64().unwrap_or_default())
            }
            (FieldType::Float, _) => return self.reject(mismatch("a number, e.g. `0.5`")),
            (FieldType::Decimal, Value::Number(_) | Value::String(_)) => {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => show(other),
                };
                match decimal_digits(&text) {
                    Some((whole, fraction))
                        if fraction <= field.scale.unwrap_or(0)
                            && whole <= field.precision.unwrap_or(0) - field.scale.unwrap_or(0) =>
                    {
                        DefaultValue::Decimal(text)
                    }
                    Some(_) => {
                        return self.reject(
                            Problem::new(
                                path,
                                format!(
                                    "default {text} does not fit decimal({}, {})",
                                    field.precision.unwrap_or(0),
                                    field.scale.unwrap_or(0)
                                ),
                            )
                            .hint("use fewer digits, or raise `precision`/`scale`"),
                        );
                    }
                    None => return self.reject(mismatch("a decimal number, e.g. `\"9.99\"`")),
                }
            }
            (FieldType::Decimal, _) => {
                return self.reject(mismatch("a decimal number, e.g. `\"9.99\"`"));
            }
            (
                FieldType::String | FieldType::Text | FieldType::Email | FieldType::Url,
                Value::String(s),
            ) => {
                if let Some(problem) = text_problem(field, s) {
                    return self.reject(
                        Problem::new(path, format!("the default `{s}` {problem}"))
                            .hint("give a default the field accepts"),
                    );
                }
                if s.chars().count() > MAX_TEXT_DEFAULT {
                    return self.reject(
                        Problem::new(path, format!("default is {} characters long; text defaults have at most {MAX_TEXT_DEFAULT}", s.chars().count()))
                            .hint("keep defaults short; longer text belongs in the data, not the schema"),
                    );
                }
                DefaultValue::Str(s.clone())
            }
            (FieldType::String | FieldType::Text | FieldType::Email | FieldType::Url, _) => {
                return self.reject(mismatch("text, in quotes"));
            }
            (FieldType::Enum, Value::String(s)) if field.values.contains(s) => {
                DefaultValue::Enum(s.clone())
            }
            (FieldType::Enum, _) => {
                let hint = match value
                    .as_str()
                    .and_then(|s| nearest(s, field.values.iter().map(String::as_str)))
                {
                    Some(near) => format!(
                        "did you mean `{near}`? The values are: {}",
                        field.values.join(", ")
                    ),
                    None => format!("the values are: {}", field.values.join(", ")),
                };
                return self.reject(
                    Problem::new(
                        path,
                        format!("default {} is not one of the enum's values", show(value)),
                    )
                    .hint(hint),
                );
            }
            (FieldType::Date, Value::String(s)) if is_iso_date(s) => DefaultValue::Date(s.clone()),
            (FieldType::Date, _) => {
                return self.reject(mismatch("a date as `YYYY-MM-DD`, in quotes"));
            }
            (FieldType::Time, Value::String(s)) if is_iso_time(s) => DefaultValue::Time(s.clone()),
            (FieldType::Time, _) => {
                return self.reject(mismatch(
                    "a time of day as `HH:MM` or `HH:MM:SS`, in quotes",
                ));
            }
            (FieldType::Datetime | FieldType::Uuid | FieldType::Json, _) => {
                return self.reject(
                    Problem::new(
                        path,
                        format!("`{}` fields take no default", field.ty.name()),
                    )
                    .hint("make the field `optional: true`, or let the client send it"),
                );
            }
        };
        Some(default)
    }
}

/// Digits before and after the point of a plain decimal literal (`-12.50` -> (2, 2)).
fn decimal_digits(text: &str) -> Option<(u32, u32)> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    Some((whole.len() as u32, fraction.len() as u32))
}

fn is_iso_time(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str| {
        (s.len() == 2 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    match parts.as_slice() {
        [h, m] => matches!((number(h), number(m)), (Some(0..=23), Some(0..=59))),
        [h, m, sec] => matches!(
            (number(h), number(m), number(sec)),
            (Some(0..=23), Some(0..=59), Some(0..=59))
        ),
        _ => false,
    }
}

pub(super) fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(y, 4), number(m, 2), number(d, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use crate::validate::test_support::{HEAD, one};
    use crate::validate::validate;

    #[test]
    fn defaults_must_fit_their_type() {
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: enum, values: [a, b], default: c }}\n"
            ))
            .message
            .contains("not one of")
        );
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: string, max_length: 2, default: abc }}\n"
            ))
            .message
            .contains("longer")
        );
        assert!(
            one(&format!("{HEAD}      s: {{ type: bool, default: 1 }}\n"))
                .message
                .contains("does not fit")
        );
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: decimal, precision: 4, scale: 2, default: \"123.4\" }}\n"
            ))
            .message
            .contains("does not fit decimal")
        );
        assert!(
            one(&format!(
                "{HEAD}      s: {{ type: date, default: \"2024-13-01\" }}\n"
            ))
            .message
            .contains("does not fit")
        );
        assert!(
            validate(
                "s",
                &format!("{HEAD}      s: {{ type: decimal, default: \"12.50\" }}\n"),
                None
            )
            .is_ok()
        );
    }
}
