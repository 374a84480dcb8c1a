//! What `new` decides about the generated code (the ORM, async or sync, who may read by
//! default), and the questions it asks about what nothing else decides.
//!
//! A flag decides over the spec. What neither decides is asked, with the default preselected,
//! when `new` runs on a terminal without `--yes`; otherwise it takes its default, so scripts,
//! pipes and tests never wait for an answer. The asking sits behind `Ask`, so what is asked when
//! is tested without a terminal.

use std::io::{ErrorKind, IsTerminal};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, anyhow};
use dialoguer::Select;
use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::spec::{DefaultAccess, Mode, Orm};

/// What one source (the command line, or the spec) says; `None` where it says nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Stated {
    pub orm: Option<Orm>,
    pub mode: Option<Mode>,
    pub default_access: Option<DefaultAccess>,
}

impl Stated {
    /// What a spec's text states; a key that is missing, empty or unreadable states nothing.
    pub(crate) fn in_spec(text: &str) -> Stated {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let root: Value = serde_yaml::from_str(text).unwrap_or_default();
        fn at<T: DeserializeOwned>(root: &Value, section: &str, key: &str) -> Option<T> {
            let value = root.get(section)?.get(key)?;
            serde_yaml::from_value(value.clone()).ok()
        }
        Stated {
            orm: at(&root, "project", "orm"),
            mode: at(&root, "project", "mode"),
            default_access: at(&root, "auth", "default_access"),
        }
    }
}

/// What the project is generated as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Choices {
    pub orm: Orm,
    pub mode: Mode,
    pub default_access: DefaultAccess,
}

/// One question: its prompt and answers, and the answer preselected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Question<'a> {
    pub prompt: &'a str,
    pub answers: Vec<&'a str>,
    pub default: usize,
}

/// Whoever answers the questions.
pub(crate) trait Ask {
    /// The index of the chosen answer.
    fn select(&mut self, question: &Question) -> Result<usize>;
}

/// The person at the terminal: arrow keys and Enter choose; Esc or `q` cancels.
pub(crate) struct Terminal;

impl Ask for Terminal {
    fn select(&mut self, question: &Question) -> Result<usize> {
        // `may_ask` saw that stdout is a terminal; stderr may not be.
        let term = Term::stdout();
        handle_interrupts();
        ASKING.store(true, Ordering::SeqCst);
        let answer = Select::with_theme(&ColorfulTheme::default())
            .with_prompt(question.prompt)
            .items(&question.answers)
            .default(question.default)
            .interact_on_opt(&term);
        match answer {
            Ok(Some(index)) => {
                ASKING.store(false, Ordering::SeqCst);
                Ok(index)
            }
            Ok(None) => Err(anyhow!("cancelled; nothing was written")),
            Err(dialoguer::Error::IO(err)) if err.kind() == ErrorKind::Interrupted => {
                // The signal dialoguer raised reaches the handler on its own thread, maybe
                // only now: `ASKING` stays set, so that it cannot end the process before
                // the message is out. dialoguer shows the cursor only after a read.
                let _ = term.show_cursor();
                Err(anyhow!("cancelled; nothing was written"))
            }
            Err(err) => Err(err).context("failed to read an answer from the terminal"),
        }
    }
}

/// Whether a question is being asked, or was cancelled: Ctrl-C then cancels it (below), else
/// it ends the process.
static ASKING: AtomicBool = AtomicBool::new(false);

/// A question hides the cursor and reads keys in raw mode, where Ctrl-C is a key: dialoguer
/// then raises the signal itself and fails the read. Once a handler is installed, the failed
/// read cancels the question like Esc does, with the cursor shown again. Outside a question
/// the handler ends the process as the signal would have (status 130).
fn handle_interrupts() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // Without the handler Ctrl-C still ends the process, only with the cursor hidden.
        let _ = ctrlc::set_handler(|| {
            if !ASKING.load(Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    });
}

/// Whether `new` may ask: on a terminal (stdin to answer, stdout to show the question), and
/// not told `--yes`.
pub(crate) fn may_ask(yes: bool) -> bool {
    should_ask(
        yes,
        std::io::stdin().is_terminal(),
        std::io::stdout().is_terminal(),
    )
}

fn should_ask(yes: bool, stdin_is_terminal: bool, stdout_is_terminal: bool) -> bool {
    !yes && stdin_is_terminal && stdout_is_terminal
}

pub(crate) const ORM_PROMPT: &str = "ORM of the generated code";
pub(crate) const MODE_PROMPT: &str = "Async or sync code";
pub(crate) const ACCESS_PROMPT: &str = "Default access to routes";

