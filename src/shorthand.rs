//! The Rails-like field shorthand: `title:string:max=200`, `done:bool=false`,
//! `status:enum(open,closed)=open`, `due:datetime:optional:index`.
//!
//! It parses into the same `RawField` a spec's mapping form gives, so one validation serves both
//! the command line and the spec (where `title: string:max=200` is accepted too).

use crate::spec::RawField;

/// Parses `name:type[:modifier...]` into the field's name and its raw definition.
pub(crate) fn parse_field(text: &str) -> Result<(String, RawField), String> {
    let (name, rest) = text.split_once(':').ok_or_else(|| {
        format!("`{text}` has no type; write it as `name:type`, e.g. `title:string`")
    })?;
    if name.is_empty() {
        return Err(format!("`{text}` has no field name before the first `:`"));
    }
    if rest.is_empty() {
        return Err(format!(
            "`{text}` has no type after the `:`; e.g. `{name}:string`"
        ));
    }
    Ok((name.to_owned(), parse_type(rest)?))
}

/// Parses `type[(args)][=default][:modifier...]`: the part of the shorthand after the name.
pub(crate) fn parse_type(text: &str) -> Result<RawField, String> {
    let mut split: Vec<String> = split_top_level(text)
        .into_iter()
        .map(str::to_owned)
        .collect();
    // A time's default has colons of its own: `time=09:30` or `time=09:30:00`.
    if split[0].starts_with("time=") {
        while split.len() > 1 && split[1].len() == 2 && split[1].chars().all(|c| c.is_ascii_digit())
        {
            let joined = format!("{}:{}", split[0], split[1]);
            split.splice(0..2, [joined]);
        }
    }
    let mut parts = split.iter().map(String::as_str);
    let head = parts.next().unwrap_or_default();
    let (type_part, default) = match head.split_once('=') {
        Some((t, d)) => (t, Some(d)),
        None => (head, None),
    };
    let mut field = RawField::default();
    match type_part.split_once('(') {
        Some((kind, args)) => {
            let args = args
                .strip_suffix(')')
                .ok_or_else(|| format!("`{type_part}` opens `(` but does not close it"))?;
            field.kind = kind.to_owned();
            apply_type_args(&mut field, args)?;
        }
        None => field.kind = type_part.to_owned(),
    }
    if field.kind.is_empty() {
        return Err(format!("`{text}` has no type"));
    }
    if let Some(default) = default {
        field.default = Some(default_value(&field.kind, default));
    }
    let mut seen = Vec::new();
    for modifier in parts {
        let key = modifier.split('=').next().unwrap_or_default();
        if seen.contains(&key) {
            return Err(format!("`{key}` is given twice"));
        }
        seen.push(key);
        apply_modifier(&mut field, modifier)?;
    }
    Ok(field)
}

/// Splits on `:` outside parentheses, so `enum(a,b)` stays whole.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn apply_type_args(field: &mut RawField, args: &str) -> Result<(), String> {
    let args: Vec<&str> = args.split(',').map(str::trim).collect();
    match (field.kind.as_str(), args.as_slice()) {
        ("enum", values) => {
            field.values = Some(values.iter().map(|v| (*v).to_owned()).collect());
        }
        ("string", [max]) => field.max_length = Some(number(max, "max_length")?),
        ("decimal", [precision, scale]) => {
            field.precision = Some(number(precision, "precision")?);
            field.scale = Some(number(scale, "scale")?);
        }
        (kind, _) => {
            return Err(format!(
                "`{kind}({})` takes no such arguments; write `enum(a,b)`, `string(120)` or `decimal(10,2)`",
                args.join(",")
            ));
        }
    }
    Ok(())
}

fn apply_modifier(field: &mut RawField, modifier: &str) -> Result<(), String> {
    let (key, value) = match modifier.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (modifier, None),
    };
    // `min`/`max` bound a text's length and a number's value.
    let text = matches!(field.kind.as_str(), "string" | "text" | "email" | "url");
    match (key, value) {
        ("optional", None) => field.optional = Some(true),
        ("unique", None) => field.unique = Some(true),
        ("index", None) => field.index = Some(true),
        ("read_only", None) => field.read_only = Some(true),
        ("write_only", None) => field.write_only = Some(true),
        ("immutable", None) => field.immutable = Some(true),
        ("max", Some(v)) if text => field.max_length = Some(number(v, "max_length")?),
        ("min", Some(v)) if text => field.min_length = Some(number(v, "min_length")?),
        ("max_length", Some(v)) => field.max_length = Some(number(v, "max_length")?),
        ("min_length", Some(v)) => field.min_length = Some(number(v, "min_length")?),
        ("max", Some(v)) => field.max = Some(numeric(v)?),
        ("min", Some(v)) => field.min = Some(numeric(v)?),
        ("precision", Some(v)) => field.precision = Some(number(v, "precision")?),
        ("scale", Some(v)) => field.scale = Some(number(v, "scale")?),
        ("default", Some(v)) => field.default = Some(default_value(&field.kind, v)),
        ("pattern", Some(v)) => field.pattern = Some(v.to_owned()),
        ("example", Some(v)) => field.example = Some(v.to_owned()),
        ("description", Some(v)) => field.description = Some(v.to_owned()),
        ("renamed_from", Some(v)) => field.renamed_from = Some(v.to_owned()),
        _ => {
            return Err(format!(
                "unknown modifier `{modifier}`; modifiers are `optional`, `unique`, `index`, \
                 `read_only`, `write_only`, `immutable`, `min=N`, `max=N`, `min_length=N`, \
                 `max_length=N`, `precision=N`, `scale=N`, `pattern=RE`, `example=TEXT`, \
                 `description=TEXT`, `renamed_from=NAME` and `default=VALUE`"
            ));
        }
    }
    Ok(())
}

