//! The Python of a revision: each step as the Alembic operation that does it, laid out as
//! `ruff format` lays it out.
//!
//! One revision runs on SQLite and on PostgreSQL alike (a project develops on one and deploys
//! on the other): steps on a table's columns and constraints go through
//! `op.batch_alter_table`, which SQLite needs (it copies the table) and PostgreSQL runs as
//! plain `ALTER`s; the few steps that differ (renames of indexes and constraints, `pg_trgm`,
//! conditions SQLite spells without regular expressions) test the dialect where they run.

use crate::model::Project;
use crate::python;
use crate::render::Renderer;

use super::convert::{Condition, SetTo};
use super::layout::*;
use super::ops::{Check, Named, Op};
use super::schema::{ForeignKey, TableIndex};

const ON_POSTGRESQL: &str = "    if op.get_bind().dialect.name == \"postgresql\":";

/// SQL that reads the same on both databases, or an `if` on the dialect. `statement` writes
/// the step at the indent it is given.
fn per_dialect(condition: &Condition, statement: impl Fn(&str, usize) -> String) -> Vec<String> {
    if !condition.is_split() {
        return vec![statement(&condition.postgresql, 4)];
    }
    vec![
        ON_POSTGRESQL.to_owned(),
        statement(&condition.postgresql, 8),
        "    else:".to_owned(),
        statement(&condition.sqlite, 8),
    ]
}

/// The body of `upgrade()` or `downgrade()`, and what the module needs for it.
pub(crate) struct Body {
    pub lines: Vec<String>,
    /// The body refers to `sa` (the module imports sqlalchemy).
    pub uses_sa: bool,
    /// The body calls the guard helper.
    pub guards: bool,
}

/// Renders steps whose tables come from `from` (dropped) and `to` (created).
pub(crate) fn body(ops: &[Op], from: &Project, to: &Project, renderer: &Renderer) -> Body {
    let mut out = Body {
        lines: Vec::new(),
        uses_sa: false,
        guards: false,
    };
    let mut i = 0;
    let mut section = None;
    while i < ops.len() {
        let op = &ops[i];
        // A blank line between the guards, each whole table, and each changed table.
        let this = match op {
            Op::Guard { .. } => Some("guards".to_owned()),
            Op::CreateTable { table, .. } | Op::DropTable { table, .. } => {
                Some(format!("table {}", table.name))
            }
            Op::RenameTable { .. } | Op::EnableTrigram => Some("tables".to_owned()),
            other => other.table().map(str::to_owned),
        };
        if section.is_some() && section != this {
            out.lines.push(String::new());
        }
        section = this;
        // Consecutive steps on one table's columns and constraints share one batch.
        if let Some(table) = batched(op) {
            let mut lines = Vec::new();
            while i < ops.len() && batched(&ops[i]) == Some(table) {
                lines.push(batch_line(&ops[i], &mut out.uses_sa));
                i += 1;
            }
            out.lines.push(batch_block(table, &lines));
            continue;
        }
        if let Op::Rename { table, .. } = op {
            let mut renames = Vec::new();
            while let Some(Op::Rename {
                table: other,
                from,
                to,
            }) = ops.get(i)
                && other == table
            {
                renames.push((from.as_str(), to));
                i += 1;
            }
            out.lines.push(renames_block(table, &renames));
            continue;
        }
        let text = step(op, from, to, renderer, &mut out);
        out.lines.push(text);
        i += 1;
    }
    out
}

/// The table of a step that runs in a batch.
fn batched(op: &Op) -> Option<&str> {
    match op {
        Op::AddColumn { backfill: None, .. }
        | Op::DropColumn { .. }
        | Op::AlterType { .. }
        | Op::SetNullable { .. }
        | Op::DropServerDefault { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. }
        | Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. } => op.table(),
        _ => None,
    }
}

fn batch_block(table: &str, lines: &[String]) -> String {
    format!(
        "    with op.batch_alter_table({}) as batch_op:\n{}",
        python::string(table),
        lines.join("\n")
    )
}

