//! The command line, as clap parses it. Names here are a contract: docs and scripts use them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::spec::{Mode, Orm};

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
    ///
    /// On a terminal it asks what neither a flag nor the spec decides: the ORM, async or sync,
    /// and whether reads need a signed-in caller. `--yes`, or no terminal, takes the defaults.
    New(NewArgs),
    /// Add a resource to a project made by `new`: its files, its migration and the wiring.
    AddResource(AddResourceArgs),
    /// Undo `add-resource`: remove a resource's unmodified files, unwire it, drop its table.
    RemoveResource(RemoveResourceArgs),
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
    /// The ORM of the generated code (over the spec's `project.orm`; default sqlmodel).
    #[arg(long, value_enum, value_name = "ORM")]
    pub orm: Option<Orm>,
    /// Async or sync generated code (over the spec's `project.mode`; default async).
    #[arg(long, value_enum, value_name = "MODE")]
    pub mode: Option<Mode>,
    /// Ask nothing: what neither a flag nor the spec decides takes its default.
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The spec to check (default: ./backendgen.yaml).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AddResourceArgs {
    /// The resource's singular snake_case name (`project`, `order_item`).
    pub name: String,
    /// A field as `name:type[:modifier...]`, e.g. `title:string:max=200`, `done:bool=false`,
    /// `status:enum(open,closed)=open`; repeat for each field.
    #[arg(long = "field", value_name = "F", conflicts_with = "spec")]
    pub fields: Vec<String>,
    /// A YAML file with the resource's definition in the spec's format (`fields:`, `owned:`...).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// A resource each row belongs to (a foreign key, `on_delete: restrict`); repeatable.
    #[arg(long = "belongs-to", value_name = "RESOURCE", conflicts_with = "spec")]
    pub belongs_to: Vec<String>,
    /// The project (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Rows belong to the user who created them (the default).
    #[arg(long, conflicts_with = "shared")]
    pub owned: bool,
    /// Every signed-in user sees and changes every row.
    #[arg(long)]
    pub shared: bool,
    /// Print the diff of every file it would create or change, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite files that exist with other content, keeping each as FILE.orig.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RemoveResourceArgs {
    /// The resource to remove.
    pub name: String,
    /// The project (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Print the diff of every file it would delete or change, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}
