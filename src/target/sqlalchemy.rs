//! Plain SQLAlchemy 2.0: a `DeclarativeBase`, `Mapped[...]` annotations and `mapped_column(...)`
//! with the column type always written out (the same type the migration writes).

use crate::model::FieldType;
use crate::python::{self, Imports};
use crate::spec::Mode;
use crate::types;

use super::{Column, OrmDialect};

pub(super) struct SqlAlchemy;

impl SqlAlchemy {
    /// The column type: the migration's, except where the model stores through a type of its
    /// own (aware UTC datetimes, enums kept as VARCHAR).
    fn column_type(column: &Column<'_>, imports: &mut Imports) -> String {
        match (column.ty, &column.enum_class) {
            (FieldType::Datetime, _) => {
                imports.add("app.models.base", "UTCDateTime");
                "UTCDateTime()".to_owned()
            }
            (FieldType::Enum, Some(class)) => {
                imports.add("app.models.base", "enum_column");
                format!("enum_column({class})")
            }
            _ => {
                imports.add("sqlalchemy as sa", "");
                if let Some(model_type) = types::row_of(column.ty).model_type {
                    return model_type.to_owned();
                }
                let length = column
                    .max_length
                    .map_or_else(String::new, |n| format!("length={n}"));
                types::row_of(column.ty)
                    .column
                    .replace("length={}", &length)
                    .replace("{p}", &column.precision.to_string())
                    .replace("{s}", &column.scale.to_string())
            }
        }
    }
}

impl OrmDialect for SqlAlchemy {
    fn column(&self, column: &Column<'_>, imports: &mut Imports) -> String {
        imports
            .add("sqlalchemy.orm", "Mapped")
            .add("sqlalchemy.orm", "mapped_column");
        let mut args = vec![Self::column_type(column, imports)];
        if let Some((table, on_delete)) = &column.foreign_key {
            imports.add("sqlalchemy as sa", "");
            args.push(format!(
                "sa.ForeignKey(\"{table}.id\", ondelete=\"{on_delete}\")"
            ));
        }
        args.extend(column.default.iter().map(|d| format!("default={d}")));
        if column.unique {
            args.push("unique=True".to_owned());
        }
        if column.index {
            args.push("index=True".to_owned());
        }
        let annotation = if column.optional {
            format!("Mapped[{} | None]", column.python)
        } else {
            format!("Mapped[{}]", column.python)
        };
        python::call(
            4,
            &format!("{}: {annotation} = ", column.name),
            "mapped_column",
            &args,
            "",
        )
    }

    fn table_keywords(&self) -> &'static str {
        ""
    }

    fn session(&self, mode: Mode) -> (&'static str, &'static str) {
        match mode {
            Mode::Async => ("sqlalchemy.ext.asyncio", "AsyncSession"),
            Mode::Sync => ("sqlalchemy.orm", "Session"),
        }
    }

    fn label(&self) -> &'static str {
        "SQLAlchemy 2.0"
    }

    fn dependency(&self) -> Option<&'static str> {
        None
    }
}
