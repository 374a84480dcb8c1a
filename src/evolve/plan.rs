//! Planning: which resource and column of one model is which of the other (by name, by
//! `renamed_from`, and a relation's column by the parent it refers to), then the steps that
//! take the database from one to the other.
//!
//! The same planner writes the upgrade (applied model to new) and the downgrade (new to
//! applied, with the matching reversed). The two differ in what they may not do silently: an
//! upgrade refuses, when it is planned, what would lose data (unless allowed) or leave rows
//! without a value; a downgrade cannot refuse to exist, so it guards instead: it stops, with
//! the count of rows concerned, when the database holds what it cannot take back.

use std::collections::BTreeMap;

use crate::model::{DefaultValue, Field, Project, Resource};
use crate::problem::Problem;

use super::Options;
use super::convert::{self, Conversion, Facts, Loss};
use super::ops::{Check, Named, Op};
use super::schema::{Column, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Upgrade,
    Downgrade,
}

/// A resource both models have, and its columns both tables have, by name on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    pub from: String,
    pub to: String,
    pub columns: Vec<(String, String)>,
}

/// Which resource of one model is which of the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matching {
    pub kept: Vec<Kept>,
    /// Resources only the `to` model has, and only the `from` model has.
    pub created: Vec<String>,
    pub dropped: Vec<String>,
}

impl Matching {
    pub(super) fn reversed(&self) -> Matching {
        Matching {
            kept: self
                .kept
                .iter()
                .map(|k| Kept {
                    from: k.to.clone(),
                    to: k.from.clone(),
                    columns: k
                        .columns
                        .iter()
                        .map(|(a, b)| (b.clone(), a.clone()))
                        .collect(),
                })
                .collect(),
            created: self.dropped.clone(),
            dropped: self.created.clone(),
        }
    }
}

fn resource<'a>(project: &'a Project, name: &str) -> Option<&'a Resource> {
    project.resources.iter().find(|r| r.name == name)
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> String {
    let names: Vec<String> = items.iter().map(|i| format!("`{}`", name(i))).collect();
    names.join(", ")
}

/// Pairs the resources and columns of the applied model (`old`) with the new one's.
pub(crate) fn matching(old: &Project, new: &Project) -> Result<Matching, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut pairs: Vec<(&Resource, &Resource)> = Vec::new();
    let mut created = Vec::new();
    for r2 in &new.resources {
        let path = format!("resources.{}.renamed_from", r2.name);
        let same = resource(old, &r2.name);
        let before = r2.renamed_from.as_deref().and_then(|n| resource(old, n));
        match (same, before, &r2.renamed_from) {
            (Some(_), Some(r1), _) => problems.push(
                Problem::new(path, format!("`{}` is renamed from `{}`, but the applied spec has both `{}` and `{}`", r2.name, r1.name, r1.name, r2.name))
                    .hint(format!("remove `renamed_from` if `{}` stays as it is (`{}` is then removed, with its table)", r2.name, r1.name)),
            ),
            (Some(r1), None, _) | (None, Some(r1), _) => pairs.push((r1, r2)),
            (None, None, Some(previous)) => problems.push(
                Problem::new(path, format!("`{}` is renamed from `{previous}`, but the applied spec has no resource `{previous}`", r2.name))
                    .hint(format!("the applied spec's resources are {}; remove `renamed_from` if `{}` is new", names(&old.resources, |r| &r.name), r2.name)),
            ),
            (None, None, None) => created.push(r2.name.clone()),
        }
    }
    let resource_pairs: BTreeMap<&str, &str> = pairs
        .iter()
        .map(|(a, b)| (a.name.as_str(), b.name.as_str()))
        .collect();
    let mut kept = Vec::new();
    for (r1, r2) in &pairs {
        match columns(r1, r2, &resource_pairs) {
            Ok(columns) => kept.push(Kept {
                from: r1.name.clone(),
                to: r2.name.clone(),
                columns,
            }),
            Err(mut more) => problems.append(&mut more),
        }
    }
    let dropped = old
        .resources
        .iter()
        .filter(|r| !pairs.iter().any(|(r1, _)| r1.name == r.name))
        .map(|r| r.name.clone())
        .collect();
    if problems.is_empty() {
        Ok(Matching {
            kept,
            created,
            dropped,
        })
    } else {
        Err(problems)
    }
}

