//! The `backendgen` binary: parse the command line, run it, print what went wrong (if anything)
//! and turn it into an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = backendgen::cli::Cli::parse();
    match backendgen::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            err.report();
            ExitCode::from(err.exit_code())
        }
    }
}
