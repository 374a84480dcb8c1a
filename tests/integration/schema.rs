//! The JSON Schema editors check a spec with (`backendgen schema`, `.backendgen/schema.json`)
//! agrees with `check`: every spec `check` accepts is valid against it, and the mistakes a
//! schema can state are refused by both.

use backendgen::validate::validate;
use proptest::strategy::{Strategy, ValueTree};

use crate::properties::{deterministic_runner, spec};
use crate::support::{example, repo_root};

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&backendgen::spec::json_schema()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn as_json(yaml: &str) -> serde_json::Value {
    serde_yaml::from_str(yaml).unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    validator
        .iter_errors(&as_json(yaml))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_spec_check_accepts_is_valid_against_the_schema() {
    let validator = validator();
    let mut specs: Vec<String> = ["tasks.yaml", "shop.yaml"]
        .iter()
        .map(|name| std::fs::read_to_string(example(name)).unwrap())
        .collect();
    specs.push(std::fs::read_to_string(repo_root().join("tests/specs/edge_cases.yaml")).unwrap());
    let mut runner = deterministic_runner(200);
    let strategy = spec();
    for _ in 0..200 {
        specs.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    for text in specs {
        validate("spec", &text, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let errors = schema_errors(&validator, &text);
        assert!(errors.is_empty(), "{errors:#?}\n{text}");
    }
}

#[test]
fn mistakes_a_schema_can_state_are_refused_by_both() {
    let validator = validator();
    let base = "project: { name: shop }\nresources:\n  item:\n    fields:\n      title: string\n";
    let cases = [
        // Words of a closed set.
        base.replace("name: shop", "name: shop, orm: django"),
        base.replace("name: shop", "name: shop, mode: threaded"),
        base.replace("project:", "auth: { default_access: public }\nproject:"),
        base.replace("title: string", "title: { type: varchar }"),
        // Names.
        base.replace("name: shop", "name: Shop"),
        base.replace("name: shop", "name: class"),
        base.replace("  item:", "  Item:"),
        base.replace("  item:", "  class:"),
        base.replace("  item:", "  a_resource_name_far_too_long_to_use:"),
        base.replace("      title:", "      model_title:"),
        base.replace("      title:", "      id:"),
        base.replace("      title:", "      created_at:"),
        base.replace("      title:", "      str:"),
        base.replace("      title:", "      Title:"),
        base.replace("      title:", "      double__underscore:"),
        // Unknown keys, wrong kinds, bounds.
        base.replace("    fields:", "    colour: red\n    fields:"),
        base.replace("title: string", "title: { type: string, max_len: 3 }"),
        base.replace("title: string", "title: { type: string, optional: maybe }"),
        base.replace(
            "    fields:",
            "    list: { page_size: { default: 0 } }\n    fields:",
        ),
        base.replace(
            "    fields:",
            "    list: { page_size: { max: 5000 } }\n    fields:",
        ),
        base.replace("    fields:", "    owned: sometimes\n    fields:"),
        // Renames name what was there before: a snake_case name.
        base.replace("    fields:", "    renamed_from: Old Item\n    fields:"),
        base.replace(
            "title: string",
            "title: { type: string, renamed_from: Old-Title }",
        ),
    ];
    for text in cases {
        assert!(
            validate("spec", &text, None).is_err(),
            "check accepts:\n{text}"
        );
        assert!(
            !schema_errors(&validator, &text).is_empty(),
            "the schema accepts what check refuses:\n{text}"
        );
    }
}
