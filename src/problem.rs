//! A problem in the user's input: where it is, what is wrong, and what to do about it.
//!
//! Validation collects every problem before it gives up, so a user fixes a spec in one pass.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The place in the spec, dotted: `resources.task.fields.class`. Empty for the whole file.
    pub path: String,
    /// Line and column (1-based) in the spec file, when known.
    pub location: Option<(usize, usize)>,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            location: None,
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.location = Some((line, column));
        self
    }
}

impl Problem {
    /// The place and the message, `5:7: resources.task.fields.class: ...`, without the hint.
    pub(crate) fn without_hint(&self) -> String {
        let mut out = String::new();
        if let Some((line, column)) = self.location {
            out.push_str(&format!("{line}:{column}: "));
        }
        if !self.path.is_empty() {
            out.push_str(&format!("{}: ", self.path));
        }
        out.push_str(&self.message);
        out
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.without_hint())?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in one spec, in the order of the spec. This is the error `validate`
/// returns; the user reads it as an `Error` (`From<Problems>`), which its `Display` is too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The file the spec came from, as the user named it (`<embedded>` for the default).
    pub source: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::error::Error::from(self.clone()).fmt(f)
    }
}

impl std::error::Error for Problems {}

impl Problems {
    /// The problems of the spec `text` (from `source`), each at its line and column when its
    /// path is found there and it has none yet.
    pub(crate) fn located(source: &str, text: &str, problems: Vec<Problem>) -> Problems {
        let locator = crate::locate::Locator::new(text);
        let problems = problems
            .into_iter()
            .map(|p| match (p.location, locator.find(&p.path)) {
                (None, Some((line, column))) => p.at(line, column),
                _ => p,
            })
            .collect();
        Problems {
            source: source.to_owned(),
            problems,
        }
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be what was meant.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_a_typo() {
        assert_eq!(
            nearest("max_lenght", ["type", "max_length", "optional"]),
            Some("max_length")
        );
        assert_eq!(nearest("strnig", ["string", "text"]), Some("string"));
        assert_eq!(nearest("zzz", ["string", "text"]), None);
    }

    #[test]
    fn display_names_the_place_and_the_hint() {
        let problem = Problem::new("resources.task.fields.class", "`class` is a Python keyword")
            .hint("rename it, e.g. `class_name`")
            .at(7, 7);
        assert_eq!(
            problem.to_string(),
            "7:7: resources.task.fields.class: `class` is a Python keyword\n  hint: rename it, e.g. `class_name`"
        );
    }
}
