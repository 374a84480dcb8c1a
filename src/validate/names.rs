//! Names the spec chooses: the project's, the resources', the fields' and the roles'. Each must
//! be a valid identifier in the generated Python and SQL, and must not clash with what the
//! generated project already defines.

use heck::{ToPascalCase, ToSnakeCase, ToTitleCase};

use super::{MAX_FIELD_NAME, MAX_RESOURCE_NAME, Validator};
use crate::problem::Problem;

/// `tasks` -> `Tasks API`, `shop_api` -> `Shop API`.
pub(super) fn api_title(name: &str) -> String {
    let title = name.to_title_case();
    match title.strip_suffix(" Api") {
        Some(stem) => format!("{stem} API"),
        None if title == "Api" => "API".to_owned(),
        None => format!("{title} API"),
    }
}

impl Validator {
    pub(super) fn resource_name(&mut self, name: &str, path: &str) -> bool {
        if !is_snake_identifier(name) {
            self.report(
                Problem::new(path, format!("`{name}` is not a valid resource name"))
                    .hint("use a singular snake_case name: lowercase letters, digits and `_`, starting with a letter, e.g. `order_item`"),
            );
            return false;
        }
        if PYTHON_KEYWORDS.contains(&name) || PYTHON_BUILTINS.contains(&name) {
            self.report(
                Problem::new(path, format!("`{name}` is a Python keyword or builtin, and would break the generated code"))
                    .hint(format!("choose a more specific name, e.g. `{name}_entry`")),
            );
            return false;
        }
        if name.len() > MAX_RESOURCE_NAME {
            self.report(
                Problem::new(path, format!("`{name}` is {} characters long; resource names have at most {MAX_RESOURCE_NAME}", name.len()))
                    .hint("shorten it: table, index and class names are built from it, and databases limit their length"),
            );
            return false;
        }
        if RESERVED_RESOURCES.contains(&name) {
            self.report(
                Problem::new(
                    path,
                    format!("`{name}` is used by the generated project itself"),
                )
                .hint(format!("choose a more specific name, e.g. `{name}_entry`")),
            );
            return false;
        }
        let class = name.to_pascal_case();
        if RESERVED_CLASSES.contains(&class.as_str()) {
            self.report(
                Problem::new(
                    path,
                    format!("the class `{class}` would shadow a name the generated code imports"),
                )
                .hint(format!("choose a more specific name, e.g. `{name}_entry`")),
            );
            return false;
        }
        true
    }

    pub(super) fn field_name(&mut self, name: &str, owned: bool, path: &str) -> bool {
        let problem = if !is_snake_identifier(name) {
            Some(
                Problem::new(path, format!("`{name}` is not a valid field name")).hint(
                    "use snake_case: lowercase letters, digits and `_`, starting with a letter",
                ),
            )
        } else if name.len() > MAX_FIELD_NAME {
            Some(
                Problem::new(path, format!("`{name}` is {} characters long; field names have at most {MAX_FIELD_NAME}", name.len()))
                    .hint("shorten it: index and constraint names are built from it, and databases limit their length"),
            )
        } else if PYTHON_KEYWORDS.contains(&name) {
            Some(
                Problem::new(path, format!("`{name}` is a Python keyword")).hint(format!(
                    "rename it to say what it holds, e.g. `{name}_name` or `{name}_value`"
                )),
            )
        } else if PYTHON_TYPE_NAMES.contains(&name) {
            Some(
                Problem::new(
                    path,
                    format!("`{name}` would shadow the Python type `{name}` in the model class"),
                )
                .hint(format!(
                    "rename it to say what it holds, e.g. `{name}_value` or `due_{name}`"
                )),
            )
        } else if name.starts_with("model_") || PYDANTIC_RESERVED.contains(&name) {
            Some(
                Problem::new(path, format!("`{name}` is reserved by Pydantic/SQLModel")).hint(
                    "Pydantic keeps `model_*` and its own methods for itself; rename the field",
                ),
            )
        } else if GENERATED_COLUMNS.contains(&name) || (owned && name == "user_id") {
            let hint = if name == "user_id" {
                "owned resources get `user_id` automatically: remove the field, or set `owned: false`"
            } else {
                "every table gets `id`, `created_at` and `updated_at` automatically: remove the field"
            };
            Some(
                Problem::new(path, format!("`{name}` collides with a generated column")).hint(hint),
            )
        } else {
            None
        };
        match problem {
            Some(problem) => {
                self.report(problem);
                false
            }
            None => true,
        }
    }

