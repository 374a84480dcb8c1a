//! The table model module: its enums, the owner's column and a column per field, each declared
//! by the target's ORM dialect.

use serde::Serialize;

use crate::model::{FieldType, Resource, enum_member};
use crate::python::{self, Imports};
use crate::target::{Column, OrmDialect};

use super::*;

#[derive(Debug, Serialize)]
pub(super) struct EnumView {
    pub(super) class_name: String,
    pub(super) field: String,
    pub(super) members: Vec<(String, String)>,
}

pub(super) struct ModelView {
    pub(super) imports: String,
    /// The owner's `user_id` column declaration (owned resources).
    pub(super) owner_line: Option<String>,
    /// `    __table_args__ = (sa.Index(...), ...)`: the indexes the list endpoint uses.
    pub(super) table_args: Option<String>,
    pub(super) enums: Vec<EnumView>,
    /// One declaration per field, in the spec's order.
    pub(super) lines: Vec<String>,
}

pub(super) fn model_view(resource: &Resource, dialect: &dyn OrmDialect) -> ModelView {
    let mut imports = Imports::default();
    imports.add("app.models.base", "TableModel");
    // The token's `sub`, indexed: every query filters on it.
    let owner_line = resource.owned.then(|| {
        dialect.column(
            &Column {
                name: "user_id",
                ty: FieldType::String,
                python: "str".to_owned(),
                optional: false,
                default: None,
                max_length: None,
                precision: 0,
                scale: 0,
                enum_class: None,
                foreign_key: None,
                unique: false,
                // Served by the composite indexes of `Resource::indexes`, which start with it.
                index: false,
            },
            &mut imports,
        )
    });
    let served = resource.indexes();
    let table_args = (!served.is_empty()).then(|| {
        imports.add("sqlalchemy as sa", "");
        let indexes: Vec<String> = served
            .iter()
            .map(|index| {
                let mut args = vec![python::string(&index.name)];
                args.extend(index.columns.iter().map(|c| python::string(c)));
                args.extend(trigram_options(index));
                python::call(8, "", "sa.Index", &args, ",")
            })
            .collect();
        let one_line = format!("    __table_args__ = ({})", indexes[0].trim_start());
        match indexes.as_slice() {
            [only] if !only.contains('\n') && one_line.chars().count() <= python::LINE_LENGTH => {
                one_line
            }
            _ => format!("    __table_args__ = (\n{}\n    )", indexes.join("\n")),
        }
    });
    let mut enums = Vec::new();
    let mut lines = Vec::new();
    for field in &resource.fields {
        let py = FieldPython::of(resource, field);
        if let Some((module, name)) = py.row.import {
            imports.add(module, name);
        }
        if let Some((module, name)) = py.default_import {
            imports.add(module, name);
        }
        if field.ty == FieldType::Enum {
            imports.add("enum", "StrEnum");
            enums.push(EnumView {
                class_name: py.enum_class.clone(),
                field: field.name.clone(),
                members: field
                    .values
                    .iter()
                    .map(|v| (enum_member(v), v.clone()))
                    .collect(),
            });
        }
        let column = Column {
            name: &field.name,
            ty: field.ty,
            python: py.py_type.clone(),
            optional: field.optional,
            default: py.default.clone(),
            max_length: field
                .is_text()
                .then(|| field.max_length.unwrap_or(255))
                .filter(|_| field.ty != FieldType::Text),
            precision: field.precision.unwrap_or(10),
            scale: field.scale.unwrap_or(2),
            enum_class: (field.ty == FieldType::Enum).then(|| py.enum_class.clone()),
            foreign_key: field
                .references
                .as_ref()
                .map(|r| (r.table.clone(), on_delete_sql(r.on_delete))),
            unique: field.unique,
            index: field.index,
        };
        lines.push(dialect.column(&column, &mut imports));
    }
    ModelView {
        imports: imports.render(),
        owner_line,
        table_args,
        enums,
        lines,
    }
}
