//! The steps of a migration between two models, in the order they run, and what each does to
//! the schema (`Schema::apply`), so that the tests can hold a plan to the schema it must reach.

use super::convert::{Condition, Rewrite};
use super::schema::{Column, ForeignKey, Schema, SqlType, Table, TableIndex, Unique};

/// One step of a migration. Tables and columns are named as they are when the step runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Stops the migration, before anything changed, unless the check holds: no value is lost
    /// without the user knowing.
    Guard {
        table: String,
        check: Check,
    },
    /// A resource's table with its constraints and indexes, rendered as `new` renders it.
    CreateTable {
        resource: String,
        table: Table,
    },
    DropTable {
        resource: String,
        table: Table,
    },
    /// Its sequence follows on PostgreSQL.
    RenameTable {
        from: String,
        to: String,
    },
    /// `CREATE EXTENSION pg_trgm` on PostgreSQL, before trigram indexes on existing tables.
    EnableTrigram,
    /// With a backfill, the column is added NOT NULL with that server default, which gives
    /// every existing row the value (the default is dropped again later).
    AddColumn {
        table: String,
        column: Column,
        backfill: Option<String>,
    },
    DropColumn {
        table: String,
        column: Column,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    /// A comment in the migration, before the steps it explains (what a lossy change loses).
    Note {
        table: String,
        text: String,
    },
    /// Rewrites the values a lossy conversion would not keep, before the type changes.
    Rewrite {
        table: String,
        column: String,
        rewrite: Rewrite,
        /// The value `SetTo::Fallback` writes (a SQL literal, or `NULL`).
        fallback: String,
    },
    AlterType {
        table: String,
        column: String,
        from: SqlType,
        to: SqlType,
        nullable: bool,
        /// PostgreSQL's `USING` expression, when the cast is not implicit.
        using: Option<String>,
    },
    SetNullable {
        table: String,
        column: String,
        ty: SqlType,
        nullable: bool,
    },
    /// Gives the column's NULLs a value (a SQL literal) before it becomes NOT NULL.
    Backfill {
        table: String,
        column: String,
        value: String,
    },
    DropServerDefault {
        table: String,
        column: String,
        ty: SqlType,
    },
    CreateIndex {
        table: String,
        index: TableIndex,
    },
    DropIndex {
        table: String,
        index: TableIndex,
    },
    AddUnique {
        table: String,
        unique: Unique,
    },
    DropUnique {
        table: String,
        unique: Unique,
    },
    AddForeignKey {
        table: String,
        key: ForeignKey,
    },
    DropForeignKey {
        table: String,
        key: ForeignKey,
    },
    /// An index or constraint takes the name the naming convention gives it now (its table or
    /// column was renamed).
    Rename {
        table: String,
        from: String,
        to: Named,
    },
}

/// An index or constraint under its new name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    PrimaryKey(String),
    Unique(Unique),
    ForeignKey(ForeignKey),
    Index(TableIndex),
}

impl Named {
    pub fn name(&self) -> &str {
        match self {
            Named::PrimaryKey(name) => name,
            Named::Unique(unique) => &unique.name,
            Named::ForeignKey(key) => &key.name,
            Named::Index(index) => &index.name,
        }
    }
}

/// What a guard holds the data to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// No row holds a value the change would lose (`values` says which those are).
    NoneLost {
        column: String,
        lost: Condition,
        values: String,
    },
    /// The table has no rows: these columns come back without the values they had.
    Empty { columns: Vec<String> },
    /// No row has NULL in the column.
    NoNulls { column: String },
    /// No two rows hold the same value.
    NoDuplicates { column: String },
}

