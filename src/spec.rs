//! The spec as the user wrote it: serde structs that mirror `backendgen.yaml`, nothing resolved.
//!
//! Only `validate` turns these into the `model` the templates see. The structs also derive
//! `JsonSchema`, so `backendgen schema` describes exactly what this module accepts.

use clap::ValueEnum;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole spec file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "backendgen spec")]
pub struct RawSpec {
    /// The project: its name and the shape of the generated code.
    pub project: RawProject,
    /// How callers are authenticated.
    #[serde(default)]
    pub auth: RawAuth,
    /// The resources, by singular snake_case name (`task`, `order_item`).
    #[serde(default)]
    pub resources: IndexMap<String, RawResource>,
}

pub const SPEC_KEYS: &[&str] = &["project", "auth", "resources"];

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProject {
    /// The project's name: a snake_case or kebab-case identifier (`tasks`, `shop-api`).
    pub name: String,
    /// One line saying what the API is for; it becomes the OpenAPI description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The ORM of the generated code (default `sqlmodel`). `backendgen new --orm` sets it;
    /// `add-resource` renders for what it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orm: Option<Orm>,
    /// Whether the generated code is async or sync (default `async`). `backendgen new --mode`
    /// sets it; `add-resource` renders for what it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
}

pub const PROJECT_KEYS: &[&str] = &["name", "description", "orm", "mode"];

// The words of these enums are spelled once, by serde; clap's `ValueEnum` derives the same
// kebab-case words for the command line (a test holds the two, and the schema, together).

/// The ORM of the generated code.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema, ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Orm {
    /// SQLModel: each table model is a Pydantic model too.
    #[default]
    Sqlmodel,
    /// SQLAlchemy 2.0: declarative `Mapped[...]` models, Pydantic schemas apart.
    Sqlalchemy,
}

impl Orm {
    pub const ALL: [Orm; 2] = [Orm::Sqlmodel, Orm::Sqlalchemy];

    /// The name the spec uses, also the folder of the ORM's template overlay.
    pub fn as_str(self) -> &'static str {
        match self {
            Orm::Sqlmodel => "sqlmodel",
            Orm::Sqlalchemy => "sqlalchemy",
        }
    }
}

/// Whether the generated code is async or sync.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema, ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `async def` routes and services on an async engine and session.
    #[default]
    Async,
    /// Plain `def` routes and services on a sync engine and session.
    Sync,
}

