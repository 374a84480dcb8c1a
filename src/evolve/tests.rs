//! The planner, one kind of change at a time. Every plan is also held to the schemas: the
//! upgrade's steps applied to the old model's schema give the new model's, and the
//! downgrade's give the old one back.

use super::*;
use crate::validate::validate;

fn model(resources: &str) -> Project {
    let yaml = format!("project: {{ name: x }}\nresources:\n{resources}");
    validate("spec", &yaml, None).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// The schema `ops` make of `schema`.
pub(super) fn applied(schema: &Schema, ops: &[Op]) -> Schema {
    let mut schema = schema.clone();
    for op in ops {
        schema
            .apply(op)
            .unwrap_or_else(|e| panic!("{e}\nin {op:#?}\nof {ops:#?}"));
    }
    schema.normalized()
}

/// Plans a change, and checks that its steps take each schema to the other.
pub(super) fn checked(old: &Project, new: &Project, options: &Options) -> Changes {
    let changes = plan_changes(old, new, options).unwrap_or_else(|p| panic!("{p:#?}"));
    let (a, b) = (Schema::of(old), Schema::of(new));
    assert_eq!(
        applied(&a, changes.upgrade()),
        b.normalized(),
        "the upgrade does not reach the new schema"
    );
    assert_eq!(
        applied(&b, changes.downgrade()),
        a.normalized(),
        "the downgrade does not bring the old schema back"
    );
    changes
}

fn change(old: &str, new: &str) -> Changes {
    checked(&model(old), &model(new), &Options::default())
}

fn lossy(old: &str, new: &str) -> Changes {
    checked(&model(old), &model(new), &Options { allow_lossy: true })
}

fn refused(old: &str, new: &str) -> Vec<Problem> {
    match plan_changes(&model(old), &model(new), &Options::default()) {
        Ok(changes) => panic!("planned: {:#?}", changes.upgrade()),
        Err(problems) => problems,
    }
}

/// A step in a word or two, for lists a test can compare.
fn short(op: &Op) -> String {
    match op {
        Op::Guard { table, check } => match check {
            Check::NoneLost { column, .. } => format!("guard {table}.{column} none lost"),
            Check::Empty { columns } => format!("guard {table} empty ({})", columns.join(", ")),
            Check::NoNulls { column } => format!("guard {table}.{column} no nulls"),
            Check::NoDuplicates { column } => format!("guard {table}.{column} no duplicates"),
        },
        Op::CreateTable { table, .. } => format!("create table {}", table.name),
        Op::DropTable { table, .. } => format!("drop table {}", table.name),
        Op::RenameTable { from, to } => format!("rename table {from} {to}"),
        Op::EnableTrigram => "pg_trgm".into(),
        Op::AddColumn {
            table,
            column,
            backfill,
        } => match backfill {
            Some(value) => format!("add {table}.{} = {value}", column.name),
            None => format!("add {table}.{}", column.name),
        },
        Op::DropColumn { table, column } => format!("drop {table}.{}", column.name),
        Op::RenameColumn { table, from, to } => format!("rename {table}.{from} {to}"),
        Op::Note { table, .. } => format!("note {table}"),
        Op::Rewrite { table, column, .. } => format!("rewrite {table}.{column}"),
        Op::AlterType {
            table, column, to, ..
        } => format!("type {table}.{column} {}", to.postgresql()),
        Op::SetNullable {
            table,
            column,
            nullable,
            ..
        } => format!(
            "{} {table}.{column}",
            if *nullable { "null" } else { "not null" }
        ),
        Op::Backfill {
            table,
            column,
            value,
        } => format!("backfill {table}.{column} = {value}"),
        Op::DropServerDefault { table, column, .. } => format!("no default {table}.{column}"),
        Op::CreateIndex { index, .. } => format!("index {}", index.name),
        Op::DropIndex { index, .. } => format!("drop index {}", index.name),
        Op::AddUnique { unique, .. } => format!("unique {}", unique.name),
        Op::DropUnique { unique, .. } => format!("drop unique {}", unique.name),
        Op::AddForeignKey { key, .. } => format!("key {}", key.name),
        Op::DropForeignKey { key, .. } => format!("drop key {}", key.name),
        Op::Rename { from, to, .. } => format!("rename {from} {}", to.name()),
    }
}

fn steps(ops: &[Op]) -> Vec<String> {
    ops.iter().map(short).collect()
}

const TASK: &str = "  task:\n    owned: false\n    fields:\n";

fn task(fields: &str) -> String {
    format!("{TASK}{fields}")
}

#[test]
fn the_same_schema_needs_no_revision() {
    let old = task("      title: string\n      n: int=0\n");
    // Defaults, bounds, access and page sizes live in the app, not in the database.
    let new = format!(
        "{}    access: {{ list: public }}\n    list: {{ page_size: {{ default: 5 }} }}\n",
        task(
            "      title: { type: string, min_length: 2, description: A title }\n      n: { type: int, default: 3, min: 0 }\n"
        )
    );
    let changes = change(&old, &new);
    assert!(changes.is_empty(), "{:#?}", changes.upgrade());
    assert!(changes.downgrade().is_empty());
    assert!(changes.summary().is_empty());
}

#[test]
fn an_optional_field_is_added_and_dropped_again() {
    let changes = change(
        &task("      title: string\n"),
        &task("      title: string\n      due: date:optional\n"),
    );
    assert_eq!(steps(changes.upgrade()), ["add tasks.due"]);
    assert_eq!(steps(changes.downgrade()), ["drop tasks.due"]);
}

#[test]
fn a_required_field_needs_a_default_for_the_existing_rows() {
    let changes = change(
        &task("      title: string\n"),
        &task("      title: string\n      done: bool=false\n"),
    );
    assert_eq!(
        steps(changes.upgrade()),
        ["add tasks.done = 0", "no default tasks.done"],
        "the default is the server default of the rows there, then dropped: the models declare none"
    );
    let problems = refused(
        &task("      title: string\n"),
        &task("      title: string\n      code: string\n"),
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "resources.task.fields.code");
    assert!(problems[0].message.contains("no value for it"));
    assert!(problems[0].hint.as_ref().unwrap().contains("`default`"));
    let unique = refused(
        &task("      title: string\n"),
        &task("      title: string\n      code: { type: string, unique: true, default: x }\n"),
    );
    assert!(
        unique[0]
            .message
            .contains("every existing row would get the same value")
    );
}

#[test]
fn a_dropped_field_takes_its_indexes_with_it() {
    let changes = change(
        &task(
            "      title: string\n      code: string:unique:optional\n      n: int:index:optional\n",
        ),
        &task("      title: string\n"),
    );
    assert_eq!(
        steps(changes.upgrade()),
        [
            "drop unique uq_tasks_code",
            "drop index ix_tasks_n",
            "drop tasks.code",
            "drop tasks.n"
        ]
    );
    assert_eq!(
        steps(changes.downgrade()),
        [
            "guard tasks empty (code, n)",
            "add tasks.code",
            "add tasks.n",
            "unique uq_tasks_code",
            "index ix_tasks_n"
        ]
    );
}

#[test]
fn a_renamed_field_keeps_its_values_and_its_indexes_take_the_new_name() {
    let old = format!(
        "{}    list: {{ sort: [title] }}\n",
        task("      title: string:unique\n")
    );
    let new = format!(
        "{}    list: {{ sort: [heading] }}\n",
        task("      heading: { type: string, unique: true, renamed_from: title }\n")
    );
    let changes = change(&old, &new);
    assert_eq!(
        steps(changes.upgrade()),
        [
            "rename tasks.title heading",
            "rename uq_tasks_title uq_tasks_heading",
            "rename ix_tasks_title_id ix_tasks_heading_id"
        ]
    );
    // Once applied, `renamed_from` names nothing the applied spec has: it is left alone.
    assert!(change(&new, &new).is_empty());
}

#[test]
fn a_rename_must_name_what_the_applied_spec_has() {
    let missing = refused(
        &task("      title: string\n"),
        &task("      heading: { type: string, renamed_from: titel }\n"),
    );
    assert_eq!(
        missing[0].path,
        "resources.task.fields.heading.renamed_from"
    );
    assert!(
        missing[0].message.contains("has no field `titel`"),
        "{}",
        missing[0]
    );
    assert!(missing[0].hint.as_ref().unwrap().contains("`title`"));
    let both = refused(
        &task("      title: string\n      heading: string\n"),
        &task("      heading: { type: string, renamed_from: title }\n"),
    );
    assert!(both[0].message.contains("has both `title` and `heading`"));
    let resource = refused(
        &task("      title: string\n"),
        &format!("  job:\n    renamed_from: chore\n{}", &TASK[7..])
            .replace("    fields:\n", "    fields:\n      title: string\n"),
    );
    assert_eq!(resource[0].path, "resources.job.renamed_from");
    assert!(resource[0].message.contains("no resource `chore`"));
}

#[test]
fn widening_converts_in_place() {
    let changes = change(
        &task("      n: int\n      s: string:max=20\n      t: string\n      d: decimal(10,2)\n"),
        &task("      n: bigint\n      s: string:max=40\n      t: text\n      d: decimal(12,3)\n"),
    );
    assert_eq!(
        steps(changes.upgrade()),
        [
            "type tasks.n bigint",
            "type tasks.s varchar(40)",
            "type tasks.t text",
            "type tasks.d numeric(12, 3)"
        ]
    );
    // Back, the values must fit the narrower types: the downgrade checks before it narrows.
    assert_eq!(
        steps(changes.downgrade())[..4],
        [
            "guard tasks.n none lost",
            "guard tasks.s none lost",
            "guard tasks.t none lost",
            "guard tasks.d none lost"
        ]
    );
}

#[test]
fn lossy_changes_are_refused_unless_allowed_and_then_rewrite_first() {
    let (old, new) = (
        task("      title: string:max=200\n      n: text:optional\n"),
        task("      title: string:max=100\n      n: int:optional\n"),
    );
    let problems = refused(&old, &new);
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].path, "resources.task.fields.title");
    assert_eq!(
        problems[0].message,
        "changing `title` from string(200) to string(100) loses data: `title` values longer than 100 characters are cut to 100"
    );
    assert!(problems[0].hint.as_ref().unwrap().contains("--allow-lossy"));
    let changes = lossy(&old, &new);
    assert_eq!(
        steps(changes.upgrade()),
        [
            "note tasks",
            "rewrite tasks.title",
            "note tasks",
            "rewrite tasks.n",
            "rewrite tasks.n",
            "type tasks.title varchar(100)",
            "type tasks.n integer"
        ]
    );
    let Op::Rewrite { fallback, .. } = &changes.upgrade()[4] else {
        panic!()
    };
    assert_eq!(
        fallback, "NULL",
        "an optional field's unconvertible values become NULL"
    );
    let nowhere = plan_changes(
        &model(&task("      n: text\n")),
        &model(&task("      n: int\n")),
        &Options { allow_lossy: true },
    )
    .unwrap_err();
    assert!(
        nowhere[0].message.contains("nothing to put there"),
        "{}",
        nowhere[0]
    );
    let with_default = lossy(&task("      n: text\n"), &task("      n: int=0\n"));
    let Op::Rewrite { fallback, .. } = &with_default.upgrade()[2] else {
        panic!()
    };
    assert_eq!(fallback, "'0'");
}

