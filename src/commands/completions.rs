//! `backendgen completions SHELL`: the shell's completion script, from the command line's own
//! definition, so it cannot fall behind it.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

pub(crate) fn run(args: &CompletionsArgs) -> Result<()> {
    // Rendered in memory first: clap_complete panics when its writer fails (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "backendgen", &mut script);
    crate::out!("{}", String::from_utf8_lossy(&script));
    Ok(())
}
