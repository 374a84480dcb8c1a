//! Python declarations laid out as `ruff format` would: `Field(...)` lines, module-level
//! aliases that carry a field's limits (decimals, JSON, emails, URLs), and what the model,
//! schemas and tests share about a field's Python type.

use heck::ToPascalCase;

use crate::model::{Field, Resource};
use crate::python::{self, Imports};
use crate::types;

use super::*;

/// Where a decimal is taken: a request body (a number or text, within the field's bounds) or
/// a query (text, any value the column holds).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DecimalUse {
    Body,
    Query,
}

/// The name of the module-level alias a decimal is declared with, its definition joining
/// `aliases` once: `PriceDecimal = Annotated[Decimal, DecimalText(10, 2, ge=Decimal("0"))]`
/// for bodies, `DecimalQuery10x2` for queries. `DecimalText` holds every constraint (digits,
/// places, bounds), so the declaration itself stays short.
pub(super) fn decimal_alias(
    field: &Field,
    used: DecimalUse,
    imports: &mut Imports,
    aliases: &mut Vec<String>,
) -> String {
    imports
        .add("typing", "Annotated")
        .add("decimal", "Decimal")
        .add("app.schemas.types", "DecimalText");
    let (precision, scale) = (field.precision.unwrap_or(10), field.scale.unwrap_or(2));
    let mut args = vec![precision.to_string(), scale.to_string()];
    let alias = match used {
        DecimalUse::Query => {
            args.push("numbers=False".to_owned());
            format!("DecimalQuery{precision}x{scale}")
        }
        DecimalUse::Body => {
            args.extend(field.min.iter().map(|min| format!("ge={}", min.literal)));
            args.extend(field.max.iter().map(|max| format!("le={}", max.literal)));
            alias_name(field, "Decimal")
        }
    };
    push_alias(aliases, alias, |name| {
        annotated_alias(name, "Decimal", "DecimalText", &args)
    })
}

/// `PriceDecimal`: the field's name and `suffix`, short enough that
/// `    name: Alias | None = Field(` fits on one line.
pub(super) fn alias_name(field: &Field, suffix: &str) -> String {
    let room = python::LINE_LENGTH - 4 - field.name.len() - 2 - 16 - suffix.len();
    let stem: String = field.name.to_pascal_case().chars().take(room).collect();
    format!("{stem}{suffix}")
}

/// Adds the definition `define` makes for an alias to `aliases` (once) and returns its name;
/// a name another definition already took (two long field names cut to one stem) gets a number.
pub(super) fn push_alias(
    aliases: &mut Vec<String>,
    alias: String,
    define: impl Fn(&str) -> String,
) -> String {
    let mut name = alias.clone();
    let mut n = 1;
    loop {
        let definition = define(&name);
        if aliases.contains(&definition) {
            return name;
        }
        if !aliases.iter().any(|a| a.starts_with(&format!("{name} ="))) {
            aliases.push(definition);
            return name;
        }
        n += 1;
        name = format!("{alias}{n}");
    }
}

/// `NameJson = Annotated[JsonObject, JsonLimits(...)]`.
pub(super) fn json_alias(alias: &str, field: &Field) -> String {
    let args = [
        format!(
            "max_depth={}",
            field.max_depth.unwrap_or(crate::model::JSON_DEPTH.2)
        ),
        format!(
            "max_bytes={}",
            field.max_bytes.unwrap_or(crate::model::JSON_BYTES.2)
        ),
    ];
    annotated_alias(alias, "JsonObject", "JsonLimits", &args)
}

/// `Alias = Annotated[base, func(args)]`, laid out as ruff format does: on one line when it
/// fits, else the subscript splits first, and then its items go one a line.
pub(super) fn annotated_alias(alias: &str, base: &str, func: &str, args: &[String]) -> String {
    let call = format!("{func}({})", args.join(", "));
    let line = format!("{alias} = Annotated[{base}, {call}]");
    if line.chars().count() <= python::LINE_LENGTH {
        return line;
    }
    let hugged = format!("    {base}, {call}");
    if hugged.chars().count() <= python::LINE_LENGTH {
        return format!("{alias} = Annotated[\n{hugged}\n]");
    }
    format!(
        "{alias} = Annotated[\n    {base},\n{}\n]",
        python::call(4, "", func, args, ",")
    )
}

/// What the model, schemas and tests share about one field's Python: its type row, the
/// annotation (the enum class for enums), and its default as an expression with its import.
pub(super) struct FieldPython {
    pub(super) row: &'static types::TypeRow,
    pub(super) enum_class: String,
    /// The module of the resource's model, where its enums are defined.
    pub(super) enum_module: String,
    pub(super) py_type: String,
    pub(super) default: Option<String>,
    pub(super) default_import: Option<(&'static str, &'static str)>,
}

impl FieldPython {
    pub(super) fn of(resource: &Resource, field: &Field) -> FieldPython {
        let row = types::row_of(field.ty);
        let enum_class = field.enum_class(resource);
        FieldPython {
            row,
            py_type: row.python.map_or_else(|| enum_class.clone(), str::to_owned),
            default: field
                .default
                .as_ref()
                .map(|d| types::default_expr(d, &enum_class)),
            default_import: field.default.as_ref().and_then(types::default_import),
            enum_module: format!("app.models.{}", resource.name),
            enum_class,
        }
    }

    /// What `py_type` needs imported outside the model module (the enum is defined there).
    pub(super) fn import(&self, field: &Field) -> Option<(&str, &str)> {
        match field.ty {
            FieldType::Enum => Some((&self.enum_module, &self.enum_class)),
            _ => self.row.import,
        }
    }

    /// `default=...` when the field has a default, `default=None` when it is optional.
    pub(super) fn default_arg(&self, field: &Field) -> Option<String> {
        match (&self.default, field.optional) {
            (Some(d), _) => Some(format!("default={d}")),
            (None, true) => Some("default=None".to_owned()),
            (None, false) => None,
        }
    }
}
