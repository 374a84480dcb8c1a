//! Properties over random specs: every valid spec renders a project whose Python compiles and
//! passes `ruff check` and `ruff format --check`; no input, however broken, makes backendgen
//! panic or write anything.

use std::fmt::Write as _;
use std::fs;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use backendgen::target::Target;
use backendgen::{plan, validate::validate, write};

use crate::e2e::{for_target, python_env, run_ok};
use crate::support::backendgen;

/// One field of a random spec, written in the spec's mapping form.
fn field() -> impl Strategy<Value = String> {
    let kinds = prop_oneof![
        Just("{ type: string, max_length: 40 }".to_owned()),
        Just("{ type: string, min_length: 2, max_length: 12, unique: true }".to_owned()),
        Just("{ type: text, optional: true, max_length: 600 }".to_owned()),
        Just("{ type: int, default: 3, min: 0, max: 100 }".to_owned()),
        Just("{ type: bigint, unique: true }".to_owned()),
        Just("{ type: float, optional: true, min: -1.5 }".to_owned()),
        Just("{ type: decimal, precision: 6, scale: 3, default: \"1.500\" }".to_owned()),
        Just("{ type: bool, default: true }".to_owned()),
        Just("{ type: date, optional: true, index: true }".to_owned()),
        Just("{ type: datetime, unique: true }".to_owned()),
        Just("{ type: time, default: \"08:15\" }".to_owned()),
        Just("{ type: uuid, immutable: true }".to_owned()),
        Just("{ type: email, optional: true }".to_owned()),
        Just("{ type: url, optional: true, write_only: true }".to_owned()),
        Just("{ type: json, optional: true }".to_owned()),
        Just("{ type: enum, values: [draft, live, gone], default: live }".to_owned()),
        Just(
            "{ type: string, pattern: \"^[a-z]+-[0-9]+$\", example: ab-12, max_length: 20 }"
                .to_owned()
        ),
        Just("{ type: int, default: 0, read_only: true }".to_owned()),
    ];
    kinds
}

/// A random valid spec: one to three resources, each with one to six fields and maybe a list
/// section and access rules over them.
pub(crate) fn spec() -> impl Strategy<Value = String> {
    let resource = (
        any::<bool>(),
        proptest::collection::vec(field(), 1..6),
        any::<bool>(),
        0usize..3,
    );
    proptest::collection::vec(resource, 1..4).prop_map(|resources| {
        let mut spec = String::from("project: { name: prop }\nresources:\n");
        for (i, (owned, fields, listed, access)) in resources.iter().enumerate() {
            // A field clients can always write: a resource of read-only fields is refused.
            let _ = write!(
                spec,
                "  item{i}_thing:\n    owned: {owned}\n    fields:\n      title: string\n"
            );
            for (j, field) in fields.iter().enumerate() {
                let _ = writeln!(spec, "      f{j}_value: {field}");
            }
            let filterable = !["read_only", "write_only", "json"]
                .iter()
                .any(|k| fields[0].contains(k));
            if *listed && filterable {
                let _ = write!(
                    spec,
                    "    list:\n      filter: [f0_value]\n      sort: [created_at]\n"
                );
                if fields[0].contains("type: string") || fields[0].contains("type: text") {
                    spec.push_str("      search: [f0_value]\n");
                }
            }
            match access {
                1 => spec.push_str("    access: { list: public, get: public }\n"),
                2 if *owned => {
                    spec.push_str("    access: { delete: [boss] }\n    admin_roles: [boss]\n");
                }
                2 => spec.push_str("    access: { update: [editor, boss] }\n"),
                _ => {}
            }
        }
        spec
    })
}

