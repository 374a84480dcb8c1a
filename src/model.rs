//! The validated model: what the spec means, with every name and default resolved.
//!
//! Nothing downstream of `validate` sees the raw spec. Templates see this model (through
//! `context`), so they hold no naming logic of their own.

use heck::{ToKebabCase, ToPascalCase, ToShoutySnakeCase};
use serde::Serialize;

use crate::spec::{Mode, Orm};

/// The longest `text` value when the spec gives no `max_length`: a cap, so that one row, and
/// so one page of rows, has a bounded size.
pub const DEFAULT_TEXT_MAX_LENGTH: u32 = 65_536;
/// The largest `max_length` a `text` field may declare: half the default request body limit
/// (1 MiB), so that the longest value still fits in a body.
pub const MAX_TEXT_LENGTH: u32 = 524_288;
/// The longest email address (RFC 5321) and URL (what browsers take): the defaults of their
/// `max_length`, and what the generated `Email` and `HttpUrlStr` types hold to.
pub const EMAIL_MAX_LENGTH: u32 = 254;
pub const URL_MAX_LENGTH: u32 = 2083;
/// `json` fields' nesting limit: (smallest, largest, default) a spec may give.
pub const JSON_DEPTH: (u32, u32, u32) = (1, 64, 32);
/// `json` fields' size limit in bytes of JSON: (smallest, largest, default).
pub const JSON_BYTES: (u32, u32, u32) = (64, 524_288, 65_536);

#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// snake_case: `shop_api`.
    pub name: String,
    /// kebab-case, for the Python distribution name: `shop-api`.
    pub slug: String,
    /// The API's title: `Shop API` (for `shop` and for `shop_api`).
    pub title: String,
    pub description: String,
    pub orm: Orm,
    pub mode: Mode,
    pub roles_claim: String,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// snake_case singular: `order_item`; also the module name.
    pub name: String,
    /// PascalCase singular: `OrderItem`.
    pub class_name: String,
    /// snake_case plural: `order_items`; also the table name.
    pub plural: String,
    /// The route below `/api`: `order-items`.
    pub route: String,
    /// Words for docstrings and messages: `order item`, `order items`.
    pub label: String,
    pub label_plural: String,
    pub owned: bool,
    pub fields: Vec<Field>,
    pub list: ListApi,
    pub access: Access,
    /// Owned resources: these roles see and manage every row.
    pub admin_roles: Vec<String>,
    /// Change events go to the WebSocket feed, the webhooks and the user's hooks.
    pub events: bool,
    /// The resource's name before a rename (`renamed_from`): its table and rows are kept.
    pub renamed_from: Option<String>,
}

/// Who may call an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "roles", rename_all = "lowercase")]
pub enum Rule {
    Public,
    #[default]
    Authenticated,
    Roles(Vec<String>),
}

/// The rule of each action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Access {
    pub list: Rule,
    pub get: Rule,
    pub create: Rule,
    pub update: Rule,
    pub delete: Rule,
}

impl Access {
    pub fn actions(&self) -> [(&'static str, &Rule); 5] {
        [
            ("list", &self.list),
            ("get", &self.get),
            ("create", &self.create),
            ("update", &self.update),
            ("delete", &self.delete),
        ]
    }
}

/// What the list endpoint offers, checked against the fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListApi {
    pub filter: Vec<String>,
    pub sort: Vec<String>,
    /// `(column, descending)` pairs.
    pub default_sort: Vec<(String, bool)>,
    pub search: Vec<String>,
    pub page_size: u32,
    pub max_page_size: u32,
}

impl Default for ListApi {
    fn default() -> Self {
        ListApi {
            filter: Vec::new(),
            sort: Vec::new(),
            default_sort: vec![("created_at".to_owned(), true)],
            search: Vec::new(),
            page_size: 20,
            max_page_size: 100,
        }
    }
}

impl ListApi {
    /// `-created_at` or `title,-due_date`: the default order as a client would write it.
    pub fn default_sort_text(&self) -> String {
        let keys: Vec<String> = self
            .default_sort
            .iter()
            .map(|(c, desc)| if *desc { format!("-{c}") } else { c.clone() })
            .collect();
        keys.join(",")
    }
}

/// A database index the list endpoint's queries are served by (besides the single-column ones
/// of fields marked `index` and the unique ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Index {
    /// `ix_<table>_<columns>`, within PostgreSQL's 63 characters.
    pub name: String,
    pub columns: Vec<String>,
    /// A trigram (GIN) index for `ILIKE '%...%'` searches on PostgreSQL; a plain one elsewhere.
    pub trigram: bool,
}

/// PostgreSQL's longest identifier.
pub const MAX_IDENTIFIER: usize = 63;

