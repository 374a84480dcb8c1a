//! The revisions of spec changes: snapshots of whole revisions (one per change of
//! `evolve_e2e`, which runs them on real databases), and a property over random sequences of
//! spec edits: each step plans, its steps take the schema of one spec to the next and back,
//! and its revision renders within the line length.

use std::fmt::Write as _;

use backendgen::evolve::{Changes, Options, Schema, plan_changes, render_revision};
use backendgen::model::Project;
use backendgen::validate::validate;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use crate::evolve_e2e::{
    FIELDS_NEW, FIELDS_OLD, LOSSY_NEW, LOSSY_OLD, RESOURCES_NEW, RESOURCES_OLD,
};
use crate::properties::deterministic_runner;

fn model(text: &str) -> Project {
    validate("spec", text, None).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn revision(old: &str, new: &str, options: &Options) -> String {
    let changes = plan_changes(&model(old), &model(new), options)
        .unwrap_or_else(|problems| panic!("{problems:#?}"));
    render_revision(&changes, "0002_apply", "0001_initial")
}

#[test]
fn the_revision_of_field_changes() {
    insta::assert_snapshot!(revision(FIELDS_OLD, FIELDS_NEW, &Options::default()));
}

#[test]
fn the_revision_of_lossy_changes() {
    insta::assert_snapshot!(revision(
        LOSSY_OLD,
        LOSSY_NEW,
        &Options { allow_lossy: true }
    ));
}

#[test]
fn the_revision_of_resource_changes() {
    insta::assert_snapshot!(revision(RESOURCES_OLD, RESOURCES_NEW, &Options::default()));
}

#[test]
fn a_revision_is_the_same_bytes_every_time() {
    let first = revision(RESOURCES_OLD, RESOURCES_NEW, &Options::default());
    assert_eq!(
        first,
        revision(RESOURCES_OLD, RESOURCES_NEW, &Options::default())
    );
}

/// Field types a random spec uses: its definition, whether it has a default, and the family
/// of types it converts within.
const KINDS: &[(&str, bool, u8)] = &[
    ("type: string, max_length: 40", false, 0),
    ("type: string, max_length: 80, default: x", true, 0),
    ("type: text, max_length: 500", false, 0),
    ("type: int", false, 1),
    ("type: int, default: 0", true, 1),
    ("type: bigint, default: 7", true, 1),
    (
        "type: decimal, precision: 8, scale: 2, default: \"1.50\"",
        true,
        1,
    ),
    ("type: enum, values: [low, high], default: low", true, 2),
    (
        "type: enum, values: [low, mid, high], default: mid",
        true,
        2,
    ),
    ("type: bool, default: false", true, 3),
    ("type: date", false, 4),
    ("type: time, default: \"09:30\"", true, 5),
    ("type: uuid", false, 6),
    ("type: json", false, 7),
];

fn indexable(kind: usize) -> bool {
    !KINDS[kind].0.contains("json")
}

fn may_be_unique(kind: usize) -> bool {
    indexable(kind) && !KINDS[kind].0.contains("bool") && !KINDS[kind].0.contains("enum")
}

fn is_text(kind: usize) -> bool {
    KINDS[kind].2 == 0
}

#[derive(Debug, Clone)]
struct FieldDef {
    name: String,
    kind: usize,
    optional: bool,
    unique: bool,
    index: bool,
    renamed_from: Option<String>,
}

#[derive(Debug, Clone)]
struct ResourceDef {
    name: String,
    plural: Option<String>,
    owned: bool,
    fields: Vec<FieldDef>,
    /// The parent's name, whether the relation is optional, and its `on_delete`.
    parent: Option<(String, bool, &'static str)>,
    filter: Vec<String>,
    sort: Vec<String>,
    search: Vec<String>,
    renamed_from: Option<String>,
}

/// A spec as data, edited step by step, written out as YAML.
#[derive(Debug, Clone)]
struct SpecDef {
    resources: Vec<ResourceDef>,
    /// Names given so far: each new name is fresh.
    counter: usize,
}

impl SpecDef {
    fn fresh(&mut self, stem: &str) -> String {
        self.counter += 1;
        format!("{stem}{}", self.counter)
    }

    fn new_field(&mut self, kind: usize) -> FieldDef {
        FieldDef {
            name: self.fresh("f"),
            kind,
            // Added to a table with rows, a field needs a default or NULLs.
            optional: !KINDS[kind].1,
            unique: false,
            index: false,
            renamed_from: None,
        }
    }

    fn new_resource(&mut self, owned: bool, kind: usize) -> ResourceDef {
        let field = self.new_field(kind);
        let title = FieldDef {
            name: self.fresh("title"),
            kind: 0,
            optional: true,
            unique: false,
            index: false,
            renamed_from: None,
        };
        ResourceDef {
            name: self.fresh("thing"),
            plural: None,
            owned,
            fields: vec![title, field],
            parent: None,
            filter: Vec::new(),
            sort: Vec::new(),
            search: Vec::new(),
            renamed_from: None,
        }
    }

    fn yaml(&self) -> String {
        let mut out = String::from("project: { name: evolving }\nresources:\n");
        for r in &self.resources {
            let _ = writeln!(out, "  {}:", r.name);
            let _ = writeln!(out, "    owned: {}", r.owned);
            if let Some(plural) = &r.plural {
                let _ = writeln!(out, "    plural: {plural}");
            }
            if let Some(previous) = &r.renamed_from {
                let _ = writeln!(out, "    renamed_from: {previous}");
            }
            if let Some((parent, optional, on_delete)) = &r.parent {
                let _ = writeln!(
                    out,
                    "    belongs_to: {{ resource: {parent}, optional: {optional}, on_delete: {on_delete} }}"
                );
            }
            out.push_str("    fields:\n");
            for f in &r.fields {
                let mut def = KINDS[f.kind].0.to_owned();
                for (key, on) in [
                    ("optional", f.optional),
                    ("unique", f.unique),
                    ("index", f.index),
                ] {
                    if on {
                        let _ = write!(def, ", {key}: true");
                    }
                }
                if let Some(previous) = &f.renamed_from {
                    let _ = write!(def, ", renamed_from: {previous}");
                }
                let _ = writeln!(out, "      {}: {{ {def} }}", f.name);
            }
            if !(r.filter.is_empty() && r.sort.is_empty() && r.search.is_empty()) {
                let _ = writeln!(
                    out,
                    "    list: {{ filter: [{}], sort: [{}], search: [{}] }}",
                    r.filter.join(", "),
                    r.sort.join(", "),
                    r.search.join(", ")
                );
            }
        }
        out
    }

    /// Applies one edit (`what` picks it, `a` and `b` pick what it applies to); an edit that
    /// does not fit the spec leaves it as it is.
    fn edit(&mut self, what: u8, a: usize, b: usize) {
        // Renames take effect once: the next spec drops them (as a user may).
        for r in &mut self.resources {
            r.renamed_from = None;
            r.fields.iter_mut().for_each(|f| f.renamed_from = None);
        }
        let n = self.resources.len();
        let i = a % n;
        match what % 12 {
            0 => {
                let field = self.new_field(b % KINDS.len());
                self.resources[i].fields.push(field);
            }
            1 => {
                let r = &mut self.resources[i];
                if r.fields.len() > 1 {
                    let gone = r.fields.remove(b % r.fields.len()).name;
                    for list in [&mut r.filter, &mut r.sort, &mut r.search] {
                        list.retain(|f| *f != gone);
                    }
                }
            }
            2 => {
                let name = self.fresh("g");
                let r = &mut self.resources[i];
                let j = b % r.fields.len();
                let old = std::mem::replace(&mut r.fields[j].name, name.clone());
                r.fields[j].renamed_from = Some(old.clone());
                for list in [&mut r.filter, &mut r.sort, &mut r.search] {
                    list.iter_mut()
                        .filter(|f| **f == old)
                        .for_each(|f| *f = name.clone());
                }
            }
            3 => {
                // Another type of the same family.
                let r = &mut self.resources[i];
                let j = b % r.fields.len();
                let family = KINDS[r.fields[j].kind].2;
                let others: Vec<usize> = (0..KINDS.len())
                    .filter(|k| KINDS[*k].2 == family && *k != r.fields[j].kind)
                    .collect();
                if let Some(kind) = others.get(b % others.len().max(1)) {
                    let field = &mut r.fields[j];
                    field.kind = *kind;
                    field.optional = field.optional || !KINDS[*kind].1;
                    field.unique &= may_be_unique(*kind);
                    field.index &= indexable(*kind);
                    if !is_text(*kind) {
                        let name = field.name.clone();
                        r.search.retain(|f| *f != name);
                    }
                    if !indexable(*kind) {
                        let name = field.name.clone();
                        r.filter.retain(|f| *f != name);
                        r.sort.retain(|f| *f != name);
                    }
                }
            }
            4 => {
                let fields = &mut self.resources[i].fields;
                let j = b % fields.len();
                let field = &mut fields[j];
                // Required only with a default (it fills the empty rows), and not unique.
                field.optional = !(field.optional && KINDS[field.kind].1 && !field.unique);
            }
            5 => {
                let fields = &mut self.resources[i].fields;
                let j = b % fields.len();
                let field = &mut fields[j];
                match b % 3 {
                    0 if may_be_unique(field.kind) && field.optional => field.unique ^= true,
                    1 if indexable(field.kind) => field.index ^= true,
                    _ => {}
                }
            }
            6 => {
                let mut resource = self.new_resource(b.is_multiple_of(2), b % KINDS.len());
                if b.is_multiple_of(2) {
                    let parent = self.resources[i].name.clone();
                    resource.parent = Some((parent, true, "set_null"));
                }
                self.resources.push(resource);
            }
            7 => {
                let name = self.resources[i].name.clone();
                let referred = self
                    .resources
                    .iter()
                    .any(|r| r.parent.as_ref().is_some_and(|(p, ..)| *p == name));
                if n > 1 && !referred {
                    self.resources.remove(i);
                }
            }
            8 => {
                let name = self.fresh("item");
                let old = std::mem::replace(&mut self.resources[i].name, name.clone());
                self.resources[i].renamed_from = Some(old.clone());
                if b.is_multiple_of(2) {
                    self.resources[i].plural = Some(format!("{name}_rows"));
                }
                for r in &mut self.resources {
                    if let Some((parent, ..)) = &mut r.parent
                        && *parent == old
                    {
                        *parent = name.clone();
                    }
                }
            }
            9 => {
                let r = &mut self.resources[i];
                let field = r.fields[b % r.fields.len()].clone();
                let list = match b % 3 {
                    0 if indexable(field.kind) => &mut r.filter,
                    1 if indexable(field.kind) => &mut r.sort,
                    2 if is_text(field.kind) => &mut r.search,
                    _ => return,
                };
                if list.contains(&field.name) {
                    list.retain(|f| *f != field.name);
                } else {
                    list.push(field.name);
                }
            }
            10 => {
                // A relation to a resource above: added (optional), made required, removed.
                if n < 2 {
                    return;
                }
                let i = i.max(1);
                let parent = self.resources[b % i].name.clone();
                let r = &mut self.resources[i];
                r.parent = match &r.parent {
                    None => Some((parent, true, "set_null")),
                    Some((p, true, _)) if b.is_multiple_of(2) => {
                        Some((p.clone(), false, "cascade"))
                    }
                    Some((p, false, _)) if b.is_multiple_of(2) => {
                        Some((p.clone(), true, "set_null"))
                    }
                    Some(_) => None,
                };
            }
            _ => {
                // Rows can stop being owned (owning existing rows is refused).
                let r = &mut self.resources[i];
                if b.is_multiple_of(2) {
                    r.owned = false;
                } else {
                    r.plural = None;
                }
            }
        }
    }
}

pub(crate) fn edits() -> impl Strategy<Value = (usize, Vec<(u8, usize, usize)>)> {
    (
        0usize..100,
        proptest::collection::vec((any::<u8>(), 0usize..50, 0usize..50), 3..10),
    )
}

/// The schemas a change's steps make: the new one from the old, the old one back.
fn holds(old: &Project, new: &Project, changes: &Changes) -> Result<(), String> {
    let apply = |mut schema: Schema, ops: &[backendgen::evolve::Op]| {
        for op in ops {
            schema.apply(op)?;
        }
        Ok::<Schema, String>(schema.normalized())
    };
    let (a, b) = (Schema::of(old), Schema::of(new));
    if apply(a.clone(), changes.upgrade())? != b.normalized() {
        return Err("the upgrade does not reach the new schema".into());
    }
    if apply(b, changes.downgrade())? != a.normalized() {
        return Err("the downgrade does not bring the old schema back".into());
    }
    Ok(())
}

/// A random sequence of specs, each an edit of the one before (the first is made from the seed).
pub(crate) fn sequence(seed: usize, steps: &[(u8, usize, usize)]) -> Vec<String> {
    let mut spec = SpecDef {
        resources: Vec::new(),
        counter: 0,
    };
    let first = spec.new_resource(seed.is_multiple_of(2), seed % KINDS.len());
    spec.resources.push(first);
    if seed.is_multiple_of(3) {
        let mut child = spec.new_resource(seed.is_multiple_of(4), seed % 5);
        child.parent = Some((spec.resources[0].name.clone(), false, "cascade"));
        spec.resources.push(child);
    }
    let mut texts = vec![spec.yaml()];
    for (what, a, b) in steps {
        spec.edit(*what, *a, *b);
        let text = spec.yaml();
        if let Err(problems) = validate("step", &text, None) {
            panic!("the generator wrote an invalid spec: {problems}\n{text}");
        }
        texts.push(text);
    }
    texts
}

#[test]
fn every_step_of_random_edits_plans_a_change_that_holds() {
    let mut runner = deterministic_runner(200);
    let strategy = edits();
    let uses_sa = regex::Regex::new(r"[^\w.]sa\.").unwrap();
    for _ in 0..200 {
        let (seed, steps) = strategy.new_tree(&mut runner).unwrap().current();
        let texts = sequence(seed, &steps);
        for pair in texts.windows(2) {
            let (old, new) = (model(&pair[0]), model(&pair[1]));
            let changes = plan_changes(&old, &new, &Options { allow_lossy: true })
                .unwrap_or_else(|p| panic!("{p:#?}\n--- from\n{}--- to\n{}", pair[0], pair[1]));
            if let Err(why) = holds(&old, &new, &changes) {
                panic!("{why}\n--- from\n{}--- to\n{}", pair[0], pair[1]);
            }
            let text = render_revision(&changes, "0002_apply", "0001_initial");
            let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 88).collect();
            assert!(long.is_empty(), "{long:#?}\n{text}");
            assert_eq!(
                uses_sa.is_match(&text),
                text.contains("\nimport sqlalchemy as sa\n"),
                "sqlalchemy is imported when used, and only then:\n{text}"
            );
        }
    }
}
