//! The field-type table: for each spec type, its Python type, its SQL column type, the Pydantic
//! constraints that guard it, and the values the generated tests send. One place to read (and
//! to extend) what a type means everywhere in the generated project.

use crate::model::{DefaultValue, Field, FieldType, enum_member};
use crate::python;

/// The static part of a type's mapping; what depends on the field is computed below.
pub struct TypeRow {
    pub ty: FieldType,
    /// The annotation in models and schemas (`None` for enums: the field's enum class).
    pub python: Option<&'static str>,
    /// What the annotation needs imported: `(module, name)`, or `(module, "")` for `import module`.
    pub import: Option<(&'static str, &'static str)>,
    /// The input annotation in request schemas, when stricter than `python`.
    pub input: Option<(&'static str, (&'static str, &'static str))>,
    /// A JSON value of the wrong kind, for the 422 tests.
    pub wrong_kind: &'static str,
}

pub const TABLE: &[TypeRow] = &[
    TypeRow {
        ty: FieldType::String,
        python: Some("str"),
        import: None,
        input: None,
        wrong_kind: "12",
    },
    TypeRow {
        ty: FieldType::Text,
        python: Some("str"),
        import: None,
        input: None,
        wrong_kind: "12",
    },
    TypeRow {
        ty: FieldType::Int,
        python: Some("int"),
        import: None,
        input: None,
        wrong_kind: "\"many\"",
    },
    TypeRow {
        ty: FieldType::Float,
        python: Some("float"),
        import: None,
        input: None,
        wrong_kind: "\"heavy\"",
    },
    TypeRow {
        ty: FieldType::Decimal,
        python: Some("Decimal"),
        import: Some(("decimal", "Decimal")),
        input: None,
        wrong_kind: "\"cheap\"",
    },
    TypeRow {
        ty: FieldType::Bool,
        python: Some("bool"),
        import: None,
        input: None,
        wrong_kind: "\"maybe\"",
    },
    TypeRow {
        ty: FieldType::Date,
        python: Some("date"),
        import: Some(("datetime", "date")),
        input: None,
        wrong_kind: "\"not a date\"",
    },
    TypeRow {
        ty: FieldType::Datetime,
        python: Some("datetime"),
        import: Some(("datetime", "datetime")),
        // Naive datetimes are refused: a time without a zone is a bug waiting to happen.
        input: Some(("AwareDatetime", ("pydantic", "AwareDatetime"))),
        wrong_kind: "\"not a time\"",
    },
    TypeRow {
        ty: FieldType::Uuid,
        python: Some("uuid.UUID"),
        import: Some(("uuid", "")),
        input: None,
        wrong_kind: "\"not-a-uuid\"",
    },
    TypeRow {
        ty: FieldType::Enum,
        python: None,
        import: None,
        input: None,
        wrong_kind: "12",
    },
];

pub fn row(ty: FieldType) -> &'static TypeRow {
    TABLE
        .iter()
        .find(|r| r.ty == ty)
        .expect("every type has a row in TABLE")
}

/// The smallest and largest value of an `INTEGER` column (32 bits on PostgreSQL).
pub const INT32: (&str, &str) = ("-(2**31)", "2**31 - 1");

/// The SQLAlchemy column type as a migration writes it.
pub fn migration_type(field: &Field) -> String {
    match field.ty {
        FieldType::String => format!("sa.String(length={})", field.max_length.unwrap_or(255)),
        FieldType::Text => "sa.Text()".into(),
        FieldType::Int => "sa.Integer()".into(),
        FieldType::Float => "sa.Float()".into(),
        FieldType::Decimal => format!(
            "sa.Numeric(precision={}, scale={})",
            field.precision.unwrap_or(10),
            field.scale.unwrap_or(2)
        ),
        FieldType::Bool => "sa.Boolean()".into(),
        FieldType::Date => "sa.Date()".into(),
        FieldType::Datetime => "sa.DateTime(timezone=True)".into(),
        FieldType::Uuid => "sa.Uuid()".into(),
        FieldType::Enum => format!("sa.String(length={})", enum_length(field)),
    }
}