    /// A role as a JWT's role claim carries it: no spaces or commas.
    pub(super) fn role_name(&mut self, role: &str, path: &str) {
        let ok = !role.is_empty()
            && role.len() <= 64
            && role
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c));
        if !ok {
            self.report(
                Problem::new(path, format!("`{role}` is not a role name")).hint(
                    "roles are words like `admin` or `editor`: letters, digits, `_`, `-`, `.`, `:`",
                ),
            );
        }
    }
}

/// A snake_case identifier as a JSON Schema pattern: what `is_snake_identifier` accepts.
const SNAKE_PATTERN: &str = "^[a-z](?:_?[a-z0-9])*$";

/// The JSON Schema of the names `resource_name` accepts (`propertyNames` of `resources`).
pub fn resource_name_schema() -> serde_json::Value {
    let refused: Vec<&str> = [PYTHON_KEYWORDS, PYTHON_BUILTINS, RESERVED_RESOURCES].concat();
    serde_json::json!({
        "type": "string",
        "pattern": SNAKE_PATTERN,
        "maxLength": super::MAX_RESOURCE_NAME,
        "not": { "enum": refused },
    })
}

/// The JSON Schema of the names `field_name` accepts (`propertyNames` of `fields`).
pub fn field_name_schema() -> serde_json::Value {
    let refused: Vec<&str> = [
        PYTHON_KEYWORDS,
        PYTHON_TYPE_NAMES,
        PYDANTIC_RESERVED,
        GENERATED_COLUMNS,
    ]
    .concat();
    serde_json::json!({
        "type": "string",
        "pattern": SNAKE_PATTERN,
        "maxLength": super::MAX_FIELD_NAME,
        "allOf": [
            { "not": { "enum": refused } },
            { "not": { "pattern": "^model_" } },
        ],
    })
}

/// The pattern a `renamed_from` (a resource's or a field's name before a rename) holds to: a
/// snake_case name. Which names it may not be depends on the spec (see `renames`).
pub fn renamed_from_pattern() -> serde_json::Value {
    serde_json::Value::from(SNAKE_PATTERN)
}

/// The JSON Schema of a project name (`project.name`): snake_case, or kebab-case.
pub fn project_name_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "string",
        "pattern": "^[a-z](?:[_-]?[a-z0-9])*$",
        "not": { "enum": refused_project_names() },
    })
}

/// Keywords, and the project's packages in both spellings (`typing-extensions`, `typing_extensions`).
fn refused_project_names() -> Vec<String> {
    let packages = PROJECT_PACKAGES.iter().map(|p| (*p).to_owned());
    let snake = PROJECT_PACKAGES
        .iter()
        .filter(|p| p.contains('-'))
        .map(|p| p.replace('-', "_"));
    let mut names: Vec<String> = PYTHON_KEYWORDS.iter().map(|k| (*k).to_owned()).collect();
    names.extend(packages.chain(snake));
    names
}

/// `[a-z][a-z0-9_]*`, with no double or trailing underscore.
pub fn is_snake_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && !name.ends_with('_')
        && !name.contains("__")
        && name.to_snake_case() == name
}

/// The packages a generated project installs, its dependencies' own included (as PyPI
/// normalizes names): a project of one of these names cannot be locked.
pub const PROJECT_PACKAGES: &[&str] = &[
    "aiosqlite",
    "alembic",
    "annotated-types",
    "anyio",
    "arq",
    "asyncpg",
    "certifi",
    "cffi",
    "click",
    "cryptography",
    "dnspython",
    "email-validator",
    "fastapi",
    "fastapi-cli",
    "greenlet",
    "h11",
    "hiredis",
    "httpcore",
    "httptools",
    "httpx",
    "httpx-ws",
    "idna",
    "iniconfig",
    "mako",
    "markupsafe",
    "mypy",
    "mypy-extensions",
    "packaging",
    "pathspec",
    "pluggy",
    "psycopg",
    "psycopg-binary",
    "pycparser",
    "pydantic",
    "pydantic-core",
    "pydantic-settings",
    "pygments",
    "pyjwt",
    "pytest",
    "pytest-asyncio",
    "python-dotenv",
    "pyyaml",
    "redis",
    "ruff",
    "sniffio",
    "sqlalchemy",
    "sqlmodel",
    "starlette",
    "typing-extensions",
    "typing-inspection",
    "uvicorn",
    "uvloop",
    "watchfiles",
    "websockets",
    "wsproto",
];

pub const PYTHON_KEYWORDS: &[&str] = &[
    "false", "none", "true", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type",
];

