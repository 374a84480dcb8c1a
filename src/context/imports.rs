//! The import blocks of the generated service and router modules.

use crate::model::Resource;
use crate::python::Imports;
use crate::target::Target;

/// The service module's imports, before its queries add theirs (column expressions).
pub(super) fn service_imports(resource: &Resource, target: Target) -> Imports {
    let (session_module, session_class) = target.dialect().session(target.mode);
    let mut imports = Imports::default();
    imports.add("sqlalchemy.exc", "IntegrityError");
    imports.add("sqlalchemy.orm.exc", "StaleDataError");
    for name in [
        "Listed",
        "SortKey",
        "after",
        "cursor_binds",
        "cursor_params",
        "position_of",
        "sort_keys",
    ] {
        imports.add("app.services.paging", name);
    }
    // Reads and inserts are SQLAlchemy Core on the table, whatever the ORM of the models.
    for name in [
        "ColumnElement",
        "Integer",
        "Select",
        "bindparam",
        "func",
        "insert",
        "select",
    ] {
        imports.add("sqlalchemy", name);
    }
    for name in ["Row", "fetch_all", "fetch_one", "fetch_value", "insert_one"] {
        imports.add("app.database", name);
    }
    imports
        .add(session_module, session_class)
        .add("app.config", "settings")
        .add("app.models.base", "utcnow")
        .add(
            &format!("app.models.{}", resource.name),
            &resource.class_name,
        )
        .add(
            &format!("app.schemas.{}", resource.name),
            &format!("{}Create", resource.class_name),
        )
        .add(
            &format!("app.schemas.{}", resource.name),
            &format!("{}Update", resource.class_name),
        )
        .add(
            &format!("app.schemas.{}", resource.name),
            &format!("{}ListQuery", resource.class_name),
        )
        .add("typing", "Any")
        .add("functools", "cache")
        .add("functools", "lru_cache");
    if !resource.list.search.is_empty() {
        imports
            .add("sqlalchemy", "or_")
            .add("sqlalchemy", "BindParameter");
    }
    if resource.fields.iter().any(|f| f.unique) {
        imports.add("app.services.integrity", "conflict_detail");
    }
    imports
}

pub(super) fn router_imports(
    resource: &Resource,
    target: Target,
    access: &[(&str, &str)],
) -> String {
    let mut imports = Imports::default();
    for (module, name) in access {
        imports.add(module, name);
    }
    for name in [
        "APIRouter",
        "HTTPException",
        "Request",
        "Response",
        "status",
    ] {
        imports.add("fastapi", name);
    }
    let (session_module, session_class) = target.dialect().session(target.mode);
    imports.add(session_module, session_class);
    for name in ["IdPath", "SessionDep"] {
        imports.add("app.dependencies", name);
    }
    imports.add("app.database", "reading");
    imports
        .add("typing", "Annotated")
        .add("fastapi", "Depends")
        .add("app.schemas.page", "QueryReader");
    imports
        .add("app.services.paging", "Listed")
        .add("app.database", "Row");
    for field in &resource.fields {
        if let Some(reference) = &field.references {
            imports.add(
                "app.services",
                &format!("{0} as {0}_service", reference.resource),
            );
            if reference.owned_parent {
                imports.add("app.dependencies", "AuthUser");
            }
        }
    }
    let schemas = format!("app.schemas.{}", resource.name);
    imports
        .add(
            &format!("app.models.{}", resource.name),
            &resource.class_name,
        )
        .add("app.schemas.errors", "created_responses")
        .add("app.schemas.errors", "error_responses")
        .add(&schemas, &format!("{}Create", resource.class_name))
        .add(&schemas, &format!("{}ListQuery", resource.class_name))
        .add(&schemas, &format!("{}Page", resource.class_name))
        .add(&schemas, &format!("{}Read", resource.class_name))
        .add(&schemas, &format!("{}Update", resource.class_name))
        .add("app.services", &format!("{} as service", resource.name));
    if resource.events {
        imports
            .add("fastapi", "BackgroundTasks")
            .add("app.events.bus", "EventsDep")
            .add("app.events.event", "Change")
            .add("app.events.event", "Event");
    }
    imports.render()
}

/// Where the engine, session factory and session classes of `target` come from.
fn database_classes(target: Target) -> [(&'static str, &'static str); 3] {
    let session = target.dialect().session(target.mode);
    if target.is_async() {
        [
            ("sqlalchemy.ext.asyncio", "AsyncEngine"),
            ("sqlalchemy.ext.asyncio", "async_sessionmaker"),
            session,
        ]
    } else {
        [
            ("sqlalchemy", "Engine"),
            ("sqlalchemy.orm", "sessionmaker"),
            session,
        ]
    }
}

