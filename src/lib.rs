//! backendgen: turns a YAML description of resources into an authenticated FastAPI backend.
//!
//! The pipeline, one module a stage: `spec` (what the user wrote) -> `validate` (every problem at
//! once) -> `model` (names and defaults resolved) -> `plan` (every file rendered in memory, by
//! `render` from the embedded `templates/`) -> `write` (all or nothing).
//!
//! A project changes after `new` by one path, `apply`: the spec rendered again, every file
//! merged with the user's (`merge`, against the last render in `base`), and one migration for
//! the tables (`evolve`).

pub mod apply;
pub mod base;
pub mod cli;
pub mod commands;
pub mod context;
pub mod error;
pub mod evolve;
pub mod inject;
pub mod locate;
pub mod manifest;
pub mod merge;
pub mod migrations;
pub mod model;
pub mod output;
pub mod overrides;
pub mod plan;
pub mod problem;
pub mod project;
pub mod python;
pub mod questions;
pub mod render;
pub mod shorthand;
pub mod spec;
pub mod spec_edit;
pub mod target;
pub mod types;
pub mod validate;
pub mod write;

/// The spec `backendgen new` uses when no `--spec` is given: the tasks API.
pub const DEFAULT_SPEC: &str = include_str!("../examples/tasks.yaml");

/// Runs one parsed command line. Data goes to stdout, messages to stderr; the error is what
/// `main` prints, with its exit status.
pub fn run(cli: cli::Cli) -> Result<(), error::Error> {
    output::set_quiet(cli.quiet);
    match command(cli).and_then(|()| output::flush()) {
        // The reader of stdout stopped reading (`| head`): nothing more to say.
        Err(err) if output::is_closed_pipe(&err) => Ok(()),
        result => result.map_err(error::Error::from),
    }
}

fn command(cli: cli::Cli) -> anyhow::Result<()> {
    match cli.command {
        cli::Command::New(args) => commands::new::run(&args),
        cli::Command::AddResource(args) => commands::add_resource::run(&args),
        cli::Command::RemoveResource(args) => commands::remove_resource::run(&args),
        cli::Command::Apply(args) => commands::apply::run(&args),
        cli::Command::Check(args) => commands::check::run(&args),
        cli::Command::Templates(command) => commands::templates::run(&command),
        cli::Command::Schema => {
            crate::out!("{}", spec::json_schema());
            Ok(())
        }
        cli::Command::Completions(args) => commands::completions::run(&args),
        cli::Command::Man(args) => commands::man::run(&args),
    }
}