/// Pairs the columns of a kept resource: the generated ones by name, a relation's by the
/// parent it refers to (a renamed parent renames the column), the others by name or by
/// `renamed_from`.
fn columns(
    r1: &Resource,
    r2: &Resource,
    resource_pairs: &BTreeMap<&str, &str>,
) -> Result<Vec<(String, String)>, Vec<Problem>> {
    let mut pairs: Vec<(String, String)> = ["id", "created_at", "updated_at"]
        .iter()
        .map(|c| ((*c).to_owned(), (*c).to_owned()))
        .collect();
    if r1.owned && r2.owned {
        pairs.push(("user_id".into(), "user_id".into()));
    }
    let mut problems = Vec::new();
    let taken = |pairs: &[(String, String)], name: &str| pairs.iter().any(|(a, _)| a == name);
    let find = |name: &str| r1.fields.iter().find(|f| f.name == name);
    for f2 in &r2.fields {
        let path = format!("resources.{}.fields.{}.renamed_from", r2.name, f2.name);
        let parent = f2.references.as_ref().and_then(|reference| {
            r1.fields.iter().find(|f1| {
                f1.references.as_ref().is_some_and(|r| {
                    resource_pairs.get(r.resource.as_str()) == Some(&reference.resource.as_str())
                }) && !taken(&pairs, &f1.name)
            })
        });
        let same = find(&f2.name).filter(|f1| !taken(&pairs, &f1.name));
        let before = f2
            .renamed_from
            .as_deref()
            .and_then(find)
            .filter(|f1| !taken(&pairs, &f1.name));
        let f1 = match (parent, same, before, &f2.renamed_from) {
            (Some(f1), ..) => Some(f1),
            (None, Some(_), Some(f1), _) => {
                problems.push(
                    Problem::new(path, format!("`{}` is renamed from `{}`, but the applied spec has both `{}` and `{}` in `{}`", f2.name, f1.name, f1.name, f2.name, r2.name))
                        .hint(format!("remove `renamed_from` if `{}` stays as it is (`{}` is then removed, with its values)", f2.name, f1.name)),
                );
                None
            }
            (None, Some(f1), None, _) | (None, None, Some(f1), _) => Some(f1),
            (None, None, None, Some(previous)) => {
                problems.push(
                    Problem::new(path, format!("`{}` is renamed from `{previous}`, but the applied spec's `{}` has no field `{previous}`", f2.name, r1.name))
                        .hint(format!("its fields are {}; remove `renamed_from` if `{}` is new", names(&r1.fields, |f| &f.name), f2.name)),
                );
                None
            }
            (None, None, None, None) => None,
        };
        if let Some(f1) = f1 {
            pairs.push((f1.name.clone(), f2.name.clone()));
        }
    }
    if problems.is_empty() {
        Ok(pairs)
    } else {
        Err(problems)
    }
}

/// The value a column's rows get from a default: the text a server default and a SQL string
/// literal hold, in the form both databases store (`1`/`0` for booleans, times with seconds
/// and microseconds, as SQLAlchemy writes them on SQLite).
pub(crate) fn literal(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Bool(true) => "1".into(),
        DefaultValue::Bool(false) => "0".into(),
        DefaultValue::Int(n) => n.to_string(),
        DefaultValue::Float(x) => crate::types::float_literal(*x),
        DefaultValue::Time(text) => match text.len() {
            5 => format!("{text}:00.000000"),
            _ => format!("{text}.000000"),
        },
        DefaultValue::Decimal(text)
        | DefaultValue::Str(text)
        | DefaultValue::Enum(text)
        | DefaultValue::Date(text) => text.clone(),
    }
}

