//! End to end: the revision of a spec change, run on real databases.
//!
//! For each change (spec A to spec B, several kinds of change at once): the project of A is
//! generated and migrated (`alembic upgrade head`) on SQLite and on PostgreSQL, and rows are
//! written into it. Then what `apply` will do is simulated: B's project (its models and app)
//! with A's migrations and the revision `evolve::render_revision` writes. On that project:
//! - `alembic upgrade head` keeps the rows, with their values where a column was renamed or
//!   converted, and stops with the count of rows in the way where a guard says so;
//! - `alembic check` finds nothing: the models and the database agree;
//! - the database is the one B's own migrations build from scratch, down to the names of
//!   indexes and constraints, the server defaults and the sequences;
//! - `alembic downgrade -1` gives back A's schema, or stops where the revision says it
//!   cannot (values the upgrade dropped), and does once those rows are gone;
//! - the revision passes the project's `ruff check`, `ruff format --check` and
//!   `mypy --strict`, and the project's own migration tests.
//!
//! Runs on what `e2e.rs` runs on (uv and PostgreSQL, from `tools.rs`); the cases run in
//! parallel.

use std::fs;
use std::path::{Path, PathBuf};

use backendgen::evolve::{Options, plan_changes, render_revision};
use backendgen::spec::{Mode, Orm};
use backendgen::target::Target;
use backendgen::validate::validate;
use serde_json::{Value, json};

use crate::e2e::{PgDatabase, PythonEnv, for_target, generate, python_env, run_ok, target};
use crate::support::{copy_tree, repo_root};

/// A spec change and what its revision must do to the rows.
pub(crate) struct Case {
    pub name: &'static str,
    pub target: Target,
    pub old: &'static str,
    pub new: &'static str,
    pub options: Options,
    /// Statements that write rows into A's tables.
    pub rows: &'static [&'static str],
    /// A row that makes the upgrade stop (the words of its message), and the statement that
    /// takes it away again.
    pub blocked: Option<(&'static str, &'static str, &'static str)>,
    /// Queries on B's tables, and the rows they give after the upgrade (as JSON).
    pub kept: &'static [(&'static str, &'static str)],
    /// `Some(words)`: the downgrade stops with those words while the rows are there, and
    /// `clear` takes them away; `None`: it runs with the rows.
    pub downgrade_stops: Option<&'static str>,
    pub clear: &'static [&'static str],
}

/// Runs `steps` (see tests/e2e/evolve_driver.py) in `project` against `url`.
fn drive(env: &PythonEnv, project: &Path, url: &str, steps: Value, what: &str) -> Value {
    let dir = project.join(".evolve");
    fs::create_dir_all(&dir).unwrap();
    let (input, output) = (dir.join("steps.json"), dir.join("results.json"));
    fs::write(&input, serde_json::to_string_pretty(&steps).unwrap()).unwrap();
    let _ = fs::remove_file(&output);
    run_ok(
        env.command(project, "python")
            .arg(repo_root().join("tests/e2e/evolve_driver.py"))
            .arg(&input)
            .arg(&output)
            .env("DATABASE_URL", url),
        what,
    );
    serde_json::from_str(&fs::read_to_string(&output).unwrap()).unwrap()
}

/// The revision's file in the migrated project.
const REVISION: &str = "alembic/versions/0002_apply.py";

/// Generates A and B, and the project `apply` would leave: B's files, A's migrations and the
/// revision of the change.
fn projects(case: &Case) -> (PathBuf, PathBuf, PathBuf) {
    let old_text = for_target(case.old, case.target);
    let new_text = for_target(case.new, case.target);
    let old = generate(&format!("{}_a", case.name), &old_text);
    let new = generate(&format!("{}_b", case.name), &new_text);
    let changes = plan_changes(
        &validate("a", &old_text, None).unwrap(),
        &validate("b", &new_text, None).unwrap(),
        &case.options,
    )
    .unwrap_or_else(|problems| panic!("{problems:#?}"));
    let migrated = old.with_file_name(format!("{}_c", case.name));
    if migrated.exists() {
        fs::remove_dir_all(&migrated).unwrap();
    }
    copy_tree(&new, &migrated);
    let versions = migrated.join("alembic/versions");
    fs::remove_dir_all(&versions).unwrap();
    copy_tree(&old.join("alembic/versions"), &versions);
    fs::write(
        migrated.join(REVISION),
        render_revision(&changes, "0002_apply", "0001_initial"),
    )
    .unwrap();
    (old, new, migrated)
}

