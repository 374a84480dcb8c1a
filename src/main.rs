//! The `backendgen` binary: parse the command line, run it, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = backendgen::cli::Cli::parse();
    match backendgen::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout stopped reading (`| head`): nothing more to say.
        Err(err) if backendgen::output::is_closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let code = backendgen::apply::exit_code(&err);
            if code == backendgen::apply::CONFLICT_EXIT {
                // Not a failure: the files were written, with markers for the user to resolve.
                eprintln!("{err:#}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(code)
        }
    }
}
