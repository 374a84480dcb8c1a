//! Laying out the Python of a revision as `ruff format` would: calls split where a line
//! would pass 88 columns (long strings split too), names SQL reserves quoted, and SQL made
//! safe for `sa.text()`.

use crate::python;

/// An argument of a call, as `format_call` lays it out.
pub(super) enum Arg {
    /// Code kept on one line (a name, a number, a short expression).
    Code(String),
    /// A string literal, split into implicitly concatenated parts when too long.
    Str(String),
    /// A call, split like the outer one when too long.
    Call(String, Vec<Arg>),
}

pub(super) fn code(text: impl Into<String>) -> Arg {
    Arg::Code(text.into())
}

pub(super) fn string(text: impl Into<String>) -> Arg {
    Arg::Str(text.into())
}

impl Arg {
    fn flat(&self) -> String {
        match self {
            Arg::Code(text) => text.clone(),
            Arg::Str(text) => python::string(text),
            Arg::Call(func, args) => format!("{func}({})", flat(args)),
        }
    }
}

pub(super) fn flat(args: &[Arg]) -> String {
    args.iter().map(Arg::flat).collect::<Vec<_>>().join(", ")
}

pub(super) fn fits(line: &str) -> bool {
    line.chars().count() <= python::LINE_LENGTH
}

/// An argument at `indent`, followed by `suffix`.
pub(super) fn format_arg(indent: usize, arg: &Arg, suffix: &str) -> String {
    let pad = " ".repeat(indent);
    let line = format!("{pad}{}{suffix}", arg.flat());
    if fits(&line) {
        return line;
    }
    match arg {
        Arg::Code(_) => line,
        Arg::Call(func, args) => format_call(indent, "", func, args, suffix),
        Arg::Str(text) => {
            // Parts cut at spaces, each on its line; ruff format keeps such a concatenation.
            let room = python::LINE_LENGTH - indent - suffix.len();
            let mut parts: Vec<String> = Vec::new();
            let mut current = String::new();
            for word in text.split_inclusive(' ') {
                let longer = format!("{current}{word}");
                if !current.is_empty() && python::string(&longer).chars().count() > room {
                    parts.push(std::mem::take(&mut current));
                }
                current.push_str(word);
            }
            parts.push(current);
            let lines: Vec<String> = parts
                .iter()
                .map(|part| format!("{pad}{}", python::string(part)))
                .collect();
            format!("{}{suffix}", lines.join("\n"))
        }
    }
}

/// `head` then a call, laid out as ruff format does: on one line when it fits; a single
/// argument that is a call or a string on lines of its own; else the arguments on one
/// indented line, or one a line with a trailing comma.
pub(super) fn format_call(
    indent: usize,
    head: &str,
    func: &str,
    args: &[Arg],
    suffix: &str,
) -> String {
    let pad = " ".repeat(indent);
    let line = format!("{pad}{head}{func}({}){suffix}", flat(args));
    if fits(&line) || args.is_empty() {
        return line;
    }
    let open = format!("{pad}{head}{func}(\n");
    let close = format!("\n{pad}){suffix}");
    if let [only] = args
        && !matches!(only, Arg::Code(_))
    {
        return format!("{open}{}{close}", format_arg(indent + 4, only, ""));
    }
    let hugged = format!("{pad}    {}", flat(args));
    if fits(&hugged) {
        return format!("{open}{hugged}{close}");
    }
    let lines: Vec<String> = args
        .iter()
        .map(|a| format_arg(indent + 4, a, ","))
        .collect();
    format!("{open}{}{close}", lines.join("\n"))
}

/// Words SQL reserves on PostgreSQL or SQLite: a table or column so named is quoted in the
/// SQL a revision writes.
pub(super) const RESERVED: &[&str] = &[
    "abort",
    "action",
    "add",
    "after",
    "all",
    "alter",
    "always",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "attach",
    "authorization",
    "autoincrement",
    "before",
    "begin",
    "between",
    "binary",
    "both",
    "by",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "commit",
    "concurrently",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "database",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "do",
    "drop",
    "each",
    "else",
    "end",
    "escape",
    "except",
    "exclude",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "false",
    "fetch",
    "filter",
    "first",
    "following",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "generated",
    "glob",
    "grant",
    "group",
    "groups",
    "having",
    "if",
    "ignore",
    "ilike",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "last",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "match",
    "materialized",
    "natural",
    "no",
    "not",
    "nothing",
    "notnull",
    "null",
    "nulls",
    "of",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "others",
    "outer",
    "over",
    "overlaps",
    "partition",
    "placing",
    "plan",
    "pragma",
    "preceding",
    "primary",
    "query",
    "raise",
    "range",
    "recursive",
    "references",
    "regexp",
    "reindex",
    "release",
    "rename",
    "replace",
    "restrict",
    "returning",
    "right",
    "rollback",
    "row",
    "rows",
    "savepoint",
    "select",
    "session_user",
    "set",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "temp",
    "temporary",
    "then",
    "ties",
    "to",
    "trailing",
    "transaction",
    "trigger",
    "true",
    "unbounded",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "vacuum",
    "values",
    "variadic",
    "verbose",
    "view",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "without",
];

/// A table or column name in SQL: quoted when SQL reserves the word.
pub(crate) fn ident(name: &str) -> String {
    if RESERVED.contains(&name) {
        format!("\"{name}\"")
    } else {
        name.to_owned()
    }
}

/// SQL for `sa.text()` (which `op.execute` uses too): a `:name` that SQLAlchemy would take
/// for a bind parameter (in a string literal: `'at :noon'`) is escaped as `\\:name`. The rule is
/// SQLAlchemy's own: a colon not after a word character, a colon or a backslash, and before a
/// word character, not followed by a colon (so `::integer` casts and `09:30` stay as they are).
pub(super) fn text_sql(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(sql.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let name = chars[i + 1..].iter().take_while(|c| word(**c)).count();
        let after_name = chars.get(i + 1 + name).copied();
        if c == ':'
            && before.is_none_or(|b| !word(b) && b != ':' && b != '\\')
            && name > 0
            && after_name != Some(':')
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `op.f("name")`: a name the naming convention already gave.
pub(super) fn named(name: &str) -> Arg {
    code(format!("op.f({})", python::string(name)))
}

pub(super) fn columns(names: &[String]) -> Arg {
    let quoted: Vec<String> = names.iter().map(|c| python::string(c)).collect();
    code(format!("[{}]", quoted.join(", ")))
}