fn assert_same(expected: &Value, actual: &Value, what: &str) {
    if expected != actual {
        let (a, b) = (
            serde_json::to_string_pretty(expected).unwrap(),
            serde_json::to_string_pretty(actual).unwrap(),
        );
        let diff = similar::TextDiff::from_lines(&a, &b);
        panic!("{what}:\n{}", diff.unified_diff().context_radius(4));
    }
}

/// The whole scenario on one database. `url` and `fresh` are two empty databases of one kind.
fn run_on(case: &Case, (old, new, migrated): (&Path, &Path, &Path), urls: (&str, &str), db: &str) {
    let env = python_env(migrated);
    let label = format!("[{} {db}]", case.name);
    let (url, fresh) = urls;
    let mut steps = vec![json!({"do": "upgrade"})];
    if !case.rows.is_empty() {
        steps.push(json!({"do": "sql", "statements": case.rows}));
    }
    steps.push(json!({"do": "fingerprint", "name": "before"}));
    let before = drive(&env, old, url, Value::from(steps), &format!("{label} A"));
    let built = drive(
        &env,
        new,
        fresh,
        json!([{"do": "upgrade"}, {"do": "fingerprint", "name": "schema"}]),
        &format!("{label} B from scratch"),
    );

    let mut steps = Vec::new();
    if let Some((row, words, fix)) = case.blocked {
        steps.push(json!({"do": "sql", "statements": [row]}));
        steps.push(json!({"do": "upgrade", "expect_error": words}));
        steps.push(json!({"do": "sql", "statements": [fix]}));
    }
    steps.push(json!({"do": "upgrade"}));
    for (i, (sql, _)) in case.kept.iter().enumerate() {
        steps.push(json!({"do": "query", "name": format!("kept{i}"), "sql": sql}));
    }
    steps.push(json!({"do": "check"}));
    steps.push(json!({"do": "fingerprint", "name": "after"}));
    if let Some(words) = case.downgrade_stops {
        steps.push(json!({"do": "downgrade", "expect_error": words}));
        steps.push(json!({"do": "sql", "statements": case.clear}));
    }
    steps.push(json!({"do": "downgrade"}));
    steps.push(json!({"do": "fingerprint", "name": "down"}));
    // Up again, now on the downgraded database: the revision runs twice as well as once.
    steps.push(json!({"do": "upgrade"}));
    steps.push(json!({"do": "check"}));
    let results = drive(
        &env,
        migrated,
        url,
        Value::from(steps),
        &format!("{label} apply"),
    );

    assert_same(
        &built["schema"],
        &results["after"],
        &format!("{label} upgraded vs built from scratch"),
    );
    assert_same(
        &before["before"],
        &results["down"],
        &format!("{label} downgraded vs before"),
    );
    for (i, (sql, expected)) in case.kept.iter().enumerate() {
        let expected: Value = serde_json::from_str(expected).unwrap();
        assert_same(
            &expected,
            &results[format!("kept{i}")],
            &format!("{label} {sql}"),
        );
    }
}

/// The revision passes the project's own gates, and the project's migration tests.
fn gates(case: &Case, migrated: &Path, tests_url: &str) {
    let env = python_env(migrated);
    let label = format!("[{}]", case.name);
    let gate = |program: &str, args: &[&str], url: Option<&str>| {
        let mut cmd = env.command(migrated, program);
        cmd.args(args);
        if let Some(url) = url {
            cmd.env("TEST_DATABASE_URL", url);
        }
        run_ok(&mut cmd, &format!("{label} {program} {}", args.join(" ")));
    };
    gate("ruff", &["check", REVISION], None);
    gate("ruff", &["format", "--check", REVISION], None);
    gate("mypy", &["--strict", REVISION], None);
    let tests = [
        "-q",
        "-p",
        "no:cacheprovider",
        "app/tests/test_migrations.py",
    ];
    gate("pytest", &tests, None);
    gate("pytest", &tests, Some(tests_url));
}