pub(crate) fn deterministic_runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// Random valid specs render, compile, and pass ruff (one batch, for speed).
#[test]
fn random_valid_specs_render_python_that_compiles_and_passes_ruff() {
    let root = crate::support::repo_root().join("target/e2e/projects/properties");
    if root.exists() {
        fs::remove_dir_all(&root).unwrap();
    }
    let mut runner = deterministic_runner(24);
    let strategy = spec();
    let mut last = None;
    for case in 0..24 {
        // Every target in turn: each renders random specs to Python that passes the gates.
        let target = Target::all()[case % 4];
        let text = for_target(&strategy.new_tree(&mut runner).unwrap().current(), target);
        let project = validate("random", &text, None).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let rendered = plan::project(&project, &text).unwrap_or_else(|e| panic!("{e:#}\n{text}"));
        let dir = root.join(format!("case{case}"));
        write::write_all(&dir, &rendered.files).unwrap();
        fs::write(dir.join("spec.txt"), &text).unwrap();
        last = Some(dir);
    }
    let env = python_env(&last.unwrap());
    run_ok(
        env.command(&root, "python")
            .args(["-m", "compileall", "-q", "."]),
        "compileall",
    );
    // Each case is a project of its own: ruff reads each one's pyproject.toml.
    run_ok(
        env.command(&root, "ruff").args(["check", "."]),
        "ruff check of random projects",
    );
    run_ok(
        env.command(&root, "ruff").args(["format", "--check", "."]),
        "ruff format --check of random projects",
    );
    // The full gates on one of each target (all of them pass too, but slowly).
    for case in 0..4 {
        let dir = root.join(format!("case{case}"));
        let env = python_env(&dir);
        run_ok(
            env.command(&dir, "mypy").arg("app"),
            &format!("mypy on random case{case}"),
        );
        run_ok(
            env.command(&dir, "pytest")
                .args(["-q", "-p", "no:cacheprovider"]),
            &format!("pytest on random case{case}"),
        );
    }
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    /// Any text at all is either a valid spec or a list of problems: never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = validate("fuzz", &text, None);
    }

    /// Specs broken in structured ways (unknown keys, wrong kinds, odd values) are refused
    /// with problems, never a panic.
    #[test]
    fn mangled_specs_never_panic(
        key in "[a-z_]{1,12}",
        value in prop_oneof![Just("-1".to_owned()), Just("[]".to_owned()), Just("{}".to_owned()), Just("~".to_owned()), "[a-z0-9 ]{0,10}"],
        place in 0usize..5,
    ) {
        let spec = match place {
            0 => format!("project: {{ name: x, {key}: {value} }}\nresources:\n  t:\n    fields: {{ a: string }}\n"),
            1 => format!("project: {{ name: x }}\nresources:\n  t:\n    {key}: {value}\n    fields: {{ a: string }}\n"),
            2 => format!("project: {{ name: x }}\nresources:\n  t:\n    fields: {{ a: {{ type: string, {key}: {value} }} }}\n"),
            3 => format!("project: {{ name: x }}\nresources:\n  {key}:\n    fields: {{ a: {value} }}\n"),
            _ => format!("project: {{ name: x }}\nresources:\n  t:\n    fields: {{ a: string }}\n    list: {{ {key}: {value} }}\n"),
        };
        if let Ok(project) = validate("fuzz", &spec, None) {
            // What validates must render.
            prop_assert!(plan::project(&project, &spec).is_ok(), "{spec}");
        }
    }
}

/// Invalid specs make `new` exit 1 and write nothing, whatever they hold.
#[test]
fn invalid_specs_never_write() {
    let dir = tempfile::tempdir().unwrap();
    let broken = [
        "",
        "project:",
        "resources: [1, 2]",
        "project: { name: x }\nresources:\n  t:\n    fields: { a: { type: nope } }\n",
        "project: { name: x }\nresources:\n  t:\n    fields: {}\n",
        "\t- :\n  ::: [",
        "project: { name: x }\nresources:\n  t:\n    fields: { a: string }\n    access: { create: public }\n",
    ];
    for (i, text) in broken.iter().enumerate() {
        let spec = dir.path().join(format!("s{i}.yaml"));
        fs::write(&spec, text).unwrap();
        backendgen(dir.path())
            .args([
                "new",
                "x",
                "--spec",
                spec.to_str().unwrap(),
                "--output",
                "out",
            ])
            .assert()
            .code(1);
        assert!(!dir.path().join("out").exists(), "{text:?} wrote something");
    }
}

