//! SQLModel: table models are Pydantic models too; columns are `Field(...)`s, and attributes
//! type as their values (so expressions go through `col()`).

use crate::model::FieldType;
use crate::python::{Imports, calls_field, declaration};
use crate::spec::Mode;
use crate::types;

use super::{Column, OrmDialect};

pub(super) struct SqlModel;

impl OrmDialect for SqlModel {
    fn column(&self, column: &Column<'_>, imports: &mut Imports) -> String {
        let mut args: Vec<String> = match (&column.default, column.optional) {
            (Some(default), _) => vec![format!("default={default}")],
            (None, true) => vec!["default=None".to_owned()],
            (None, false) => Vec::new(),
        };
        // The column type, where SQLModel would not infer it from the annotation.
        if let Some(sa_type) = types::row_of(column.ty).model_type {
            imports.add("sqlalchemy as sa", "");
            args.push(format!("sa_type={sa_type}"));
        }
        match column.ty {
            FieldType::String | FieldType::Email | FieldType::Url => {
                args.extend(column.max_length.map(|n| format!("max_length={n}")));
            }
            FieldType::Decimal => {
                args.push(format!("max_digits={}", column.precision));
                args.push(format!("decimal_places={}", column.scale));
            }
            FieldType::Enum => {
                imports.add("app.models.base", "enum_column");
                if let Some(class) = &column.enum_class {
                    args.push(format!("sa_type=enum_column({class})"));
                }
            }
            _ => {}
        }
        if let Some((table, on_delete)) = &column.foreign_key {
            args.push(format!("foreign_key=\"{table}.id\""));
            args.push(format!("ondelete=\"{on_delete}\""));
        }
        if column.unique {
            args.push("unique=True".to_owned());
        }
        if column.index {
            args.push("index=True".to_owned());
        }
        if calls_field(&args) {
            imports.add("sqlmodel", "Field");
        }
        let annotation = if column.optional {
            format!("{} | None", column.python)
        } else {
            column.python.clone()
        };
        declaration(column.name, &annotation, &args)
    }

    fn table_keywords(&self) -> &'static str {
        ", table=True"
    }

    fn session(&self, mode: Mode) -> (&'static str, &'static str) {
        match mode {
            Mode::Async => ("sqlmodel.ext.asyncio.session", "AsyncSession"),
            Mode::Sync => ("sqlmodel", "Session"),
        }
    }

    fn label(&self) -> &'static str {
        "SQLModel"
    }

    fn dependency(&self) -> Option<&'static str> {
        Some("sqlmodel>=0.0.50,<0.1")
    }
}