pub(crate) fn run(case: &Case) {
    let (old, new, migrated) = projects(case);
    let paths = (old.as_path(), new.as_path(), migrated.as_path());
    let dbs = migrated.with_file_name(format!("{}_dbs", case.name));
    let _ = fs::remove_dir_all(&dbs);
    fs::create_dir_all(&dbs).unwrap();
    let sqlite = |name: &str| format!("sqlite:///{}", dbs.join(name).display());
    run_on(
        case,
        paths,
        (&sqlite("apply.db"), &sqlite("fresh.db")),
        "sqlite",
    );
    let (pg, fresh) = (PgDatabase::create(case.name), PgDatabase::create(case.name));
    run_on(case, paths, (&pg.url(), &fresh.url()), "postgresql");
    let tests = PgDatabase::create(case.name);
    gates(case, &migrated, &tests.url());
}

/// Field changes on one table: renamed, removed, added (optional, and required with a
/// default), converted without loss (int to bigint, string to text, longer, more digits),
/// made required or optional, unique or not, indexed; enum values added and removed; the table
/// no longer owned; list filters, sorts and a search. `order` is a word SQL reserves.
pub(crate) const FIELDS_OLD: &str = r"project: { name: evolve_fields }
resources:
  task:
    fields:
      title: { type: string, max_length: 200 }
      notes: { type: text, optional: true }
      n: { type: int, default: 0 }
      status: { type: enum, values: [open, closed, archived], default: open }
      priority: { type: int, optional: true }
      code: { type: string, max_length: 20, optional: true }
      rank: { type: int, optional: true, unique: true }
      tag: { type: string, max_length: 40, optional: true }
      summary: { type: string, max_length: 100 }
      price: { type: decimal, precision: 8, scale: 2 }
      score: { type: int }
      order: { type: int, optional: true }
    list:
      filter: [status]
      sort: [title]
";

pub(crate) const FIELDS_NEW: &str = r#"project: { name: evolve_fields }
resources:
  task:
    owned: false
    fields:
      heading: { type: string, max_length: 200, renamed_from: title }
      n: { type: bigint, default: 0 }
      status: { type: enum, values: [open, closed, done], default: open }
      priority: { type: int, default: 1 }
      code: { type: string, max_length: 40, optional: true, unique: true }
      rank: { type: int, optional: true, index: true }
      tag: { type: string, max_length: 40, default: "it's :noon" }
      summary: { type: text }
      price: { type: decimal, precision: 12, scale: 3 }
      score: { type: int, optional: true }
      order: { type: int, default: 0 }
      done: { type: bool, default: false }
      due: { type: date, optional: true }
      label: { type: string, max_length: 40, default: "a 'quoted' : label" }
    list:
      filter: [status, done]
      sort: [heading]
      search: [heading]
"#;

#[test]
fn field_changes_keep_the_rows() {
    run(&Case {
        name: "evolve_fields",
        target: target(Orm::Sqlmodel, Mode::Async),
        old: FIELDS_OLD,
        new: FIELDS_NEW,
        options: Options::default(),
        rows: &[
            "INSERT INTO tasks (id, user_id, title, notes, n, status, priority, code, rank, tag, summary, price, score) VALUES (1, 'u1', 'First', 'a note', 5, 'open', NULL, 'A1', 1, NULL, 'short', 12.5, 10)",
            "INSERT INTO tasks (id, user_id, title, notes, n, status, priority, code, rank, tag, summary, price, score) VALUES (2, 'u2', 'Second', NULL, 7, 'closed', 3, NULL, 2, 'x', 'longer', 0.25, 20)",
        ],
        blocked: Some((
            "INSERT INTO tasks (id, user_id, title, n, status, summary, price, score) VALUES (3, 'u1', 'Old', 0, 'archived', 's', 1, 1)",
            "1 row(s) of tasks hold `status` values this change removes (archived)",
            "DELETE FROM tasks WHERE id = 3",
        )),
        kept: &[(
            "SELECT id, heading, n, status, priority, code, rank, tag, CAST(done AS INTEGER), due, label, summary, CAST(price * 1000 AS INTEGER), score, \"order\" FROM tasks ORDER BY id",
            r#"[[1, "First", 5, "open", 1, "A1", 1, "it's :noon", 0, null, "a 'quoted' : label", "short", 12500, 10, 0],
                [2, "Second", 7, "closed", 3, null, 2, "x", 0, null, "a 'quoted' : label", "longer", 250, 20, 0]]"#,
        )],
        downgrade_stops: Some("without the values the upgrade dropped"),
        clear: &["DELETE FROM tasks"],
    });
}