/// A bound: a whole or decimal number, kept as YAML would read it.
fn numeric(text: &str) -> Result<serde_yaml::Value, String> {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(value @ serde_yaml::Value::Number(_)) => Ok(value),
        _ => Err(format!("`{text}` is not a number")),
    }
}

fn number(text: &str, what: &str) -> Result<serde_yaml::Value, String> {
    text.parse::<i64>()
        .map(serde_yaml::Value::from)
        .map_err(|_| format!("{what} must be a whole number, got `{text}`"))
}

/// A default as YAML would read it, except that text types keep the text as written.
fn default_value(kind: &str, text: &str) -> serde_yaml::Value {
    match kind {
        "string" | "text" | "enum" | "date" | "datetime" | "uuid" | "decimal" => {
            serde_yaml::Value::String(text.to_owned())
        }
        _ => serde_yaml::from_str(text)
            .unwrap_or_else(|_| serde_yaml::Value::String(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml::Value;

    #[test]
    fn plain_type() {
        let (name, field) = parse_field("title:string").unwrap();
        assert_eq!(name, "title");
        assert_eq!(field.kind, "string");
    }

    #[test]
    fn modifiers_and_max() {
        let (_, field) = parse_field("title:string:max=200:unique:index").unwrap();
        assert_eq!(field.max_length, Some(Value::from(200)));
        assert_eq!(field.unique, Some(true));
        assert_eq!(field.index, Some(true));
    }

    #[test]
    fn bool_default() {
        let (_, field) = parse_field("done:bool=false").unwrap();
        assert_eq!(field.default, Some(Value::Bool(false)));
    }

    #[test]
    fn enum_with_values_and_default() {
        let (_, field) = parse_field("status:enum(open,closed)=open").unwrap();
        assert_eq!(field.kind, "enum");
        assert_eq!(field.values, Some(vec!["open".into(), "closed".into()]));
        assert_eq!(field.default, Some(Value::String("open".into())));
    }

    #[test]
    fn optional_index_datetime() {
        let (_, field) = parse_field("due:datetime:optional:index").unwrap();
        assert_eq!(field.optional, Some(true));
        assert_eq!(field.index, Some(true));
    }

    #[test]
    fn min_and_max_follow_the_type() {
        let (_, text) = parse_field("code:string:min=3:max=8").unwrap();
        assert_eq!(
            (text.min_length, text.max_length),
            (Some(Value::from(3)), Some(Value::from(8)))
        );
        let (_, number) = parse_field("qty:int:min=0:max=10:read_only").unwrap();
        assert_eq!(
            (number.min, number.max),
            (Some(Value::from(0)), Some(Value::from(10)))
        );
        assert_eq!(number.read_only, Some(true));
    }

    #[test]
    fn a_time_default_keeps_its_colons() {
        let field = parse_type("time=09:30:00:optional").unwrap();
        assert_eq!(field.default, Some(Value::String("09:30:00".into())));
        assert_eq!(field.optional, Some(true));
    }

    #[test]
    fn a_rename_is_a_modifier() {
        let field = parse_type("string:max=80:renamed_from=name").unwrap();
        assert_eq!(field.renamed_from.as_deref(), Some("name"));
    }

    #[test]
    fn decimal_arguments() {
        let field = parse_type("decimal(12,3)").unwrap();
        assert_eq!(field.precision, Some(Value::from(12)));
        assert_eq!(field.scale, Some(Value::from(3)));
    }

    #[test]
    fn string_default_stays_text() {
        let field = parse_type("string=123").unwrap();
        assert_eq!(field.default, Some(Value::String("123".into())));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parse_field("title").unwrap_err().contains("no type"));
        assert!(
            parse_field("n:int:max=lots")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            parse_field("x:")
                .unwrap_err()
                .contains("no type after the `:`")
        );
        assert!(
            parse_field("x:string:optional:optional")
                .unwrap_err()
                .contains("given twice")
        );
        assert!(
            parse_field("title:string:bogus")
                .unwrap_err()
                .contains("unknown modifier")
        );
        assert!(
            parse_field("n:string:max=abc")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(
            parse_field("s:enum(a,b")
                .unwrap_err()
                .contains("does not close")
        );
    }
}
