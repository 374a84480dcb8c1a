//! The command line, as clap parses it. Names here are a contract: docs and scripts use them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "backendgen",
    version,
    about = "Generate an authenticated FastAPI CRUD backend from a YAML spec"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a new project from a spec (the embedded tasks API when no --spec is given).
    New(NewArgs),
    /// Validate a spec and report every problem in it; writes nothing.
    Check(CheckArgs),
    /// Print the JSON Schema of the spec format, for editor completion.
    Schema,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The project's name; it replaces the spec's `project.name`.
    pub name: String,
    /// The spec to render (default: the embedded tasks API).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Where to write the project (default: ./NAME).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Write into a non-empty folder, replacing files of the same names.
    #[arg(long)]
    pub force: bool,
    /// List the files that would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The spec to check (default: ./backendgen.yaml).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}
