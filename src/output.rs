//! Writing to stdout without panicking: `print!` panics when stdout is closed (`| head`) or
//! full. Commands write through `out!` / `outln!`, which return the error instead; `main`
//! treats a closed pipe as the reader having had enough (exit 0, nothing printed) and any
//! other failure as an error (one line, exit 1).

use std::io;

/// `write!` to stdout; `?` returns a failed write as an error.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)?
    }};
}

/// `writeln!` to stdout; `?` returns a failed write as an error.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err($crate::output::stdout_error)?
    }};
}

pub fn stdout_error(err: io::Error) -> anyhow::Error {
    anyhow::Error::new(err).context("failed to write to stdout")
}

/// Flushes what stdout still holds, as the last step of a command.
pub fn flush() -> anyhow::Result<()> {
    use std::io::Write as _;
    io::stdout().lock().flush().map_err(stdout_error)
}

/// Whether the error is stdout's reader having gone away (`backendgen schema | head -1`).
pub fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