/// `app/database.py`: the engine and the session factory.
pub(super) fn database_imports(target: Target) -> String {
    let mut imports = Imports::default();
    for (module, name) in database_classes(target) {
        imports.add(module, name);
    }
    if target.is_async() {
        imports
            .add("sqlalchemy.ext.asyncio", "create_async_engine")
            .add("sqlalchemy", "Engine")
            .add("sqlalchemy.util", "greenlet_spawn");
    } else {
        imports
            .add("sqlalchemy as sa", "")
            .add("psycopg.rows", "dict_row");
    }
    let view = target.view();
    let context_manager = if target.is_async() {
        "asynccontextmanager"
    } else {
        "contextmanager"
    };
    imports
        .add("collections.abc", view.iterator)
        .add("contextlib", context_manager)
        .add("typing", "Any")
        .add("sqlalchemy", "event")
        .add("sqlalchemy", "make_url")
        .add("sqlalchemy.engine.interfaces", "DBAPIConnection")
        .add("sqlalchemy.pool", "ConnectionPoolEntry")
        .add("app.config", "settings");
    // `reading` and the `fetch_*` functions: reads on the driver's connection.
    imports
        .add("collections.abc", "Mapping")
        .add("collections.abc", "Sequence")
        .add("dataclasses", "dataclass")
        .add("functools", "lru_cache")
        .add("sqlalchemy", "Select")
        .add("sqlalchemy.engine", "Dialect")
        .add("sqlalchemy.pool", "PoolProxiedConnection")
        .add("sqlalchemy.sql.compiler", "SQLCompiler");
    // `insert_one`: an insert on the driver's connection, refusals as SQLAlchemy's.
    imports
        .add("collections.abc", "Callable")
        .add("sqlalchemy.exc", "IntegrityError")
        .add("sqlalchemy.sql.dml", "ReturningInsert");
    imports.render()
}

/// `app/tests/test_database.py`: sessions reading outside a transaction.
pub(super) fn database_test_imports(target: Target) -> String {
    let (module, name) = target.dialect().session(target.mode);
    let connection = if target.is_async() {
        ("sqlalchemy.ext.asyncio", "AsyncConnection")
    } else {
        ("sqlalchemy", "Connection")
    };
    let mut imports = Imports::default();
    imports
        .add("typing", "Annotated")
        .add("httpx", "")
        .add("pytest", "")
        .add("fastapi", "Depends")
        .add("fastapi", "FastAPI")
        .add("sqlalchemy", "text")
        .add("sqlalchemy", "Engine")
        .add("sqlalchemy", "event")
        .add("sqlalchemy", "func")
        .add("sqlalchemy", "literal")
        .add("sqlalchemy", "select")
        .add("sqlalchemy.pool", "QueuePool")
        .add("sqlalchemy.exc", "IntegrityError")
        .add(connection.0, connection.1)
        .add(module, name)
        .add("app.config", "settings");
    // The probe table of the `insert_one` tests, and its fixture.
    imports.add("collections.abc", target.view().iterator);
    for name in [
        "JSON", "Column", "Integer", "MetaData", "String", "Table", "insert",
    ] {
        imports.add("sqlalchemy", name);
    }
    for name in [
        "fetch_all",
        "fetch_one",
        "fetch_value",
        "insert_one",
        "reading",
    ] {
        imports.add("app.database", name);
    }
    imports
        .add("app.dependencies.db", "CloseSessions")
        .add("app.dependencies.db", "SessionDep")
        .add("app.tests.conftest", "SessionFactory");
    imports.render()
}

/// `app/dependencies/db.py`: the session dependency.
pub(super) fn session_dep_imports(target: Target) -> String {
    let [_, sessionmaker, session] = database_classes(target);
    let mut imports = Imports::default();
    imports
        .add("typing", "Annotated")
        .add("fastapi", "Depends")
        .add("starlette.requests", "HTTPConnection")
        .add(sessionmaker.0, sessionmaker.1)
        .add(session.0, session.1);
    for name in ["ASGIApp", "Receive", "Scope", "Send"] {
        imports.add("starlette.types", name);
    }
    if !target.is_async() {
        imports.add("starlette.concurrency", "run_in_threadpool");
    }
    imports.render()
}

/// `app/tests/conftest.py`: keys, tokens, a database per test and the HTTP client.
pub(super) fn conftest_imports(target: Target, events: bool) -> String {
    let mut imports = Imports::default();
    if events {
        imports
            .add("contextlib", "asynccontextmanager")
            .add("httpx_ws", "AsyncWebSocketSession")
            .add("httpx_ws", "aconnect_ws")
            .add("httpx_ws.transport", "ASGIWebSocketTransport")
            .add("app.events.bus", "Events")
            .add("app.events.bus", "get_events")
            .add("app.events.bus", "open_events");
    }
    for module in [
        "asyncio",
        "hashlib",
        "hmac",
        "json",
        "os",
        "shutil",
        "time",
        "httpx",
        "jwt",
        "pytest",
        "sqlalchemy as sa",
    ] {
        imports.add(module, "");
    }
    for (module, name) in database_classes(target) {
        imports.add(module, name);
    }
    imports
        .add("collections.abc", "AsyncIterator")
        .add("collections.abc", target.view().iterator)
        .add("collections.abc", "Callable")
        .add("dataclasses", "dataclass")
        .add("datetime", "timedelta")
        .add("pathlib", "Path")
        .add("typing", "Any")
        .add("cryptography.hazmat.primitives", "serialization")
        .add("cryptography.hazmat.primitives.asymmetric", "ec")
        .add(
            "cryptography.hazmat.primitives.asymmetric.ed25519",
            "Ed25519PrivateKey",
        )
        .add("fastapi", "FastAPI")
        .add("jwt.utils", "base64url_encode")
        .add("sqlalchemy", "text")
        .add("sqlalchemy.engine", "Connection")
        .add("app.config", "Settings")
        .add("app.config", "to_driver_url")
        .add("app.database", "create_engine")
        .add("app.database", "create_session_factory")
        .add("app.dependencies.auth", "TokenVerifier")
        .add("app.main", "create_app")
        .add("app.models", "metadata");
    imports.render()
}
