//! Three-way merges of one file: what backendgen rendered last time (the base), what is on disk
//! (yours) and what it renders now (backendgen's). The merge itself is the `diffy` crate's; this
//! module names the sides as the user reads them and finds the markers a conflict leaves.

use diffy::{ConflictStyle, IncompleteHunkStyle, MergeOptions};

/// The first line of a conflicting hunk: the lines on disk follow it.
pub(crate) const YOURS: &str = "<<<<<<< yours";
/// The line between the two sides of a conflicting hunk (written by diffy).
#[cfg(test)]
pub(crate) const SEPARATOR: &str = "=======";
/// The last line of a conflicting hunk: backendgen's lines come before it.
pub(crate) const BACKENDGEN: &str = ">>>>>>> backendgen";

/// The outcome of merging one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Merged {
    /// Every change fitted: the merged text.
    Clean(String),
    /// Some hunks changed on both sides: the text with those hunks between markers.
    Conflict(String),
}

#[cfg(test)]
impl Merged {
    pub(crate) fn text(&self) -> &str {
        match self {
            Merged::Clean(text) | Merged::Conflict(text) => text,
        }
    }
}

/// Merges the change from `base` to `theirs` into `yours`.
///
/// None of the three may hold a line that looks like a conflict marker (see `markers`): the
/// caller checks `yours`, and the markers diffy writes are relabelled by their exact lines.
pub(crate) fn three_way(base: &str, yours: &str, theirs: &str) -> Merged {
    let mut options = MergeOptions::new();
    options
        .set_conflict_style(ConflictStyle::Merge)
        .set_incomplete_hunk_style(IncompleteHunkStyle::Git);
    match options.merge(base, yours, theirs) {
        Ok(text) => Merged::Clean(text),
        Err(text) => Merged::Conflict(relabel(&text)),
    }
}

/// diffy names the sides `ours` and `theirs`; the user reads `yours` and `backendgen`.
fn relabel(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.trim_end_matches('\n') {
            "<<<<<<< ours" => format!("{YOURS}\n"),
            ">>>>>>> theirs" => format!("{BACKENDGEN}\n"),
            _ => line.to_owned(),
        })
        .collect()
}

/// The 1-based numbers of the lines in `text` that open or close a conflicting hunk (ours, or
/// any tool's: `<<<<<<< ` and `>>>>>>> ` lines).
pub(crate) fn markers(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| is_marker(line))
        .map(|(i, _)| i + 1)
        .collect()
}

fn is_marker(line: &str) -> bool {
    ["<<<<<<<", ">>>>>>>"].iter().any(|marker| {
        line.strip_prefix(marker)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "import a\n\n\ndef f():\n    return 1\n\n\ndef g():\n    return 2\n";

    #[test]
    fn changes_apart_merge_cleanly_and_keep_both() {
        let yours = BASE.replace("return 1", "return 1  # mine");
        let theirs = BASE.replace("import a", "import a\nimport b");
        assert_eq!(
            three_way(BASE, &yours, &theirs),
            Merged::Clean(
                "import a\nimport b\n\n\ndef f():\n    return 1  # mine\n\n\ndef g():\n    return 2\n"
                    .to_owned()
            )
        );
    }

    #[test]
    fn an_untouched_file_takes_the_new_render_and_an_unchanged_render_keeps_yours() {
        let changed = BASE.replace("return 2", "return 3");
        assert_eq!(
            three_way(BASE, BASE, &changed),
            Merged::Clean(changed.clone())
        );
        assert_eq!(
            three_way(BASE, &changed, BASE),
            Merged::Clean(changed.clone())
        );
    }

    #[test]
    fn overlapping_changes_are_marked_with_both_sides() {
        let yours = BASE.replace("return 2", "return 20");
        let theirs = BASE.replace("return 2", "return 3");
        let merged = three_way(BASE, &yours, &theirs);
        assert_eq!(
            merged,
            Merged::Conflict(format!(
                "import a\n\n\ndef f():\n    return 1\n\n\ndef g():\n{YOURS}\n    return 20\n{SEPARATOR}\n    return 3\n{BACKENDGEN}\n"
            ))
        );
        assert_eq!(markers(merged.text()), [9, 13]);
    }

    #[test]
    fn markers_of_any_tool_are_found_but_not_look_alikes() {
        let text = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> main\n<<<<<<<<< no\n=======\n";
        assert_eq!(markers(text), [2, 6]);
        assert!(markers("Title\n=======\n").is_empty());
    }

    #[test]
    fn a_last_line_without_newline_still_gets_markers_on_their_own_lines() {
        let merged = three_way("x\n", "y", "z\n");
        assert!(matches!(merged, Merged::Conflict(_)));
        assert_eq!(markers(merged.text()).len(), 2);
    }
}
