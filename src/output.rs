//! What the user reads, and where: data (a schema, a diff, a list of files) on stdout, messages
//! (what was done, what to run next, warnings, errors) on stderr. Colour only on a terminal:
//! both streams go through `anstream`, which drops the styles in a pipe, with `NO_COLOR`, or
//! on a dumb terminal, and keeps them with `CLICOLOR_FORCE`.
//!
//! `print!` panics when stdout is closed (`| head`) or full. Commands write data through
//! `out!` / `outln!`, which return the error instead; `run` treats a closed pipe as the reader
//! having had enough (exit 0, nothing printed) and any other failure as an error (one line,
//! exit 1).

use std::io::{self, Write as _};

use anstyle::{AnsiColor, Style};

/// `error:`
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// `warning:`
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// `hint:`
pub const HINT: Style = AnsiColor::Cyan.on_default().bold();

/// `write!` to stdout; `?` returns a failed write as an error.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(anstream::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)?
    }};
}

/// `writeln!` to stdout; `?` returns a failed write as an error.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(anstream::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)?
    }};
}

pub fn stdout_error(err: io::Error) -> anyhow::Error {
    anyhow::Error::new(err).context("failed to write to stdout")
}

/// Flushes what stdout still holds, as the last step of a command.
pub fn flush() -> anyhow::Result<()> {
    anstream::stdout().lock().flush().map_err(stdout_error)
}

/// Whether the error is stdout's reader having gone away (`backendgen schema | head -1`).
pub fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