/// Conversions that lose values, allowed: a shorter string, text to int, fewer decimal
/// places, bigint to int, text to an enum. The downgrade widens again, rows and all.
pub(crate) const LOSSY_OLD: &str = r"project: { name: evolve_lossy }
resources:
  item:
    owned: false
    fields:
      label: { type: string, max_length: 200 }
      qty: { type: text, optional: true }
      amount: { type: decimal, precision: 10, scale: 3 }
      big: { type: bigint, optional: true }
      kind: { type: string, max_length: 20, default: solid }
";

pub(crate) const LOSSY_NEW: &str = r"project: { name: evolve_lossy }
resources:
  item:
    owned: false
    fields:
      label: { type: string, max_length: 5 }
      qty: { type: int, optional: true }
      amount: { type: decimal, precision: 10, scale: 1 }
      big: { type: int, optional: true }
      kind: { type: enum, values: [solid, liquid], default: solid }
";

#[test]
fn lossy_changes_rewrite_what_does_not_convert() {
    run(&Case {
        name: "evolve_lossy",
        target: target(Orm::Sqlalchemy, Mode::Sync),
        old: LOSSY_OLD,
        new: LOSSY_NEW,
        options: Options { allow_lossy: true },
        rows: &[
            "INSERT INTO items (id, label, qty, amount, big, kind) VALUES (1, 'abcdefgh', ' 42 ', 1.234, 5000000000, 'liquid')",
            "INSERT INTO items (id, label, qty, amount, big, kind) VALUES (2, 'ab', 'many', 2.36, 7, 'gas')",
            "INSERT INTO items (id, label, qty, amount, big, kind) VALUES (3, 'xyz', NULL, -1.26, NULL, 'solid')",
        ],
        blocked: None,
        kept: &[(
            "SELECT id, label, qty, CAST(amount AS TEXT), big, kind FROM items ORDER BY id",
            r#"[[1, "abcde", 42, "1.2", null, "liquid"],
                    [2, "ab", null, "2.4", 7, "solid"],
                    [3, "xyz", null, "-1.3", null, "solid"]]"#,
        )],
        downgrade_stops: None,
        clear: &[],
    });
}

/// Resources: one added, one removed, one renamed (its table, sequence, indexes and
/// constraints, and its children's columns and keys), a relation added to an existing table,
/// a relation's `on_delete` changed, relations made required.
pub(crate) const RESOURCES_OLD: &str = r"project: { name: evolve_resources }
resources:
  category:
    plural: categories
    owned: false
    fields:
      title: { type: string, max_length: 80, unique: true }
    list:
      sort: [title]
  product:
    owned: false
    belongs_to: { resource: category, on_delete: set_null }
    fields:
      name: { type: string, max_length: 120 }
  comment:
    owned: false
    belongs_to: { resource: category, optional: true }
    fields:
      body: text
  note:
    fields:
      body: text
";

pub(crate) const RESOURCES_NEW: &str = r"project: { name: evolve_resources }
resources:
  brand:
    owned: false
    fields:
      name: string
  group:
    renamed_from: category
    owned: false
    fields:
      title: { type: string, max_length: 80, unique: true }
    list:
      sort: [title]
  product:
    owned: false
    belongs_to:
      - { resource: group, on_delete: cascade }
      - { resource: brand, optional: true }
    fields:
      name: { type: string, max_length: 120 }
  comment:
    owned: false
    belongs_to: group
    fields:
      body: text
";

