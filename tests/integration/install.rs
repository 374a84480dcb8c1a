//! `cargo install --path .` gives a backendgen that works anywhere: the templates and the
//! default spec are in the binary, not beside it.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

/// Installs into a temporary root from the target folder the tests were built in, with the
/// same profile, so cargo finds the binary up to date and only copies it.
#[test]
fn an_installed_binary_renders_a_project_from_any_folder() {
    let built = Path::new(env!("CARGO_BIN_EXE_backendgen"));
    let profile_dir = built.parent().expect("target/<profile>");
    let target_dir = profile_dir.parent().expect("target");
    let root = tempfile::tempdir().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut install = Command::new(cargo);
    install
        .args(["install", "--path"])
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("--root")
        .arg(root.path())
        .args(["--locked", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", target_dir)
        .timeout(Duration::from_secs(900));
    if profile_dir.file_name().is_some_and(|name| name == "debug") {
        install.arg("--debug");
    }
    install.assert().success();

    let elsewhere = tempfile::tempdir().unwrap();
    let installed = root
        .path()
        .join("bin")
        .join(format!("backendgen{}", std::env::consts::EXE_SUFFIX));
    Command::new(&installed)
        .args(["new", "tasks", "--quiet"])
        .current_dir(elsewhere.path())
        .assert()
        .success();
    let project = elsewhere.path().join("tasks");
    for path in [
        "backendgen.yaml",
        "app/main.py",
        "app/routers/task.py",
        "alembic.ini",
    ] {
        assert!(project.join(path).is_file(), "{path} was not written");
    }
}
