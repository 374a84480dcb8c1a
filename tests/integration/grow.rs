//! `add-resource` and `remove-resource` on a live project: the user's work is never lost.

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::support::{backendgen, edit, new_tasks_project, read, read_tree};

fn project() -> (tempfile::TempDir, PathBuf) {
    new_tasks_project()
}

fn add_project_resource(root: &Path) -> assert_cmd::assert::Assert {
    backendgen(root)
        .args([
            "add-resource",
            "project",
            "--field",
            "name:string:max=120",
            "--field",
            "archived:bool=false",
        ])
        .assert()
}

/// The tree without what a history of changes legitimately adds: migrations.
fn tree_without_history(root: &Path) -> Vec<(String, String)> {
    read_tree(root)
        .into_iter()
        .filter(|(path, _)| {
            !path.starts_with("alembic/versions/0") || path == "alembic/versions/0001_initial.py"
        })
        .collect()
}

#[test]
fn add_resource_writes_the_resource_and_wires_it() {
    let (_dir, root) = project();
    add_project_resource(&root)
        .success()
        .stderr(predicate::str::contains("created app/models/project.py"));
    for path in [
        "app/models/project.py",
        "app/schemas/project.py",
        "app/services/project.py",
        "app/routers/project.py",
        "app/tests/test_projects.py",
        "alembic/versions/0002_add_projects.py",
    ] {
        assert!(root.join(path).is_file(), "{path}");
    }
    assert!(read(&root, "app/main.py").contains("from app.routers import project, task\n"));
    assert!(read(&root, "app/main.py").contains("    app.include_router(project.router)\n"));
    assert!(
        read(&root, "app/models/__init__.py").contains("from app.models.project import Project\n")
    );
    assert!(
        read(&root, "alembic/versions/0002_add_projects.py")
            .contains("down_revision: str | Sequence[str] | None = \"0001_initial\"")
    );
    assert!(read(&root, "backendgen.yaml").ends_with("  project:\n    owned: true\n    fields:\n      name: string:max=120\n      archived: bool=false\n"));
    let base = read(&root, ".backendgen/base.json");
    assert!(base.contains("\"app/models/project.py\": ["));
}

#[test]
fn the_resource_is_rendered_exactly_as_new_would() {
    let (dir, root) = project();
    add_project_resource(&root).success();
    let spec = dir.path().join("both.yaml");
    fs::write(&spec, read(&root, "backendgen.yaml")).unwrap();
    backendgen(dir.path())
        .args(["new", "tasks", "--spec", "both.yaml", "--output", "fresh"])
        .assert()
        .success();
    for path in [
        "app/models/project.py",
        "app/routers/project.py",
        "app/tests/test_projects.py",
        "app/main.py",
        "README.md",
    ] {
        assert_eq!(
            read(&root, path),
            read(&dir.path().join("fresh"), path),
            "{path}"
        );
    }
}

#[test]
fn the_users_edits_survive_byte_for_byte() {
    let (_dir, root) = project();
    edit(
        &root,
        "app/main.py",
        "    app.include_router(health_router)\n",
        "    app.include_router(health_router)\n    # mine: health first\n",
    );
    edit(
        &root,
        "app/models/__init__.py",
        "\"\"\"\n\nfrom app.models.base import metadata\n",
        "\"\"\"\n\n# mine: why metadata\nfrom app.models.base import metadata\n",
    );
    edit(
        &root,
        "backendgen.yaml",
        "resources:\n",
        "resources:\n  # mine: tasks first\n",
    );
    edit(
        &root,
        "README.md",
        "## Configuration",
        "My own notes.\n\n## Configuration",
    );
    add_project_resource(&root).success();
    assert!(read(&root, "app/main.py").contains("    app.include_router(health_router)\n    # mine: health first\n    app.include_router(task.router)\n    app.include_router(project.router)\n"));
    assert!(
        read(&root, "app/models/__init__.py")
            .contains("# mine: why metadata\nfrom app.models.base import metadata\n")
    );
    assert!(
        read(&root, "backendgen.yaml").contains("resources:\n  # mine: tasks first\n  task:\n")
    );
    assert!(read(&root, "README.md").contains("My own notes.\n\n## Configuration"));
}

