//! Small builders the tests share.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn example(name: &str) -> PathBuf {
    repo_root().join("examples").join(name)
}

/// The backendgen binary, run in `dir`.
pub(crate) fn backendgen(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("backendgen").expect("the binary is built");
    cmd.current_dir(dir);
    cmd
}

/// Every file below `dir`, sorted, as `(relative path, contents)`.
pub(crate) fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A fresh `backendgen new tasks` in a temporary folder: the folder, and the project in it.
pub(crate) fn new_tasks_project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    backendgen(dir.path())
        .args(["new", "tasks"])
        .assert()
        .success();
    let root = dir.path().join("tasks");
    (dir, root)
}

/// Replaces the first `from` in a project file with `to`, as a user's edit.
pub(crate) fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let full = root.join(path);
    let text = std::fs::read_to_string(&full).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    std::fs::write(full, text.replacen(from, to, 1)).unwrap();
}

/// Copies the files below `from` to `to`, creating folders as needed.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub(crate) fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}