#[test]
fn resources_are_added_removed_and_renamed_with_their_rows() {
    run(&Case {
        name: "evolve_resources",
        target: target(Orm::Sqlmodel, Mode::Sync),
        old: RESOURCES_OLD,
        new: RESOURCES_NEW,
        options: Options::default(),
        rows: &[
            "INSERT INTO categories (id, title) VALUES (1, 'Tools'), (2, 'Toys')",
            "INSERT INTO products (id, name, category_id) VALUES (1, 'Hammer', 1), (2, 'Ball', 2)",
            "INSERT INTO comments (id, body, category_id) VALUES (1, 'nice', 1)",
            "INSERT INTO notes (id, user_id, body) VALUES (1, 'u1', 'remember')",
        ],
        blocked: Some((
            "INSERT INTO comments (id, body, category_id) VALUES (2, 'lost', NULL)",
            "1 row(s) of comments have no `category_id`, which becomes required",
            "DELETE FROM comments WHERE id = 2",
        )),
        kept: &[
            (
                "SELECT id, title FROM groups ORDER BY id",
                r#"[[1, "Tools"], [2, "Toys"]]"#,
            ),
            (
                "SELECT id, name, group_id, brand_id FROM products ORDER BY id",
                r#"[[1, "Hammer", 1, null], [2, "Ball", 2, null]]"#,
            ),
            (
                "SELECT id, body, group_id FROM comments",
                r#"[[1, "nice", 1]]"#,
            ),
        ],
        downgrade_stops: None,
        clear: &[],
    });
}

/// One row for each table of `resource`, in SQL for `db`: a value of its type in every column
/// (the first value of an enum, the parent's row 1 for a relation).
fn row(resource: &backendgen::model::Resource, db: &str) -> String {
    let table = backendgen::evolve::Table::of(resource);
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for column in &table.columns {
        use backendgen::evolve::SqlType;
        let field = resource.fields.iter().find(|f| f.name == column.name);
        let value = match (&column.ty, field) {
            _ if column.name == "id" => "1".to_owned(),
            _ if column.name == "created_at" || column.name == "updated_at" => continue,
            (_, Some(f)) if !f.values.is_empty() => format!("'{}'", f.values[0]),
            (_, Some(f)) if f.references.is_some() => "1".to_owned(),
            (SqlType::String(_) | SqlType::Text, _) => "'a'".to_owned(),
            (SqlType::Integer | SqlType::BigInteger, _) => "1".to_owned(),
            (SqlType::Float | SqlType::Numeric { .. }, _) => "1.5".to_owned(),
            (SqlType::Boolean, _) => "'1'".to_owned(),
            (SqlType::Date, _) => "'2026-01-01'".to_owned(),
            (SqlType::DateTime, _) => "'2026-01-01 00:00:00'".to_owned(),
            (SqlType::Time, _) => "'09:30:00.000000'".to_owned(),
            (SqlType::Uuid, _) if db == "postgresql" => {
                "'00000000-0000-0000-0000-000000000001'".to_owned()
            }
            (SqlType::Uuid, _) => "'00000000000000000000000000000001'".to_owned(),
            (SqlType::Json, _) => "'{}'".to_owned(),
        };
        columns.push(column.name.clone());
        values.push(value);
    }
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name,
        columns.join(", "),
        values.join(", ")
    )
}