#[test]
fn a_type_that_cannot_convert_is_refused() {
    let problems = refused(&task("      d: date\n"), &task("      d: bool\n"));
    assert_eq!(problems[0].path, "resources.task.fields.d.type");
    assert_eq!(
        problems[0].message,
        "`d` cannot change from date to bool in place"
    );
}

#[test]
fn optional_and_required_swap_with_a_default_for_the_empty_rows() {
    let changes = change(
        &task("      n: int:optional\n      s: string\n"),
        &task("      n: int=1\n      s: string:optional\n"),
    );
    assert_eq!(
        steps(changes.upgrade()),
        ["null tasks.s", "backfill tasks.n = 1", "not null tasks.n"]
    );
    assert_eq!(
        steps(changes.downgrade()),
        ["guard tasks.s no nulls", "null tasks.n", "not null tasks.s"],
        "back to required without a default: the downgrade stops while rows have none"
    );
    let problems = refused(&task("      n: int:optional\n"), &task("      n: int\n"));
    assert!(problems[0].message.contains("becomes required"));
    assert!(problems[0].hint.as_ref().unwrap().contains("`default`"));
}

#[test]
fn unique_and_index_come_and_go() {
    let changes = change(
        &task("      a: string\n      b: string:unique\n      c: int:index\n"),
        &task(
            "      a: string:unique\n      b: string\n      c: { type: int, index: true, unique: true }\n",
        ),
    );
    assert_eq!(
        steps(changes.upgrade()),
        [
            "guard tasks.a no duplicates",
            "guard tasks.c no duplicates",
            "drop unique uq_tasks_b",
            "drop index ix_tasks_c",
            "unique uq_tasks_a",
            "index ix_tasks_c"
        ]
    );
}