impl Index {
    fn new(table: &str, columns: Vec<String>, trigram: bool) -> Index {
        let suffix = if trigram { "_trgm" } else { "" };
        let mut name = format!("ix_{table}_{}{suffix}", columns.join("_"));
        if name.len() > MAX_IDENTIFIER {
            // A stable short name: a prefix, and a hash of the whole.
            use sha2::Digest;
            let digest = sha2::Sha256::digest(name.as_bytes());
            let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
            name = format!("{}_{hash}", &name[..MAX_IDENTIFIER - 9]);
        }
        Index {
            name,
            columns,
            trigram,
        }
    }
}

impl Resource {
    /// The indexes that serve the list endpoint, so that a page and its count read a bounded
    /// number of index entries whatever the size of the table:
    /// - the default order and each declared sort key: `(user_id, key, id)` on owned resources
    ///   (every query is scoped to the owner), `(key, id)` on shared ones;
    /// - each filter, with the default order after it: `(user_id, filter, key, id)`, so a
    ///   filtered page is read in order too;
    /// - each searched field: a trigram index (PostgreSQL's `pg_trgm`) for `ILIKE '%q%'`.
    pub fn indexes(&self) -> Vec<Index> {
        let scope: Vec<String> = if self.owned {
            vec!["user_id".to_owned()]
        } else {
            Vec::new()
        };
        let first = self
            .list
            .default_sort
            .first()
            .map_or("created_at", |(key, _)| key.as_str());
        let ordered = |key: &str| -> Vec<String> {
            let mut columns = vec![key.to_owned()];
            if key != "id" {
                columns.push("id".to_owned());
            }
            columns
        };
        let mut wanted: Vec<Vec<String>> = Vec::new();
        let mut keys = vec![first];
        keys.extend(
            self.list
                .sort
                .iter()
                .map(String::as_str)
                .filter(|k| *k != first),
        );
        for key in keys {
            if !self.owned && key == "id" {
                continue; // the primary key
            }
            wanted.push([scope.clone(), ordered(key)].concat());
        }
        for filter in &self.list.filter {
            let unique = self.fields.iter().any(|f| &f.name == filter && f.unique);
            if unique && !self.owned {
                continue; // one row at most: its unique index finds it
            }
            let mut columns = [scope.clone(), vec![filter.clone()]].concat();
            if filter != first {
                columns.extend(ordered(first));
            }
            wanted.push(columns);
        }
        let mut indexes: Vec<Index> = Vec::new();
        for columns in wanted {
            if !indexes.iter().any(|i| i.columns == columns) {
                indexes.push(Index::new(&self.plural, columns, false));
            }
        }
        for field in &self.list.search {
            indexes.push(Index::new(&self.plural, vec![field.clone()], true));
        }
        indexes
    }
}

/// The columns every table has, which lists may also sort by.
pub const GENERATED_SORTABLE: &[&str] = &["id", "created_at", "updated_at"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Text,
    Int,
    Float,
    Decimal,
    Bool,
    Date,
    Datetime,
    Uuid,
    Enum,
    Bigint,
    Time,
    Email,
    Url,
    Json,
}

impl FieldType {
    pub const ALL: &[(&str, FieldType)] = &[
        ("string", FieldType::String),
        ("text", FieldType::Text),
        ("int", FieldType::Int),
        ("float", FieldType::Float),
        ("decimal", FieldType::Decimal),
        ("bool", FieldType::Bool),
        ("date", FieldType::Date),
        ("datetime", FieldType::Datetime),
        ("uuid", FieldType::Uuid),
        ("enum", FieldType::Enum),
        ("bigint", FieldType::Bigint),
        ("time", FieldType::Time),
        ("email", FieldType::Email),
        ("url", FieldType::Url),
        ("json", FieldType::Json),
    ];

    pub fn parse(name: &str) -> Option<FieldType> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|(n, _)| *n).collect()
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map(|(n, _)| *n)
            .expect("every type is listed in ALL")
    }
}

/// A default value, already checked against its field's type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Kept as written, so `1.10` stays `1.10`.
    Decimal(String),
    Str(String),
    /// One of the enum's values.
    Enum(String),
    /// `YYYY-MM-DD`.
    Date(String),
    /// `HH:MM[:SS]`.
    Time(String),
}