fn create_index(index: &TableIndex) -> Vec<Arg> {
    let mut args = vec![
        named(&index.name),
        columns(&index.columns),
        code(format!(
            "unique={}",
            if index.unique { "True" } else { "False" }
        )),
    ];
    if index.trigram {
        args.push(code("postgresql_using=\"gin\""));
        args.push(code(format!(
            "postgresql_ops={{{}: \"gin_trgm_ops\"}}",
            python::string(&index.columns[0])
        )));
    }
    args
}

fn create_foreign_key(key: &ForeignKey) -> Vec<Arg> {
    vec![
        named(&key.name),
        string(key.table.clone()),
        columns(std::slice::from_ref(&key.column)),
        code("[\"id\"]"),
        code(format!(
            "ondelete=\"{}\"",
            crate::context::on_delete_sql(key.on_delete)
        )),
    ]
}

/// One step inside `with op.batch_alter_table(...) as batch_op:`.
fn batch_line(op: &Op, uses_sa: &mut bool) -> String {
    let call =
        |func: &str, args: Vec<Arg>| format_call(8, "", &format!("batch_op.{func}"), &args, "");
    match op {
        Op::DropForeignKey { key, .. } => call(
            "drop_constraint",
            vec![named(&key.name), code("type_=\"foreignkey\"")],
        ),
        Op::DropUnique { unique, .. } => call(
            "drop_constraint",
            vec![named(&unique.name), code("type_=\"unique\"")],
        ),
        Op::DropIndex { index, .. } => call("drop_index", vec![named(&index.name)]),
        Op::DropColumn { column, .. } => call("drop_column", vec![string(column.name.clone())]),
        Op::SetNullable {
            column,
            ty,
            nullable,
            ..
        } => {
            *uses_sa = true;
            call(
                "alter_column",
                vec![
                    string(column.clone()),
                    code(format!("existing_type={}", ty.python())),
                    code(format!(
                        "nullable={}",
                        if *nullable { "True" } else { "False" }
                    )),
                ],
            )
        }
        Op::AddColumn { column, .. } => {
            *uses_sa = true;
            let nullable = if column.nullable { "True" } else { "False" };
            call(
                "add_column",
                vec![Arg::Call(
                    "sa.Column".into(),
                    vec![
                        string(column.name.clone()),
                        code(column.ty.python()),
                        code(format!("nullable={nullable}")),
                    ],
                )],
            )
        }
        Op::AlterType {
            column,
            from,
            to,
            nullable,
            using,
            ..
        } => {
            *uses_sa = true;
            let mut args = vec![
                string(column.clone()),
                code(format!("existing_type={}", from.python())),
                code(format!("type_={}", to.python())),
                code(format!(
                    "existing_nullable={}",
                    if *nullable { "True" } else { "False" }
                )),
            ];
            if let Some(using) = using {
                args.push(code(format!("postgresql_using={}", python::string(using))));
            }
            call("alter_column", args)
        }
        Op::DropServerDefault { column, ty, .. } => {
            *uses_sa = true;
            call(
                "alter_column",
                vec![
                    string(column.clone()),
                    code(format!("existing_type={}", ty.python())),
                    code("server_default=None"),
                ],
            )
        }
        Op::CreateIndex { index, .. } => call("create_index", create_index(index)),
        Op::AddUnique { unique, .. } => call(
            "create_unique_constraint",
            vec![
                named(&unique.name),
                columns(std::slice::from_ref(&unique.column)),
            ],
        ),
        Op::AddForeignKey { key, .. } => call("create_foreign_key", create_foreign_key(key)),
        _ => unreachable!("only batched steps run in a batch"),
    }
}

