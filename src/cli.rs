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
    /// Print no messages (what was done, what to run next): only data on stdout, and
    /// warnings and errors on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
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
    /// Bring the project in line with its backendgen.yaml, merging the new render into your files.
    ///
    /// Every generated file is merged three ways: what backendgen rendered last time (kept in
    /// .backendgen/base.json), the file on disk, and the new render. Your edits that do not
    /// overlap a change are kept as they are; a hunk changed on both sides is written between
    /// `<<<<<<< yours` and `>>>>>>> backendgen` markers, and the exit status is 3. Resources
    /// added to or removed from the spec get one migration that creates or drops their tables.
    /// A file you deleted stays deleted; a file backendgen no longer renders is deleted only if
    /// you never changed it.
    ///
    /// A project made before base files existed gets its base rebuilt from its spec, which must
    /// then be as backendgen last wrote it.
    Apply(ApplyArgs),
    /// Validate a spec and report every problem in it; writes nothing.
    Check(CheckArgs),
    /// The project's template overrides (.backendgen/templates/).
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print the JSON Schema of the spec format, for editor completion.
    Schema,
    /// Print the completion script of a shell.
    ///
    /// bash: `backendgen completions bash > ~/.local/share/bash-completion/completions/backendgen`;
    /// zsh: `backendgen completions zsh > ~/.zfunc/_backendgen` (with ~/.zfunc in `fpath`);
    /// fish: `backendgen completions fish > ~/.config/fish/completions/backendgen.fish`;
    /// PowerShell: `backendgen completions powershell | Out-String | Invoke-Expression` in
    /// your profile.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), of backendgen or of one of its commands.
    ///
    /// `backendgen man | man -l -` reads it; `backendgen man > backendgen.1` installs it
    /// (e.g. in ~/.local/share/man/man1/).
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command, for its own page (`backendgen-new(1)`); default: backendgen's page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
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
    /// Overwrite files that exist with other content, keeping each as FILE.orig (FILE.orig.N when that exists).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The project (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Print the diff of every file it would change and the migration, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite your own files where backendgen now renders a file, keeping each as FILE.orig (FILE.orig.N when that exists).
    #[arg(long)]
    pub force: bool,
    /// Allow type changes that may lose values (a shorter max_length, text to int, fewer
    /// digits): the migration rewrites the values that would not fit first, and says so.
    #[arg(long)]
    pub allow_lossy: bool,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List the templates a project renders with, and which of them it overrides.
    List(TemplatesListArgs),
    /// Copy an embedded template to .backendgen/templates/NAME, to edit as an override.
    Eject(TemplatesEjectArgs),
}

#[derive(Debug, Args)]
pub struct TemplatesListArgs {
    /// The project (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
}

#[derive(Debug, Args)]
pub struct TemplatesEjectArgs {
    /// The template's name, as `templates list` shows it (e.g. project/app/main.py.tera).
    pub name: String,
    /// The project (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,
    /// Replace an override that already exists.
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
