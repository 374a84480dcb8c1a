//! The field-type table: for each spec type, its Python type, its SQL column type, the Pydantic
//! constraints that guard it, and the values the generated tests send. One place to read (and
//! to extend) what a type means everywhere in the generated project.

use crate::model::{DefaultValue, Field, FieldType, JSON_BYTES, JSON_DEPTH, enum_member};
use crate::python;

/// The static part of a type's mapping; what depends on the field is computed below.
pub struct TypeRow {
    pub ty: FieldType,
    /// The annotation in models and schemas (`None` for enums: the field's enum class).
    pub python: Option<&'static str>,
    /// What the annotation needs imported: `(module, name)`, or `(module, "")` for `import module`.
    pub import: Option<(&'static str, &'static str)>,
    /// The annotation in request bodies, when stricter than `python`, and its import.
    pub input: Option<(&'static str, (&'static str, &'static str))>,
    /// Query filters take `input` too (text arrives as text; bodies' JSON-number and boolean
    /// strictness would refuse every query value).
    pub query_takes_input: bool,
    /// The annotation in response schemas, when it is not `python` (its documented shape).
    pub output: Option<(&'static str, (&'static str, &'static str))>,
    /// The column type as a migration writes it (`{}` stands for the length).
    pub column: &'static str,
    /// Extra `Field(...)` arguments of the table model (the column type where SQLModel would
    /// not infer it).
    pub model_arg: Option<&'static str>,
    /// A JSON value of the wrong kind, for the 422 tests.
    pub wrong_kind: &'static str,
}

const fn row(
    ty: FieldType,
    python: Option<&'static str>,
    import: Option<(&'static str, &'static str)>,
    column: &'static str,
    wrong_kind: &'static str,
) -> TypeRow {
    TypeRow {
        ty,
        python,
        import,
        input: None,
        query_takes_input: false,
        output: None,
        column,
        model_arg: None,
        wrong_kind,
    }
}

pub const TABLE: &[TypeRow] = &[
    TypeRow {
        // Text documented without NUL (which `check_text` refuses).
        input: Some(("Text", ("app.schemas.types", "Text"))),
        query_takes_input: true,
        ..row(
            FieldType::String,
            Some("str"),
            None,
            "sa.String(length={})",
            "12",
        )
    },
    TypeRow {
        model_arg: Some("sa_type=sa.Text"),
        input: Some(("Text", ("app.schemas.types", "Text"))),
        query_takes_input: true,
        ..row(FieldType::Text, Some("str"), None, "sa.Text()", "12")
    },
    // Bodies take JSON numbers only: `RequestModel` refuses "12" and true for numbers.
    row(
        FieldType::Int,
        Some("int"),
        None,
        "sa.Integer()",
        "\"many\"",
    ),
    TypeRow {
        model_arg: Some("sa_type=sa.BigInteger"),
        ..row(
            FieldType::Bigint,
            Some("int"),
            None,
            "sa.BigInteger()",
            "\"many\"",
        )
    },
    row(
        FieldType::Float,
        Some("float"),
        None,
        "sa.Float()",
        "\"heavy\"",
    ),
    row(
        FieldType::Decimal,
        Some("Decimal"),
        Some(("decimal", "Decimal")),
        "sa.Numeric(precision={p}, scale={s})",
        "\"cheap\"",
    ),
    TypeRow {
        input: Some(("StrictBool", ("pydantic", "StrictBool"))),
        ..row(
            FieldType::Bool,
            Some("bool"),
            None,
            "sa.Boolean()",
            "\"maybe\"",
        )
    },
    TypeRow {
        // ISO 8601 text only: Pydantic would also read a number as a Unix time.
        input: Some(("IsoDate", ("app.schemas.types", "IsoDate"))),
        query_takes_input: true,
        ..row(
            FieldType::Date,
            Some("date"),
            Some(("datetime", "date")),
            "sa.Date()",
            "\"not a date\"",
        )
    },
    TypeRow {
        // Naive datetimes are refused: a time without a zone is a bug waiting to happen.
        input: Some(("UtcDatetime", ("app.schemas.types", "UtcDatetime"))),
        query_takes_input: true,
        ..row(
            FieldType::Datetime,
            Some("datetime"),
            Some(("datetime", "datetime")),
            "sa.DateTime(timezone=True)",
            "\"not a time\"",
        )
    },
    TypeRow {
        input: Some(("IsoTime", ("app.schemas.types", "IsoTime"))),
        query_takes_input: true,
        // `format: time` would promise an offset; a TIME column keeps none.
        output: Some(("IsoTime", ("app.schemas.types", "IsoTime"))),
        ..row(
            FieldType::Time,
            Some("time"),
            Some(("datetime", "time")),
            "sa.Time()",
            "\"not a time\"",
        )
    },
    row(
        FieldType::Uuid,
        Some("uuid.UUID"),
        Some(("uuid", "")),
        "sa.Uuid()",
        "\"not-a-uuid\"",
    ),
    row(FieldType::Enum, None, None, "sa.String(length={})", "12"),
    TypeRow {
        input: Some(("Email", ("app.schemas.types", "Email"))),
        ..row(
            FieldType::Email,
            Some("str"),
            None,
            "sa.String(length={})",
            "12",
        )
    },
    TypeRow {
        // Validated as an http(s) URL, kept as text (see app/schemas/types.py).
        input: Some(("HttpUrlStr", ("app.schemas.types", "HttpUrlStr"))),
        ..row(
            FieldType::Url,
            Some("str"),
            None,
            "sa.String(length={})",
            "12",
        )
    },
    TypeRow {
        model_arg: Some("sa_type=sa.JSON"),
        ..row(
            FieldType::Json,
            Some("dict[str, Any]"),
            Some(("typing", "Any")),
            "sa.JSON()",
            "\"not an object\"",
        )
    },
];

pub fn row_of(ty: FieldType) -> &'static TypeRow {
    TABLE
        .iter()
        .find(|r| r.ty == ty)
        .expect("every type has a row in TABLE")
}

/// The SQLAlchemy column type as a migration writes it.
pub fn migration_type(field: &Field) -> String {
    let length = match field.ty {
        FieldType::Enum => enum_length(field),
        _ => field.max_length.unwrap_or(255) as usize,
    };
    row_of(field.ty)
        .column
        .replace("{}", &length.to_string())
        .replace("{p}", &field.precision.unwrap_or(10).to_string())
        .replace("{s}", &field.scale.unwrap_or(2).to_string())
}

/// Enums are stored as VARCHAR sized to the longest value.
pub fn enum_length(field: &Field) -> usize {
    field.values.iter().map(String::len).max().unwrap_or(1)
}

/// The Pydantic constraints that guard a field's values in request schemas.
pub fn schema_constraints(field: &Field) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(min) = field.min_length
        && min > 0
    {
        args.push(format!("min_length={min}"));
    }
    if field.is_text()
        && !matches!(field.ty, FieldType::Url | FieldType::Email)
        && let Some(max) = field.max_length
    {
        args.push(format!("max_length={max}"));
    }
    if let Some(pattern) = &field.pattern {
        args.push(format!("pattern={}", python::string(pattern)));
    }
    let (low, high) = match field.ty {
        FieldType::Int => (Some("_INT32_MIN"), Some("_INT32_MAX")),
        FieldType::Bigint => (Some("_BIGINT_MIN"), Some("_BIGINT_MAX")),
        _ => (None, None),
    };
    // A decimal's bounds are its annotation's (`DecimalText`), with its digits and places.
    let (min, max) = if field.ty == FieldType::Decimal {
        (None, None)
    } else {
        (field.min.as_ref(), field.max.as_ref())
    };
    match (min, low) {
        (Some(min), _) => args.push(format!("ge={}", min.literal)),
        (None, Some(low)) => args.push(format!("ge={low}")),
        _ => {}
    }
    match (max, high) {
        (Some(max), _) => args.push(format!("le={}", max.literal)),
        (None, Some(high)) => args.push(format!("le={high}")),
        _ => {}
    }
    if field.ty == FieldType::Float {
        args.push("allow_inf_nan=False".into());
    }
    if let Some(description) = &field.description {
        args.push(format!("description={}", python::string(description)));
    }
    args
}