/// A numeric bound (`min` or `max`), as Python writes it and as a number to compare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    pub literal: String,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub optional: bool,
    pub default: Option<DefaultValue>,
    pub unique: bool,
    pub index: bool,
    /// `string` only (resolved to 255 when not given).
    pub max_length: Option<u32>,
    /// `json` only: how deeply objects and lists may nest, and the most bytes the value may
    /// take as JSON (resolved to `JSON_DEPTH` and `JSON_BYTES` defaults when not given).
    pub max_depth: Option<u32>,
    pub max_bytes: Option<u32>,
    /// `decimal` only (resolved to 10 and 2 when not given).
    pub precision: Option<u32>,
    pub scale: Option<u32>,
    /// `enum` only.
    pub values: Vec<String>,
    /// Text types: the shortest value accepted.
    pub min_length: Option<u32>,
    /// Numbers: the smallest and largest value accepted.
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    /// `string` and `text`: a regular expression values must match, and an example that does.
    pub pattern: Option<String>,
    pub example: Option<String>,
    pub description: Option<String>,
    /// Returned, never written by clients.
    pub read_only: bool,
    /// Accepted, never returned.
    pub write_only: bool,
    /// Set on create, never updated.
    pub immutable: bool,
    /// A `belongs_to` relation's column: the parent it refers to.
    pub references: Option<Reference>,
    /// The field's name before a rename (`renamed_from`): its column and values are kept.
    pub renamed_from: Option<String>,
}

/// The parent a relation's column refers to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reference {
    /// The parent resource's name, class, table and label.
    pub resource: String,
    pub class_name: String,
    pub table: String,
    pub label: String,
    pub route: String,
    pub on_delete: crate::spec::OnDelete,
    /// The parent's rows belong to their creators: a child may only point at the caller's.
    pub owned_parent: bool,
    /// The rows of one parent are also listed under the parent's route.
    pub nested: bool,
}

impl Reference {
    /// Where the rows of one parent are listed: `/api/carts/{cart_id}/cart-items`.
    pub fn nested_path(&self, child_route: &str) -> String {
        format!("/api/{}/{{{}_id}}/{child_route}", self.route, self.resource)
    }
}

/// The range filters an ordered field's filter adds: query parameter suffix and operator.
pub const RANGE_FILTERS: [(&str, &str); 4] =
    [("_gt", ">"), ("_gte", ">="), ("_lt", "<"), ("_lte", "<=")];

impl Field {
    /// A required field of type `ty` with no constraints; callers set what the spec says.
    pub fn new(name: &str, ty: FieldType) -> Self {
        Field {
            name: name.to_owned(),
            ty,
            optional: false,
            default: None,
            unique: false,
            index: false,
            max_length: None,
            max_depth: None,
            max_bytes: None,
            precision: None,
            scale: None,
            values: Vec::new(),
            min_length: None,
            min: None,
            max: None,
            pattern: None,
            example: None,
            description: None,
            read_only: false,
            write_only: false,
            immutable: false,
            references: None,
            renamed_from: None,
        }
    }

    /// A client must send it on create: not optional and no default.
    pub fn required(&self) -> bool {
        !self.optional && self.default.is_none() && !self.read_only
    }

    /// A client may send it on create.
    pub fn on_create(&self) -> bool {
        !self.read_only
    }

    /// A client may send it on update.
    pub fn on_update(&self) -> bool {
        !self.read_only && !self.immutable
    }

    /// The API returns it.
    pub fn readable(&self) -> bool {
        !self.write_only
    }

    /// A text type: its values have a length.
    pub fn is_text(&self) -> bool {
        matches!(
            self.ty,
            FieldType::String | FieldType::Text | FieldType::Email | FieldType::Url
        )
    }

    /// Values that order naturally: numbers, dates and times (range filters apply).
    pub fn is_ordered(&self) -> bool {
        self.references.is_none()
            && (self.is_number()
                || matches!(
                    self.ty,
                    FieldType::Date | FieldType::Datetime | FieldType::Time
                ))
    }

    /// A number: it can have `min` and `max`.
    pub fn is_number(&self) -> bool {
        matches!(
            self.ty,
            FieldType::Int | FieldType::Bigint | FieldType::Float | FieldType::Decimal
        )
    }

    /// The Python class of an enum field: `TaskPriority` for `task.priority`.
    pub fn enum_class(&self, resource: &Resource) -> String {
        format!("{}{}", resource.class_name, self.name.to_pascal_case())
    }
}

/// The member name of an enum value: `in_progress` -> `IN_PROGRESS`.
pub fn enum_member(value: &str) -> String {
    value.to_shouty_snake_case()
}

/// Names of a resource, derived from its snake_case singular and its (maybe given) plural.
pub fn resource_names(name: &str, plural: Option<&str>) -> (String, String, String) {
    let plural = plural.map_or_else(|| cruet::to_plural(name), str::to_owned);
    let route = plural.to_kebab_case();
    (name.to_pascal_case(), plural, route)
}