/// Each choice from the flags, else the spec, else an answer from `ask` (when there is one to
/// ask), else its default.
pub(crate) fn decide(
    flags: Stated,
    spec: Stated,
    mut ask: Option<&mut dyn Ask>,
) -> Result<Choices> {
    Ok(Choices {
        orm: choose(
            flags.orm.or(spec.orm),
            &mut ask,
            ORM_PROMPT,
            &[
                (Orm::Sqlmodel, "SQLModel"),
                (Orm::Sqlalchemy, "SQLAlchemy 2.0"),
            ],
        )?,
        mode: choose(
            flags.mode.or(spec.mode),
            &mut ask,
            MODE_PROMPT,
            &[
                (Mode::Async, "async (async def, AsyncSession)"),
                (Mode::Sync, "sync (def, Session)"),
            ],
        )?,
        default_access: choose(
            flags.default_access.or(spec.default_access),
            &mut ask,
            ACCESS_PROMPT,
            &[
                (
                    DefaultAccess::Authenticated,
                    "authenticated: every route needs a signed-in caller",
                ),
                (
                    DefaultAccess::PublicReads,
                    "public reads: anyone may list and get shared resources",
                ),
            ],
        )?,
    })
}

fn choose<T: Copy + Default + PartialEq>(
    stated: Option<T>,
    ask: &mut Option<&mut dyn Ask>,
    prompt: &str,
    options: &[(T, &str)],
) -> Result<T> {
    if let Some(value) = stated {
        return Ok(value);
    }
    let Some(ask) = ask.as_deref_mut() else {
        return Ok(T::default());
    };
    let question = Question {
        prompt,
        answers: options.iter().map(|(_, answer)| *answer).collect(),
        default: options
            .iter()
            .position(|(value, _)| *value == T::default())
            .unwrap_or(0),
    };
    let index = ask.select(&question)?;
    options
        .get(index)
        .map(|(value, _)| *value)
        .with_context(|| format!("answer {index} to `{prompt}` is not one of its answers"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers from a script, and remembers what was asked.
    struct Script {
        answers: Vec<usize>,
        asked: Vec<(String, usize)>,
    }

    impl Script {
        fn answering(answers: &[usize]) -> Self {
            Script {
                answers: answers.to_vec(),
                asked: Vec::new(),
            }
        }
    }

    impl Ask for Script {
        fn select(&mut self, question: &Question) -> Result<usize> {
            self.asked
                .push((question.prompt.to_owned(), question.default));
            Ok(self.answers.remove(0))
        }
    }

    #[test]
    fn on_a_terminal_each_undecided_choice_is_asked_with_the_default_preselected() {
        let mut script = Script::answering(&[1, 1, 1]);
        let choices = decide(Stated::default(), Stated::default(), Some(&mut script)).unwrap();
        assert_eq!(
            choices,
            Choices {
                orm: Orm::Sqlalchemy,
                mode: Mode::Sync,
                default_access: DefaultAccess::PublicReads,
            }
        );
        assert_eq!(
            script.asked,
            [
                (ORM_PROMPT.to_owned(), 0),
                (MODE_PROMPT.to_owned(), 0),
                (ACCESS_PROMPT.to_owned(), 0),
            ]
        );
    }

    #[test]
    fn what_a_flag_or_the_spec_decides_is_not_asked() {
        let mut script = Script::answering(&[0]);
        let flags = Stated {
            orm: Some(Orm::Sqlalchemy),
            ..Stated::default()
        };
        let spec = Stated {
            orm: Some(Orm::Sqlmodel),
            default_access: Some(DefaultAccess::PublicReads),
            ..Stated::default()
        };
        let choices = decide(flags, spec, Some(&mut script)).unwrap();
        assert_eq!(
            choices,
            Choices {
                orm: Orm::Sqlalchemy,
                mode: Mode::Async,
                default_access: DefaultAccess::PublicReads,
            },
            "the flag wins over the spec"
        );
        assert_eq!(script.asked, [(MODE_PROMPT.to_owned(), 0)]);
    }

    #[test]
    fn with_no_one_to_ask_the_defaults_are_taken() {
        assert_eq!(
            decide(Stated::default(), Stated::default(), None).unwrap(),
            Choices::default()
        );
        let spec = Stated {
            mode: Some(Mode::Sync),
            ..Stated::default()
        };
        assert_eq!(
            decide(Stated::default(), spec, None).unwrap().mode,
            Mode::Sync
        );
    }

    #[test]
    fn questions_are_asked_only_on_a_terminal_and_without_yes() {
        assert!(should_ask(false, true, true));
        assert!(!should_ask(true, true, true), "--yes");
        assert!(!should_ask(false, false, true), "stdin piped");
        assert!(!should_ask(false, true, false), "stdout piped");
    }

    #[test]
    fn a_spec_states_only_what_it_says() {
        let stated = Stated::in_spec(
            "project: { name: x, orm: sqlalchemy, mode: ~ }\nauth:\n  default_access: public-reads\n",
        );
        assert_eq!(
            stated,
            Stated {
                orm: Some(Orm::Sqlalchemy),
                mode: None,
                default_access: Some(DefaultAccess::PublicReads),
            }
        );
        assert_eq!(Stated::in_spec("project: { name: x }\n"), Stated::default());
        assert_eq!(
            Stated::in_spec("\u{feff}project: { name: x, mode: sync }\n").mode,
            Some(Mode::Sync)
        );
    }
}