#[test]
fn removed_enum_values_stop_the_migration_while_rows_hold_them() {
    let changes = change(
        &task("      s: enum(open,closed,archived)=open\n"),
        &task("      s: enum(open,closed,done)=open\n"),
    );
    assert_eq!(
        steps(changes.upgrade()),
        ["guard tasks.s none lost", "type tasks.s varchar(6)"]
    );
    let Op::Guard {
        check: Check::NoneLost { lost, values, .. },
        ..
    } = &changes.upgrade()[0]
    else {
        panic!()
    };
    assert_eq!(lost.postgresql, "{c} IN ('archived')");
    assert_eq!(values, "`s` values this change removes (archived)");
    let added = change(
        &task("      s: enum(open,closed)=open\n"),
        &task("      s: enum(open,closed,reopened)=open\n"),
    );
    assert_eq!(steps(added.upgrade()), ["type tasks.s varchar(8)"]);
    assert_eq!(
        steps(added.downgrade()),
        ["guard tasks.s none lost", "type tasks.s varchar(6)"]
    );
}

const PROJECT: &str = "  project:\n    owned: false\n    fields:\n      name: string\n";

#[test]
fn relations_bring_their_key_and_indexes() {
    let changes = change(
        &format!("{PROJECT}{}", task("      title: string\n")),
        &format!(
            "{PROJECT}{}",
            task("      title: string\n").replace(
                "    fields:\n",
                "    belongs_to: { resource: project, optional: true }\n    fields:\n"
            )
        ),
    );
    assert_eq!(
        steps(changes.upgrade()),
        [
            "add tasks.project_id",
            "index ix_tasks_project_id",
            "index ix_tasks_project_id_created_at_id",
            "key fk_tasks_project_id_projects"
        ]
    );
    let required = refused(
        &format!("{PROJECT}{}", task("      title: string\n")),
        &format!(
            "{PROJECT}{}",
            task("      title: string\n")
                .replace("    fields:\n", "    belongs_to: project\n    fields:\n")
        ),
    );
    assert_eq!(required[0].path, "resources.task.belongs_to");
    let on_delete = change(
        &format!(
            "{PROJECT}{}",
            task("      t: string\n")
                .replace("    fields:\n", "    belongs_to: project\n    fields:\n")
        ),
        &format!(
            "{PROJECT}{}",
            task("      t: string\n").replace(
                "    fields:\n",
                "    belongs_to: { resource: project, on_delete: cascade }\n    fields:\n"
            )
        ),
    );
    assert_eq!(
        steps(on_delete.upgrade()),
        [
            "drop key fk_tasks_project_id_projects",
            "key fk_tasks_project_id_projects"
        ]
    );
}