#[test]
fn adding_the_same_resource_twice_is_refused() {
    let (_dir, root) = project();
    add_project_resource(&root).success();
    let before = read_tree(&root);
    add_project_resource(&root)
        .code(1)
        .stderr(predicate::str::contains(
            "resource `project` already exists",
        ));
    assert_eq!(read_tree(&root), before);
}

#[test]
fn an_existing_file_with_other_content_is_a_conflict() {
    let (_dir, root) = project();
    fs::write(
        root.join("app/models/project.py"),
        "# my own project model\n",
    )
    .unwrap();
    fs::write(root.join("app/tests/test_projects.py"), "# my own tests\n").unwrap();
    let before = read_tree(&root);
    add_project_resource(&root)
        .code(1)
        .stderr(predicate::str::contains(
            "2 files already exist with other content",
        ))
        .stderr(predicate::str::contains("  app/models/project.py"))
        .stderr(predicate::str::contains("  app/tests/test_projects.py"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(read_tree(&root), before);
}

/// `add-resource project --field name:string --force`, which must succeed.
fn add_project_forced(root: &Path) {
    backendgen(root)
        .args([
            "add-resource",
            "project",
            "--field",
            "name:string",
            "--force",
        ])
        .assert()
        .success();
}

#[test]
fn force_overwrites_a_conflict_and_keeps_the_users_file() {
    let (_dir, root) = project();
    fs::write(
        root.join("app/models/project.py"),
        "# my own project model\n",
    )
    .unwrap();
    add_project_forced(&root);
    assert_eq!(
        read(&root, "app/models/project.py.orig"),
        "# my own project model\n"
    );
    assert!(
        read(&root, "app/models/project.py").contains("class Project(TableModel, table=True):")
    );
}

#[test]
fn force_keeps_an_earlier_copy_too() {
    let (_dir, root) = project();
    fs::write(root.join("app/models/project.py"), "# mine, now\n").unwrap();
    fs::write(root.join("app/models/project.py.orig"), "# mine, before\n").unwrap();
    fs::write(
        root.join("app/models/project.py.orig.1"),
        "# mine, long ago\n",
    )
    .unwrap();
    add_project_forced(&root);
    assert_eq!(
        read(&root, "app/models/project.py.orig"),
        "# mine, before\n"
    );
    assert_eq!(
        read(&root, "app/models/project.py.orig.1"),
        "# mine, long ago\n"
    );
    assert_eq!(read(&root, "app/models/project.py.orig.2"), "# mine, now\n");
}

/// The wiring is merged, not injected at a marker: a user who deleted the marker line changed
/// the very lines the new router goes into, so that hunk is a conflict. Everything else is
/// written, the exit status is 3, and the next apply waits for the markers to go.
#[test]
fn an_edit_where_the_wiring_goes_is_a_conflict_and_nothing_else_is_lost() {
    let (_dir, root) = project();
    edit(
        &root,
        "app/main.py",
        "    # backendgen: new routers go above this line\n",
        "",
    );
    add_project_resource(&root)
        .code(3)
        .stderr(predicate::str::contains("conflict app/main.py"))
        .stderr(predicate::str::contains("created app/models/project.py"))
        .stderr(predicate::str::contains(
            "1 file changed both by you and by backendgen in the same lines",
        ))
        .stderr(predicate::str::contains("  app/main.py\n"))
        .stderr(predicate::str::contains("error").not());
    let main = read(&root, "app/main.py");
    assert!(
        main.contains(
            "    app.include_router(task.router)\n<<<<<<< yours\n=======\n    app.include_router(project.router)\n    # backendgen: new routers go above this line\n>>>>>>> backendgen\n    return app\n"
        ),
        "{main}"
    );
    assert!(main.contains("from app.routers import project, task\n"));
    assert!(root.join("alembic/versions/0002_add_projects.py").is_file());
    let before = read_tree(&root);
    backendgen(&root)
        .arg("apply")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "conflict markers remain in the project; nothing was written",
        ))
        .stderr(predicate::str::contains("  app/main.py:"));
    assert_eq!(read_tree(&root), before);
}

const USER_MIGRATION: &str = "\"\"\"A migration the user wrote.\"\"\"\n\nfrom alembic import op\n\nrevision = \"{id}\"\ndown_revision = \"{down}\"\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    op.execute(\"SELECT 1\")\n\n\ndef downgrade() -> None:\n    pass\n";

