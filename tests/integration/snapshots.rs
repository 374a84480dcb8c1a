//! Generated trees, one snapshot a file, so every change to generated code is reviewed as a
//! small diff (`cargo insta review`): the tasks project in each of the four targets, and every
//! example in the default one. Snapshots live in `snapshots/<project>_<orm>_<mode>/`.

use backendgen::target::Target;
use backendgen::{plan, validate::validate};

use crate::e2e::{for_target, target_name};
use crate::support::example;

/// Snapshots every file `text` renders to for `target`, under `<name>_<target>/`.
fn snapshot_tree(name: &str, text: &str, target: Target) {
    let text = for_target(text, target);
    let project = validate(name, &text, None).unwrap_or_else(|e| panic!("{e}"));
    let plan = plan::project(&project, &text).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(format!("snapshots/{name}_{}", target_name(target)));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        // The base file holds every other file again (as `base_records_every_merged_file` in
        // plan.rs checks): its snapshot would only repeat theirs.
        for file in plan
            .files
            .iter()
            .filter(|f| f.path != backendgen::base::PATH)
        {
            // `app/models/task.py` -> `app__models__task.py`.
            insta::assert_snapshot!(file.path.replace('/', "__"), file.contents);
        }
    });
}

/// The embedded default is `examples/tasks.yaml`, so `tasks_*` are its snapshots.
#[test]
fn the_default_spec_is_the_tasks_example() {
    let tasks = std::fs::read_to_string(example("tasks.yaml")).unwrap();
    assert_eq!(backendgen::DEFAULT_SPEC, tasks);
}

#[test]
fn tasks_in_every_target() {
    for target in Target::all() {
        snapshot_tree("tasks", backendgen::DEFAULT_SPEC, target);
    }
}

#[test]
fn every_example_in_the_default_target() {
    let mut examples: Vec<_> = std::fs::read_dir(example(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 2, "at least two example specs");
    for path in examples {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if name != "tasks" {
            snapshot_tree(&name, &text, Target::all()[0]);
        }
    }
}