/// Indexes and constraints renamed to the convention: `ALTER ... RENAME` on PostgreSQL (no
/// rebuild); dropped and made again under the new name on SQLite, which renames neither.
fn renames_block(table: &str, renames: &[(&str, &Named)]) -> String {
    let mut postgresql = Vec::new();
    let mut sqlite = Vec::new();
    for (from, to) in renames {
        let sql = match to {
            Named::Index(_) => format!("ALTER INDEX {from} RENAME TO {}", to.name()),
            _ => format!(
                "ALTER TABLE {} RENAME CONSTRAINT {from} TO {}",
                ident(table),
                to.name()
            ),
        };
        postgresql.push(format_call(8, "", "op.execute", &[string(sql)], ""));
        let call = |func: &str, args: Vec<Arg>| {
            format_call(12, "", &format!("batch_op.{func}"), &args, "")
        };
        // SQLite renames nothing but tables and columns: drop, then create under the new name.
        let drop = |kind: &str| {
            call(
                "drop_constraint",
                vec![named(from), code(format!("type_=\"{kind}\""))],
            )
        };
        let (dropped, created) = match to {
            Named::Index(index) => (
                call("drop_index", vec![named(from)]),
                call("create_index", create_index(index)),
            ),
            Named::Unique(unique) => (
                drop("unique"),
                call(
                    "create_unique_constraint",
                    vec![
                        named(&unique.name),
                        columns(std::slice::from_ref(&unique.column)),
                    ],
                ),
            ),
            Named::ForeignKey(key) => (
                drop("foreignkey"),
                call("create_foreign_key", create_foreign_key(key)),
            ),
            Named::PrimaryKey(name) => (
                drop("primary"),
                call("create_primary_key", vec![named(name), code("[\"id\"]")]),
            ),
        };
        sqlite.extend([dropped, created]);
    }
    format!(
        "{ON_POSTGRESQL}\n{}\n    else:\n        with op.batch_alter_table({}) as batch_op:\n{}",
        postgresql.join("\n"),
        python::string(table),
        sqlite.join("\n")
    )
}

/// `UPDATE table SET column = value WHERE column IS NOT NULL AND (condition)`.
fn update(table: &str, column: &str, value: &str, condition: &str) -> String {
    format!(
        "UPDATE {} SET {} = {value} WHERE {} IS NOT NULL AND ({condition})",
        ident(table),
        ident(column),
        ident(column)
    )
}

/// A step that runs on its own (not in a batch).
fn step(op: &Op, from: &Project, to: &Project, renderer: &Renderer, out: &mut Body) -> String {
    let execute = |sql: String, indent: usize| {
        format_call(indent, "", "op.execute", &[string(text_sql(&sql))], "")
    };
    match op {
        Op::Guard { table, check } => {
            out.guards = true;
            guard(table, check)
        }
        Op::Note { text, .. } => wrap_comment(4, &format!("Lossy, as allowed: {text}.")),
        Op::CreateTable { resource, .. } => {
            out.uses_sa = true;
            table_partial(renderer, "partials/create_table.py.tera", to, resource)
        }
        Op::DropTable { resource, .. } => {
            table_partial(renderer, "partials/drop_table.py.tera", from, resource)
        }
        Op::RenameTable { from, to } => {
            // A serial column's sequence is named after its table on PostgreSQL.
            let rename = format_call(
                4,
                "",
                "op.rename_table",
                &[string(from.clone()), string(to.clone())],
                "",
            );
            let sequence = format_call(
                8,
                "",
                "op.execute",
                &[string(format!(
                    "ALTER SEQUENCE IF EXISTS {from}_id_seq RENAME TO {to}_id_seq"
                ))],
                "",
            );
            format!("{rename}\n{ON_POSTGRESQL}\n{sequence}")
        }
        Op::EnableTrigram => format!(
            "{ON_POSTGRESQL}\n        # Trigram indexes serve `ILIKE '%...%'` searches (elsewhere a plain index).\n        op.execute(\"CREATE EXTENSION IF NOT EXISTS pg_trgm\")"
        ),
        Op::AddColumn {
            table,
            column,
            backfill: Some(value),
        } => {
            // Outside a batch: SQLite adds a NOT NULL column with a constant default in place.
            out.uses_sa = true;
            format_call(
                4,
                "",
                "op.add_column",
                &[
                    string(table.clone()),
                    Arg::Call(
                        "sa.Column".into(),
                        vec![
                            string(column.name.clone()),
                            code(column.ty.python()),
                            code(format!("server_default={}", python::string(value))),
                            code("nullable=False"),
                        ],
                    ),
                ],
                "",
            )
        }
        Op::RenameColumn { table, from, to } => format_call(
            4,
            "",
            "op.alter_column",
            &[
                string(table.clone()),
                string(from.clone()),
                code(format!("new_column_name={}", python::string(to))),
            ],
            "",
        ),
        Op::Rewrite {
            table,
            column,
            rewrite,
            fallback,
        } => {
            let value = match &rewrite.set {
                SetTo::Expression(expression) => expression.replace("{c}", &ident(column)),
                SetTo::Fallback => fallback.clone(),
            };
            per_dialect(&rewrite.when.on(&ident(column)), |condition, indent| {
                execute(update(table, column, &value, condition), indent)
            })
            .join("\n")
        }
        Op::Backfill {
            table,
            column,
            value,
        } => execute(
            format!(
                "UPDATE {} SET {} = {} WHERE {} IS NULL",
                ident(table),
                ident(column),
                super::convert::sql_string(value),
                ident(column)
            ),
            4,
        ),
        _ => unreachable!("batched steps and renames are grouped"),
    }
}

