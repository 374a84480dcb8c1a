//! `backendgen man [COMMAND]`: the manual page, in roff, from the command line's own
//! definition: backendgen's (`backendgen(1)`), or one command's (`backendgen-new(1)`).

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::error::{Error, USAGE};

pub(crate) fn run(args: &ManArgs) -> Result<()> {
    let mut backendgen = Cli::command();
    // Built, the commands hold what they inherit (`--quiet`) and `help` is one of them.
    backendgen.build();
    let page = match &args.command {
        None => backendgen,
        Some(name) => {
            let Some(command) = backendgen.find_subcommand(name) else {
                let names: Vec<&str> = backendgen
                    .get_subcommands()
                    .map(clap::Command::get_name)
                    .collect();
                return Err(Error::new(format!("there is no command `{name}`"))
                    .with_hint(format!("the commands are: {}", names.join(", ")))
                    .with_code(USAGE)
                    .into());
            };
            // Named as man pages of subcommands are (`git-commit(1)`), versioned as backendgen.
            let page_name = format!("backendgen-{}", command.get_name());
            command
                .clone()
                .name(page_name)
                .version(env!("CARGO_PKG_VERSION"))
                // The version is the page's; only `backendgen` itself takes `--version`.
                .disable_version_flag(true)
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .expect("writing to memory does not fail");
    crate::out!("{}", String::from_utf8_lossy(&roff));
    Ok(())
}