/// Enums are stored as VARCHAR sized to the longest value.
pub fn enum_length(field: &Field) -> usize {
    field.values.iter().map(String::len).max().unwrap_or(1)
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
        DefaultValue::Str(text) | DefaultValue::Enum(text) | DefaultValue::Date(text) => {
            python::string(text)
        }
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

/// A valid value for the tests, as a Python expression of the JSON value. `n` (a variable in
/// the generated code) tells rows apart where the field is unique.
pub fn sample(field: &Field, label: &str) -> String {
    let unique = field.unique;
    match field.ty {
        FieldType::String | FieldType::Text => {
            let max = field.max_length.unwrap_or(u32::MAX) as usize;
            let base = capitalize(label);
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
        FieldType::Int => {
            if unique {
                "n".into()
            } else {
                "7".into()
            }
        }
        FieldType::Float => {
            if unique {
                "n + 0.5".into()
            } else {
                "1.5".into()
            }
        }
        FieldType::Decimal => {
            let (whole, scale) = decimal_room(field);
            let fraction = "5".repeat(scale as usize);
            match (unique, whole, scale) {
                (true, 0, _) => format!("f\"0.{{n}}{}\"", "0".repeat(scale as usize - 1)),
                (true, _, 0) => "str(n)".into(),
                (true, _, _) => format!("f\"{{n}}.{fraction}\""),
                (false, 0, _) => python::string(&format!("0.{fraction}")),
                (false, _, 0) => python::string(&"4".repeat(whole.min(2) as usize)),
                (false, _, _) => {
                    python::string(&format!("{}.{fraction}", "4".repeat(whole.min(2) as usize)))
                }
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
        FieldType::Uuid => {
            if unique {
                "f\"00000000-0000-4000-8000-{n:012d}\"".into()
            } else {
                "\"00000000-0000-4000-8000-000000000001\"".into()
            }
        }
        FieldType::Enum => python::string(&field.values[0]),
    }
}

/// Another valid value, different from `sample`, for the update tests (a plain literal).
pub fn changed(field: &Field, label: &str) -> String {
    match field.ty {
        FieldType::String | FieldType::Text => {
            let max = field.max_length.unwrap_or(u32::MAX) as usize;
            let text = format!("Changed {label}");
            python::string(&text.chars().take(max).collect::<String>())
        }
        FieldType::Int => "42".into(),
        FieldType::Float => "2.25".into(),
        FieldType::Decimal => {
            let (whole, scale) = decimal_room(field);
            let fraction = "7".repeat(scale as usize);
            let text = match (whole, scale) {
                (0, _) => format!("0.{fraction}"),
                (_, 0) => "1".repeat(whole.min(3) as usize),
                _ => format!("{}.{fraction}", "1".repeat(whole.min(3) as usize)),
            };
            python::string(&text)
        }
        FieldType::Bool => "False".into(),
        FieldType::Date => "\"2031-02-03\"".into(),
        FieldType::Datetime => "\"2031-02-03T10:00:00Z\"".into(),
        FieldType::Uuid => "\"11111111-1111-4111-8111-111111111111\"".into(),
        FieldType::Enum => python::string(field.values.get(1).unwrap_or(&field.values[0])),
    }
}

/// Values the API must refuse with 422, each with a test id: `(id, Python literal)`.
pub fn invalid(field: &Field) -> Vec<(String, String)> {
    let name = &field.name;
    let mut cases = vec![(
        format!("{name}-wrong-type"),
        row(field.ty).wrong_kind.to_owned(),
    )];
    match field.ty {
        FieldType::String => {
            let max = field.max_length.unwrap_or(255);
            cases.push((format!("{name}-too-long"), format!("\"x\" * {}", max + 1)));
        }
        FieldType::Int => cases.push((format!("{name}-out-of-range"), "2**31".into())),
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
        FieldType::Datetime => cases.push((
            format!("{name}-without-time-zone"),
            "\"2030-01-02T09:30:00\"".into(),
        )),
        FieldType::Enum => cases.push((format!("{name}-unknown-value"), "\"not_a_value\"".into())),
        _ => {}
    }
    if !field.optional {
        cases.push((format!("{name}-null"), "None".into()));
    }
    cases
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

    fn field(ty: FieldType) -> Field {
        Field {
            name: "f".into(),
            ty,
            optional: false,
            default: None,
            unique: false,
            index: false,
            max_length: (ty == FieldType::String).then_some(10),
            precision: (ty == FieldType::Decimal).then_some(5),
            scale: (ty == FieldType::Decimal).then_some(2),
            values: if ty == FieldType::Enum {
                vec!["low".into(), "high".into()]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn every_type_has_a_row() {
        for (_, ty) in FieldType::ALL {
            assert_eq!(row(*ty).ty, *ty);
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
    }
}