/// The steps of one direction, in their order: guards first (nothing changes unless every
/// one holds), then foreign keys to dropped tables, dropped tables, renamed tables, created
/// tables, and each kept table's changes.
pub(crate) fn steps(
    from: &Project,
    to: &Project,
    matching: &Matching,
    direction: Direction,
    options: &Options,
) -> Result<Vec<Op>, Vec<Problem>> {
    let mut planner = Planner {
        from,
        to,
        matching,
        direction,
        options,
        problems: Vec::new(),
        guards: Vec::new(),
        early: Vec::new(),
    };
    let mut tables = Vec::new();
    let mut kept: Vec<&Kept> = matching.kept.iter().collect();
    kept.sort_by_key(|k| to.resources.iter().position(|r| r.name == k.to));
    for pair in kept {
        tables.push(planner.table(pair));
    }
    let mut ops = std::mem::take(&mut planner.guards);
    ops.append(&mut planner.early);
    for name in matching.dropped.iter().rev() {
        let resource = resource(from, name).expect("dropped resources are the from model's");
        ops.push(Op::DropTable {
            resource: name.clone(),
            table: Table::of(resource),
        });
    }
    ops.extend(planner.table_renames());
    for name in &matching.created {
        let resource = resource(to, name).expect("created resources are the to model's");
        ops.push(Op::CreateTable {
            resource: name.clone(),
            table: Table::of(resource),
        });
    }
    let trigram = tables.iter().flatten().any(|op| {
        matches!(op, Op::CreateIndex { index, .. } if index.trigram)
            || matches!(op, Op::Rename { to: Named::Index(index), .. } if index.trigram)
    });
    if trigram {
        ops.push(Op::EnableTrigram);
    }
    ops.extend(tables.into_iter().flatten());
    if planner.problems.is_empty() {
        Ok(ops)
    } else {
        Err(planner.problems)
    }
}

struct Planner<'a> {
    from: &'a Project,
    to: &'a Project,
    matching: &'a Matching,
    direction: Direction,
    options: &'a Options,
    problems: Vec<Problem>,
    /// Checks of every table, run before anything changes.
    guards: Vec<Op>,
    /// Foreign keys to tables this change drops: they go before the tables do.
    early: Vec<Op>,
}

/// What one column is on each side.
struct Side<'a> {
    column: &'a Column,
    field: Option<&'a Field>,
}

impl<'a> Side<'a> {
    fn facts(&self) -> Facts<'a> {
        Facts {
            ty: &self.column.ty,
            field: self.field,
        }
    }
}