#[test]
fn an_optional_relation_made_required_is_guarded_not_refused() {
    let with = |relation: &str| {
        format!(
            "{PROJECT}{}",
            task("      t: string\n").replace(
                "    fields:\n",
                &format!("    belongs_to: {relation}\n    fields:\n")
            )
        )
    };
    let changes = change(
        &with("{ resource: project, optional: true }"),
        &with("project"),
    );
    assert_eq!(
        steps(changes.upgrade()),
        [
            "guard tasks.project_id no nulls",
            "not null tasks.project_id"
        ]
    );
}

#[test]
fn list_indexes_follow_filters_sorts_and_searches() {
    let changes = change(
        &task("      title: string\n      n: int=0\n"),
        &format!(
            "{}    list: {{ filter: [n], sort: [title], search: [title] }}\n",
            task("      title: string\n      n: int=0\n")
        ),
    );
    assert_eq!(
        steps(changes.upgrade()),
        [
            "pg_trgm",
            "index ix_tasks_title_id",
            "index ix_tasks_n_created_at_id",
            "index ix_tasks_title_trgm"
        ]
    );
    assert!(
        !steps(changes.downgrade()).contains(&"pg_trgm".to_owned()),
        "dropping a trigram index needs no extension"
    );
}

#[test]
fn resources_are_created_dropped_and_renamed() {
    let old = format!(
        "  category:\n    plural: categories\n    owned: false\n    fields:\n      title: string:unique\n{}  note:\n    fields:\n      body: text\n",
        task("      t: string\n")
            .replace("    fields:\n", "    belongs_to: category\n    fields:\n")
    );
    let new = format!(
        "  tag:\n    owned: false\n    fields:\n      name: string\n  group:\n    renamed_from: category\n    owned: false\n    fields:\n      title: string:unique\n{}",
        task("      t: string\n").replace("    fields:\n", "    belongs_to: group\n    fields:\n")
    );
    let changes = change(&old, &new);
    assert_eq!(
        steps(changes.upgrade()),
        [
            "drop table notes",
            "rename table categories groups",
            "create table tags",
            "rename uq_categories_title uq_groups_title",
            "rename ix_categories_created_at_id ix_groups_created_at_id",
            "rename pk_categories pk_groups",
            "rename tasks.category_id group_id",
            "rename fk_tasks_category_id_categories fk_tasks_group_id_groups",
            "rename ix_tasks_category_id ix_tasks_group_id",
            "rename ix_tasks_category_id_created_at_id ix_tasks_group_id_created_at_id"
        ]
    );
    assert_eq!(
        steps(changes.downgrade())[..3],
        [
            "drop table tags",
            "rename table groups categories",
            "create table notes"
        ]
    );
}