/// A create-table or drop-table partial, as `add-resource` and `remove-resource` render it.
fn table_partial(renderer: &Renderer, template: &str, project: &Project, name: &str) -> String {
    let resource = project
        .resources
        .iter()
        .find(|r| r.name == name)
        .expect("a created or dropped resource is in its model");
    let context = crate::context::migration(project, resource, "", "");
    let text = renderer
        .render(template, &context)
        .expect("the embedded table partials render");
    text.trim_matches('\n').to_owned()
}

/// A guard: the count of rows the check finds, and the message it stops with.
fn guard(table: &str, check: &Check) -> String {
    let t = ident(table);
    let (count, message) = match check {
        Check::NoneLost {
            column,
            lost,
            values,
        } => {
            let c = ident(column);
            let lost = lost.on(&c);
            let select = |condition: &str| {
                format!("SELECT count(*) FROM {t} WHERE {c} IS NOT NULL AND ({condition})")
            };
            (
                Condition {
                    postgresql: select(&lost.postgresql),
                    sqlite: select(&lost.sqlite),
                },
                format!("row(s) of {table} hold {values}: change or delete them first"),
            )
        }
        Check::Empty { columns } => (
            Condition::same(format!("SELECT count(*) FROM {t}")),
            format!(
                "row(s) in {table} would get {} back without the values the upgrade dropped: restore them from a backup, or delete the rows",
                ticked(columns)
            ),
        ),
        Check::NoNulls { column } => (
            Condition::same(format!(
                "SELECT count(*) FROM {t} WHERE {} IS NULL",
                ident(column)
            )),
            format!(
                "row(s) of {table} have no `{column}`, which becomes required: fill it in first"
            ),
        ),
        Check::NoDuplicates { column } => {
            let c = ident(column);
            (
                Condition::same(format!(
                    "SELECT count(*) FROM (SELECT {c} FROM {t} WHERE {c} IS NOT NULL GROUP BY {c} HAVING count(*) > 1) AS duplicated"
                )),
                format!(
                    "value(s) of `{column}` are held by more than one row of {table}, and it becomes unique: make them unique first"
                ),
            )
        }
    };
    per_dialect(&count, |sql, indent| {
        format_call(
            indent,
            "",
            "_stop_if_any",
            &[string(text_sql(sql)), string(message.clone())],
            "",
        )
    })
    .join("\n")
}