/// Builtins whose shadowing breaks a module of the generated code.
const PYTHON_BUILTINS: &[&str] = &[
    "list", "dict", "set", "tuple", "str", "int", "float", "bool", "bytes", "object", "len",
    "print", "range", "id", "input", "open", "filter", "map", "min", "max", "sum", "any", "all",
    "iter", "next", "super", "property", "format", "hash", "vars", "dir", "help",
];

/// Names used as annotations inside model and schema classes: a field of that name would rebind
/// it in the class body.
const PYTHON_TYPE_NAMES: &[&str] = &[
    "str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple", "object", "date",
    "datetime", "time", "decimal", "uuid",
];

const PYDANTIC_RESERVED: &[&str] = &[
    "metadata",
    "registry",
    "dict",
    "json",
    "copy",
    "schema",
    "schema_json",
    "construct",
    "validate",
    "parse_obj",
    "parse_raw",
    "parse_file",
    "from_orm",
    "update_forward_refs",
    "fields",
];

const GENERATED_COLUMNS: &[&str] = &["id", "created_at", "updated_at"];

/// Module and local names of the generated project that a resource of the same name would clash with.
const RESERVED_RESOURCES: &[&str] = &[
    "app",
    "api",
    "auth",
    "base",
    "config",
    "database",
    "db",
    "dependencies",
    "health",
    "main",
    "models",
    "page",
    "routers",
    "schemas",
    "services",
    "session",
    "settings",
    "tests",
    "types",
    "user",
    "payload",
    "response",
    "request",
    "alembic",
    "conftest",
    // Names app/main.py, the routers and the services bind themselves.
    "engine",
    "math",
    "httpx",
    "lifespan",
    "create_app",
    "health_router",
    "status",
    "jsonable_encoder",
    "request_validation_error",
    "asynccontextmanager",
    "metadata",
    "service",
    "conditions",
    "query",
];

/// Plurals whose test module (`app/tests/test_<plural>.py`) the project already has.
pub(super) const RESERVED_PLURALS: &[&str] = &[
    "auth",
    "config",
    "database",
    "errors",
    "events",
    "health",
    "logs",
    "migrations",
    "search",
    "types",
];

/// Names imported into generated modules; a resource class must not shadow them.
const RESERVED_CLASSES: &[&str] = &[
    "Field",
    "SQLModel",
    "Session",
    "AsyncSession",
    "Depends",
    "APIRouter",
    "HTTPException",
    "Query",
    "Path",
    "Response",
    "Request",
    "Decimal",
    "UUID",
    "Annotated",
    "Any",
    "Enum",
    "StrEnum",
    "AuthUser",
    "Page",
    "UTCDateTime",
    "Settings",
    "Base",
    "Select",
    "Status",
    "Column",
];

#[cfg(test)]
mod tests {
    use super::is_snake_identifier;
    use crate::validate::test_support::{HEAD, one};
    use crate::validate::validate;

    #[test]
    fn owned_resources_reserve_user_id() {
        let problem = one(&format!("{HEAD}      user_id: string\n"));
        assert!(problem.message.contains("generated column"));
        let shared = "project: { name: shop }\nresources:\n  item:\n    owned: false\n    fields:\n      user_id: string\n";
        assert!(validate("s", shared, None).is_ok());
    }

    #[test]
    fn resource_names_must_be_identifiers() {
        let problem =
            one("project: { name: shop }\nresources:\n  ../evil:\n    fields: { a: string }\n");
        assert!(
            problem.message.contains("not a valid resource name"),
            "{problem}"
        );
        assert!(
            one("project: { name: shop }\nresources:\n  class:\n    fields: { a: string }\n")
                .message
                .contains("keyword")
        );
        assert!(
            one("project: { name: shop }\nresources:\n  field:\n    fields: { a: string }\n")
                .message
                .contains("shadow")
        );
    }

    #[test]
    fn names_have_length_limits() {
        let long = "a".repeat(25);
        assert!(
            one(&format!(
                "project: {{ name: shop }}\nresources:\n  {long}:\n    fields: {{ a: string }}\n"
            ))
            .message
            .contains("at most 24")
        );
        assert!(
            one(&format!("{HEAD}      {}: string\n", "b".repeat(31)))
                .message
                .contains("at most 30")
        );
        let enum_field = format!("{HEAD}      {}: enum(a,b)\n", "c".repeat(30));
        assert!(one(&enum_field).message.contains("enum class"));
    }

    #[test]
    fn snake_identifiers() {
        assert!(is_snake_identifier("order_item2"));
        for bad in ["", "Order", "_x", "x_", "a__b", "a-b", "../evil", "1a"] {
            assert!(!is_snake_identifier(bad), "{bad}");
        }
    }
}