impl Op {
    /// The table a step changes in place (none for whole tables and extensions).
    pub fn table(&self) -> Option<&str> {
        match self {
            Op::CreateTable { .. }
            | Op::DropTable { .. }
            | Op::RenameTable { .. }
            | Op::EnableTrigram => None,
            Op::Guard { table, .. }
            | Op::Note { table, .. }
            | Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::Rewrite { table, .. }
            | Op::AlterType { table, .. }
            | Op::SetNullable { table, .. }
            | Op::Backfill { table, .. }
            | Op::DropServerDefault { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::AddUnique { table, .. }
            | Op::DropUnique { table, .. }
            | Op::AddForeignKey { table, .. }
            | Op::DropForeignKey { table, .. }
            | Op::Rename { table, .. } => Some(table),
        }
    }
}

impl Schema {
    /// The schema after `op`; an op that does not fit the schema (a missing table, a name
    /// taken) is an error that says so.
    pub fn apply(&mut self, op: &Op) -> Result<(), String> {
        match op {
            Op::CreateTable { table, .. } => {
                if self.table(&table.name).is_some() {
                    return Err(format!("create {}: it exists", table.name));
                }
                let names = std::iter::once(&table.primary_key)
                    .chain(table.uniques.iter().map(|u| &u.name))
                    .chain(table.indexes.iter().map(|i| &i.name));
                for name in names {
                    self.relation_free(name)?;
                }
                self.tables.push(table.clone());
            }
            Op::DropTable { table, .. } => {
                let before = self.tables.len();
                self.tables.retain(|t| t.name != table.name);
                if self.tables.len() == before {
                    return Err(format!("drop {}: no such table", table.name));
                }
                let referred = self
                    .tables
                    .iter()
                    .flat_map(|t| &t.foreign_keys)
                    .find(|k| k.table == table.name);
                if let Some(key) = referred {
                    return Err(format!("drop {}: {} refers to it", table.name, key.name));
                }
            }
            Op::RenameTable { from, to } => {
                if self.table(to).is_some() {
                    return Err(format!("rename {from} to {to}: {to} exists"));
                }
                self.table_mut(from)?.name = to.clone();
                for key in self.tables.iter_mut().flat_map(|t| &mut t.foreign_keys) {
                    if key.table == *from {
                        key.table = to.clone();
                    }
                }
            }
            Op::Guard { table, .. }
            | Op::Note { table, .. }
            | Op::Rewrite { table, .. }
            | Op::Backfill { table, .. } => {
                self.table_mut(table)?;
            }
            Op::EnableTrigram => {}
            Op::AddColumn {
                table,
                column,
                backfill,
            } => {
                let table = self.table_mut(table)?;
                if table.column(&column.name).is_some() {
                    return Err(format!("add {}.{}: it exists", table.name, column.name));
                }
                let mut column = column.clone();
                if let Some(value) = backfill {
                    column.server_default = Some(value.clone());
                }
                table.columns.push(column);
            }
            Op::DropColumn { table, column } => {
                let table = self.table_mut(table)?;
                let name = &column.name;
                let used = table.indexes.iter().any(|i| i.columns.contains(name))
                    || table.uniques.iter().any(|u| u.column == *name)
                    || table.foreign_keys.iter().any(|k| k.column == *name);
                if used {
                    return Err(format!("drop {}.{name}: still indexed", table.name));
                }
                table.column_mut(name)?;
                table.columns.retain(|c| c.name != *name);
            }
            Op::RenameColumn { table, from, to } => {
                let table = self.table_mut(table)?;
                if table.column(to).is_some() {
                    return Err(format!("rename {}.{from} to {to}: it exists", table.name));
                }
                table.column_mut(from)?.name = to.clone();
                let rename = |c: &mut String| {
                    if c == from {
                        *c = to.clone();
                    }
                };
                table
                    .indexes
                    .iter_mut()
                    .flat_map(|i| &mut i.columns)
                    .for_each(rename);
                table.uniques.iter_mut().for_each(|u| rename(&mut u.column));
                table
                    .foreign_keys
                    .iter_mut()
                    .for_each(|k| rename(&mut k.column));
            }
            Op::AlterType {
                table, column, to, ..
            } => self.table_mut(table)?.column_mut(column)?.ty = to.clone(),
            Op::SetNullable {
                table,
                column,
                nullable,
                ..
            } => self.table_mut(table)?.column_mut(column)?.nullable = *nullable,
            Op::DropServerDefault { table, column, .. } => {
                self.table_mut(table)?.column_mut(column)?.server_default = None;
            }
            Op::CreateIndex { table, index } => {
                self.relation_free(&index.name)?;
                let table = self.table_mut(table)?;
                table.free(&index.name)?;
                table.indexes.push(index.clone());
            }
            Op::DropIndex { table, index } => {
                let table = self.table_mut(table)?;
                table.remove(&index.name, |t| &mut t.indexes, |i| &i.name)?;
            }
            Op::AddUnique { table, unique } => {
                self.relation_free(&unique.name)?;
                let table = self.table_mut(table)?;
                table.free(&unique.name)?;
                table.uniques.push(unique.clone());
            }
            Op::DropUnique { table, unique } => {
                let table = self.table_mut(table)?;
                table.remove(&unique.name, |t| &mut t.uniques, |u| &u.name)?;
            }
            Op::AddForeignKey { table, key } => {
                if self.table(&key.table).is_none() {
                    return Err(format!("{}: no table {}", key.name, key.table));
                }
                let table = self.table_mut(table)?;
                table.free(&key.name)?;
                table.foreign_keys.push(key.clone());
            }
            Op::DropForeignKey { table, key } => {
                let table = self.table_mut(table)?;
                table.remove(&key.name, |t| &mut t.foreign_keys, |k| &k.name)?;
            }
            Op::Rename { table, from, to } => {
                if !matches!(to, Named::ForeignKey(_)) {
                    self.relation_free(to.name())?;
                }
                let table = self.table_mut(table)?;
                table.free(to.name())?;
                match to {
                    Named::PrimaryKey(name) if table.primary_key == *from => {
                        table.primary_key = name.clone();
                    }
                    Named::Unique(unique) => {
                        table.remove(from, |t| &mut t.uniques, |u| &u.name)?;
                        table.uniques.push(unique.clone());
                    }
                    Named::ForeignKey(key) => {
                        table.remove(from, |t| &mut t.foreign_keys, |k| &k.name)?;
                        table.foreign_keys.push(key.clone());
                    }
                    Named::Index(index) => {
                        table.remove(from, |t| &mut t.indexes, |i| &i.name)?;
                        table.indexes.push(index.clone());
                    }
                    Named::PrimaryKey(_) => {
                        return Err(format!("{}: no primary key {from}", table.name));
                    }
                }
            }
        }
        Ok(())
    }