/// `# text`, wrapped at the line length.
fn wrap_comment(indent: usize, text: &str) -> String {
    wrap(text, python::LINE_LENGTH - indent - 2)
        .iter()
        .map(|line| format!("{}# {line}", " ".repeat(indent)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Words in lines of at most `width` characters.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// One line of a change's summary, for the steps a reader cares about.
pub(crate) fn describe(op: &Op) -> Option<String> {
    let text = match op {
        Op::CreateTable { resource, table } => {
            format!("create table {} (resource `{resource}`)", table.name)
        }
        Op::DropTable { resource, table } => format!(
            "drop table {} and its rows (resource `{resource}`)",
            table.name
        ),
        Op::RenameTable { from, to } => format!("rename table {from} to {to}, rows kept"),
        Op::AddColumn {
            table,
            column,
            backfill,
        } => match backfill {
            Some(value) => format!(
                "{table}: add column {} (existing rows get {})",
                column.name,
                shown(&column.ty, value)
            ),
            None => format!("{table}: add column {}", column.name),
        },
        Op::DropColumn { table, column } => {
            format!("{table}: drop column {} and its values", column.name)
        }
        Op::RenameColumn { table, from, to } => {
            format!("{table}: rename column {from} to {to}, values kept")
        }
        Op::AlterType {
            table, column, to, ..
        } => format!("{table}: {column} becomes {}", to.postgresql()),
        Op::SetNullable {
            table,
            column,
            nullable,
            ..
        } => format!(
            "{table}: {column} becomes {}",
            if *nullable { "optional" } else { "required" }
        ),
        Op::Backfill {
            table,
            column,
            value,
        } => format!("{table}: empty {column} values get `{value}`"),
        Op::Note { table, text } => format!("{table}: {text} (lossy, as allowed)"),
        Op::Guard {
            table,
            check: Check::NoneLost { values, .. },
        } => format!("{table}: stops while rows hold {values}"),
        Op::CreateIndex { table, index } => format!("{table}: add index {}", index.name),
        Op::DropIndex { table, index } => format!("{table}: drop index {}", index.name),
        Op::AddUnique { table, unique } => format!("{table}: add unique {}", unique.name),
        Op::DropUnique { table, unique } => format!("{table}: drop unique {}", unique.name),
        Op::AddForeignKey { table, key } => format!("{table}: add foreign key {}", key.name),
        Op::DropForeignKey { table, key } => format!("{table}: drop foreign key {}", key.name),
        Op::Rename { table, from, to } => format!("{table}: rename {from} to {}", to.name()),
        Op::Guard { .. }
        | Op::EnableTrigram
        | Op::Rewrite { .. }
        | Op::DropServerDefault { .. } => return None,
    };
    Some(text)
}

/// `a`, `b` and `c`.
fn ticked(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A default as the spec writes it: `false` rather than the `0` a database stores.
fn shown(ty: &super::schema::SqlType, value: &str) -> String {
    match (ty, value) {
        (super::schema::SqlType::Boolean, "1") => "true".into(),
        (super::schema::SqlType::Boolean, "0") => "false".into(),
        _ => format!("`{value}`"),
    }
}

/// The helper every guard calls, defined once in a revision that has guards.
pub(crate) const GUARD_HELPER: &str = "def _stop_if_any(count_sql: str, message: str) -> None:
    \"\"\"Stop the migration, before it changes anything, when the count is not zero.

    `alembic upgrade --sql` writes SQL with no database: there is nothing to count.
    \"\"\"
    if context.is_offline_mode():
        return
    count = op.get_bind().execute(sa.text(count_sql)).scalar_one()
    if count:
        msg = f\"{count} {message}\"
        raise RuntimeError(msg)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_laid_out_as_ruff_format_does() {
        let short = format_call(4, "", "op.f", &[string("x")], "");
        assert_eq!(short, "    op.f(\"x\")");
        let column = Arg::Call(
            "sa.Column".into(),
            vec![
                string("a_rather_long_column_name"),
                code("sa.String(length=2000)"),
                code("nullable=True"),
            ],
        );
        assert_eq!(
            format_call(8, "", "batch_op.add_column", &[column], ""),
            "        batch_op.add_column(\n            sa.Column(\n                \"a_rather_long_column_name\", sa.String(length=2000), nullable=True\n            )\n        )"
        );
        let sql = "UPDATE tasks SET title = substr(title, 1, 10) WHERE title IS NOT NULL AND (length(title) > 10)";
        let text = format_call(4, "", "op.execute", &[string(sql)], "");
        assert!(
            text.starts_with("    op.execute(\n        \"UPDATE tasks"),
            "{text}"
        );
        assert!(text.lines().all(fits), "{text}");
        assert_eq!(text.lines().count(), 4);
    }

    #[test]
    fn colons_that_sqlalchemy_would_bind_are_escaped() {
        assert_eq!(
            text_sql("UPDATE t SET a = 'at :noon' WHERE b = '09:30'"),
            "UPDATE t SET a = 'at \\:noon' WHERE b = '09:30'"
        );
        assert_eq!(text_sql("trim(a)::bigint"), "trim(a)::bigint");
    }

    #[test]
    fn reserved_words_are_quoted() {
        assert_eq!(ident("order"), "\"order\"");
        assert_eq!(ident("title"), "title");
    }
}
