//! What happens to a column's values when its field changes type, length, precision or enum
//! values: nothing, a conversion every value survives, a conversion some values do not survive
//! (which, and how an upgrade that is allowed to lose data rewrites them first), or none that
//! can be done in place.
//!
//! Conditions and rewrites are SQL with `{c}` standing for the column; most read the same on
//! PostgreSQL and SQLite, the few that do not come in two spellings.

use crate::model::{Field, FieldType};

use super::schema::SqlType;

/// What a value of the column is, beyond its SQL type: the field it belongs to (the generated
/// columns have none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub ty: &'a SqlType,
    pub field: Option<&'a Field>,
}

impl Facts<'_> {
    /// The longest text the field takes: its `max_length`, or an enum's longest value.
    fn limit(&self) -> Option<u32> {
        let field = self.field?;
        match field.ty {
            FieldType::Enum => Some(crate::types::enum_length(field) as u32),
            _ if field.is_text() => field.max_length,
            _ => None,
        }
    }

    fn enum_values(&self) -> Option<&[String]> {
        self.field
            .filter(|f| f.ty == FieldType::Enum)
            .map(|f| f.values.as_slice())
    }

    /// `string(200)`, `decimal(10, 2)`, `enum(low, high)`: the type as a message names it.
    pub(super) fn describe(&self) -> String {
        let Some(field) = self.field else {
            return self.ty.postgresql();
        };
        match field.ty {
            FieldType::Enum => format!("enum({})", field.values.join(", ")),
            FieldType::Decimal => format!(
                "decimal({}, {})",
                field.precision.unwrap_or(10),
                field.scale.unwrap_or(2)
            ),
            ty if field.is_text() => format!("{}({})", ty.name(), field.max_length.unwrap_or(0)),
            ty => ty.name().to_owned(),
        }
    }
}

/// A SQL condition on `{c}`, spelled for each database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub postgresql: String,
    pub sqlite: String,
}

impl Condition {
    pub(crate) fn same(sql: impl Into<String>) -> Condition {
        let sql = sql.into();
        Condition {
            postgresql: sql.clone(),
            sqlite: sql,
        }
    }

    /// Both spellings, with the column put in.
    #[must_use]
    pub fn on(&self, column: &str) -> Condition {
        Condition {
            postgresql: self.postgresql.replace("{c}", column),
            sqlite: self.sqlite.replace("{c}", column),
        }
    }

    pub fn is_split(&self) -> bool {
        self.postgresql != self.sqlite
    }

    /// `a OR b`, each side parenthesized when it has an `OR` of its own.
    pub fn or(conditions: &[&Condition]) -> Condition {
        let join = |pick: fn(&Condition) -> &str| {
            let parts: Vec<String> = conditions
                .iter()
                .map(|c| {
                    let sql = pick(c);
                    if conditions.len() > 1 && sql.contains(" OR ") {
                        format!("({sql})")
                    } else {
                        sql.to_owned()
                    }
                })
                .collect();
            parts.join(" OR ")
        };
        Condition {
            postgresql: join(|c| &c.postgresql),
            sqlite: join(|c| &c.sqlite),
        }
    }
}

/// What a rewrite sets the values it matches to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetTo {
    /// An expression of the value (`substr({c}, 1, 100)`).
    Expression(String),
    /// The field's new default, or NULL when it is optional.
    Fallback,
}

/// An `UPDATE` run before a type change, so that every value left converts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub when: Condition,
    pub set: SetTo,
    /// The rewrite loses information (rounding, cutting, replacing); trimming spaces does not.
    pub loses: bool,
}

/// The values a change does not keep as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Loss {
    /// Which values are lost, and what becomes of them, for messages and the migration's
    /// comments: "`title` values longer than 100 characters" and "are cut to 100".
    pub values: String,
    pub fate: String,
    /// In order; their losing conditions, or-ed, are the values the change cannot keep.
    pub rewrites: Vec<Rewrite>,
}

impl Loss {
    /// The values that would be lost, for guards that count them.
    pub(super) fn lost(&self) -> Condition {
        let conditions: Vec<&Condition> = self
            .rewrites
            .iter()
            .filter(|r| r.loses)
            .map(|r| &r.when)
            .collect();
        Condition::or(&conditions)
    }

