//! Writing Python source text the way `ruff format` would lay it out, so that generated code
//! passes `ruff format --check` without running ruff at generation time.

/// The line length of generated projects (ruff's default, set in their pyproject.toml too).
pub(crate) const LINE_LENGTH: usize = 88;

/// A Python string literal in double quotes, as ruff format writes it.
pub(crate) fn string(value: &str) -> String {
    // ruff keeps double quotes unless that would need more escapes than single quotes.
    let quote = if value.matches('"').count() > value.matches('\'').count() {
        '\''
    } else {
        '"'
    };
    let mut out = String::with_capacity(value.len() + 2);
    out.push(quote);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Control characters, and non-ASCII punctuation, spaces and symbols (an en
            // dash, a curly quote, U+2028): these look like ASCII ones, or like nothing, and
            // ruff refuses them in a string (RUF001). Letters stay as they are.
            c if c.is_control() || (!c.is_ascii() && !c.is_alphanumeric()) => {
                out.push_str(&escaped(c));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `c` as a Python escape sequence: `\u2013`, or `\U0001f600` beyond the BMP.
fn escaped(c: char) -> String {
    let code = c as u32;
    if code > 0xffff {
        format!("\\U{code:08x}")
    } else {
        format!("\\u{code:04x}")
    }
}

/// `head` then a string, on one line when it fits, else as parenthesized implicit
/// concatenation of chunks split at spaces (ruff format neither splits nor joins those).
pub(crate) fn long_string(indent: usize, head: &str, value: &str, suffix: &str) -> String {
    let pad = " ".repeat(indent);
    let line = format!("{pad}{head}{}{suffix}", string(value));
    if line.chars().count() <= LINE_LENGTH {
        return line;
    }
    let inner = " ".repeat(indent + 4);
    let room = LINE_LENGTH - indent - 4 - 2;
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in value.split_inclusive(' ') {
        if !current.is_empty() && string(&format!("{current}{word}")).chars().count() > room + 2 {
            chunks.push(std::mem::take(&mut current));
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    let mut out = format!("{pad}{head}(\n");
    for chunk in chunks {
        out.push_str(&format!("{inner}{}\n", string(&chunk)));
    }
    out.push_str(&format!("{pad}){suffix}"));
    out
}

/// A TOML basic string (double quotes, backslash escapes).
pub(crate) fn toml_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A call statement or expression laid out as ruff format does: on one line when it fits, else
/// the arguments on one indented line, else one argument a line with a trailing comma.
///
/// `indent` is in spaces; `head` is what comes before the call (`title: str = `), `suffix` what
/// follows it (`,` for an item of an enclosing call).
pub(crate) fn call(indent: usize, head: &str, func: &str, args: &[String], suffix: &str) -> String {
    let pad = " ".repeat(indent);
    let joined = args.join(", ");
    let one_line = format!("{pad}{head}{func}({joined}){suffix}");
    if one_line.chars().count() <= LINE_LENGTH || args.is_empty() {
        return one_line;
    }
    let inner_pad = " ".repeat(indent + 4);
    let hugged = format!("{inner_pad}{joined}");
    // A single argument that is itself too long is not split further here; callers keep
    // arguments short (names and literals).
    if hugged.chars().count() <= LINE_LENGTH && !(args.len() == 1 && args[0].ends_with(')')) {
        return format!("{pad}{head}{func}(\n{hugged}\n{pad}){suffix}");
    }
    let mut out = format!("{pad}{head}{func}(\n");
    for arg in args {
        out.push_str(&format!("{inner_pad}{arg},\n"));
    }
    out.push_str(&format!("{pad}){suffix}"));
    out
}

/// Whether `declaration` writes a `Field(...)` call for these arguments (so the module imports
/// `Field`).
pub(crate) fn calls_field(args: &[String]) -> bool {
    !matches!(args, [] | [_]) || args.first().is_some_and(|a| !a.starts_with("default="))
}

/// `    name: type = Field(args)`, or `= value` when the only argument is the default.
pub(crate) fn declaration(name: &str, annotation: &str, args: &[String]) -> String {
    let head = format!("{name}: {annotation}");
    match args {
        [] => format!("    {head}"),
        [only] if only.starts_with("default=") => {
            let value = &only["default=".len()..];
            let line = format!("    {head} = {value}");
            if line.chars().count() <= LINE_LENGTH {
                line
            } else {
                format!("    {head} = (\n        {value}\n    )")
            }
        }
        _ => call(4, &format!("{head} = "), "Field", args, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_non_ascii_punctuation_but_not_letters() {
        assert_eq!(
            string("Prix \u{2013} l\u{2019}article"),
            r#""Prix \u2013 l\u2019article""#
        );
        assert_eq!(string("Tâches \u{1f600}"), "\"Tâches \\U0001f600\"");
        assert_eq!(string("a\u{2028}b"), r#""a\u2028b""#);
    }

    #[test]
    fn strings_use_double_quotes_and_escape() {
        assert_eq!(string("it's"), "\"it's\"");
        assert_eq!(string("say \"hi\"\n"), "'say \"hi\"\\n'");
        // Fewer escapes with single quotes (more double quotes than single ones): single
        // quotes, as ruff writes it; as many: double quotes.
        assert_eq!(string("it's \"x\""), "'it\\'s \"x\"'");
        assert_eq!(string("'a' \"b\""), "\"'a' \\\"b\\\"\"");
    }

    #[test]
    fn long_strings_are_split_at_spaces() {
        let text = "word ".repeat(30);
        let out = long_string(8, "description=", text.trim_end(), ",");
        assert!(out.starts_with("        description=(\n            \"word word"));
        assert!(out.ends_with("\n        ),"));
        assert!(
            out.lines().all(|l| l.chars().count() <= LINE_LENGTH),
            "{out}"
        );
        assert_eq!(long_string(4, "x=", "short", ""), "    x=\"short\"");
    }

    #[test]
    fn toml_strings_escape_quotes_and_backslashes() {
        assert_eq!(toml_string(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
    }

    #[test]
    fn short_calls_stay_on_one_line() {
        let args = vec!["max_length=200".to_owned()];
        assert_eq!(
            call(4, "title: str = ", "Field", &args, ""),
            "    title: str = Field(max_length=200)"
        );
    }

    #[test]
    fn long_calls_hug_their_arguments() {
        let args = vec![
            "default=TaskPriority.MEDIUM".to_owned(),
            "sa_type=enum_column(TaskPriority)".to_owned(),
        ];
        assert_eq!(
            call(4, "priority: TaskPriority = ", "Field", &args, ""),
            "    priority: TaskPriority = Field(\n        default=TaskPriority.MEDIUM, sa_type=enum_column(TaskPriority)\n    )"
        );
    }

    #[test]
    fn very_long_calls_take_one_argument_a_line() {
        let args: Vec<String> = (0..6)
            .map(|i| format!("argument_number_{i}=value_{i}"))
            .collect();
        let text = call(8, "", "sa.Column", &args, ",");
        assert!(text.starts_with("        sa.Column(\n            argument_number_0=value_0,\n"));
        assert!(text.ends_with("\n        ),"));
    }
}

/// The standard-library modules generated code imports from (isort's first section).
const STDLIB: &[&str] = &[
    "collections",
    "collections.abc",
    "contextlib",
    "dataclasses",
    "datetime",
    "functools",
    "decimal",
    "enum",
    "json",
    "logging",
    "os",
    "pathlib",
    "time",
    "typing",
    "urllib",
    "urllib.parse",
    "uuid",
    "asyncio",
    "hashlib",
    "hmac",
    "math",
    "shutil",
];

/// An import block, sorted and grouped the way ruff's isort rules want it: standard library,
/// third party, then `app`; `import x` before `from x import y` within a group.
#[derive(Debug, Default, Clone)]
pub struct Imports {
    modules: std::collections::BTreeSet<(u8, String)>,
    names: std::collections::BTreeMap<(u8, String), std::collections::BTreeSet<String>>,
}

impl Imports {
    /// `from module import name`, or `import module` when `name` is empty.
    pub fn add(&mut self, module: &str, name: &str) -> &mut Self {
        let group = if module == "app" || module.starts_with("app.") {
            2
        } else if STDLIB.contains(&module) {
            0
        } else {
            1
        };
        if name.is_empty() {
            self.modules.insert((group, module.to_owned()));
        } else {
            self.names
                .entry((group, module.to_owned()))
                .or_default()
                .insert(name.to_owned());
        }
        self
    }

    pub fn render(&self) -> String {
        let mut groups: Vec<String> = Vec::new();
        for group in 0..3u8 {
            let mut lines = Vec::new();
            let mut modules: Vec<&String> = self
                .modules
                .iter()
                .filter(|(g, _)| *g == group)
                .map(|(_, m)| m)
                .collect();
            modules.sort_by(|a, b| natural_cmp(a, b));
            lines.extend(modules.into_iter().map(|m| format!("import {m}")));
            let mut froms: Vec<(&String, &std::collections::BTreeSet<String>)> = self
                .names
                .iter()
                .filter(|((g, _), _)| *g == group)
                .map(|((_, m), n)| (m, n))
                .collect();
            froms.sort_by(|a, b| natural_cmp(a.0, b.0));
            for (module, names) in froms {
                // `x as y` stands alone (isort's combine-as-imports is off), after the rest.
                let (aliased, plain): (Vec<&String>, Vec<&String>) =
                    names.iter().partition(|n| n.contains(" as "));
                let mut plain: Vec<String> = plain.into_iter().cloned().collect();
                plain.sort_by(|a, b| member_cmp(a, b));
                if !plain.is_empty() {
                    lines.push(from_import(module, &plain));
                }
                let mut aliased: Vec<String> = aliased.into_iter().cloned().collect();
                aliased.sort_by(|a, b| member_cmp(a, b));
                for name in aliased {
                    lines.push(from_import(module, &[name]));
                }
            }
            if !lines.is_empty() {
                groups.push(lines.join("\n"));
            }
        }
        groups.join("\n\n")
    }
}

/// `head` then `items` between `open` and `close`: on one line when it fits, else one item a
/// line with a trailing comma (ruff's layout for imports and collection literals).
fn exploding(head: &str, open: &str, inline: &str, items: &[String], close: &str) -> String {
    let line = format!("{head}{open}{inline}{close}");
    if line.chars().count() <= LINE_LENGTH {
        return line;
    }
    exploded(head, open, items, close)
}

fn exploded(head: &str, open: &str, items: &[String], close: &str) -> String {
    let mut out = format!("{head}{open}\n");
    for item in items {
        out.push_str(&format!("    {item},\n"));
    }
    out.push_str(close);
    out
}

/// `from module import a, b`, exploded one name a line when it does not fit.
pub(crate) fn from_import(module: &str, names: &[String]) -> String {
    let head = format!("from {module} import ");
    let line = format!("{head}{}", names.join(", "));
    if line.chars().count() <= LINE_LENGTH {
        return line;
    }
    exploded(&head, "(", names, ")")
}

/// A list literal of strings, as ruff format lays it out after `head` (e.g. `__all__ = `).
pub(crate) fn string_list(head: &str, items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| string(i)).collect();
    exploding(head, "[", &quoted.join(", "), &quoted, "]")
}

/// A list literal of strings after `head`, one a line whatever its length (ruff keeps it so, by
/// its trailing comma): a list that grows with the spec, so that a merge adding to it touches
/// only its own lines.
pub(crate) fn string_list_exploded(head: &str, items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| string(i)).collect();
    exploded(head, "[", &quoted, "]")
}

/// A tuple literal of strings (`("a",)` for one), after `head`.
pub(crate) fn string_tuple(head: &str, items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| string(i)).collect();
    let inline = if quoted.len() == 1 {
        format!("{},", quoted[0])
    } else {
        quoted.join(", ")
    };
    exploding(head, "(", &inline, &quoted, ")")
}

/// A set literal of strings (`{"a", "b"}`) between `head` and `tail`, on one line.
pub(crate) fn string_set(head: &str, items: &[String], tail: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| string(i)).collect();
    format!("{head}{{{}}}{tail}", quoted.join(", "))
}

/// isort's order of imported names (and ruff's for `__all__`): CONSTANTS, then Classes, then
/// everything else, each in natural order.
pub(crate) fn member_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn kind(name: &str) -> u8 {
        if name.len() > 1 && name.chars().all(|c| !c.is_lowercase()) {
            0
        } else if name.starts_with(|c: char| c.is_uppercase()) {
            1
        } else {
            2
        }
    }
    kind(a).cmp(&kind(b)).then_with(|| natural_cmp(a, b))
}

/// Compares with digit runs as numbers (`thing2` < `thing10`), as isort does.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let order = match (x.0, y.0) {
            (true, true) => {
                let (nx, ny) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny))
            }
            _ => {
                x.1.to_lowercase()
                    .cmp(&y.1.to_lowercase())
                    .then_with(|| x.1.cmp(&y.1))
            }
        };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
    ca.len().cmp(&cb.len())
}

#[cfg(test)]
mod import_tests {
    use super::*;

    #[test]
    fn imports_are_grouped_and_sorted() {
        let mut imports = Imports::default();
        imports
            .add("app.models.task", "Task")
            .add("uuid", "")
            .add("sqlmodel", "Field")
            .add("datetime", "datetime")
            .add("datetime", "date")
            .add("sqlalchemy", "");
        assert_eq!(
            imports.render(),
            "import uuid\nfrom datetime import date, datetime\n\nimport sqlalchemy\nfrom sqlmodel import Field\n\nfrom app.models.task import Task"
        );
    }

    #[test]
    fn names_sort_naturally_and_by_kind() {
        let mut names = vec!["thing10", "Thing2", "metadata", "thing2", "Thing10"];
        names.sort_by(|a, b| member_cmp(a, b));
        assert_eq!(
            names,
            ["Thing2", "Thing10", "metadata", "thing2", "thing10"]
        );
    }
}
