//! Writing a plan to disk, all or nothing.
//!
//! Every path is checked to stay inside the root before anything is written. If a write fails
//! halfway, the files already written are put back as they were (removed if they were new), and
//! the folders this call created are removed.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::error::Error;
use crate::plan::PlannedFile;

/// What a file held before we wrote it, so a failed write can be undone.
enum Undo {
    Restore(PathBuf, Vec<u8>),
    Remove(PathBuf),
    RemoveDir(PathBuf),
}

/// Writes every file under `root`, creating folders as needed. On error the disk is left as it was.
///
/// Folders are made first; files are then written by a few threads, since creating a file costs
/// a disk round trip that threads overlap (a 100-resource project has over 500 files).
pub fn write_all(root: &Path, files: &[PlannedFile]) -> Result<()> {
    apply(root, files, &[])
}

/// Writes `files` and deletes `deletions` (relative paths) under `root`, all or nothing: if any
/// step fails, every file written or deleted is put back and new folders are removed.
pub(crate) fn apply(root: &Path, files: &[PlannedFile], deletions: &[String]) -> Result<()> {
    let mut checked = HashSet::new();
    for path in files.iter().map(|f| &f.path).chain(deletions) {
        check_relative(path)?;
        check_no_link(root, path, &mut checked)?;
    }
    let mut dir_undo = Vec::new();
    let mut created = HashSet::new();
    let mut result = Ok(());
    for file in files {
        if let Some(parent) = root.join(&file.path).parent() {
            result = create_dirs(parent, &mut dir_undo, &mut created);
            if result.is_err() {
                break;
            }
        }
    }
    let mut file_undo = Vec::new();
    if result.is_ok() {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .clamp(1, 4);
        let chunk = files.len().div_ceil(threads).max(1);
        let outcomes: Vec<(Vec<Undo>, Result<()>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = files
                .chunks(chunk)
                .map(|part| {
                    let created = &created;
                    scope.spawn(move || {
                        let mut undo = Vec::new();
                        let result = part
                            .iter()
                            .try_for_each(|f| write_one(root, f, created, &mut undo));
                        (undo, result)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("a writer thread panicked"))
                .collect()
        });
        for (undo, outcome) in outcomes {
            file_undo.extend(undo);
            if result.is_ok() {
                result = outcome;
            }
        }
    }
    if result.is_ok() {
        result = deletions
            .iter()
            .try_for_each(|path| delete_one(&root.join(path), &mut file_undo));
    }
    if result.is_err() {
        for step in file_undo
            .into_iter()
            .rev()
            .chain(dir_undo.into_iter().rev())
        {
            // Best effort: the original error is what the user needs to see.
            let _ = match step {
                Undo::Restore(path, bytes) => fs::write(path, bytes),
                Undo::Remove(path) => fs::remove_file(path),
                Undo::RemoveDir(path) => fs::remove_dir(path),
            };
        }
    }
    result
}

fn delete_one(path: &Path, undo: &mut Vec<Undo>) -> Result<()> {
    let bytes = fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    fs::remove_file(path).with_context(|| format!("failed to remove {}", path.display()))?;
    undo.push(Undo::Restore(path.to_owned(), bytes));
    Ok(())
}

fn write_one(
    root: &Path,
    file: &PlannedFile,
    created: &HashSet<PathBuf>,
    undo: &mut Vec<Undo>,
) -> Result<()> {
    let path = root.join(&file.path);
    // In a folder this call created, nothing is there to keep: skip looking.
    let fresh = path.parent().is_some_and(|parent| created.contains(parent));
    if fresh {
        undo.push(Undo::Remove(path.clone()));
    } else {
        match fs::read(&path) {
            Ok(bytes) => undo.push(Undo::Restore(path.clone(), bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                undo.push(Undo::Remove(path.clone()));
            }
            Err(err) => {
                return Err(err).with_context(|| format!("failed to read {}", path.display()));
            }
        }
    }
    fs::write(&path, &file.contents)
        .with_context(|| format!("failed to write {}", path.display()))?;
    if file.contents.starts_with("#!") {
        make_executable(&path)?;
    }
    Ok(())
}

/// A script (a file that starts with `#!`) is written executable, as `git` would check it out.
#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("failed to make {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}

/// Like `create_dir_all`, remembering each folder it creates.
fn create_dirs(dir: &Path, undo: &mut Vec<Undo>, created: &mut HashSet<PathBuf>) -> Result<()> {
    if dir.as_os_str().is_empty() || created.contains(dir) || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, undo, created)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {
            undo.push(Undo::RemoveDir(dir.to_owned()));
            created.insert(dir.to_owned());
        }
        // Someone else made it meanwhile: not ours to remove.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
        Err(err) => {
            return Err(err).with_context(|| format!("failed to create folder {}", dir.display()));
        }
    }
    Ok(())
}

/// A planned path must be relative and stay below the root.
fn check_relative(path: &str) -> Result<()> {
    let ok = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if !ok {
        bail!("refusing to write `{path}`: it would land outside the project folder");
    }
    Ok(())
}

/// No folder or file on the way to a planned path (below the root) may be a symbolic link:
/// written through, it could change a file outside the project folder. `checked` keeps the
/// paths already looked at.
fn check_no_link(root: &Path, path: &str, checked: &mut HashSet<PathBuf>) -> Result<()> {
    let mut at = root.to_owned();
    for component in Path::new(path).components() {
        at.push(component);
        if !checked.insert(at.clone()) {
            continue;
        }
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = at.strip_prefix(root).unwrap_or(&at).display().to_string();
                return Err(Error::new(format!(
                    "refusing to write `{path}`: `{link}` is a symbolic link; nothing was written"
                ))
                .with_hint("writing through it could change a file outside the project folder: replace the link with the file or folder itself")
                .into());
            }
            Ok(_) => {}
            // Nothing there yet: nothing below it either.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// True when `dir` does not exist or holds nothing.
pub(crate) fn is_empty_or_missing(dir: &Path) -> Result<bool> {
    match fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(err) => Err(err).with_context(|| format!("failed to read folder {}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn refuses_to_write_through_a_symbolic_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "not yours").unwrap();
        let root = dir.path().join("project");
        fs::create_dir(&root).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("README.md")).unwrap();
        let files = [PlannedFile {
            path: "README.md".into(),
            contents: "# hello".into(),
        }];
        let err = write_all(&root, &files).unwrap_err();
        assert!(err.to_string().contains("is a symbolic link"), "{err}");
        assert_eq!(fs::read_to_string(&outside).unwrap(), "not yours");
    }

    #[test]
    fn writes_nested_files() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[PlannedFile::new("a/b/c.txt", "x")]).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a/b/c.txt")).unwrap(),
            "x"
        );
    }

    #[cfg(unix)]
    #[test]
    fn scripts_are_written_executable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write_all(
            dir.path(),
            &[
                PlannedFile::new("scripts/start.sh", "#!/bin/sh\n"),
                PlannedFile::new("notes.txt", "x"),
            ],
        )
        .unwrap();
        let mode = |p: &str| {
            fs::metadata(dir.path().join(p))
                .unwrap()
                .permissions()
                .mode()
        };
        assert_eq!(mode("scripts/start.sh") & 0o111, 0o111);
        assert_eq!(mode("notes.txt") & 0o111, 0);
    }

    #[test]
    fn paths_outside_the_root_are_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_all(
            dir.path(),
            &[
                PlannedFile::new("ok.txt", "x"),
                PlannedFile::new("../evil.txt", "x"),
            ],
        )
        .unwrap_err();
        assert!(err.to_string().contains("outside"));
        assert!(is_empty_or_missing(dir.path()).unwrap());
    }

    #[test]
    fn a_failed_file_write_undoes_the_others() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("kept.txt"), "original").unwrap();
        // A folder where a file should go: writing it fails after the others were written.
        fs::create_dir(dir.path().join("taken.txt")).unwrap();
        let mut files: Vec<PlannedFile> = (0..20)
            .map(|i| PlannedFile::new(format!("new/f{i}.txt"), "n"))
            .collect();
        files.push(PlannedFile::new("kept.txt", "new"));
        files.push(PlannedFile::new("taken.txt", "x"));
        assert!(write_all(dir.path(), &files).is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("kept.txt")).unwrap(),
            "original"
        );
        assert!(!dir.path().join("new").exists());
        assert!(dir.path().join("taken.txt").is_dir());
    }

    #[test]
    fn deletions_are_undone_when_a_write_fails() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("gone.txt"), "mine").unwrap();
        fs::create_dir(dir.path().join("taken.txt")).unwrap();
        assert!(
            apply(
                dir.path(),
                &[PlannedFile::new("taken.txt", "x")],
                &["gone.txt".into()]
            )
            .is_err()
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("gone.txt")).unwrap(),
            "mine"
        );
        apply(
            dir.path(),
            &[PlannedFile::new("new.txt", "n")],
            &["gone.txt".into()],
        )
        .unwrap();
        assert!(!dir.path().join("gone.txt").exists());
    }

    #[test]
    fn a_failed_write_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("kept.txt"), "original").unwrap();
        // `blocker` is a file, so writing `blocker/x.txt` fails after the first two writes.
        fs::write(dir.path().join("blocker"), "").unwrap();
        let files = [
            PlannedFile::new("kept.txt", "new"),
            PlannedFile::new("new/dir/n.txt", "n"),
            PlannedFile::new("blocker/x.txt", "x"),
        ];
        assert!(write_all(dir.path(), &files).is_err());
        assert_eq!(
            fs::read_to_string(dir.path().join("kept.txt")).unwrap(),
            "original"
        );
        assert!(!dir.path().join("new").exists());
    }
}