    /// Some value is replaced by the fallback (the new field needs one).
    pub(super) fn needs_fallback(&self) -> bool {
        self.rewrites.iter().any(|r| r.set == SetTo::Fallback)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Conversion {
    /// The database keeps the values as they are, in the same column type.
    Same,
    /// The column type changes and every value converts.
    Lossless,
    /// Some values may not convert; an upgrade may rewrite them only when allowed to lose data.
    Lossy(Loss),
    /// Values the new field no longer allows stop the migration (an enum's removed values):
    /// rows hold them or they do not, and the user decides what they become.
    Checked(Loss),
    /// No conversion in place.
    Unsupported,
}

const INT32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);
const INT64_SAFE: &str = "9007199254740992";

/// How the values of a column of `from` become values of `to`.
pub(crate) fn convert(from: &Facts, to: &Facts, column: &str) -> Conversion {
    use SqlType::*;
    let lossless = if from.ty != to.ty {
        Conversion::Lossless
    } else {
        Conversion::Same
    };
    let values = |which: &str| format!("`{column}` values {which}");
    match (from.ty, to.ty) {
        (a, b) if a.is_text() && b.is_text() => text_to_text(from, to, column, lossless),
        (Integer, BigInteger | Float) => Conversion::Lossless,
        (BigInteger, Integer) => Conversion::Lossy(fallback(
            values("outside the 32-bit range"),
            out_of_range(INT32),
        )),
        (BigInteger, Float) => Conversion::Lossy(fallback(
            values("beyond 2^53 (a float cannot hold them exactly)"),
            Condition::same(format!("abs({{c}}) > {INT64_SAFE}")),
        )),
        (Float | Numeric { .. }, Integer | BigInteger) => {
            let range = if *to.ty == Integer {
                INT32
            } else {
                (i64::MIN, i64::MAX)
            };
            let mut rewrites = rounded(None);
            rewrites.push(Rewrite {
                when: out_of_range(range),
                set: SetTo::Fallback,
                loses: true,
            });
            Conversion::Lossy(Loss {
                values: values("with a fraction, or outside the integer range"),
                fate: "are rounded, or replaced".into(),
                rewrites,
            })
        }
        (Integer | BigInteger, Numeric { precision, scale }) => {
            let digits = if *from.ty == Integer { 10 } else { 19 };
            let whole = precision - scale;
            if whole >= digits {
                Conversion::Lossless
            } else {
                Conversion::Lossy(fallback(
                    values(&format!("of more than {whole} digits")),
                    too_many_digits(whole),
                ))
            }
        }
        (
            Numeric {
                precision: p1,
                scale: s1,
            },
            Numeric {
                precision: p2,
                scale: s2,
            },
        ) => {
            let (whole1, whole2) = (p1 - s1, p2 - s2);
            if s2 >= s1 && whole2 >= whole1 {
                return lossless;
            }
            let (mut which, mut fate, mut rewrites) = (Vec::new(), Vec::new(), Vec::new());
            if s2 < s1 {
                rewrites = rounded(Some(*s2));
                which.push(format!("with more decimal places than {s2}"));
                fate.push(format!("are rounded to scale {s2}"));
            }
            if whole2 < whole1 {
                rewrites.push(Rewrite {
                    when: too_many_digits(whole2),
                    set: SetTo::Fallback,
                    loses: true,
                });
                which.push(format!("of more than {whole2} digits before the point"));
                fate.push("are replaced".to_owned());
            }
            Conversion::Lossy(Loss {
                values: values(&which.join(", or ")),
                fate: fate.join(", or "),
                rewrites,
            })
        }
        (Integer | BigInteger, b) if b.is_text() && to.enum_values().is_none() => {
            let needed = if *from.ty == Integer { 11 } else { 20 };
            match to.limit() {
                Some(limit) if limit < needed => Conversion::Lossy(fallback(
                    values(&format!("longer than {limit} characters as text")),
                    Condition::same(format!("length(CAST({{c}} AS TEXT)) > {limit}")),
                )),
                _ => Conversion::Lossless,
            }
        }
        (a, Integer | BigInteger) if a.is_text() && from.enum_values().is_none() => {
            let mut loss = fallback(
                values("that are not whole numbers of at most 18 digits"),
                not_an_integer(*to.ty == Integer),
            );
            loss.rewrites.insert(
                0,
                Rewrite {
                    when: Condition::same("{c} <> trim({c})"),
                    set: SetTo::Expression("trim({c})".into()),
                    loses: false,
                },
            );
            Conversion::Lossy(loss)
        }
        (a, b) if a == b => Conversion::Same,
        _ => Conversion::Unsupported,
    }
}

fn text_to_text(from: &Facts, to: &Facts, column: &str, lossless: Conversion) -> Conversion {
    let quoted = |values: &[&String]| {
        let list: Vec<String> = values.iter().map(|v| sql_string(v)).collect();
        list.join(", ")
    };
    match (from.enum_values(), to.enum_values()) {
        (Some(old), Some(new)) => {
            let removed: Vec<&String> = old.iter().filter(|v| !new.contains(v)).collect();
            if removed.is_empty() {
                return lossless;
            }
            let words: Vec<&str> = removed.iter().map(|v| v.as_str()).collect();
            Conversion::Checked(Loss {
                values: format!(
                    "`{column}` values this change removes ({})",
                    words.join(", ")
                ),
                fate: "stop the migration".into(),
                rewrites: vec![Rewrite {
                    when: Condition::same(format!("{{c}} IN ({})", quoted(&removed))),
                    set: SetTo::Fallback,
                    loses: true,
                }],
            })
        }
        (_, Some(new)) => {
            let new: Vec<&String> = new.iter().collect();
            Conversion::Lossy(fallback(
                format!("`{column}` values that are not one of the enum's values"),
                Condition::same(format!("{{c}} NOT IN ({})", quoted(&new))),
            ))
        }
        _ => match (from.limit(), to.limit()) {
            (old, Some(new)) if old.is_none_or(|old| new < old) => Conversion::Lossy(Loss {
                values: format!("`{column}` values longer than {new} characters"),
                fate: format!("are cut to {new}"),
                rewrites: vec![Rewrite {
                    when: Condition::same(format!("length({{c}}) > {new}")),
                    set: SetTo::Expression(format!("substr({{c}}, 1, {new})")),
                    loses: true,
                }],
            }),
            _ => lossless,
        },
    }
}

/// Values matching `when` are replaced by the fallback.
fn fallback(values: String, when: Condition) -> Loss {
    Loss {
        values,
        fate: "are replaced".into(),
        rewrites: vec![Rewrite {
            when,
            set: SetTo::Fallback,
            loses: true,
        }],
    }
}

/// Values rounded to `scale` places (whole numbers when `None`).
fn rounded(scale: Option<u32>) -> Vec<Rewrite> {
    let call = match scale {
        Some(scale) => format!("round({{c}}, {scale})"),
        None => "round({c})".to_owned(),
    };
    vec![Rewrite {
        when: Condition::same(format!("{{c}} <> {call}")),
        set: SetTo::Expression(call),
        loses: true,
    }]
}

fn out_of_range((low, high): (i64, i64)) -> Condition {
    Condition::same(format!("{{c}} NOT BETWEEN {low} AND {high}"))
}

/// More than `digits` digits before the point.
fn too_many_digits(digits: u32) -> Condition {
    Condition::same(format!("abs({{c}}) >= 1{}", "0".repeat(digits as usize)))
}

/// Text that is not a whole number of at most 18 digits (and, for `int32`, not within its
/// range). SQLite has no regular expressions: the same test, spelled with GLOB.
fn not_an_integer(int32: bool) -> Condition {
    let postgresql = "NOT (trim({c}) ~ '^[-+]?[0-9]{1,18}$')".to_owned();
    let sqlite = "NOT (length(ltrim(trim({c}), '+-')) BETWEEN 1 AND 18 AND (trim({c}) NOT GLOB '*[^0-9]*' OR (trim({c}) GLOB '[-+]*' AND substr(trim({c}), 2) NOT GLOB '*[^0-9]*')))".to_owned();
    if !int32 {
        return Condition { postgresql, sqlite };
    }
    let (low, high) = INT32;
    Condition {
        postgresql: format!(
            "CASE WHEN trim({{c}}) ~ '^[-+]?[0-9]{{1,18}}$' THEN trim({{c}})::bigint NOT BETWEEN {low} AND {high} ELSE TRUE END"
        ),
        sqlite: format!("{sqlite} OR CAST(trim({{c}}) AS INTEGER) NOT BETWEEN {low} AND {high}"),
    }
}

/// A SQL string literal.
pub(crate) fn sql_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The PostgreSQL `USING` expression of a type change that needs one (text becoming a
/// number); implicit casts serve the others.
pub(crate) fn using(from: &SqlType, to: &SqlType, column: &str) -> Option<String> {
    let number = matches!(
        to,
        SqlType::Integer | SqlType::BigInteger | SqlType::Numeric { .. } | SqlType::Float
    );
    (from.is_text() && number).then(|| format!("{column}::{}", to.postgresql()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::tests::field;

    fn conversion(from: &Field, to: &Field) -> Conversion {
        let (a, b) = (SqlType::of(from), SqlType::of(to));
        convert(
            &Facts {
                ty: &a,
                field: Some(from),
            },
            &Facts {
                ty: &b,
                field: Some(to),
            },
            "c",
        )
    }

    fn string(length: u32) -> Field {
        Field {
            max_length: Some(length),
            ..field(FieldType::String)
        }
    }

    fn decimal(precision: u32, scale: u32) -> Field {
        Field {
            precision: Some(precision),
            scale: Some(scale),
            ..field(FieldType::Decimal)
        }
    }

    fn enumeration(values: &[&str]) -> Field {
        Field {
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            ..field(FieldType::Enum)
        }
    }

    fn text(max: u32) -> Field {
        Field {
            max_length: Some(max),
            ..field(FieldType::Text)
        }
    }

    #[test]
    fn widening_keeps_every_value() {
        let cases = [
            (field(FieldType::Int), field(FieldType::Bigint)),
            (field(FieldType::Int), field(FieldType::Float)),
            (string(100), string(200)),
            (string(100), text(65_536)),
            (decimal(10, 2), decimal(12, 4)),
            (field(FieldType::Int), decimal(12, 2)),
            (field(FieldType::Int), text(100)),
            (
                enumeration(&["a", "b"]),
                enumeration(&["a", "b", "long_one"]),
            ),
            (enumeration(&["a", "b"]), string(20)),
        ];
        for (from, to) in cases {
            assert_eq!(conversion(&from, &to), Conversion::Lossless, "{from:?}");
        }
        assert_eq!(conversion(&string(100), &string(100)), Conversion::Same);
        let mut email = string(100);
        email.ty = FieldType::Email;
        assert_eq!(conversion(&string(100), &email), Conversion::Same);
    }

    #[test]
    fn narrowing_loses_values_and_says_which() {
        let cases = [
            (
                string(200),
                string(100),
                "longer than 100 characters are cut",
            ),
            (text(65_536), text(100), "cut to 100"),
            (text(65_536), string(100), "cut to 100"),
            (
                field(FieldType::Bigint),
                field(FieldType::Int),
                "32-bit range",
            ),
            (decimal(10, 2), decimal(10, 1), "rounded to scale 1"),
            (decimal(10, 2), decimal(6, 2), "more than 4 digits"),
            (
                field(FieldType::Text),
                field(FieldType::Int),
                "not whole numbers",
            ),
            (
                string(20),
                enumeration(&["a"]),
                "not one of the enum's values",
            ),
            (field(FieldType::Float), field(FieldType::Int), "rounded"),
            (
                field(FieldType::Bigint),
                string(10),
                "longer than 10 characters",
            ),
        ];
        for (from, to, what) in cases {
            match conversion(&from, &to) {
                Conversion::Lossy(loss) => {
                    let text = format!("{} {}", loss.values, loss.fate);
                    assert!(text.contains(what), "{text}");
                }
                other => panic!("{from:?} -> {to:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn removed_enum_values_are_checked_not_rewritten() {
        match conversion(&enumeration(&["a", "b", "c"]), &enumeration(&["a", "c"])) {
            Conversion::Checked(loss) => {
                assert_eq!(loss.lost(), Condition::same("{c} IN ('b')"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unrelated_types_do_not_convert() {
        for (from, to) in [
            (FieldType::Bool, FieldType::Int),
            (FieldType::Date, FieldType::Datetime),
            (FieldType::Uuid, FieldType::String),
            (FieldType::Json, FieldType::Text),
            (FieldType::Float, FieldType::Decimal),
        ] {
            assert_eq!(
                conversion(&field(from), &field(to)),
                Conversion::Unsupported,
                "{from:?} -> {to:?}"
            );
        }
    }

    /// A downgrade converts back: whatever an upgrade can convert, the downgrade can too
    /// (checked, if not lossless).
    #[test]
    fn every_supported_conversion_has_a_way_back() {
        let mut samples: Vec<Field> = FieldType::ALL.iter().map(|(_, ty)| field(*ty)).collect();
        samples.extend([
            string(5),
            string(400),
            text(100),
            decimal(4, 3),
            decimal(30, 1),
            enumeration(&["x", "yy"]),
        ]);
        for from in &samples {
            for to in &samples {
                if conversion(from, to) != Conversion::Unsupported {
                    assert_ne!(
                        conversion(to, from),
                        Conversion::Unsupported,
                        "{from:?} -> {to:?} has no way back"
                    );
                }
            }
        }
    }

    #[test]
    fn text_becomes_a_number_through_a_cast_on_postgresql() {
        assert_eq!(
            using(&SqlType::Text, &SqlType::Integer, "n").as_deref(),
            Some("n::integer")
        );
        assert_eq!(using(&SqlType::Integer, &SqlType::BigInteger, "n"), None);
    }
}
