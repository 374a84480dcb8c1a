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
        .stderr(predicate::str::contains("project shop: 4 resources"));
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
            "the spec backendgen.yaml does not exist",
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
        .stderr(predicate::str::contains("created tasks"));
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
fn new_refuses_a_target_that_holds_a_project_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "shop", "--spec"])
        .arg(example("shop.yaml"))
        .args(["--yes", "-q", "-o", "project"])
        .assert()
        .success();
    let target = dir.path().join("project");
    let before = read_tree(&target);
    backendgen(dir.path())
        .args(["new", "tasks", "--yes", "-o", "project", "--force"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "holds a project made by backendgen",
        ))
        .stderr(predicate::str::contains("backendgen apply"));
    assert_eq!(read_tree(&target), before);
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks", "--dry-run"])
        .assert()
        .success()
        .stderr(predicate::str::contains("would write"))
        .stdout(predicate::str::contains("\napp/routers/task.py\n"));
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

/// The project's `backendgen.yaml`, without the schema comment `new` puts first.
fn kept_spec(project: &std::path::Path) -> String {
    let text = fs::read_to_string(project.join("backendgen.yaml")).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    assert!(first.starts_with("# yaml-language-server:"), "{first}");
    rest.to_owned()
}

#[test]
fn new_records_the_target_the_flags_chose_in_its_spec() {
    let dir = tempfile::tempdir().unwrap();
    let spec = example("shop.yaml");
    backendgen(dir.path())
        .args(["new", "shop", "--spec", spec.to_str().unwrap()])
        .args(["--orm", "sqlalchemy", "--mode", "sync"])
        .assert()
        .success()
        .stderr(predicate::str::contains("sqlalchemy, sync"));
    let kept = kept_spec(&dir.path().join("shop"));
    let original = fs::read_to_string(&spec).unwrap();
    assert!(
        kept.contains("\n  orm: sqlalchemy\n  mode: sync\n"),
        "{kept}"
    );
    assert_eq!(
        kept.replace("  orm: sqlalchemy\n  mode: sync\n", ""),
        original,
        "nothing else changed"
    );
    backendgen(&dir.path().join("shop"))
        .arg("check")
        .assert()
        .success();
}

#[test]
fn a_flag_wins_over_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("s.yaml"),
        "project: { name: x, orm: sqlalchemy, mode: sync }  # ours\nresources:\n  t:\n    fields: { a: string }\n",
    )
    .unwrap();
    backendgen(dir.path())
        .args(["new", "x", "--spec", "s.yaml", "--orm", "sqlmodel"])
        .assert()
        .success();
    assert_eq!(
        kept_spec(&dir.path().join("x")),
        "project: { name: x, orm: sqlmodel, mode: sync }  # ours\nresources:\n  t:\n    fields: { a: string }\n"
    );
}

#[test]
fn a_spec_with_public_reads_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = "project:\n  name: x\nauth:\n  default_access: public-reads\nresources:\n  t:\n    owned: false\n    fields: { a: string }\n";
    fs::write(dir.path().join("s.yaml"), spec).unwrap();
    backendgen(dir.path())
        .args(["new", "x", "--spec", "s.yaml"])
        .assert()
        .success();
    assert_eq!(
        kept_spec(&dir.path().join("x")),
        spec.replace("name: x\n", "name: x\n  orm: sqlmodel\n  mode: async\n")
    );
}

#[test]
fn off_a_terminal_nothing_is_asked_and_the_defaults_are_taken() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks"])
        .write_stdin("")
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success()
        .stderr(predicate::str::contains("sqlmodel, async"))
        .stderr(predicate::str::contains("ORM").not());
    let kept = fs::read_to_string(dir.path().join("tasks/backendgen.yaml")).unwrap();
    assert!(kept.contains("  orm: sqlmodel\n  mode: async\n"), "{kept}");
    assert!(!kept.contains("default_access"), "{kept}");
}

