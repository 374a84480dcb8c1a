//! The schema module's fields: what clients send on create (Base, Create), on update (every
//! field optional), and what the API returns (Read), with the aliases their constraints need.

use heck::ToPascalCase;

use crate::model::{EMAIL_MAX_LENGTH, FieldType, Resource, URL_MAX_LENGTH};
use crate::python::{self, Imports, calls_field, declaration};
use crate::types;

use super::*;

/// One field's declarations in the schemas.
pub(super) struct SchemaLines {
    pub(super) base_line: String,
    pub(super) update_line: String,
    pub(super) read_line: String,
}

pub(super) struct SchemaView {
    /// Not rendered yet: the list endpoint's query model adds its own.
    pub(super) imports: Imports,
    pub(super) field_aliases: Vec<String>,
    pub(super) json_aliases: Vec<String>,
    /// One per field, in the spec's order.
    pub(super) lines: Vec<SchemaLines>,
}

pub(super) fn schema_view(resource: &Resource) -> SchemaView {
    let mut imports = Imports::default();
    imports
        .add("pydantic", "ConfigDict")
        .add("app.schemas.types", "RequestModel")
        .add("app.schemas.types", "patch_schema")
        .add("datetime", "datetime")
        .add("pydantic", "BaseModel")
        .add("app.schemas.page", "Page")
        .add("app.schemas.page", "PageParams");
    let mut field_aliases: Vec<String> = Vec::new();
    let mut json_aliases = Vec::new();
    let mut lines = Vec::new();
    for field in &resource.fields {
        let py = FieldPython::of(resource, field);
        let (row, py_type) = (py.row, &py.py_type);
        let (enum_module, enum_class) = (&py.enum_module, &py.enum_class);
        let (default_import, default_arg) = (py.default_import, py.default_arg(field));
        let py_import = py.import(field);
        let written = field.on_create() || field.on_update();
        let input_type = match row.input {
            _ if !written => String::new(),
            Some((annotation, (module, name))) => {
                imports.add(module, name);
                let default = match field.ty {
                    FieldType::Email => Some((EMAIL_MAX_LENGTH, "Email")),
                    FieldType::Url => Some((URL_MAX_LENGTH, "Url")),
                    _ => None,
                };
                match (default, field.max_length) {
                    // A shorter column than the type's own limit: the alias carries it.
                    (Some((default, suffix)), Some(length)) if length != default => {
                        imports.add("app.schemas.types", "MaxLength");
                        let args = [length.to_string()];
                        push_alias(&mut field_aliases, alias_name(field, suffix), |name| {
                            annotated_alias(name, annotation, "MaxLength", &args)
                        })
                    }
                    _ => annotation.to_owned(),
                }
            }
            None if field.ty == FieldType::Decimal => {
                decimal_alias(field, DecimalUse::Body, &mut imports, &mut field_aliases)
            }
            None if field.ty == FieldType::Json => {
                // A JSON value's limits live in an alias, shared by Base and Update.
                imports
                    .add("typing", "Annotated")
                    .add("app.schemas.types", "JsonLimits")
                    .add("app.schemas.types", "JsonObject");
                let alias = format!("{}Json", field.name.to_pascal_case());
                json_aliases.push(json_alias(&alias, field));
                alias
            }
            None => {
                if let Some((module, name)) = py_import {
                    imports.add(module, name);
                }
                py_type.clone()
            }
        };
        let constraints = types::schema_constraints(field);
        let mut base_args: Vec<String> = default_arg.into_iter().collect();
        base_args.extend(constraints.iter().cloned());
        let base_type = if field.optional {
            format!("{input_type} | None")
        } else {
            input_type.clone()
        };
        if field.on_create() {
            if let Some((module, name)) = default_import {
                imports.add(module, name);
            }
            if field.ty == FieldType::Enum && field.default.is_some() {
                imports.add(enum_module, enum_class);
            }
            if calls_field(&base_args) {
                imports.add("pydantic", "Field");
            }
        }
        if field.on_update() && calls_field(&update_args_of(&constraints)) {
            imports.add("pydantic", "Field");
        }
        let base_line = declaration(&field.name, &base_type, &base_args);
        let update_args = update_args_of(&constraints);
        // Leaving a field out of a PATCH is fine; sending null is not, unless the column is
        // nullable. The annotation says so (null is a 422, and the document agrees); the
        // `None` default only marks "not sent" and is never validated.
        let update_line = declaration(&field.name, &format!("{input_type} | None"), &update_args);
        // What the API returns comes from the database as it is: no input constraints, so a
        // row written before a constraint was tightened (or by SQL) is still served.
        let read_py = match row.output {
            Some((annotation, (module, name))) => {
                if field.readable() {
                    imports.add(module, name);
                }
                annotation.to_owned()
            }
            None => {
                if let (true, Some((module, name))) = (field.readable(), py_import) {
                    imports.add(module, name);
                }
                py_type.clone()
            }
        };
        let read_type = if field.optional {
            format!("{read_py} | None")
        } else {
            read_py
        };
        let read_args: Vec<String> = field
            .description
            .iter()
            .map(|d| format!("description={}", python::string(d)))
            .collect();
        if field.readable() && calls_field(&read_args) {
            imports.add("pydantic", "Field");
        }
        let read_line = declaration(&field.name, &read_type, &read_args);

        lines.push(SchemaLines {
            base_line,
            update_line,
            read_line,
        });
    }
    SchemaView {
        imports,
        field_aliases,
        json_aliases,
        lines,
    }
}

/// A PATCH field's `Field(...)` arguments: "not sent" by default, and the input constraints.
fn update_args_of(constraints: &[String]) -> Vec<String> {
    let mut args = vec!["default=None".to_owned()];
    args.extend(constraints.iter().cloned());
    args
}
