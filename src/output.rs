//! What the user reads, and where: data (a schema, a diff, a list of files) on stdout, messages
//! (what was done, what to run next, warnings, errors) on stderr. Colour only on a terminal:
//! both streams go through `anstream`, which drops the styles in a pipe, with `NO_COLOR`, or
//! on a dumb terminal, and keeps them with `CLICOLOR_FORCE`.
//!
//! `print!` panics when stdout is closed (`| head`) or full. Commands write data through
//! `out!` / `outln!`, which return the error instead; `run` treats a closed pipe as the reader
//! having had enough (exit 0, nothing printed) and any other failure as an error (one line,
//! exit 1). Messages go through `say!` / `sayln!`, which `--quiet` silences, or `warn`, which
//! it does not; a failure to write to stderr is ignored, as there is nowhere left to say it.

use std::io::{self, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Style};

/// `error:`
pub(crate) const ERROR: Style = AnsiColor::Red.on_default().bold();
/// `warning:`
pub(crate) const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// `hint:`
pub(crate) const HINT: Style = AnsiColor::Cyan.on_default().bold();
/// What was done to a file: `created`, `merged`...
pub(crate) const DONE: Style = AnsiColor::Green.on_default().bold();
/// Headings of a message: `next:`.
pub(crate) const HEADING: Style = Style::new().bold();

static QUIET: AtomicBool = AtomicBool::new(false);

/// `--quiet`: from now on, `say!` and `sayln!` print nothing.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub(crate) fn is_quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// `write!` to stdout; `?` returns a failed write as an error.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(anstream::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)?
    }};
}

/// `writeln!` to stdout; `?` returns a failed write as an error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(anstream::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)?
    }};
}

/// A message on stderr (what was done, what to run next), unless `--quiet`.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::message(format_args!($($arg)*))
    };
}

/// A line of message on stderr, unless `--quiet`.
macro_rules! sayln {
    ($($arg:tt)*) => {
        $crate::output::message(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln, say, sayln};

/// What `say!` and `sayln!` expand to.
pub(crate) fn message(message: std::fmt::Arguments<'_>) {
    if !is_quiet() {
        let _ = anstream::stderr().lock().write_fmt(message);
    }
}

/// A warning on stderr, `--quiet` or not: `warning: ` and the text.
pub(crate) fn warn(text: &str) {
    let _ = writeln!(
        anstream::stderr().lock(),
        "{WARNING}warning:{WARNING:#} {text}"
    );
}

pub(crate) fn stdout_error(err: io::Error) -> anyhow::Error {
    anyhow::Error::new(err).context("failed to write to stdout")
}

/// Flushes what stdout still holds, as the last step of a command.
pub(crate) fn flush() -> anyhow::Result<()> {
    anstream::stdout().lock().flush().map_err(stdout_error)
}

/// Whether the error is stdout's reader having gone away (`backendgen schema | head -1`).
pub(crate) fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
