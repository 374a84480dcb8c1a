//! The command-line contract: exit codes, messages, `--dry-run`, refusal to overwrite.

use std::fs;

use predicates::prelude::*;

use crate::support::{backendgen, example, read_tree};

#[test]
fn check_summarises_a_valid_spec() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["check", example("shop.yaml").to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("project shop: 4 resources"));
}

#[test]
fn check_reports_every_problem_with_place_and_hint() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.yaml");
    fs::write(
        &spec,
        "project: { name: x }\nresources:\n  task:\n    fields:\n      class: string\n      title: { type: strnig }\n      p: { type: enum, values: [a, b], default: c }\n",
    )
    .unwrap();
    backendgen(dir.path())
        .args(["check", "bad.yaml"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("bad.yaml has 3 problems"))
        .stderr(predicate::str::contains(
            "5:7: resources.task.fields.class: `class` is a Python keyword",
        ))
        .stderr(predicate::str::contains(
            "resources.task.fields.title.type: unknown type `strnig`",
        ))
        .stderr(predicate::str::contains("hint: did you mean `string`?"))
        .stderr(predicate::str::contains("resources.task.fields.p.default"));
}

#[test]
fn check_without_a_file_reads_backendgen_yaml() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "failed to read the spec backendgen.yaml",
        ));
}

#[test]
fn a_yaml_syntax_error_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.yaml"), "project:\n  name: [x\n").unwrap();
    backendgen(dir.path())
        .args(["check", "s.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::is_match(r"- \d+:\d+: invalid YAML").unwrap());
}

#[test]
fn new_writes_the_default_project() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks"])
        .assert()
        .success()
        .stdout(predicate::str::contains("created tasks"));
    let project = dir.path().join("tasks");
    for path in [
        "pyproject.toml",
        "backendgen.yaml",
        "app/main.py",
        "app/models/task.py",
        "app/tests/test_tasks.py",
    ] {
        assert!(project.join(path).is_file(), "{path} missing");
    }
}

#[test]
fn new_renames_the_project_in_its_spec() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "todo-api"])
        .assert()
        .success();
    let spec = fs::read_to_string(dir.path().join("todo-api/backendgen.yaml")).unwrap();
    assert!(spec.contains("name: todo_api"), "{spec}");
    assert!(
        spec.starts_with(
            "# yaml-language-server: $schema=.backendgen/schema.json\n# The tasks API"
        ),
        "comments are kept"
    );
    assert!(
        dir.path()
            .join("todo-api/.backendgen/schema.json")
            .is_file()
    );
}

#[test]
fn new_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let spec = example("shop.yaml");
    for out in ["a", "b"] {
        backendgen(dir.path())
            .args([
                "new",
                "shop",
                "--spec",
                spec.to_str().unwrap(),
                "--output",
                out,
            ])
            .assert()
            .success();
    }
    assert_eq!(
        read_tree(&dir.path().join("a")),
        read_tree(&dir.path().join("b"))
    );
}

#[test]
fn new_refuses_a_non_empty_target_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("tasks");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("mine.txt"), "my work").unwrap();
    backendgen(dir.path())
        .args(["new", "tasks"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not empty"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        read_tree(&target),
        vec![("mine.txt".into(), "my work".into())]
    );
}

#[test]
fn new_with_force_writes_into_a_non_empty_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("tasks");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("mine.txt"), "my work").unwrap();
    backendgen(dir.path())
        .args(["new", "tasks", "--force"])
        .assert()
        .success();
    assert!(target.join("app/main.py").is_file());
    assert_eq!(
        fs::read_to_string(target.join("mine.txt")).unwrap(),
        "my work"
    );
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("would write"))
        .stdout(predicate::str::contains("app/routers/task.py"));
    assert!(read_tree(dir.path()).is_empty());
    assert!(!dir.path().join("tasks").exists());
}

#[test]
fn a_bad_spec_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("s.yaml"),
        "project: { name: x }\nresources:\n  ../evil:\n    fields: { a: string }\n",
    )
    .unwrap();
    backendgen(dir.path())
        .args(["new", "x", "--spec", "s.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "resources.../evil: `../evil` is not a valid resource name",
        ));
    assert_eq!(read_tree(dir.path()).len(), 1);
}

#[test]
fn an_invalid_project_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "My Project"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "NAME: `My Project` is not a valid project name",
        ));
    assert!(read_tree(dir.path()).is_empty());
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path()).args(["new"]).assert().code(2);
    backendgen(dir.path())
        .args(["new", "x", "--bogus"])
        .assert()
        .code(2);
}

#[test]
fn schema_prints_a_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let output = backendgen(dir.path())
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let schema: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(schema["title"], "backendgen spec");
    assert!(schema["properties"]["resources"].is_object());
}

/// Every kind of problem `check` reports, as the user reads them: the catalogue of messages.
#[test]
fn every_class_of_spec_error_snapshot() {
    let root = crate::support::repo_root();
    let output = backendgen(&root)
        .args(["check", "tests/specs/errors.yaml"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    insta::assert_snapshot!(String::from_utf8(output).unwrap());
}

#[test]
fn yaml_syntax_error_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("s.yaml"),
        "project:\n  name: shop\nresources:\n  task:\n\tfields: {}\n",
    )
    .unwrap();
    let output = backendgen(dir.path())
        .args(["check", "s.yaml"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    insta::assert_snapshot!(String::from_utf8(output).unwrap());
}