#[test]
fn a_target_that_does_not_exist_is_a_usage_error_listing_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "x", "--orm", "django"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[possible values: sqlmodel, sqlalchemy]",
        ));
    backendgen(dir.path())
        .args(["new", "x", "--mode", "threads"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("[possible values: async, sync]"));
    assert!(read_tree(dir.path()).is_empty());
}

/// `backendgen new tasks` in `dir`, under a pseudo-terminal.
#[cfg(unix)]
fn new_on_a_terminal(dir: &std::path::Path) -> rexpect::session::PtySession {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("backendgen"));
    command
        .args(["new", "tasks"])
        .current_dir(dir)
        .env("TERM", "xterm")
        // The messages as plain text, to match (colour on a terminal has its own test).
        .env("NO_COLOR", "1");
    rexpect::session::spawn_command(command, Some(60_000)).unwrap()
}

/// On a terminal `new` asks what nothing decides; arrow keys and Enter answer.
#[cfg(unix)]
#[test]
fn on_a_terminal_new_asks_and_records_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = new_on_a_terminal(dir.path());
    const DOWN: &str = "\x1b[B";
    for prompt in [
        "ORM of the generated code",
        "Async or sync code",
        "Default access to routes",
    ] {
        session.exp_string(prompt).unwrap();
        session.send(DOWN).unwrap();
        session.send("\r").unwrap();
        session.flush().unwrap();
    }
    session.exp_string("created tasks").unwrap();
    session.exp_eof().unwrap();
    let kept = fs::read_to_string(dir.path().join("tasks/backendgen.yaml")).unwrap();
    assert!(
        kept.contains("\n  orm: sqlalchemy\n  mode: sync\n"),
        "{kept}"
    );
    assert!(
        kept.contains("  roles_claim: role\n  default_access: public-reads\n"),
        "{kept}"
    );
}

/// Esc at a question cancels: exit status 1, nothing written.
#[cfg(unix)]
#[test]
fn escape_at_a_question_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = new_on_a_terminal(dir.path());
    session.exp_string("ORM of the generated code").unwrap();
    session.send("\x1b").unwrap();
    session.flush().unwrap();
    session
        .exp_string("cancelled; nothing was written")
        .unwrap();
    ends_having_written_nothing(session, dir.path());
}

/// The session's process ends with exit status 1, and `dir` is still empty.
#[cfg(unix)]
fn ends_having_written_nothing(mut session: rexpect::session::PtySession, dir: &std::path::Path) {
    session.exp_eof().unwrap();
    let status = session.process().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 1)),
        "{status:?}"
    );
    assert!(read_tree(dir).is_empty());
}

/// Ctrl-C at a question cancels it like Esc, and shows the cursor the question hid.
#[cfg(unix)]
#[test]
fn ctrl_c_at_a_question_writes_nothing_and_shows_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = new_on_a_terminal(dir.path());
    session.exp_string("ORM of the generated code").unwrap();
    session.send_control('c').unwrap();
    session.flush().unwrap();
    let (before, _) = session.exp_regex("cancelled; nothing was written").unwrap();
    const SHOW_CURSOR: &str = "\x1b[?25h";
    assert!(before.contains(SHOW_CURSOR), "{before:?}");
    ends_having_written_nothing(session, dir.path());
}

#[test]
fn a_full_stdout_is_one_error_line_not_a_panic() {
    let full = fs::File::create("/dev/full").expect("/dev/full");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_backendgen"))
        .arg("schema")
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: failed to write to stdout"),
        "{stderr}"
    );
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // The reading end closes before the schema is written: every write is a broken pipe.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_backendgen"))
        .arg("schema")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// What `new` says (what it did, what to run next) is a message: on stderr, and gone with