    /// No primary key, unique constraint or index of any table has this name: PostgreSQL
    /// keeps them all (they are indexes) in one namespace per schema.
    fn relation_free(&self, name: &str) -> Result<(), String> {
        let taken = self.tables.iter().find(|t| {
            t.primary_key == name
                || t.uniques.iter().any(|u| u.name == name)
                || t.indexes.iter().any(|i| i.name == name)
        });
        match taken {
            Some(table) => Err(format!("{name} exists (on {})", table.name)),
            None => Ok(()),
        }
    }

    fn table_mut(&mut self, name: &str) -> Result<&mut Table, String> {
        self.tables
            .iter_mut()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("no table {name}"))
    }
}

impl Table {
    fn column_mut(&mut self, name: &str) -> Result<&mut Column, String> {
        let table = self.name.clone();
        self.columns
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("no column {table}.{name}"))
    }

    /// No index or constraint of the table has this name yet.
    fn free(&self, name: &str) -> Result<(), String> {
        let taken = self.primary_key == name
            || self.indexes.iter().any(|i| i.name == name)
            || self.uniques.iter().any(|u| u.name == name)
            || self.foreign_keys.iter().any(|k| k.name == name);
        if taken {
            Err(format!("{}: {name} exists", self.name))
        } else {
            Ok(())
        }
    }

    fn remove<T>(
        &mut self,
        name: &str,
        list: impl Fn(&mut Table) -> &mut Vec<T>,
        name_of: impl Fn(&T) -> &String,
    ) -> Result<(), String> {
        let table = self.name.clone();
        let items = list(self);
        let before = items.len();
        items.retain(|item| name_of(item) != name);
        if items.len() == before {
            return Err(format!("{table}: no {name}"));
        }
        Ok(())
    }
}
