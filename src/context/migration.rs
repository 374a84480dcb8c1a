//! The migration that creates a resource's table: its columns, constraints and indexes, named
//! as the models' naming convention names them (so `alembic check` finds no difference).

use serde::Serialize;

use crate::model::{Index, Resource};
use crate::python;
use crate::types;

use super::*;

#[derive(Debug, Serialize)]
pub(super) struct IndexView {
    pub(super) name: String,
    pub(super) create: String,
    pub(super) drop: String,
}

pub(super) struct MigrationView {
    /// `        sa.Column("title", sa.String(length=200), nullable=False),`, one per field.
    pub(super) columns: Vec<String>,
    /// The `op.create_table(...)` arguments after the columns, and the indexes.
    pub(super) table_constraints: Vec<String>,
    pub(super) indexes: Vec<IndexView>,
    /// A searched field has a trigram index: the migration enables `pg_trgm` on PostgreSQL.
    pub(super) trigram: bool,
}

pub(super) fn migration_view(resource: &Resource) -> MigrationView {
    let mut columns = Vec::new();
    let mut table_constraints = vec![python::call(
        8,
        "",
        "sa.PrimaryKeyConstraint",
        &[
            "\"id\"".to_owned(),
            format!("name=op.f(\"pk_{}\")", resource.plural),
        ],
        ",",
    )];
    let mut indexes = Vec::new();
    for field in &resource.fields {
        if let Some(reference) = &field.references {
            table_constraints.push(python::call(
                8,
                "",
                "sa.ForeignKeyConstraint",
                &[
                    format!("[{}]", python::string(&field.name)),
                    format!("[\"{}.id\"]", reference.table),
                    format!(
                        "name=op.f(\"fk_{}_{}_{}\")",
                        resource.plural, field.name, reference.table
                    ),
                    format!("ondelete=\"{}\"", on_delete_sql(reference.on_delete)),
                ],
                ",",
            ));
        }
        let column_args = vec![
            python::string(&field.name),
            types::migration_type(field),
            format!("nullable={}", if field.optional { "True" } else { "False" }),
        ];
        columns.push(python::call(8, "", "sa.Column", &column_args, ","));
        match (field.unique, field.index) {
            (true, true) => indexes.push(index(resource, &field.name, true)),
            (true, false) => table_constraints.push(python::call(
                8,
                "",
                "sa.UniqueConstraint",
                &[
                    python::string(&field.name),
                    format!("name=op.f(\"uq_{}_{}\")", resource.plural, field.name),
                ],
                ",",
            )),
            (false, true) => indexes.push(index(resource, &field.name, false)),
            (false, false) => {}
        }
    }
    let served = resource.indexes();
    let trigram = served.iter().any(|i| i.trigram);
    indexes.extend(served.iter().map(|i| list_index(resource, i)));
    MigrationView {
        columns,
        table_constraints,
        indexes,
        trigram,
    }
}

/// `op.create_index(...)` of an index the list endpoint uses (`Resource::indexes`).
fn list_index(resource: &Resource, index: &Index) -> IndexView {
    let columns: Vec<String> = index.columns.iter().map(|c| python::string(c)).collect();
    let mut args = vec![
        format!("op.f({})", python::string(&index.name)),
        python::string(&resource.plural),
        format!("[{}]", columns.join(", ")),
        "unique=False".to_owned(),
    ];
    args.extend(trigram_options(index));
    let drop_args = vec![
        format!("op.f({})", python::string(&index.name)),
        format!("table_name={}", python::string(&resource.plural)),
    ];
    IndexView {
        create: python::call(4, "", "op.create_index", &args, ""),
        drop: python::call(4, "", "op.drop_index", &drop_args, ""),
        name: index.name.clone(),
    }
}

/// A trigram index's PostgreSQL options (other databases ignore them: a plain index there).
pub(super) fn trigram_options(index: &Index) -> Vec<String> {
    if !index.trigram {
        return Vec::new();
    }
    vec![
        "postgresql_using=\"gin\"".to_owned(),
        format!(
            "postgresql_ops={{{}: \"gin_trgm_ops\"}}",
            python::string(&index.columns[0])
        ),
    ]
}

pub(super) fn index(resource: &Resource, column: &str, unique: bool) -> IndexView {
    let name = format!("ix_{}_{column}", resource.plural);
    let args = vec![
        format!("op.f({})", python::string(&name)),
        python::string(&resource.plural),
        format!("[{}]", python::string(column)),
        format!("unique={}", if unique { "True" } else { "False" }),
    ];
    let drop_args = vec![
        format!("op.f({})", python::string(&name)),
        format!("table_name={}", python::string(&resource.plural)),
    ];
    IndexView {
        create: python::call(4, "", "op.create_index", &args, ""),
        drop: python::call(4, "", "op.drop_index", &drop_args, ""),
        name,
    }
}