impl Mode {
    /// The name the spec uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Async => "async",
            Mode::Sync => "sync",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAuth {
    /// The identity provider whose JWTs the backend verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<AuthProvider>,
    /// The JWT claim that carries the caller's roles (default `role`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles_claim: Option<String>,
    /// Who may call the actions a resource's `access:` leaves out. `authenticated` (the
    /// default): every route needs a signed-in caller. `public-reads`: `list` and `get` of
    /// shared resources (`owned: false`) are public too. Owned resources, and shared ones that
    /// belong (directly or through their parents) to an owned resource, keep authenticated
    /// reads: public reads would show private rows, or the rows that hang off them. A
    /// resource's own `access:` always wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_access: Option<DefaultAccess>,
}

pub const AUTH_KEYS: &[&str] = &["provider", "roles_claim", "default_access"];

/// Who may call the actions a resource's `access:` leaves out.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema, ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum DefaultAccess {
    /// Every route needs a signed-in caller.
    #[default]
    Authenticated,
    /// Anyone may list and get the rows of shared resources; writes need a signed-in caller.
    PublicReads,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum AuthProvider {
    #[default]
    #[serde(rename = "better-auth")]
    BetterAuth,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawResource {
    /// The plural used for the route and the table (default: inflected from the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plural: Option<String>,
    /// Rows belong to the user who created them: a `user_id` column, every query scoped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned: Option<bool>,
    /// The resource's fields, in order, by snake_case name.
    #[serde(default)]
    pub fields: IndexMap<String, RawFieldEntry>,
    /// What `GET /api/<plural>` offers: filters, sorting, search and page sizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<RawList>,
    /// Who may do what: per action `public`, `authenticated` (the default) or a list of roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<RawAccess>,
    /// On an owned resource, callers with one of these roles see and manage every row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_roles: Option<Vec<String>>,
    /// Change events: every committed create, update and delete is sent to the WebSocket feed
    /// (`/api/events`), the webhooks (`WEBHOOK_URLS`) and the hooks in `app/hooks/` (default
    /// false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<bool>,
    /// The resources (declared above this one) each row belongs to: `project`, a list, or
    /// `{ resource: project, on_delete: cascade | restrict | set_null, optional: true }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub belongs_to: Option<serde_yaml::Value>,
    /// The resource's name before a rename: `apply` renames its table (and what is named
    /// after it) and keeps its rows. It may stay once applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

pub const RESOURCE_KEYS: &[&str] = &[
    "plural",
    "owned",
    "fields",
    "list",
    "access",
    "admin_roles",
    "belongs_to",
    "renamed_from",
    "events",
];

/// One `belongs_to` entry in its mapping form.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<OnDelete>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// Also serve the rows of one parent at `GET /api/<parents>/{<parent>_id}/<rows>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested: Option<bool>,
}

pub const RELATION_KEYS: &[&str] = &["resource", "on_delete", "optional", "nested"];

/// What deleting a parent does to its children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDelete {
    /// The children are deleted with it.
    Cascade,
    /// The parent cannot be deleted while it has children: 409.
    #[default]
    Restrict,
    /// The children stay, their reference emptied (the relation must be optional).
    SetNull,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAccess {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<RawRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub get: Option<RawRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create: Option<RawRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<RawRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<RawRule>,
}

pub const ACCESS_KEYS: &[&str] = &["list", "get", "create", "update", "delete"];

/// `public`, `authenticated`, or the roles of which the caller needs one.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawRule {
    Word(String),
    Roles(Vec<String>),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawList {
    /// Fields a client may filter by: `?field=value`, and for numbers and times also
    /// `?field_gt=`, `_gte=`, `_lt=`, `_lte=`.
    #[serde(default)]
    pub filter: Vec<String>,
    /// Fields a client may sort by: `?sort=-due_date,title` (`-` for descending).
    #[serde(default)]
    pub sort: Vec<String>,
    /// The order when the client gives none, in the same syntax (default `-created_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_sort: Option<String>,
    /// Text fields `?q=` searches, case-insensitively.
    #[serde(default)]
    pub search: Vec<String>,
    /// Rows per page: the default and the most a client may ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<RawPageSize>,
}

pub const LIST_KEYS: &[&str] = &["filter", "sort", "default_sort", "search", "page_size"];

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPageSize {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// A field: either the full mapping or the command-line shorthand (`string:max=200:optional`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawFieldEntry {
    /// `type[:modifier...]`, as `--field` takes it without the name: `text:optional`,
    /// `enum(low,high)=low`, `datetime:optional:index`.
    Shorthand(String),
    Full(Box<RawField>),
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    /// The field's type.
    #[serde(rename = "type")]
    pub kind: String,
    /// `null` is allowed and the field may be left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// The value a row gets when the client does not send one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml::Value>,
    /// No two rows may hold the same value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// The column gets a database index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<bool>,
    /// The longest value a text type accepts (`string`: default 255; `text`: default 65536).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<u32>")]
    pub max_length: Option<serde_yaml::Value>,
    /// How deeply a `json` value's objects and lists may nest (default 32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<u32>")]
    pub max_depth: Option<serde_yaml::Value>,
    /// The most bytes a `json` value may take, written as JSON (default 65536).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<u32>")]
    pub max_bytes: Option<serde_yaml::Value>,
    /// Total digits of a `decimal` (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<u32>")]
    pub precision: Option<serde_yaml::Value>,
    /// Digits after the point of a `decimal` (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<u32>")]
    pub scale: Option<serde_yaml::Value>,
    /// The allowed values of an `enum`: snake_case words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// The shortest value a text type accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<u32>")]
    pub min_length: Option<serde_yaml::Value>,
    /// The smallest value a number accepts (a decimal's may be quoted: `"0.50"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub min: Option<serde_yaml::Value>,
    /// The largest value a number accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub max: Option<serde_yaml::Value>,
    /// A regular expression a `string` or `text` value must match (searched, as Pydantic does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A valid value, shown in the API docs and used by the generated tests (required with
    /// `pattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// One line for the API docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Returned, never written by clients (the server sets it; it needs a default or `optional`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Accepted, never returned (secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_only: Option<bool>,
    /// Set on create, never changed by an update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// The field's name before a rename: `apply` renames its column and keeps its values. It
    /// may stay once applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

pub const FIELD_KEYS: &[&str] = &[
    "type",
    "optional",
    "default",
    "unique",
    "index",
    "max_length",
    "max_depth",
    "max_bytes",
    "precision",
    "scale",
    "values",
    "min_length",
    "min",
    "max",
    "pattern",
    "example",
    "description",
    "read_only",
    "write_only",
    "immutable",
    "renamed_from",
];

/// The JSON Schema of the spec format, pretty-printed: the structs' own, with the rules of
/// `validate` that a schema can state (names, types, page sizes) taken from `validate` itself,
/// so that an editor flags what `check` would.
pub fn json_schema() -> String {
    use crate::validate::{
        MAX_PAGE_SIZE, field_name_schema, project_name_schema, renamed_from_pattern,
        resource_name_schema,
    };
    let mut schema =
        serde_json::to_value(schemars::schema_for!(RawSpec)).expect("a JSON Schema is JSON");
    schema["properties"]["resources"]["propertyNames"] = resource_name_schema();
    let defs = &mut schema["$defs"];
    defs["RawProject"]["properties"]["name"] = project_name_schema();
    defs["RawResource"]["properties"]["fields"]["propertyNames"] = field_name_schema();
    let types: Vec<&str> = crate::model::FieldType::ALL
        .iter()
        .map(|(n, _)| *n)
        .collect();
    defs["RawField"]["properties"]["type"]["enum"] = serde_json::json!(types);
    for def in ["RawField", "RawResource"] {
        defs[def]["properties"]["renamed_from"]["pattern"] = renamed_from_pattern();
    }
    for bound in ["default", "max"] {
        let size = &mut defs["RawPageSize"]["properties"][bound];
        size["minimum"] = serde_json::json!(1);
        size["maximum"] = serde_json::json!(MAX_PAGE_SIZE);
    }
    serde_json::to_string_pretty(&schema).expect("a JSON Schema always serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_describes_every_key_the_validator_knows() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
        let defs = &schema["$defs"];
        for (def, keys) in [
            ("RawField", FIELD_KEYS),
            ("RawResource", RESOURCE_KEYS),
            ("RawProject", PROJECT_KEYS),
            ("RawAuth", AUTH_KEYS),
        ] {
            for key in keys {
                assert!(
                    defs[def]["properties"][key].is_object(),
                    "{def}.{key} is missing from the schema"
                );
            }
        }
        for key in SPEC_KEYS {
            assert!(schema["properties"][key].is_object(), "{key}");
        }
    }
}
