//! Whole generated trees, one readable document per spec (`=== path ===` then contents), so
//! every change to generated code is reviewed as a diff (`cargo insta review`).

use backendgen::{plan, validate::validate};

use crate::support::example;

fn document(source: &str, text: &str, name: Option<&str>) -> String {
    let project = validate(source, text, name).unwrap_or_else(|e| panic!("{e}"));
    let plan = plan::project(&project, text).unwrap();
    let mut out = String::new();
    for file in &plan.files {
        out.push_str(&format!("=== {} ===\n{}", file.path, file.contents));
        if !file.contents.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The embedded default is `examples/tasks.yaml`, so `example_tasks` is its snapshot.
#[test]
fn the_default_spec_is_the_tasks_example() {
    let tasks = std::fs::read_to_string(example("tasks.yaml")).unwrap();
    assert_eq!(backendgen::DEFAULT_SPEC, tasks);
}

#[test]
fn every_example() {
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
        insta::assert_snapshot!(format!("example_{name}"), document(&name, &text, None));
    }
}