/// A sequence of specs applied one revision after another to databases with rows: each
/// revision upgrades, `alembic check` is clean, and the schema is the one the spec's own
/// project builds from scratch. At the end the project's migration tests run the whole chain
/// up and down again on empty databases.
fn run_sequence(name: &str, texts: &[String], target: Target) {
    let texts: Vec<String> = texts.iter().map(|t| for_target(t, target)).collect();
    let models: Vec<_> = texts
        .iter()
        .map(|t| validate("step", t, None).unwrap())
        .collect();
    let first = generate(&format!("{name}_0"), &texts[0]);
    let env = python_env(&first);
    let dbs = first.with_file_name(format!("{name}_dbs"));
    let _ = fs::remove_dir_all(&dbs);
    fs::create_dir_all(&dbs).unwrap();
    let sqlite = |file: &str| format!("sqlite:///{}", dbs.join(file).display());
    let pg = PgDatabase::create(name);
    let databases = [("sqlite", sqlite("live.db")), ("postgresql", pg.url())];
    for (db, url) in &databases {
        let rows: Vec<String> = models[0].resources.iter().map(|r| row(r, db)).collect();
        drive(
            &env,
            &first,
            url,
            json!([{"do": "upgrade"}, {"do": "sql", "statements": rows}]),
            &format!("[{name} {db}] step 0"),
        );
    }
    let mut revisions: Vec<(String, String)> = Vec::new();
    let mut fresh_databases = Vec::new();
    let mut live = first.clone();
    for step in 1..texts.len() {
        let changes = plan_changes(
            &models[step - 1],
            &models[step],
            &Options { allow_lossy: true },
        )
        .unwrap_or_else(|p| panic!("{p:#?}\n{}\n{}", texts[step - 1], texts[step]));
        let id = format!("{:04}_apply", step + 1);
        let down = match step {
            1 => "0001_initial".to_owned(),
            _ => format!("{step:04}_apply"),
        };
        revisions.push((id.clone(), render_revision(&changes, &id, &down)));
        let built = generate(&format!("{name}_{step}"), &texts[step]);
        live = built.with_file_name(format!("{name}_{step}_live"));
        if live.exists() {
            fs::remove_dir_all(&live).unwrap();
        }
        copy_tree(&built, &live);
        // The history: the first project's initial migration, then each step's revision.
        let versions = live.join("alembic/versions");
        fs::remove_dir_all(&versions).unwrap();
        copy_tree(&first.join("alembic/versions"), &versions);
        for (id, text) in &revisions {
            fs::write(live.join(format!("alembic/versions/{id}.py")), text).unwrap();
        }
        let created: Vec<&str> = changes
            .upgrade()
            .iter()
            .filter_map(|op| match op {
                backendgen::evolve::Op::CreateTable { resource, .. } => Some(resource.as_str()),
                _ => None,
            })
            .collect();
        for (db, url) in &databases {
            let label = format!("[{name} {db}] step {step}");
            let fresh = match *db {
                "sqlite" => sqlite(&format!("fresh{step}.db")),
                _ => {
                    // Kept until the end: dropping it drops the database.
                    fresh_databases.push(PgDatabase::create(name));
                    fresh_databases.last().unwrap().url()
                }
            };
            let schema = drive(
                &env,
                &built,
                &fresh,
                json!([{"do": "upgrade"}, {"do": "fingerprint", "name": "schema"}]),
                &format!("{label} from scratch"),
            );
            let rows: Vec<String> = models[step]
                .resources
                .iter()
                .filter(|r| created.contains(&r.name.as_str()))
                .map(|r| row(r, db))
                .collect();
            let results = drive(
                &env,
                &live,
                url,
                json!([
                    {"do": "upgrade"},
                    {"do": "check"},
                    {"do": "fingerprint", "name": "after"},
                    {"do": "sql", "statements": rows},
                ]),
                &label,
            );
            assert_same(
                &schema["schema"],
                &results["after"],
                &format!("{label}: migrated vs built"),
            );
        }
    }
    let tests = PgDatabase::create(name);
    let pytest = [
        "-q",
        "-p",
        "no:cacheprovider",
        "app/tests/test_migrations.py",
    ];
    run_ok(
        env.command(&live, "pytest").args(pytest),
        &format!("[{name}] migration tests"),
    );
    run_ok(
        env.command(&live, "pytest")
            .args(pytest)
            .env("TEST_DATABASE_URL", tests.url()),
        &format!("[{name}] migration tests on PostgreSQL"),
    );
    for (id, _) in &revisions {
        let file = format!("alembic/versions/{id}.py");
        run_ok(env.command(&live, "ruff").args(["check", &file]), &file);
        run_ok(
            env.command(&live, "ruff")
                .args(["format", "--check", &file]),
            &file,
        );
    }
}

/// The `n`th of the random edit sequences of the property test of `evolve.rs` that change
/// the schema at every step, ranked by how many kinds of step they plan: a few sequences
/// that cover much, for the time they take.
fn random_sequence(n: usize) -> Vec<String> {
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = crate::properties::deterministic_runner(200);
    let strategy = crate::evolve::edits();
    let mut ranked: Vec<(usize, Vec<String>)> = Vec::new();
    for _ in 0..200 {
        let (seed, steps) = strategy.new_tree(&mut runner).unwrap().current();
        let texts = crate::evolve::sequence(seed, &steps);
        if !(4..=6).contains(&texts.len()) {
            continue;
        }
        let models: Vec<_> = texts
            .iter()
            .map(|t| validate("step", t, None).unwrap())
            .collect();
        let mut kinds = std::collections::BTreeSet::new();
        let mut every_step_changes = true;
        for pair in models.windows(2) {
            let changes = plan_changes(&pair[0], &pair[1], &Options { allow_lossy: true }).unwrap();
            every_step_changes &= !changes.is_empty();
            for op in changes.upgrade() {
                let debug = format!("{op:?}");
                kinds.insert(debug.split([' ', '{']).next().unwrap().to_owned());
            }
        }
        if every_step_changes {
            ranked.push((kinds.len(), texts));
        }
    }
    ranked.sort_by_key(|(kinds, _)| std::cmp::Reverse(*kinds));
    ranked.swap_remove(n).1
}