#[test]
fn a_new_plural_renames_the_table() {
    let changes = change(
        "  person:\n    owned: false\n    fields: { name: string }\n",
        "  person:\n    plural: persons\n    owned: false\n    fields: { name: string }\n",
    );
    assert_eq!(
        steps(changes.upgrade())[..2],
        [
            "rename table people persons",
            "rename ix_people_created_at_id ix_persons_created_at_id"
        ]
    );
}

#[test]
fn keys_to_a_dropped_table_go_before_it() {
    let old = format!(
        "{PROJECT}{}",
        task("      t: string\n").replace(
            "    fields:\n",
            "    belongs_to: { resource: project, optional: true }\n    fields:\n"
        )
    );
    let changes = change(&old, &task("      t: string\n"));
    assert_eq!(
        steps(changes.upgrade()),
        [
            "drop key fk_tasks_project_id_projects",
            "drop table projects",
            "drop index ix_tasks_project_id",
            "drop index ix_tasks_project_id_created_at_id",
            "drop tasks.project_id"
        ]
    );
}

#[test]
fn owning_existing_rows_is_refused_and_sharing_them_drops_the_owner() {
    let shared = task("      t: string\n");
    let owned = shared.replace("owned: false", "owned: true");
    let problems = refused(&shared, &owned);
    assert_eq!(problems[0].path, "resources.task.owned");
    assert!(problems[0].message.contains("no owner"));
    let changes = change(&owned, &shared);
    assert!(steps(changes.upgrade()).contains(&"drop tasks.user_id".to_owned()));
}