impl Planner<'_> {
    fn upgrade(&self) -> bool {
        self.direction == Direction::Upgrade
    }

    /// A change the planner will not write. The upgrade refuses what would lose data or
    /// leave rows without a value; a downgrade guards those instead, and refuses only what it
    /// could not order (a table name given up and taken again).
    fn refuse(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    fn table_of(project: &Project, name: &str) -> Option<String> {
        resource(project, name).map(|r| r.plural.clone())
    }

    /// Renames of kept tables. A name one table gives up and another takes in the same
    /// change (renames that chain or swap, a new table under a renamed table's old name) is
    /// refused: the indexes and constraints named after it would collide while both exist.
    fn table_renames(&mut self) -> Vec<Op> {
        let renames: Vec<(String, String)> = self
            .matching
            .kept
            .iter()
            .filter_map(|k| {
                let a = Self::table_of(self.from, &k.from)?;
                let b = Self::table_of(self.to, &k.to)?;
                (a != b).then_some((a, b))
            })
            .collect();
        let created: Vec<String> = self
            .matching
            .created
            .iter()
            .filter_map(|name| Self::table_of(self.to, name))
            .collect();
        for (old, new) in &renames {
            let taker = renames
                .iter()
                .find(|(_, b)| b == old)
                .map(|(a, _)| format!("the table {a}, renamed to {old}"))
                .or_else(|| {
                    created
                        .contains(old)
                        .then(|| format!("the new table {old}"))
                });
            if let Some(taker) = taker {
                self.refuse(
                    Problem::new(
                        "resources",
                        format!("the table name `{old}` is given up (the table becomes {new}) and taken again by {taker} in one change"),
                    )
                    .hint("split the change: apply the rename first, then the change that takes the old name"),
                );
            }
        }
        renames
            .into_iter()
            .map(|(from, to)| Op::RenameTable { from, to })
            .collect()
    }

    /// The steps that change one kept table in place; its guards and early steps are set
    /// aside on the planner.
    fn table(&mut self, pair: &Kept) -> Vec<Op> {
        let r1 = resource(self.from, &pair.from).expect("kept resources are the from model's");
        let r2 = resource(self.to, &pair.to).expect("kept resources are the to model's");
        let (t1, t2) = (Table::of(r1), Table::of(r2));
        let name = t2.name.clone();
        fn field<'r>(r: &'r Resource, c: &str) -> Option<&'r Field> {
            r.fields.iter().find(|f| f.name == c)
        }
        let to_name: BTreeMap<&str, &str> = pair
            .columns
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let tables: BTreeMap<String, String> = self
            .matching
            .kept
            .iter()
            .filter_map(|k| {
                Some((
                    Self::table_of(self.from, &k.from)?,
                    Self::table_of(self.to, &k.to)?,
                ))
            })
            .collect();

        // The phases of the table's change, in the order they run (see `steps`).
        let mut drops = Vec::new(); // from names: constraints, indexes, columns; NULL allowed
        let mut renames = Vec::new();
        let mut adds = Vec::new();
        let mut rewrites = Vec::new();
        let mut alters = Vec::new();
        let mut backfills = Vec::new();
        let mut finish = Vec::new(); // NOT NULL, defaults dropped, constraints and indexes made
        let mut names = Vec::new(); // indexes and constraints renamed to the convention

        let guard = |planner: &mut Self, check: Check| {
            planner.guards.push(Op::Guard {
                table: t1.name.clone(),
                check,
            });
        };

        // Keys, uniques and indexes first: the ones that go away are dropped before columns.
        for key in &t1.foreign_keys {
            let mapped = to_name.get(key.column.as_str()).and_then(|column| {
                let table = tables.get(&key.table)?;
                t2.foreign_keys.iter().find(|k| {
                    k.column == *column && k.table == *table && k.on_delete == key.on_delete
                })
            });
            match mapped {
                Some(k2) if k2.name != key.name => names.push(Op::Rename {
                    table: name.clone(),
                    from: key.name.clone(),
                    to: Named::ForeignKey(k2.clone()),
                }),
                Some(_) => {}
                None if !tables.contains_key(&key.table) => self.early.push(Op::DropForeignKey {
                    table: t1.name.clone(),
                    key: key.clone(),
                }),
                None => drops.push(Op::DropForeignKey {
                    table: name.clone(),
                    key: key.clone(),
                }),
            }
        }
        for unique in &t1.uniques {
            let mapped = to_name
                .get(unique.column.as_str())
                .and_then(|column| t2.uniques.iter().find(|u| u.column == *column));
            match mapped {
                Some(u2) if u2.name != unique.name => names.push(Op::Rename {
                    table: name.clone(),
                    from: unique.name.clone(),
                    to: Named::Unique(u2.clone()),
                }),
                Some(_) => {}
                None => drops.push(Op::DropUnique {
                    table: name.clone(),
                    unique: unique.clone(),
                }),
            }
        }
        for index in &t1.indexes {
            let columns: Option<Vec<&str>> = index
                .columns
                .iter()
                .map(|c| to_name.get(c.as_str()).copied())
                .collect();
            let mapped = columns.and_then(|columns| {
                t2.indexes.iter().find(|i| {
                    i.columns == columns && i.unique == index.unique && i.trigram == index.trigram
                })
            });
            match mapped {
                Some(i2) if i2.name != index.name => names.push(Op::Rename {
                    table: name.clone(),
                    from: index.name.clone(),
                    to: Named::Index(i2.clone()),
                }),
                Some(_) => {}
                None => drops.push(Op::DropIndex {
                    table: name.clone(),
                    index: index.clone(),
                }),
            }
        }
        if t1.primary_key != t2.primary_key {
            names.push(Op::Rename {
                table: name.clone(),
                from: t1.primary_key.clone(),
                to: Named::PrimaryKey(t2.primary_key.clone()),
            });
        }

        // Columns both tables have: renamed, converted, NULL allowed or not.
        for (c1, c2) in &pair.columns {
            let a = Side {
                column: t1.column(c1).expect("paired columns exist"),
                field: field(r1, c1),
            };
            let b = Side {
                column: t2.column(c2).expect("paired columns exist"),
                field: field(r2, c2),
            };
            if c1 != c2 {
                renames.push(Op::RenameColumn {
                    table: name.clone(),
                    from: c1.clone(),
                    to: c2.clone(),
                });
            }
            let tables = (t1.name.as_str(), name.as_str());
            self.convert(tables, r2, (c1, &a), (c2, &b), &mut rewrites, &mut alters);
            match (a.column.nullable, b.column.nullable) {
                (false, true) => drops.push(Op::SetNullable {
                    table: name.clone(),
                    column: c1.clone(),
                    ty: a.column.ty.clone(),
                    nullable: true,
                }),
                (true, false) => {
                    match b.field.and_then(|f| f.default.as_ref()) {
                        Some(default) => backfills.push(Op::Backfill {
                            table: name.clone(),
                            column: c2.clone(),
                            value: literal(default),
                        }),
                        None if self.upgrade()
                            && b.field.is_some_and(|f| f.references.is_none()) =>
                        {
                            self.refuse(
                                Problem::new(
                                    format!("resources.{}.fields.{c2}", r2.name),
                                    format!("`{c2}` becomes required, and it has no default for the rows where it is empty"),
                                )
                                .hint("give it a `default` (the empty rows get it; you may remove the default once applied), or keep it optional"),
                            );
                        }
                        None => guard(self, Check::NoNulls { column: c1.clone() }),
                    }
                    finish.push(Op::SetNullable {
                        table: name.clone(),
                        column: c2.clone(),
                        ty: b.column.ty.clone(),
                        nullable: false,
                    });
                }
                _ => {}
            }
        }

        // Columns only the old table has go; columns only the new one has come.
        for column in &t1.columns {
            if !to_name.contains_key(column.name.as_str()) {
                drops.push(Op::DropColumn {
                    table: name.clone(),
                    column: column.clone(),
                });
            }
        }
        for column in &t2.columns {
            if pair.columns.iter().any(|(_, c2)| *c2 == column.name) {
                continue;
            }
            let f2 = field(r2, &column.name);
            let tables = (t1.name.as_str(), name.as_str());
            self.add(tables, r2, column, f2, &mut adds, &mut finish);
        }

        // Uniques and indexes the new table has and the old one had not, and foreign keys.
        let existed = |column: &str| pair.columns.iter().find(|(_, c2)| c2 == column);
        for unique in &t2.uniques {
            let had = t1
                .uniques
                .iter()
                .any(|u| to_name.get(u.column.as_str()) == Some(&unique.column.as_str()));
            if !had {
                if let Some((c1, _)) = existed(&unique.column) {
                    guard(self, Check::NoDuplicates { column: c1.clone() });
                }
                finish.push(Op::AddUnique {
                    table: name.clone(),
                    unique: unique.clone(),
                });
            }
        }
        for index in &t2.indexes {
            let had = t1.indexes.iter().any(|i| {
                i.unique == index.unique
                    && i.trigram == index.trigram
                    && i.columns.len() == index.columns.len()
                    && i.columns
                        .iter()
                        .zip(&index.columns)
                        .all(|(a, b)| to_name.get(a.as_str()) == Some(&b.as_str()))
            });
            if !had {
                if index.unique
                    && let Some((c1, _)) = existed(&index.columns[0])
                {
                    guard(self, Check::NoDuplicates { column: c1.clone() });
                }
                finish.push(Op::CreateIndex {
                    table: name.clone(),
                    index: index.clone(),
                });
            }
        }
        for key in &t2.foreign_keys {
            let had = t1.foreign_keys.iter().any(|k| {
                to_name.get(k.column.as_str()) == Some(&key.column.as_str())
                    && tables.get(&k.table) == Some(&key.table)
                    && k.on_delete == key.on_delete
            });
            if !had {
                finish.push(Op::AddForeignKey {
                    table: name.clone(),
                    key: key.clone(),
                });
            }
        }

        // Drops in an order the database takes: keys, uniques and indexes before columns.
        drops.sort_by_key(|op| match op {
            Op::DropForeignKey { .. } => 0,
            Op::DropUnique { .. } => 1,
            Op::DropIndex { .. } => 2,
            Op::DropColumn { .. } => 3,
            _ => 4,
        });
        [
            drops, renames, adds, rewrites, alters, backfills, finish, names,
        ]
        .concat()
    }

    /// The conversion of a column's values: a type change, and what it loses.
    fn convert(
        &mut self,
        (from_table, table): (&str, &str),
        r2: &Resource,
        (c1, a): (&String, &Side),
        (c2, b): (&String, &Side),
        rewrites: &mut Vec<Op>,
        alters: &mut Vec<Op>,
    ) {
        let path = format!("resources.{}.fields.{c2}", r2.name);
        let conversion = convert::convert(&a.facts(), &b.facts(), c2);
        let lost = |loss: &Loss, column: &str| Check::NoneLost {
            column: column.to_owned(),
            lost: loss.lost(),
            values: loss.values.clone(),
        };
        match &conversion {
            Conversion::Same | Conversion::Lossless => {}
            Conversion::Unsupported => {
                let (x, y) = (a.facts().describe(), b.facts().describe());
                self.refuse(
                    Problem::new(format!("{path}.type"), format!("`{c2}` cannot change from {x} to {y} in place"))
                        .hint(format!("add a new field of the new type, copy the values over in a migration of your own, then remove `{c2}`")),
                );
            }
            Conversion::Checked(loss) => self.guards.push(Op::Guard {
                table: from_table.to_owned(),
                check: lost(loss, c1),
            }),
            Conversion::Lossy(loss) if !self.upgrade() => self.guards.push(Op::Guard {
                table: from_table.to_owned(),
                check: lost(loss, c1),
            }),
            Conversion::Lossy(loss) if !self.options.allow_lossy => {
                let (x, y) = (a.facts().describe(), b.facts().describe());
                self.refuse(
                    Problem::new(&path, format!("changing `{c2}` from {x} to {y} loses data: {} {}", loss.values, loss.fate))
                        .hint("allow lossy changes if that is what you want (apply --allow-lossy), or keep the field as it was"),
                );
            }
            Conversion::Lossy(loss) => {
                let fallback = match (b.field.and_then(|f| f.default.as_ref()), b.column.nullable) {
                    (Some(default), _) => convert::sql_string(&literal(default)),
                    (None, true) => "NULL".to_owned(),
                    (None, false) => {
                        if loss.needs_fallback() {
                            self.refuse(
                                Problem::new(&path, format!("changing `{c2}` replaces {}, and a required field without a default has nothing to put there", loss.values))
                                    .hint("give the field a `default` (those rows get it), or make it `optional: true`"),
                            );
                        }
                        "NULL".to_owned()
                    }
                };
                rewrites.push(Op::Note {
                    table: table.to_owned(),
                    text: format!("{} {}", loss.values, loss.fate),
                });
                for rewrite in &loss.rewrites {
                    rewrites.push(Op::Rewrite {
                        table: table.to_owned(),
                        column: c2.clone(),
                        rewrite: rewrite.clone(),
                        fallback: fallback.clone(),
                    });
                }
            }
        }
        if a.column.ty != b.column.ty {
            alters.push(Op::AlterType {
                table: table.to_owned(),
                column: c2.clone(),
                from: a.column.ty.clone(),
                to: b.column.ty.clone(),
                nullable: a.column.nullable || b.column.nullable,
                using: convert::using(&a.column.ty, &b.column.ty, &super::layout::ident(c2)),
            });
        }
    }

    /// A column only the new table has.
    fn add(
        &mut self,
        (from_table, table): (&str, &str),
        r2: &Resource,
        column: &Column,
        f2: Option<&Field>,
        adds: &mut Vec<Op>,
        finish: &mut Vec<Op>,
    ) {
        let name = &column.name;
        let plain = |column: &Column| Op::AddColumn {
            table: table.to_owned(),
            column: Column {
                nullable: true,
                ..column.clone()
            },
            backfill: None,
        };
        let not_null = Op::SetNullable {
            table: table.to_owned(),
            column: name.clone(),
            ty: column.ty.clone(),
            nullable: false,
        };
        if !self.upgrade() {
            // Back in the table, but without the values it had: only an empty table takes it.
            let empty = self.guards.iter_mut().find_map(|op| match op {
                Op::Guard {
                    table,
                    check: Check::Empty { columns },
                } if table == from_table => Some(columns),
                _ => None,
            });
            match empty {
                Some(columns) => columns.push(name.clone()),
                None => self.guards.push(Op::Guard {
                    table: from_table.to_owned(),
                    check: Check::Empty {
                        columns: vec![name.clone()],
                    },
                }),
            }
            adds.push(plain(column));
            if !column.nullable {
                finish.push(not_null);
            }
            return;
        }
        if column.nullable {
            adds.push(plain(column));
            return;
        }
        let path = format!("resources.{}", r2.name);
        let problem = match f2 {
            None => Problem::new(format!("{path}.owned"), format!("`{}` becomes owned, and its existing rows would have no owner", r2.name))
                .hint("keep `owned: false`, or add a new owned resource and copy the rows over in a migration of your own"),
            Some(f) if f.references.is_some() => Problem::new(format!("{path}.belongs_to"), format!("the new relation's `{name}` is required, and the existing rows would belong to nothing"))
                .hint("make the relation `optional: true`, fill it in, then make it required"),
            Some(f) if f.unique => Problem::new(format!("{path}.fields.{name}"), format!("`{name}` is new, unique and required: every existing row would get the same value"))
                .hint("make it `optional: true` (empty values do not collide), fill it in, then make it required"),
            Some(Field { default: Some(default), .. }) => {
                adds.push(Op::AddColumn {
                    table: table.to_owned(),
                    column: column.clone(),
                    backfill: Some(literal(default)),
                });
                finish.push(Op::DropServerDefault {
                    table: table.to_owned(),
                    column: name.clone(),
                    ty: column.ty.clone(),
                });
                return;
            }
            Some(_) => Problem::new(format!("{path}.fields.{name}"), format!("`{name}` is new and required, and the existing rows would have no value for it"))
                .hint("give it a `default` (the existing rows get it; you may remove the default once applied), or make it `optional: true`"),
        };
        self.refuse(problem);
    }
}
