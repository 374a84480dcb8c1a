//! The database schema a model describes: per table its columns (type, nullability, server
//! default), primary key, unique constraints, foreign keys and indexes, each under the name the
//! models' naming convention gives it.
//!
//! It is built from the model as the create-table migration writes it (`context::migration`),
//! so that comparing two of them says what a migration between the two models must change, and
//! applying the planned ops to the old one must give the new one (the tests hold the two
//! together).

use crate::model::{Field, FieldType, Project, Resource};
use crate::spec::OnDelete;
use crate::types;

/// A column type as the migrations write it (`types::migration_type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlType {
    Integer,
    BigInteger,
    Float,
    Numeric {
        precision: u32,
        scale: u32,
    },
    /// `VARCHAR(n)`, or unbounded `VARCHAR` (the owner's `user_id`).
    String(Option<u32>),
    Text,
    Boolean,
    Date,
    DateTime,
    Time,
    Uuid,
    Json,
}

impl SqlType {
    /// The type of a field's column.
    pub fn of(field: &Field) -> SqlType {
        match field.ty {
            FieldType::String | FieldType::Email | FieldType::Url => {
                SqlType::String(Some(field.max_length.unwrap_or(255)))
            }
            FieldType::Enum => SqlType::String(Some(types::enum_length(field) as u32)),
            FieldType::Text => SqlType::Text,
            FieldType::Int => SqlType::Integer,
            FieldType::Bigint => SqlType::BigInteger,
            FieldType::Float => SqlType::Float,
            FieldType::Decimal => SqlType::Numeric {
                precision: field.precision.unwrap_or(10),
                scale: field.scale.unwrap_or(2),
            },
            FieldType::Bool => SqlType::Boolean,
            FieldType::Date => SqlType::Date,
            FieldType::Datetime => SqlType::DateTime,
            FieldType::Time => SqlType::Time,
            FieldType::Uuid => SqlType::Uuid,
            FieldType::Json => SqlType::Json,
        }
    }

    /// The SQLAlchemy type a migration writes: `sa.String(length=200)`.
    pub fn python(&self) -> String {
        match self {
            SqlType::Integer => "sa.Integer()".into(),
            SqlType::BigInteger => "sa.BigInteger()".into(),
            SqlType::Float => "sa.Float()".into(),
            SqlType::Numeric { precision, scale } => {
                format!("sa.Numeric(precision={precision}, scale={scale})")
            }
            SqlType::String(Some(length)) => format!("sa.String(length={length})"),
            SqlType::String(None) => "sa.String()".into(),
            SqlType::Text => "sa.Text()".into(),
            SqlType::Boolean => "sa.Boolean()".into(),
            SqlType::Date => "sa.Date()".into(),
            SqlType::DateTime => "sa.DateTime(timezone=True)".into(),
            SqlType::Time => "sa.Time()".into(),
            SqlType::Uuid => "sa.Uuid()".into(),
            SqlType::Json => "sa.JSON()".into(),
        }
    }

    /// The type's name in PostgreSQL, for `USING` casts.
    pub fn postgresql(&self) -> String {
        match self {
            SqlType::Integer => "integer".into(),
            SqlType::BigInteger => "bigint".into(),
            SqlType::Float => "double precision".into(),
            SqlType::Numeric { precision, scale } => format!("numeric({precision}, {scale})"),
            SqlType::String(Some(length)) => format!("varchar({length})"),
            SqlType::String(None) => "varchar".into(),
            SqlType::Text => "text".into(),
            SqlType::Boolean => "boolean".into(),
            SqlType::Date => "date".into(),
            SqlType::DateTime => "timestamp with time zone".into(),
            SqlType::Time => "time".into(),
            SqlType::Uuid => "uuid".into(),
            SqlType::Json => "json".into(),
        }
    }

    /// Holds text (VARCHAR or TEXT).
    pub fn is_text(&self) -> bool {
        matches!(self, SqlType::String(_) | SqlType::Text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    /// The server default as a migration writes it (`sa.func.now()` for the timestamps).
    pub server_default: Option<String>,
}

/// A unique constraint on one column (`uq_<table>_<column>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unique {
    pub name: String,
    pub column: String,
}

/// A relation's foreign key (`fk_<table>_<column>_<parent table>`) to the parent's `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub column: String,
    pub table: String,
    pub on_delete: OnDelete,
}

