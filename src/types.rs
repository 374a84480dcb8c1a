//! The field-type table: for each spec type, its Python type, its SQL column type and the
//! Pydantic constraints that guard it. One place to read (and to extend) what a type means in
//! the generated models, schemas and migrations; the values the generated tests send follow
//! from it in `context::test_values`.

use crate::model::{DefaultValue, Field, FieldType, enum_member};
use crate::python;

/// The static part of a type's mapping; what depends on the field is computed below.
pub(crate) struct TypeRow {
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
    /// The column type a table model states when the annotation does not imply it (SQLModel
    /// would infer another) or it differs from the migration's (JSON's `none_as_null`, which
    /// the database does not see). Every ORM dialect declares it as it is.
    pub model_type: Option<&'static str>,
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
        model_type: None,
        wrong_kind,
    }
}

pub(crate) const TABLE: &[TypeRow] = &[
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
        model_type: Some("sa.Text()"),
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
        model_type: Some("sa.BigInteger()"),
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
        // An empty value is SQL NULL, not the JSON value `null`.
        model_type: Some("sa.JSON(none_as_null=True)"),
        ..row(
            FieldType::Json,
            Some("dict[str, Any]"),
            Some(("typing", "Any")),
            "sa.JSON()",
            "\"not an object\"",
        )
    },
];

pub(crate) fn row_of(ty: FieldType) -> &'static TypeRow {
    TABLE
        .iter()
        .find(|r| r.ty == ty)
        .expect("every type has a row in TABLE")
}

/// The SQLAlchemy column type as a migration writes it.
pub(crate) fn migration_type(field: &Field) -> String {
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
pub(crate) fn enum_length(field: &Field) -> usize {
    field.values.iter().map(String::len).max().unwrap_or(1)
}

/// The Pydantic constraints that guard a field's values in request schemas.
pub(crate) fn schema_constraints(field: &Field) -> Vec<String> {
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
pub(crate) fn default_expr(default: &DefaultValue, enum_class: &str) -> String {
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
pub(crate) fn default_import(default: &DefaultValue) -> Option<(&'static str, &'static str)> {
    match default {
        DefaultValue::Decimal(_) => Some(("decimal", "Decimal")),
        DefaultValue::Date(_) => Some(("datetime", "date")),
        DefaultValue::Time(_) => Some(("datetime", "time")),
        _ => None,
    }
}

/// The default as the API returns it, as a Python literal of the JSON value.
pub(crate) fn default_json(default: &DefaultValue) -> String {
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

/// A float as a Python literal (`1.0`, not `1`).
pub(crate) fn float_literal(x: f64) -> String {
    let text = format!("{x:?}");
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A field of `ty` with the constraints the tests of field values expect.
    pub(crate) fn field(ty: FieldType) -> Field {
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
