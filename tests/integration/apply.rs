//! `backendgen apply`: a project follows its spec, and the user's work is never lost.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::support::{backendgen, edit, new_tasks_project, read, read_tree};

/// A resource appended to the spec, as a user would write it.
const PROJECT_RESOURCE: &str =
    "  project:\n    owned: false\n    fields:\n      name: string:max=120\n";

fn append_to_spec(root: &Path, text: &str) {
    let spec = read(root, "backendgen.yaml");
    fs::write(root.join("backendgen.yaml"), format!("{spec}{text}")).unwrap();
}

fn apply(root: &Path) -> assert_cmd::assert::Assert {
    backendgen(root).arg("apply").assert()
}

/// Edits that do not touch the lines a new resource changes, one a file.
const EDITS: &[(&str, &str, &str)] = &[
    (
        "app/main.py",
        "    app.include_router(health_router)\n",
        "    app.include_router(health_router)\n    # mine: health first\n",
    ),
    (
        "app/models/__init__.py",
        "\"\"\"\n\nfrom app.models.base import metadata\n",
        "\"\"\"\n\n# mine: why metadata\nfrom app.models.base import metadata\n",
    ),
    (
        "app/services/task.py",
        "async def get_task(",
        "# mine: a note on reads\nasync def get_task(",
    ),
    (
        "README.md",
        "## Configuration",
        "My own notes.\n\n## Configuration",
    ),
    (
        "app/config.py",
        "_DEFAULT_PORTS = {\"http\": 80, \"https\": 443}\n",
        "_DEFAULT_PORTS = {\"http\": 80, \"https\": 443, \"ws\": 80}\n",
    ),
];

/// The tree a change of spec is compared on: without the history (migrations) and the base.
fn comparable(root: &Path) -> Vec<(String, String)> {
    read_tree(root)
        .into_iter()
        .filter(|(path, _)| {
            !path.starts_with("alembic/versions/") && path != ".backendgen/base.json"
        })
        .collect()
}

#[test]
fn apply_on_an_unchanged_project_writes_nothing() {
    let (_dir, root) = new_tasks_project();
    let before = read_tree(&root);
    apply(&root)
        .success()
        .stderr("nothing to apply: the project is up to date with backendgen.yaml\n");
    assert_eq!(read_tree(&root), before);
}

/// Growing by a spec edit gives exactly the tree `new` gives for the new spec with the same
/// edits made: every edit that does not overlap the change survives byte for byte. A second
/// apply writes nothing and no migration.
#[test]
fn a_resource_added_to_the_spec_is_applied_and_your_edits_survive_byte_for_byte() {
    let (dir, root) = new_tasks_project();
    for (path, from, to) in EDITS {
        edit(&root, path, from, to);
    }
    fs::write(root.join("app/mine.py"), "\"\"\"My own module.\"\"\"\n").unwrap();
    append_to_spec(&root, PROJECT_RESOURCE);
    apply(&root)
        .success()
        .stderr(predicate::str::contains("applied backendgen.yaml to "))
        .stderr(predicate::str::contains(
            "  created app/models/project.py\n",
        ))
        .stderr(predicate::str::contains(
            "  merged app/main.py (your edits kept)\n",
        ))
        .stderr(predicate::str::contains(
            "  created alembic/versions/0002_add_projects.py\n",
        ))
        .stderr(predicate::str::contains(
            "  changed .backendgen/base.json\n",
        ))
        .stderr(predicate::str::contains(
            "next:\n  uv run alembic upgrade head\n  uv run pytest\n",
        ));

    let spec = dir.path().join("grown.yaml");
    fs::write(&spec, read(&root, "backendgen.yaml")).unwrap();
    backendgen(dir.path())
        .args(["new", "tasks", "--spec", "grown.yaml", "--output", "fresh"])
        .assert()
        .success();
    let fresh = dir.path().join("fresh");
    for (path, from, to) in EDITS {
        edit(&fresh, path, from, to);
    }
    fs::write(fresh.join("app/mine.py"), "\"\"\"My own module.\"\"\"\n").unwrap();
    assert_eq!(comparable(&root), comparable(&fresh));
    assert_eq!(
        read(&root, ".backendgen/base.json"),
        read(&fresh, ".backendgen/base.json"),
        "the base is the render of the applied spec"
    );
    let migration = read(&root, "alembic/versions/0002_add_projects.py");
    assert!(migration.starts_with("\"\"\"Apply the spec's changes to the database.\n"));
    assert!(migration.contains("- create table projects"), "{migration}");
    assert!(migration.contains("down_revision: str | Sequence[str] | None = \"0001_initial\""));

    let after = read_tree(&root);
    apply(&root)
        .success()
        .stderr(predicate::str::contains("nothing to apply"));
    assert_eq!(read_tree(&root), after);
}