/// One action's rule, as a spec may write it.
fn rule() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("public"),
        Just("authenticated"),
        Just("[editor]"),
        Just("[boss, editor]"),
    ]
}

/// The cases of a generated test module's access matrix: (action, caller, status).
fn access_cases(test_module: &str) -> Vec<(String, String, u16)> {
    let case = regex::Regex::new(r#"pytest\.param\(\s*"(\w+)",\s*"([\w-]+)",\s*(\d+),"#).unwrap();
    case.captures_iter(test_module)
        .map(|c| (c[1].to_owned(), c[2].to_owned(), c[3].parse().unwrap()))
        .collect()
}

proptest! {
    #![proptest_config(Config { cases: 96, ..Config::default() })]

    /// Whatever access rules a spec declares, what `check` accepts never lets a caller
    /// change or delete rows of an owner they may not act for: in the router, update and
    /// delete always scope to the caller's rows (or an admin's), and the generated
    /// access-matrix tests expect every other caller to fail.
    #[test]
    fn accepted_access_rules_never_open_another_owners_rows(
        owned in any::<bool>(),
        parent_owned in any::<bool>(),
        rules in proptest::collection::vec(rule(), 10),
        admins in any::<bool>(),
    ) {
        let access = |r: &[&str]| format!(
            "{{ list: {}, get: {}, create: {}, update: {}, delete: {} }}",
            r[0], r[1], r[2], r[3], r[4]
        );
        let admin_line = |is_owned: bool| if admins && is_owned { "    admin_roles: [boss]\n" } else { "" };
        let spec = format!(
            "project: {{ name: prop }}\nresources:\n  folder:\n    owned: {parent_owned}\n    access: {}\n{}    fields: {{ name: string }}\n  note:\n    owned: {owned}\n    belongs_to: folder\n    access: {}\n{}    fields: {{ body: string }}\n",
            access(&rules[..5]), admin_line(parent_owned), access(&rules[5..]), admin_line(owned),
        );
        let opens = |is_owned: bool, r: &[&str]| is_owned && (r[3] == "public" || r[4] == "public");
        let project = match validate("prop", &spec, None) {
            Ok(project) => project,
            Err(problems) => {
                if opens(parent_owned, &rules[..5]) || opens(owned, &rules[5..]) {
                    prop_assert!(problems.to_string().contains("every owner's rows"), "{problems}");
                }
                return Ok(());
            }
        };
        prop_assert!(!opens(parent_owned, &rules[..5]) && !opens(owned, &rules[5..]), "{spec}");
        let plan = plan::project(&project, &spec).unwrap();
        for resource in &project.resources {
            if !resource.owned {
                continue;
            }
            let router = &plan.get(&format!("app/routers/{}.py", resource.name)).unwrap().contents;
            for action in ["update", "delete"] {
                let start = router.find(&format!("def {action}_{}(", resource.name)).unwrap();
                let body = &router[start..];
                let body = &body[..body[1..].find("\n\n\n").map_or(body.len(), |i| i + 1)];
                prop_assert!(body.contains("_find(session, _owner(user), "), "{action} is not scoped:\n{body}\n{spec}");
            }
            let tests = &plan.get(&format!("app/tests/test_{}.py", resource.plural)).unwrap().contents;
            let cases = access_cases(tests);
            prop_assert!(!cases.is_empty());
            for (action, caller, status) in cases {
                let acts_for_owner = caller == "owner" || (admins && caller == "role-boss");
                if matches!(action.as_str(), "update" | "delete") && !acts_for_owner {
                    prop_assert!(!matches!(status, 200 | 204), "{action} by {caller} expects {status}\n{spec}");
                }
            }
        }
    }
}