#[test]
fn a_table_name_given_up_and_taken_again_in_one_change_is_refused() {
    let swap = refused(
        "  a:\n    plural: firsts\n    owned: false\n    fields: { x: string }\n  b:\n    plural: seconds\n    owned: false\n    fields: { x: string }\n",
        "  a:\n    plural: seconds\n    owned: false\n    fields: { x: string }\n  b:\n    plural: firsts\n    owned: false\n    fields: { x: string }\n",
    );
    assert!(swap[0].message.contains("taken again"), "{}", swap[0]);
    // Dropping a table and renaming another to its name is fine one way; back, the new
    // table would take the renamed one's old name while its indexes still carry it.
    let reuse = refused(
        "  a:\n    plural: firsts\n    owned: false\n    fields: { x: string }\n  b:\n    plural: seconds\n    owned: false\n    fields: { x: string }\n",
        "  b:\n    plural: firsts\n    owned: false\n    fields: { x: string }\n",
    );
    assert!(
        reuse[0].message.contains("`seconds`") || reuse[0].message.contains("`firsts`"),
        "{}",
        reuse[0]
    );
}

#[test]
fn the_summary_says_what_changes_and_the_slug_names_the_tables() {
    let changes = change(
        &task("      title: string\n      notes: text:optional\n"),
        &task("      title: string\n      done: bool=false\n"),
    );
    assert_eq!(
        changes.summary(),
        [
            "tasks: drop column notes and its values",
            "tasks: add column done (existing rows get false)"
        ]
    );
    assert_eq!(changes.slug(), "tasks");
}

#[test]
fn problems_point_at_their_place_in_the_new_spec() {
    let new_text = format!(
        "project: {{ name: x }}\nresources:\n{}",
        task("      heading: { type: string, renamed_from: titel }\n")
    );
    let new = validate("backendgen.yaml", &new_text, None).unwrap();
    let problems = plan_changes(
        &model(&task("      title: string\n")),
        &new,
        &Options::default(),
    )
    .unwrap_err();
    let located = crate::problem::Problems::located("backendgen.yaml", &new_text, problems);
    assert_eq!(located.problems[0].location, Some((6, 32)));
    assert!(located.to_string().starts_with("backendgen.yaml has 1 problem:\n- 6:32: resources.task.fields.heading.renamed_from: `heading` is renamed from `titel`"), "{located}");
}

#[test]
fn a_renamed_resource_that_keeps_its_plural_keeps_its_table() {
    let child = |parent: &str| {
        task("      t: string\n").replace(
            "    fields:\n",
            &format!("    belongs_to: {parent}\n    fields:\n"),
        )
    };
    let changes = change(
        &format!(
            "  category:\n    plural: categories\n    owned: false\n    fields: {{ title: string }}\n{}",
            child("category")
        ),
        &format!(
            "  group:\n    plural: categories\n    renamed_from: category\n    owned: false\n    fields: {{ title: string }}\n{}",
            child("group")
        ),
    );
    assert_eq!(
        steps(changes.upgrade()),
        [
            "rename tasks.category_id group_id",
            "rename fk_tasks_category_id_categories fk_tasks_group_id_categories",
            "rename ix_tasks_category_id ix_tasks_group_id",
            "rename ix_tasks_category_id_created_at_id ix_tasks_group_id_created_at_id"
        ],
        "only the children's column, named after the parent, changes"
    );
}