/// An index: a field's own (`ix_<table>_<column>`, unique when the field is both unique and
/// indexed) or one the list endpoint uses (`Resource::indexes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableIndex {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// A trigram (GIN) index on PostgreSQL, a plain one elsewhere.
    pub trigram: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    /// `pk_<table>`, on `id`.
    pub primary_key: String,
    pub columns: Vec<Column>,
    pub uniques: Vec<Unique>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<TableIndex>,
}

impl Table {
    /// The table of a resource, as `op.create_table(...)` and its indexes make it.
    pub fn of(resource: &Resource) -> Table {
        let plural = &resource.plural;
        let timestamp = |name: &str| Column {
            name: name.to_owned(),
            ty: SqlType::DateTime,
            nullable: false,
            server_default: Some("sa.func.now()".to_owned()),
        };
        let mut columns = vec![
            Column {
                name: "id".to_owned(),
                ty: SqlType::Integer,
                nullable: false,
                server_default: None,
            },
            timestamp("created_at"),
            timestamp("updated_at"),
        ];
        if resource.owned {
            columns.push(Column {
                name: "user_id".to_owned(),
                ty: SqlType::String(None),
                nullable: false,
                server_default: None,
            });
        }
        let (mut uniques, mut foreign_keys, mut indexes) = (Vec::new(), Vec::new(), Vec::new());
        for field in &resource.fields {
            columns.push(Column {
                name: field.name.clone(),
                ty: SqlType::of(field),
                nullable: field.optional,
                server_default: None,
            });
            if let Some(reference) = &field.references {
                foreign_keys.push(ForeignKey {
                    name: format!("fk_{plural}_{}_{}", field.name, reference.table),
                    column: field.name.clone(),
                    table: reference.table.clone(),
                    on_delete: reference.on_delete,
                });
            }
            if field.index {
                indexes.push(TableIndex {
                    name: format!("ix_{plural}_{}", field.name),
                    columns: vec![field.name.clone()],
                    unique: field.unique,
                    trigram: false,
                });
            } else if field.unique {
                uniques.push(Unique {
                    name: format!("uq_{plural}_{}", field.name),
                    column: field.name.clone(),
                });
            }
        }
        indexes.extend(resource.indexes().into_iter().map(|index| TableIndex {
            name: index.name,
            columns: index.columns,
            unique: false,
            trigram: index.trigram,
        }));
        Table {
            name: plural.clone(),
            primary_key: format!("pk_{plural}"),
            columns,
            uniques,
            foreign_keys,
            indexes,
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The same table with its parts in name order: what two schemas are compared by
    /// (columns added to a table come last; a new table lists them in the spec's order).
    #[must_use]
    pub fn normalized(&self) -> Table {
        let mut table = self.clone();
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
        table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        table
    }
}

/// Every table of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    pub tables: Vec<Table>,
}

impl Schema {
    pub fn of(project: &Project) -> Schema {
        Schema {
            tables: project.resources.iter().map(Table::of).collect(),
        }
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The tables in name order, each normalized.
    #[must_use]
    pub fn normalized(&self) -> Schema {
        let mut tables: Vec<Table> = self.tables.iter().map(Table::normalized).collect();
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Schema { tables }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::tests::field;

    #[test]
    fn each_type_is_the_one_the_migrations_write() {
        for (_, ty) in FieldType::ALL {
            let field = field(*ty);
            assert_eq!(
                SqlType::of(&field).python(),
                types::migration_type(&field),
                "{ty:?}"
            );
        }
    }

    #[test]
    fn a_table_has_its_constraints_and_indexes_under_their_convention_names() {
        let spec = include_str!("../../examples/shop.yaml");
        let project = crate::validate::validate("shop", spec, None).unwrap();
        let schema = Schema::of(&project);
        let products = schema.table("products").unwrap();
        assert_eq!(products.primary_key, "pk_products");
        assert_eq!(
            products.foreign_keys,
            [ForeignKey {
                name: "fk_products_category_id_categories".into(),
                column: "category_id".into(),
                table: "categories".into(),
                on_delete: OnDelete::SetNull,
            }]
        );
        let uniques: Vec<&str> = products.uniques.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            uniques,
            ["uq_products_name", "uq_products_code", "uq_products_sku"]
        );
        let search = products
            .indexes
            .iter()
            .find(|i| i.name == "ix_products_summary_trgm")
            .unwrap();
        assert!(search.trigram && !search.unique);
        let carts = schema.table("carts").unwrap();
        assert_eq!(carts.column("user_id").unwrap().ty, SqlType::String(None));
        assert_eq!(
            carts.column("status").unwrap().ty,
            SqlType::String(Some(9)),
            "an enum's VARCHAR fits its longest value"
        );
    }
}