/// The default as a Python expression in a model or schema (`TaskPriority.MEDIUM`, `False`).
pub fn default_expr(default: &DefaultValue, enum_class: &str) -> String {
    match default {
        DefaultValue::Bool(true) => "True".into(),
        DefaultValue::Bool(false) => "False".into(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) => float_literal(*x),
        DefaultValue::Decimal(text) => format!("Decimal({})", python::string(text)),
        DefaultValue::Str(text) => python::string(text),
        DefaultValue::Enum(value) => format!("{enum_class}.{}", enum_member(value)),
        DefaultValue::Date(text) => format!("date.fromisoformat({})", python::string(text)),
        DefaultValue::Time(text) => format!("time.fromisoformat({})", python::string(text)),
    }
}

/// What `default_expr`'s expression needs imported, besides an enum's own class.
pub fn default_import(default: &DefaultValue) -> Option<(&'static str, &'static str)> {
    match default {
        DefaultValue::Decimal(_) => Some(("decimal", "Decimal")),
        DefaultValue::Date(_) => Some(("datetime", "date")),
        DefaultValue::Time(_) => Some(("datetime", "time")),
        _ => None,
    }
}

/// The default as the API returns it, as a Python literal of the JSON value.
pub fn default_json(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Bool(true) => "True".into(),
        DefaultValue::Bool(false) => "False".into(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) => float_literal(*x),
        DefaultValue::Decimal(text) => python::string(text),
        DefaultValue::Time(text) if text.len() == 5 => python::string(&format!("{text}:00")),
        DefaultValue::Str(text)
        | DefaultValue::Enum(text)
        | DefaultValue::Date(text)
        | DefaultValue::Time(text) => python::string(text),
    }
}

fn float_literal(x: f64) -> String {
    let text = format!("{x:?}");
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

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
pub fn sample(field: &Field, label: &str) -> String {
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
pub fn changed(field: &Field, label: &str) -> String {
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
pub fn invalid(field: &Field) -> Vec<(String, String)> {
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
pub fn edges(field: &Field) -> Vec<(String, String)> {
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

    fn field(ty: FieldType) -> Field {
        Field {
            max_length: (ty == FieldType::String).then_some(10),
            precision: (ty == FieldType::Decimal).then_some(5),
            scale: (ty == FieldType::Decimal).then_some(2),
            values: if ty == FieldType::Enum {
                vec!["low".into(), "high".into()]
            } else {
                vec![]
            },
            ..Field::new("f", ty)
        }
    }

    #[test]
    fn every_type_has_a_row() {
        for (_, ty) in FieldType::ALL {
            assert_eq!(row_of(*ty).ty, *ty);
        }
    }

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

    #[test]
    fn migration_types() {
        assert_eq!(
            migration_type(&field(FieldType::Enum)),
            "sa.String(length=4)"
        );
        assert_eq!(
            migration_type(&field(FieldType::Decimal)),
            "sa.Numeric(precision=5, scale=2)"
        );
        assert_eq!(migration_type(&field(FieldType::Bigint)), "sa.BigInteger()");
    }
}