/// `--quiet`; errors and their hints are never silenced.
#[test]
fn quiet_silences_the_summary_but_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks", "--quiet"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert!(dir.path().join("tasks/app/main.py").is_file());
    backendgen(dir.path())
        .args(["-q", "check", "tasks/backendgen.yaml"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    backendgen(dir.path())
        .args(["new", "tasks", "-q"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: tasks holds a project made by backendgen",
        ))
        .stderr(predicate::str::contains(
            "\n  hint: change its backendgen.yaml and run `backendgen apply` there",
        ));
}

#[test]
fn quiet_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks", "--dry-run", "--quiet"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\napp/main.py\n"))
        .stderr("");
}

#[test]
fn messages_go_to_stderr_and_data_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("created tasks"))
        .stderr(predicate::str::contains("next:\n  cd tasks\n"));
    let listed = backendgen(dir.path())
        .args(["new", "other", "--dry-run"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with("would write "))
        .get_output()
        .stdout
        .clone();
    let listed = String::from_utf8(listed).unwrap();
    assert!(
        listed.lines().all(|path| !path.starts_with(' ')),
        "one bare path a line: {listed}"
    );
}

/// A colourless environment for a command: whatever the machine running the tests sets.
fn without_colour_settings(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
}

#[test]
fn piped_output_has_no_escape_codes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.yaml"),
        "project: { name: x }\nresources: {}\nextra: 1\n",
    )
    .unwrap();
    let runs = [
        vec!["new", "tasks"],
        vec!["new", "tasks"],
        vec!["check", "bad.yaml"],
        vec!["check", "tasks/backendgen.yaml"],
        vec!["schema"],
    ];
    for args in runs {
        let output = without_colour_settings(&mut backendgen(dir.path()))
            .args(&args)
            .output()
            .unwrap();
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !bytes.contains(&0x1b),
                "{args:?}: escape codes on {stream}: {}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
    // The styles are there to drop: forced, they show.
    without_colour_settings(&mut backendgen(dir.path()))
        .args(["check", "bad.yaml"])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\x1b["));
}

/// On a terminal `error:` and `hint:` are coloured; `NO_COLOR` turns colour off.
#[cfg(unix)]
#[test]
fn colour_on_a_terminal_unless_no_color() {
    for no_color in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("backendgen"));
        command
            .args(["check", "missing.yaml"])
            .current_dir(dir.path())
            .env("TERM", "xterm")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("NO_COLOR");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let mut session = rexpect::session::spawn_command(command, Some(30_000)).unwrap();
        let output = session.exp_eof().unwrap();
        assert!(
            output.contains("the spec missing.yaml does not exist"),
            "{output:?}"
        );
        assert_eq!(output.contains("\x1b["), !no_color, "{output:?}");
    }
}

#[test]
fn completions_for_every_shell_know_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        backendgen(dir.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("add-resource"))
            .stdout(predicate::str::contains("dry-run"))
            .stderr("");
    }
    backendgen(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values"));
}

/// The bash script loads, and registers the completion of `backendgen`.
#[cfg(unix)]
#[test]
fn bash_completions_load() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("backendgen.bash");
    let output = backendgen(dir.path())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    fs::write(&script, output.stdout).unwrap();
    let loaded = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p backendgen",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&loaded.stdout).contains("backendgen"),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
}

#[test]
fn man_prints_the_manual_page() {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH backendgen 1"))
        .stdout(predicate::str::contains("add\\-resource"))
        .stdout(predicate::str::contains("\\-\\-quiet"));
    backendgen(dir.path())
        .args(["man", "add-resource"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH backendgen-add-resource 1"))
        .stdout(predicate::str::contains("\\-\\-belongs\\-to"))
        // What the command takes: the inherited --quiet, and no --version of its own.
        .stdout(predicate::str::contains("\\-\\-quiet"))
        .stdout(predicate::str::contains("\\-\\-version").not());
    // Every page the top page names exists.
    backendgen(dir.path())
        .args(["man", "help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH backendgen-help 1"));
    backendgen(dir.path())
        .args(["man", "ad-resource"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: there is no command `ad-resource`",
        ))
        .stderr(predicate::str::contains(
            "hint: the commands are: new, add-resource",
        ));
}
