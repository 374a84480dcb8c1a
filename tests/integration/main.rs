//! Integration tests of backendgen: the command line, whole generated trees (snapshots), and the
//! generated projects' own gates run end to end in a real Python environment.

mod apply;
mod cli;
mod deploy_e2e;
mod e2e;
mod evolve;
mod evolve_e2e;
mod grow;
mod install;
mod properties;
mod schema;
mod snapshots;
mod support;
mod tools;