fn user_migration(root: &Path, file: &str, id: &str, down: &str) {
    let text = USER_MIGRATION.replace("{id}", id).replace("{down}", down);
    fs::write(root.join("alembic/versions").join(file), text).unwrap();
}

#[test]
fn the_new_migration_chains_onto_the_users_own() {
    let (_dir, root) = project();
    user_migration(&root, "5f1e2d3c_seed.py", "5f1e2d3c", "0001_initial");
    add_project_resource(&root).success();
    let migration = read(&root, "alembic/versions/0003_add_projects.py");
    assert!(migration.contains("revision: str = \"0003_add_projects\""));
    assert!(migration.contains("down_revision: str | Sequence[str] | None = \"5f1e2d3c\""));
}

#[test]
fn several_heads_are_refused_with_the_merge_command() {
    let (_dir, root) = project();
    user_migration(&root, "aaaa_one.py", "aaaa", "0001_initial");
    user_migration(&root, "bbbb_two.py", "bbbb", "0001_initial");
    let before = read_tree(&root);
    add_project_resource(&root)
        .code(1)
        .stderr(predicate::str::contains("the migrations have 2 heads"))
        .stderr(predicate::str::contains("alembic merge heads"));
    assert_eq!(read_tree(&root), before);
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let (_dir, root) = project();
    let before = read_tree(&root);
    let output = add_project_resource_dry(&root);
    assert_eq!(read_tree(&root), before);
    assert!(output.contains("--- /dev/null\n+++ b/app/models/project.py\n"));
    assert!(output.contains("--- a/app/main.py\n+++ b/app/main.py\n"));
    assert!(output.contains("+    app.include_router(project.router)\n"));
}