#[test]
fn a_random_edit_sequence_migrates_real_databases() {
    run_sequence(
        "evolve_random_a",
        &random_sequence(0),
        target(Orm::Sqlmodel, Mode::Async),
    );
}

#[test]
fn another_random_edit_sequence_migrates_real_databases() {
    run_sequence(
        "evolve_random_b",
        &random_sequence(1),
        target(Orm::Sqlalchemy, Mode::Sync),
    );
}

/// The whole loop through the command, on SQLite and PostgreSQL with rows: the tasks project
/// migrated and filled, the spec edited (a field renamed, one added, one widened), `backendgen
/// apply`, `alembic upgrade head`: the rows keep their values under the new name, `alembic
/// check` is clean; `downgrade -1` gives the old column back with the values, and upgrading
/// again works.
#[test]
fn apply_migrates_a_database_with_rows() {
    let project = generate("apply_with_rows", backendgen::DEFAULT_SPEC);
    let env = python_env(&project);
    let dbs = project.with_file_name("apply_with_rows_dbs");
    let _ = fs::remove_dir_all(&dbs);
    fs::create_dir_all(&dbs).unwrap();
    let pg = PgDatabase::create("apply_rows");
    let urls = [
        format!("sqlite:///{}", dbs.join("rows.db").display()),
        pg.url(),
    ];
    let rows = json!([{"do": "sql", "statements": [
        "INSERT INTO tasks (user_id, title, completed, priority, created_at, updated_at) VALUES ('alice', 'first', TRUE, 'high', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        "INSERT INTO tasks (user_id, title, completed, priority, created_at, updated_at) VALUES ('bob', 'second', FALSE, 'low', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    ]}]);
    for url in &urls {
        let mut steps = json!([{"do": "upgrade", "to": "head"}]);
        steps
            .as_array_mut()
            .unwrap()
            .extend(rows.as_array().unwrap().clone());
        drive(&env, &project, url, steps, "the old project, with rows");
    }

    let spec = project.join("backendgen.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let edited = text
        .replacen(
            "      completed: { type: bool, default: false }\n",
            "      done: { type: bool, default: false, renamed_from: completed }\n      rank: int=7\n",
            1,
        )
        .replacen("filter: [completed,", "filter: [done,", 1)
        .replacen("max_length: 200 }", "max_length: 300 }", 1);
    assert_ne!(edited, text);
    fs::write(&spec, edited).unwrap();
    let output = run_ok(
        std::process::Command::new(env!("CARGO_BIN_EXE_backendgen"))
            .arg("apply")
            .current_dir(&project),
        "backendgen apply",
    );
    let out = String::from_utf8_lossy(&output.stderr);
    assert!(
        out.contains("created alembic/versions/0002_tasks.py"),
        "{out}"
    );

    // Booleans read back as 1/0 on SQLite: compared as words.
    let read = "SELECT title, CASE WHEN done THEN 'yes' ELSE 'no' END, rank FROM tasks ORDER BY id";
    let read_old =
        "SELECT title, CASE WHEN completed THEN 'yes' ELSE 'no' END FROM tasks ORDER BY id";
    for url in &urls {
        let results = drive(
            &env,
            &project,
            url,
            json!([
                {"do": "upgrade", "to": "head"},
                {"do": "check"},
                {"do": "query", "name": "after", "sql": read},
                {"do": "downgrade", "to": "-1"},
                {"do": "query", "name": "before", "sql": read_old},
                {"do": "upgrade", "to": "head"},
                {"do": "check"},
            ]),
            "apply's revision on a database with rows",
        );
        assert_eq!(
            results["after"],
            json!([["first", "yes", 7], ["second", "no", 7]]),
            "{url}"
        );
        assert_eq!(
            results["before"],
            json!([["first", "yes"], ["second", "no"]]),
            "{url}"
        );
    }
}
