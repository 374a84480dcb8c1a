//! The one error the user reads: what went wrong, the places it concerns, what to do about it,
//! and the exit status it stands for.
//!
//! Everything the commands return ends here (`From<anyhow::Error>`): an `Error` raised on the
//! way keeps its hint and status; `Problems` (a spec's problems, each with its own hint)
//! converts; any other error (a file that cannot be read, with its path)
//! is its message. `main` prints every one the same way: `error: ...`, the places, then
//! `  hint: ...`.

use std::fmt;
use std::io::Write as _;

use crate::output::{ERROR, HINT, WARNING};
use crate::problem::Problems;

/// The exit status of a problem with the user's input or project. (2 is a usage error, which
/// clap reports before any command runs.)
pub(crate) const FAILURE: u8 = 1;
/// The exit status of a usage error: what clap answers for a bad command line, and what a
/// command answers for an argument clap cannot check (`man NAME` of no command).
pub(crate) const USAGE: u8 = 2;
/// The exit status of a change written with conflict markers for the user to resolve.
pub(crate) const CONFLICT: u8 = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    /// Lines under the message: the files or places it concerns, each with its own hint when
    /// it has one.
    places: Vec<Place>,
    hint: Option<String>,
    code: u8,
    /// Not a failure: what was done has a consequence the user must deal with (exit 3).
    warning: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    /// As printed, with its bullet or indent (`  app/main.py`, `- 5:7: resources.x: ...`).
    text: String,
    hint: Option<String>,
}

impl Error {
    /// An error that exits with status 1.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            places: Vec::new(),
            hint: None,
            code: FAILURE,
            warning: false,
        }
    }

    /// What the user can do about it.
    #[must_use]
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The files (or places) the error concerns, one a line under the message.
    #[must_use]
    pub(crate) fn with_places<S: Into<String>>(
        mut self,
        places: impl IntoIterator<Item = S>,
    ) -> Self {
        self.places.extend(places.into_iter().map(|place| Place {
            text: format!("  {}", place.into()),
            hint: None,
        }));
        self
    }

    /// Exits with `code` rather than 1.
    #[must_use]
    pub(crate) fn with_code(mut self, code: u8) -> Self {
        self.code = code;
        self
    }

    /// Printed as `warning:`: the command did its work, with a consequence to deal with.
    #[must_use]
    pub(crate) fn warning(mut self) -> Self {
        self.warning = true;
        self
    }

    /// The message with `context` before it: `context: message`.
    #[must_use]
    pub(crate) fn within(mut self, context: &str) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    pub fn exit_code(&self) -> u8 {
        self.code
    }

    /// Prints the error on stderr, styled on a terminal.
    pub fn report(&self) {
        let (label, style) = if self.warning {
            ("warning", WARNING)
        } else {
            ("error", ERROR)
        };
        let text = self.render(&format!("{HINT}hint:{HINT:#}"));
        let _ = writeln!(anstream::stderr().lock(), "{style}{label}:{style:#} {text}");
    }

    /// The message, the places and the hint, one a line, each hint after `hint_label`.
    fn render(&self, hint_label: &str) -> String {
        let mut out = self.message.clone();
        for place in &self.places {
            out.push('\n');
            out.push_str(&place.text);
            if let Some(hint) = &place.hint {
                out.push_str(&format!("\n    {hint_label} {hint}"));
            }
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n  {hint_label} {hint}"));
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("hint:"))
    }
}

impl std::error::Error for Error {}

impl From<Problems> for Error {
    fn from(problems: Problems) -> Self {
        let count = problems.problems.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        let mut error = Error::new(format!("{} has {count} {noun}:", problems.source));
        error.places = problems
            .problems
            .into_iter()
            .map(|problem| Place {
                text: format!("- {}", problem.without_hint()),
                hint: problem.hint,
            })
            .collect();
        error
    }
}

/// The error of a command, as the user reads it: the first typed error in the chain, with the
/// contexts above it (if any) before its message; else the whole chain, `a: b: c`.
impl From<anyhow::Error> for Error {
    fn from(err: anyhow::Error) -> Self {
        let mut contexts = Vec::new();
        for cause in err.chain() {
            let typed = if let Some(error) = cause.downcast_ref::<Error>() {
                Some(error.clone())
            } else {
                cause
                    .downcast_ref::<Problems>()
                    .map(|problems| Error::from(problems.clone()))
            };
            if let Some(error) = typed {
                return if contexts.is_empty() {
                    error
                } else {
                    error.within(&contexts.join(": "))
                };
            }
            contexts.push(cause.to_string());
        }
        Error::new(format!("{err:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn message_places_and_hint_one_a_line() {
        let error = Error::new("2 files already exist; nothing was written:")
            .with_places(["app/a.py", "app/b.py"])
            .with_hint("move them away");
        assert_eq!(
            error.to_string(),
            "2 files already exist; nothing was written:\n  app/a.py\n  app/b.py\n  hint: move them away"
        );
        assert_eq!(error.hint(), Some("move them away"));
        assert_eq!(error.exit_code(), FAILURE);
    }

    #[test]
    fn problems_keep_each_hint_under_their_place() {
        let problems = Problems {
            source: "s.yaml".to_owned(),
            problems: vec![
                Problem::new("resources.x", "bad").hint("fix it").at(3, 1),
                Problem::new("", "worse"),
            ],
        };
        let error = Error::from(problems);
        assert_eq!(
            error.to_string(),
            "s.yaml has 2 problems:\n- 3:1: resources.x: bad\n    hint: fix it\n- worse"
        );
    }

    #[test]
    fn an_error_inside_contexts_keeps_its_hint_and_code() {
        let inner: anyhow::Error = Error::new("conflicts")
            .with_hint("resolve them")
            .with_code(CONFLICT)
            .into();
        let error = Error::from(inner.context("nothing was changed"));
        assert_eq!(error.message(), "nothing was changed: conflicts");
        assert_eq!(error.hint(), Some("resolve them"));
        assert_eq!(error.exit_code(), CONFLICT);
    }

    #[test]
    fn any_other_error_is_its_chain() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let error = Error::from(anyhow::Error::new(io).context("failed to read spec.yaml"));
        assert_eq!(
            error.to_string(),
            "failed to read spec.yaml: No such file or directory"
        );
        assert_eq!(error.hint(), None);
    }
}
