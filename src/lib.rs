//! backendgen: turns a YAML description of resources into an authenticated FastAPI backend.
//!
//! The pipeline, one module a stage: `spec` (what the user wrote) -> `validate` (every problem at
//! once) -> `model` (names and defaults resolved) -> `plan` (every file rendered in memory, by
//! `render` from the embedded `templates/`) -> `write` (all or nothing).

pub mod cli;
pub mod commands;
pub mod context;
pub mod evolve;
pub mod inject;
pub mod locate;
pub mod manifest;
pub mod migrations;
pub mod model;
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

/// Runs one parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    match cli.command {
        cli::Command::New(args) => commands::new::run(&args),
        cli::Command::AddResource(args) => commands::add_resource::run(&args),
        cli::Command::RemoveResource(args) => commands::remove_resource::run(&args),
        cli::Command::Check(args) => commands::check::run(&args),
        cli::Command::Schema => {
            print!("{}", spec::json_schema());
            Ok(())
        }
    }
}