/// A change of the spec that needs no migration (a rule the API enforces) merged into a
/// schema module the user changed elsewhere: the diff shows only backendgen's change.
#[test]
fn dry_run_prints_the_diff_of_every_file_and_writes_nothing() {
    let (_dir, root) = new_tasks_project();
    edit(
        &root,
        "app/schemas/task.py",
        "NOT_NULL = (",
        "# mine: the columns that cannot be null\nNOT_NULL = (",
    );
    edit(
        &root,
        "backendgen.yaml",
        "title: { type: string, max_length: 200 }",
        "title: { type: string, min_length: 3, max_length: 200 }",
    );
    let before = read_tree(&root);
    let output = backendgen(&root)
        .args(["apply", "--dry-run"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(read_tree(&root), before);
    let output = String::from_utf8(output).unwrap();
    assert!(
        !output.contains("# mine"),
        "your lines are not backendgen's change"
    );
    assert!(!output.contains("alembic/versions"), "no migration");
    insta::assert_snapshot!(output);
}

#[test]
fn dry_run_shows_the_migration_of_a_new_resource() {
    let (_dir, root) = new_tasks_project();
    append_to_spec(&root, PROJECT_RESOURCE);
    let before = read_tree(&root);
    backendgen(&root)
        .args(["apply", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "--- /dev/null\n+++ b/alembic/versions/0002_add_projects.py\n",
        ))
        .stdout(predicate::str::contains("+        \"projects\",\n"))
        .stdout(predicate::str::contains(".backendgen/base.json").not());
    assert_eq!(read_tree(&root), before);
}

/// A line both sides changed is written with both versions between markers, exit status 3;
/// every other change is written, the next apply waits for the markers to go, `check` warns,
/// and once resolved, apply has nothing left to do.
#[test]
fn an_overlapping_edit_gives_markers_and_exit_3_and_nothing_else_is_lost() {
    let (_dir, root) = new_tasks_project();
    edit(
        &root,
        "app/schemas/task.py",
        "    title: Text = Field(max_length=200)\n",
        "    title: Text = Field(max_length=200)  # mine: short titles\n",
    );
    edit(
        &root,
        "app/schemas/task.py",
        "NOT_NULL = (",
        "# mine: apart from the change\nNOT_NULL = (",
    );
    edit(
        &root,
        "backendgen.yaml",
        "title: { type: string, max_length: 200 }",
        "title: { type: string, min_length: 3, max_length: 200 }",
    );
    append_to_spec(&root, PROJECT_RESOURCE);
    apply(&root)
        .code(3)
        .stderr(predicate::str::contains(
            "  conflict app/schemas/task.py (both changed it: see the markers)\n",
        ))
        .stderr(predicate::str::contains("  created app/models/project.py\n"))
        .stderr(predicate::str::contains(
            "next:\n  resolve the conflicts (see the markers)\n  uv run alembic upgrade head\n",
        ))
        .stderr(predicate::str::contains(
            "warning: 1 file changed both by you and by backendgen in the same lines, written with both versions between `<<<<<<< yours` and `>>>>>>> backendgen`:\n  app/schemas/task.py\n",
        ));
    let schemas = read(&root, "app/schemas/task.py");
    assert!(
        schemas.contains(
            "<<<<<<< yours\n    title: Text = Field(max_length=200)  # mine: short titles\n=======\n    title: Text = Field(min_length=3, max_length=200)\n>>>>>>> backendgen\n"
        ),
        "{schemas}"
    );
    assert!(schemas.contains("# mine: apart from the change\nNOT_NULL = ("));
    assert!(root.join("alembic/versions/0002_add_projects.py").is_file());
    assert!(read(&root, "app/main.py").contains("app.include_router(project.router)"));

    backendgen(&root)
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: conflict markers from `backendgen apply` remain",
        ))
        .stderr(predicate::str::contains("  app/schemas/task.py:"));
    let before = read_tree(&root);
    apply(&root)
        .code(1)
        .stderr(predicate::str::contains("conflict markers remain"));
    assert_eq!(read_tree(&root), before);

    // Resolved: both the user's comment and the new rule.
    let resolved = schemas
        .replace(
            "<<<<<<< yours\n    title: Text = Field(max_length=200)  # mine: short titles\n=======\n",
            "",
        )
        .replace(
            "    title: Text = Field(min_length=3, max_length=200)\n>>>>>>> backendgen\n",
            "    title: Text = Field(min_length=3, max_length=200)  # mine: short titles\n",
        );
    fs::write(root.join("app/schemas/task.py"), &resolved).unwrap();
    let before = read_tree(&root);
    apply(&root)
        .success()
        .stderr(predicate::str::contains("nothing to apply"));
    assert_eq!(read_tree(&root), before);
    backendgen(&root)
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn dry_run_of_an_overlapping_edit_exits_3_and_writes_nothing() {
    let (_dir, root) = new_tasks_project();
    edit(
        &root,
        "app/schemas/task.py",
        "    title: Text = Field(max_length=200)\n",
        "    title: Text = Field(max_length=200)  # mine\n",
    );
    edit(
        &root,
        "backendgen.yaml",
        "title: { type: string, max_length: 200 }",
        "title: { type: string, min_length: 3, max_length: 200 }",
    );
    let before = read_tree(&root);
    backendgen(&root)
        .args(["apply", "--dry-run"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "+<<<<<<< yours\n     title: Text = Field(max_length=200)  # mine\n+=======\n+    title: Text = Field(min_length=3, max_length=200)\n+>>>>>>> backendgen\n",
        ))
        .stderr(predicate::str::contains(
            "1 file would be written with conflict markers",
        ))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(read_tree(&root), before);
}

#[test]
fn a_file_you_deleted_stays_deleted() {
    let (_dir, root) = new_tasks_project();
    fs::remove_file(root.join("app/tests/test_search.py")).unwrap();
    append_to_spec(&root, PROJECT_RESOURCE);
    apply(&root).success().stderr(predicate::str::contains(
        "left deleted, because you deleted them:\n  app/tests/test_search.py\n",
    ));
    assert!(!root.join("app/tests/test_search.py").exists());
    assert!(root.join("app/tests/test_projects.py").is_file());
    let after = read_tree(&root);
    apply(&root).success();
    assert_eq!(read_tree(&root), after);
}

#[test]
fn a_renamed_resource_s_files_keep_your_edits() {
    let (_dir, root) = new_tasks_project();
    edit(
        &root,
        "app/schemas/task.py",
        "    title: Text = Field(max_length=200)\n",
        "    title: Text = Field(min_length=1, max_length=200)  # (mine)\n",
    );
    let spec =
        read(&root, "backendgen.yaml").replace("  task:\n", "  todo:\n    renamed_from: task\n");
    fs::write(root.join("backendgen.yaml"), spec).unwrap();
    apply(&root)
        .success()
        .stderr(predicate::str::contains("  deleted app/schemas/task.py\n"))
        .stderr(predicate::str::contains(
            "  merged app/schemas/todo.py (your edits kept)\n",
        ));
    assert!(!root.join("app/schemas/task.py").exists());
    let schemas = read(&root, "app/schemas/todo.py");
    assert!(
        schemas.contains("    title: Text = Field(min_length=1, max_length=200)  # (mine)\n"),
        "{schemas}"
    );
    assert!(schemas.contains("class TodoCreate"), "{schemas}");
    // The files you had not changed are renamed as they are rendered.
    assert!(!root.join("app/models/task.py").exists());
    assert!(root.join("app/models/todo.py").is_file());
}

#[test]
fn a_renamed_resource_s_hooks_move_with_it() {
    let (_dir, root) = new_tasks_project();
    let spec = read(&root, "backendgen.yaml").replace("  task:\n", "  task:\n    events: true\n");
    fs::write(root.join("backendgen.yaml"), &spec).unwrap();
    apply(&root).success();
    let mine = format!("{}# (mine)\n", read(&root, "app/hooks/task.py"));
    fs::write(root.join("app/hooks/task.py"), &mine).unwrap();
    let renamed = spec.replace("  task:\n", "  todo:\n    renamed_from: task\n");
    fs::write(root.join("backendgen.yaml"), renamed).unwrap();
    apply(&root)
        .success()
        .stderr(predicate::str::contains("  deleted app/hooks/task.py\n"))
        .stderr(predicate::str::contains("  created app/hooks/todo.py\n"));
    assert_eq!(read(&root, "app/hooks/todo.py"), mine);
    assert!(!root.join("app/hooks/task.py").exists());
}

#[test]
fn a_dropped_column_is_warned_of_with_the_rename_it_may_have_been() {
    let (_dir, root) = new_tasks_project();
    let spec = read(&root, "backendgen.yaml").replace("      completed:", "      done:");
    let spec = spec.replace("filter: [completed,", "filter: [done,");
    fs::write(root.join("backendgen.yaml"), spec).unwrap();
    let warning = "warning: the migration drops column tasks.completed and its values; if `done` is `completed` renamed, give it `renamed_from: completed` to keep them\n";
    backendgen(&root)
        .args(["apply", "--dry-run", "--quiet"])
        .assert()
        .success()
        .stderr(predicate::str::contains(warning));
    apply(&root)
        .success()
        .stderr(predicate::str::contains(warning));
}

#[test]
fn a_resource_removed_from_the_spec_is_dropped_and_your_changed_files_are_kept() {
    let (_dir, root) = new_tasks_project();
    let spec = read(&root, "backendgen.yaml");
    let before = read_tree(&root);
    append_to_spec(&root, PROJECT_RESOURCE);
    apply(&root).success();
    edit(
        &root,
        "app/services/project.py",
        "from sqlalchemy.exc import IntegrityError\n",
        "from sqlalchemy.exc import IntegrityError  # (mine)\n",
    );
    fs::write(root.join("backendgen.yaml"), &spec).unwrap();
    apply(&root)
        .success()
        .stderr(predicate::str::contains("  deleted app/models/project.py\n"))
        .stderr(predicate::str::contains(
            "  created alembic/versions/0003_drop_projects.py\n",
        ))
        .stderr(predicate::str::contains(
            "left in place, because they were changed since backendgen wrote them (backendgen no longer renders them):\n  app/services/project.py\n",
        ))
        .stderr(predicate::str::contains(
            "warning: the migration drops table projects and every row in it\n",
        ));
    assert!(read(&root, "app/services/project.py").contains("(mine)"));
    let drop = read(&root, "alembic/versions/0003_drop_projects.py");
    assert!(drop.contains("    op.drop_table(\"projects\")"));
    fs::remove_file(root.join("app/services/project.py")).unwrap();
    let without_history = |tree: Vec<(String, String)>| -> Vec<(String, String)> {
        tree.into_iter()
            .filter(|(p, _)| {
                !p.starts_with("alembic/versions/000") || p.ends_with("0001_initial.py")
            })
            .collect()
    };
    assert_eq!(without_history(read_tree(&root)), without_history(before));
}

#[test]
fn a_field_change_is_one_migration_and_a_lossy_one_needs_allow_lossy() {
    let (_dir, root) = new_tasks_project();
    edit(
        &root,
        "backendgen.yaml",
        "title: { type: string, max_length: 200 }",
        "title: { type: string, max_length: 300 }\n      rank: int:optional",
    );
    apply(&root).success().stderr(predicate::str::contains(
        "created alembic/versions/0002_tasks.py",
    ));
    let migration = read(&root, "alembic/versions/0002_tasks.py");
    assert!(migration.contains("rank"), "{migration}");
    assert!(migration.contains("sa.String(length=300)"), "{migration}");

    // Shorter than the values it may hold: refused, nothing written, unless allowed.
    edit(
        &root,
        "backendgen.yaml",
        "title: { type: string, max_length: 300 }",
        "title: { type: string, max_length: 20 }",
    );
    let before = read_tree(&root);
    apply(&root)
        .code(1)
        .stderr(predicate::str::contains("resources.task.fields.title"))
        .stderr(predicate::str::contains("--allow-lossy"));
    assert_eq!(read_tree(&root), before);
    backendgen(&root)
        .args(["apply", "--allow-lossy"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "created alembic/versions/0003_tasks.py",
        ));
}

#[test]
fn a_new_file_where_you_have_one_is_refused_unless_forced() {
    let (_dir, root) = new_tasks_project();
    fs::write(root.join("app/models/project.py"), "# mine\n").unwrap();
    append_to_spec(&root, PROJECT_RESOURCE);
    let before = read_tree(&root);
    apply(&root).code(1).stderr(predicate::str::contains(
        "1 file already exists with other content; nothing was written:\n  app/models/project.py\n",
    ));
    assert_eq!(read_tree(&root), before);
    backendgen(&root)
        .args(["apply", "--force"])
        .assert()
        .success();
    assert_eq!(read(&root, "app/models/project.py.orig"), "# mine\n");
}

/// Upgrading backendgen: the base says an older version rendered the project, with a template
/// that has since changed. The new template arrives; the user's edit stays.
#[test]
fn the_templates_of_a_newer_backendgen_are_merged_in_with_your_edits_kept() {
    let (_dir, root) = new_tasks_project();
    let line = "_DEFAULT_PORTS = {\"http\": 80, \"https\": 443}\n";
    let old_template = |text: &str| text.replacen(line, "", 1);
    // What the older backendgen rendered, recorded in the base and on disk.
    let base = read(&root, ".backendgen/base.json");
    let current = read(&root, "app/config.py");
    let recorded = serde_json::to_string(&current.split('\n').collect::<Vec<_>>()).unwrap();
    let older =
        serde_json::to_string(&old_template(&current).split('\n').collect::<Vec<_>>()).unwrap();
    let base: serde_json::Value = serde_json::from_str(&base).unwrap();
    let mut base = base;
    base["backendgen"] = "0.0.1".into();
    base["files"]["app/config.py"] = serde_json::from_str(&older).unwrap();
    assert_ne!(recorded, older);
    fs::write(
        root.join(".backendgen/base.json"),
        serde_json::to_string_pretty(&base).unwrap() + "\n",
    )
    .unwrap();
    fs::write(
        root.join("app/config.py"),
        old_template(&current).replace("import json\n", "import json  # mine\n"),
    )
    .unwrap();
    apply(&root)
        .success()
        .stderr(predicate::str::contains(
            "  merged app/config.py (your edits kept)\n",
        ))
        .stderr(predicate::str::contains(format!(
            "the templates of backendgen {} were merged into files rendered by backendgen 0.0.1\n",
            env!("CARGO_PKG_VERSION")
        )));
    assert_eq!(
        read(&root, "app/config.py"),
        current.replace("import json\n", "import json  # mine\n")
    );
    assert!(read(&root, ".backendgen/base.json").contains(&format!(
        "\"backendgen\": \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn a_project_rendered_by_a_newer_backendgen_is_refused() {
    let (_dir, root) = new_tasks_project();
    edit(
        &root,
        ".backendgen/base.json",
        &format!("\"backendgen\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"backendgen\": \"99.0.0\"",
    );
    let before = read_tree(&root);
    apply(&root)
        .code(1)
        .stderr(predicate::str::contains(
            "this project was last rendered by backendgen 99.0.0, newer than this one",
        ))
        .stderr(predicate::str::contains("hint: upgrade backendgen"));
    assert_eq!(read_tree(&root), before);
}

/// What a project made before base files existed holds: a manifest of the hashes of what
/// backendgen wrote, and no base.
fn make_legacy(root: &Path) {
    fs::remove_file(root.join(".backendgen/base.json")).unwrap();
    let mut manifest = backendgen::manifest::Manifest::new();
    for (path, contents) in read_tree(root) {
        manifest.record(&backendgen::plan::PlannedFile { path, contents });
    }
    let file = manifest.to_file();
    fs::write(root.join(&file.path), file.contents).unwrap();
}

#[test]
fn a_project_from_before_base_files_gets_one_and_keeps_your_edits() {
    let (_dir, root) = new_tasks_project();
    make_legacy(&root);
    for (path, from, to) in EDITS {
        edit(&root, path, from, to);
    }
    let edited = read_tree(&root);
    apply(&root)
        .success()
        .stderr(predicate::str::contains(
            "  created .backendgen/base.json\n",
        ))
        .stderr(predicate::str::contains(
            "  deleted .backendgen/manifest.json\n",
        ))
        .stderr(predicate::str::contains(
            "this project had no .backendgen/base.json: its base was rebuilt from backendgen.yaml",
        ));
    let files_of = |tree: Vec<(String, String)>| -> Vec<(String, String)> {
        tree.into_iter()
            .filter(|(p, _)| !p.starts_with(".backendgen/"))
            .collect()
    };
    assert_eq!(files_of(read_tree(&root)), files_of(edited));

    append_to_spec(&root, PROJECT_RESOURCE);
    apply(&root).success();
    for (path, _, to) in EDITS {
        assert!(read(&root, path).contains(to), "{path} lost {to:?}");
    }
    assert!(read(&root, "app/main.py").contains("app.include_router(project.router)"));
}

#[test]
fn a_project_from_before_base_files_with_an_edited_spec_is_refused() {
    let (_dir, root) = new_tasks_project();
    make_legacy(&root);
    append_to_spec(&root, PROJECT_RESOURCE);
    let before = read_tree(&root);
    apply(&root)
        .code(1)
        .stderr(predicate::str::contains(
            "backendgen.yaml changed since backendgen last wrote it",
        ))
        .stderr(predicate::str::contains(
            "run `backendgen apply` once to record the base",
        ));
    assert_eq!(read_tree(&root), before);
}

/// An override ejected and edited is what `apply` and `add-resource` render with, and your
/// edits of the file it renders stay.
#[test]
fn an_ejected_and_edited_template_is_applied_with_your_edits_kept() {
    let (_dir, root) = new_tasks_project();
    backendgen(&root)
        .args(["templates", "eject", "app/main.py"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "copied the embedded project/app/main.py.tera to .backendgen/templates/project/app/main.py.tera",
        ));
    backendgen(&root)
        .args(["templates", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "project/app/main.py.tera  (overridden by .backendgen/templates/project/app/main.py.tera)\n",
        ))
        .stdout(predicate::str::contains("resource/app/models/__resource__.py.tera\n"));
    backendgen(&root)
        .args(["templates", "eject", "project/app/main.py.tera"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    edit(
        &root,
        ".backendgen/templates/project/app/main.py.tera",
        "\ndef create_app() -> FastAPI:\n",
        "\n# Ours: the house's app factory.\ndef create_app() -> FastAPI:\n",
    );
    edit(
        &root,
        "app/main.py",
        "    app.include_router(health_router)\n",
        "    app.include_router(health_router)\n    # mine: health first\n",
    );
    apply(&root).success().stderr(predicate::str::contains(
        "  merged app/main.py (your edits kept)\n",
    ));
    let main = read(&root, "app/main.py");
    assert!(main.contains("# Ours: the house's app factory.\ndef create_app() -> FastAPI:\n"));
    assert!(main.contains("    # mine: health first\n"));
    backendgen(&root)
        .args(["add-resource", "project", "--field", "name:string"])
        .assert()
        .success();
    let main = read(&root, "app/main.py");
    assert!(main.contains("# Ours: the house's app factory."));
    assert!(main.contains("app.include_router(project.router)"));
}

#[test]
fn a_broken_override_is_an_error_naming_its_file_and_line() {
    let (_dir, root) = new_tasks_project();
    let dir = root.join(".backendgen/templates/project/app");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("config.py.tera"),
        "\"\"\"Settings.\"\"\"\n\n{{ project.name }\n",
    )
    .unwrap();
    let before = read_tree(&root);
    apply(&root).code(1).stderr(predicate::str::starts_with(
        "error: .backendgen/templates/project/app/config.py.tera:3:",
    ));
    fs::write(dir.join("config.py.tera"), "{{ project.nmae }}\n").unwrap();
    apply(&root).code(1).stderr(predicate::str::starts_with(
        "error: .backendgen/templates/project/app/config.py.tera:1:",
    ));
    fs::remove_file(dir.join("config.py.tera")).unwrap();
    fs::write(dir.join("mian.py.tera"), "x\n").unwrap();
    apply(&root).code(1).stderr(predicate::str::contains(
        "error: .backendgen/templates/project/app/mian.py.tera replaces no template of backendgen\n  hint: did you mean .backendgen/templates/project/app/main.py.tera?",
    ));
    fs::remove_file(dir.join("mian.py.tera")).unwrap();
    assert_eq!(
        read_tree(&root)
            .into_iter()
            .filter(|(p, _)| !p.starts_with(".backendgen/templates"))
            .collect::<Vec<_>>(),
        before
            .into_iter()
            .filter(|(p, _)| !p.starts_with(".backendgen/templates"))
            .collect::<Vec<_>>()
    );
    backendgen(&root)
        .args(["templates", "eject", "app/mian.py"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "hint: did you mean project/app/main.py.tera?",
        ));
}

#[test]
fn new_renders_with_the_overrides_already_in_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("tasks/.backendgen/templates/project/app");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("__init__.py.tera"),
        "\"\"\"The {{ project.title }}.\"\"\"\n",
    )
    .unwrap();
    backendgen(dir.path())
        .args(["new", "tasks"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "with the template overrides in .backendgen/templates: project/app/__init__.py.tera",
        ));
    let root = dir.path().join("tasks");
    assert_eq!(
        read(&root, "app/__init__.py"),
        "\"\"\"The Tasks API.\"\"\"\n"
    );
    apply(&root)
        .success()
        .stderr(predicate::str::contains("nothing to apply"));
}

/// `events: true` turned on by a spec edit brings the feed, the worker and the resource's
/// hooks; the hooks file is the user's from then on: later applies neither merge into it nor
/// delete it, even once events are turned off again.
#[test]
fn turning_events_on_creates_your_hooks_once_and_leaves_them_to_you() {
    let (_dir, root) = new_tasks_project();
    let spec = read(&root, "backendgen.yaml");
    let with_events = spec.replace("    owned: true", "    events: true\n    owned: true");
    assert_ne!(with_events, spec, "the tasks spec declares `owned: true`");
    fs::write(root.join("backendgen.yaml"), &with_events).unwrap();
    apply(&root)
        .success()
        .stderr(predicate::str::contains("  created app/hooks/task.py\n"))
        .stderr(predicate::str::contains(
            "  created app/routers/events.py\n",
        ))
        .stderr(predicate::str::contains("  created app/worker.py\n"));
    assert!(read(&root, "app/main.py").contains("app.include_router(events.router)"));
    let base = read(&root, ".backendgen/base.json");
    assert!(
        !base.contains("app/hooks/task.py"),
        "a user file has no base"
    );

    // Your hook, rewritten entirely: no apply touches it.
    let mine = "\"\"\"Mine.\"\"\"\n\nfrom app.events.event import Event\n\n\nasync def on_created(event: Event) -> None:\n    pass\n";
    fs::write(root.join("app/hooks/task.py"), mine).unwrap();
    apply(&root).success();
    assert_eq!(read(&root, "app/hooks/task.py"), mine);

    // Events off: backendgen's files go, yours stays.
    fs::write(root.join("backendgen.yaml"), &spec).unwrap();
    apply(&root).success().stderr(predicate::str::contains(
        "  deleted app/routers/events.py\n",
    ));
    assert!(!root.join("app/routers/events.py").exists());
    assert!(
        !root.join("app/events").exists()
            || fs::read_dir(root.join("app/events"))
                .unwrap()
                .next()
                .is_none()
    );
    assert_eq!(read(&root, "app/hooks/task.py"), mine);
    assert!(!read(&root, "app/main.py").contains("events"));

    // A hooks file you deleted comes back when events are turned on again.
    fs::remove_file(root.join("app/hooks/task.py")).unwrap();
    fs::write(root.join("backendgen.yaml"), &with_events).unwrap();
    apply(&root)
        .success()
        .stderr(predicate::str::contains("  created app/hooks/task.py\n"));
}