fn add_project_resource_dry(root: &Path) -> String {
    let output = backendgen(root)
        .args([
            "add-resource",
            "project",
            "--field",
            "name:string:max=120",
            "--field",
            "archived:bool=false",
            "--dry-run",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

#[test]
fn dry_run_diff_snapshot() {
    let (_dir, root) = project();
    insta::assert_snapshot!(add_project_resource_dry(&root));
}

#[test]
fn tree_after_add_resource_snapshot() {
    let (_dir, root) = project();
    let before: std::collections::BTreeMap<String, String> = read_tree(&root).into_iter().collect();
    add_project_resource(&root).success();
    let mut document = String::new();
    for (path, contents) in read_tree(&root) {
        // The base file repeats the other files.
        if path != ".backendgen/base.json" && before.get(&path) != Some(&contents) {
            document.push_str(&format!("=== {path} ===\n{contents}"));
        }
    }
    insta::assert_snapshot!(document);
}

#[test]
fn bad_fields_are_reported_and_nothing_is_written() {
    let (_dir, root) = project();
    let before = read_tree(&root);
    backendgen(&root)
        .args([
            "add-resource",
            "project",
            "--field",
            "name:strnig",
            "--field",
            "class:int",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "resources.project.fields.name.type: unknown type `strnig`",
        ))
        .stderr(predicate::str::contains(
            "resources.project.fields.class: `class` is a Python keyword",
        ));
    backendgen(&root)
        .args(["add-resource", "project"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no fields"));
    assert_eq!(read_tree(&root), before);
}

#[test]
fn a_colliding_plural_is_refused() {
    let (_dir, root) = project();
    backendgen(&root)
        .args(["add-resource", "chore", "--field", "name:string"])
        .assert()
        .success();
    let spec = root.join("job.yaml");
    fs::write(&spec, "plural: chores\nfields:\n  name: string\n").unwrap();
    backendgen(&root)
        .args(["add-resource", "job", "--spec", "job.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("both have the plural `chores`"));
}

#[test]
fn a_definition_file_s_problems_are_placed_in_it() {
    let (_dir, root) = project();
    let before = read_tree(&root);
    let add_note = |definition: &str| {
        fs::write(root.join("note.yaml"), definition).unwrap();
        backendgen(&root)
            .args(["add-resource", "note", "--spec", "note.yaml"])
            .assert()
            .code(1)
    };
    add_note("note:\n  fields:\n    title:\n      type: strng\n").stderr(predicate::str::contains(
        "note.yaml has 1 problem:\n- 4:7: resources.note.fields.title.type: unknown type `strng`",
    ));
    add_note("fields:\n  title: string\n bad: [\n")
        .stderr(predicate::str::contains("- 3:2: invalid YAML"));
    fs::remove_file(root.join("note.yaml")).unwrap();
    assert_eq!(read_tree(&root), before);
}

#[test]
fn a_definition_file_and_the_shared_flag_are_taken() {
    let (_dir, root) = project();
    fs::write(
        root.join("comment.yaml"),
        "comment:\n  owned: true\n  fields:\n    body: { type: text } # what was said\n    pinned: bool=false\n",
    )
    .unwrap();
    backendgen(&root)
        .args([
            "add-resource",
            "comment",
            "--spec",
            "comment.yaml",
            "--shared",
        ])
        .assert()
        .success();
    let spec = read(&root, "backendgen.yaml");
    assert!(spec.ends_with("  comment:\n    owned: false\n    fields:\n      body: { type: text } # what was said\n      pinned: bool=false\n"), "{spec}");
    assert!(!read(&root, "app/models/comment.py").contains("user_id"));
}

#[test]
fn remove_after_add_restores_the_tree_apart_from_the_migrations() {
    let (_dir, root) = project();
    let before = tree_without_history(&root);
    add_project_resource(&root).success();
    backendgen(&root)
        .args(["remove-resource", "project"])
        .assert()
        .success()
        .stderr(predicate::str::contains("deleted app/models/project.py"))
        .stderr(predicate::str::contains(
            "created alembic/versions/0003_drop_projects.py",
        ));
    assert_eq!(tree_without_history(&root), before);
    let drop = read(&root, "alembic/versions/0003_drop_projects.py");
    assert!(drop.contains("down_revision: str | Sequence[str] | None = \"0002_add_projects\""));
    assert!(drop.contains("    op.drop_table(\"projects\")"));
}

#[test]
fn remove_keeps_and_lists_the_files_the_user_changed() {
    let (_dir, root) = project();
    add_project_resource(&root).success();
    edit(
        &root,
        "app/services/project.py",
        "from sqlalchemy.exc import IntegrityError\n",
        "from sqlalchemy.exc import IntegrityError  # (mine)\n",
    );
    backendgen(&root)
        .args(["remove-resource", "project"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "left in place, because they were changed",
        ))
        .stderr(predicate::str::contains("  app/services/project.py"));
    assert!(read(&root, "app/services/project.py").contains("(mine)"));
    assert!(!root.join("app/models/project.py").exists());
}

#[test]
fn remove_dry_run_writes_nothing() {
    let (_dir, root) = project();
    add_project_resource(&root).success();
    let before = read_tree(&root);
    backendgen(&root)
        .args(["remove-resource", "project", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "--- a/app/models/project.py\n+++ /dev/null",
        ));
    assert_eq!(read_tree(&root), before);
}

#[test]
fn removing_an_unknown_or_the_last_resource_is_refused() {
    let (_dir, root) = project();
    backendgen(&root)
        .args(["remove-resource", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("there is no resource `nope`"));
    backendgen(&root)
        .args(["remove-resource", "task"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the project's only resource"));
}

#[test]
fn a_child_resource_is_added_and_its_parent_cannot_be_removed() {
    let (_dir, root) = project();
    backendgen(&root)
        .args([
            "add-resource",
            "comment",
            "--belongs-to",
            "task",
            "--field",
            "body:text",
        ])
        .assert()
        .success();
    assert!(read(&root, "backendgen.yaml").ends_with(
        "  comment:\n    owned: true\n    belongs_to: [task]\n    fields:\n      body: text\n"
    ));
    assert!(read(&root, "app/models/comment.py").contains(
        "task_id: int = Field(foreign_key=\"tasks.id\", ondelete=\"RESTRICT\", index=True)"
    ));
    backendgen(&root)
        .args([
            "add-resource",
            "note",
            "--belongs-to",
            "nope",
            "--field",
            "body:text",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`nope` is not a resource declared above",
        ));
    let before = read_tree(&root);
    backendgen(&root)
        .args(["remove-resource", "task"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`task` is referred to by `comment`",
        ));
    assert_eq!(read_tree(&root), before);
    backendgen(&root)
        .args(["remove-resource", "comment"])
        .assert()
        .success();
}

#[test]
fn outside_a_project_the_commands_say_so() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["add-resource", "project", "--field", "name:string"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no backendgen.yaml"));
}
