//! The import blocks of the generated service and router modules.

use crate::model::Resource;
use crate::python::Imports;
use crate::target::Target;

/// The service module's imports, before its queries add theirs (column expressions).
pub(super) fn service_imports(resource: &Resource, target: Target) -> Imports {
    let dialect = target.dialect();
    let (session_module, session_class) = dialect.session(target.mode);
    let query = dialect.query_module();
    let mut imports = Imports::default();
    imports.add("collections.abc", "Sequence");
    imports.add("sqlalchemy.exc", "IntegrityError");
    imports
        .add(query, "func")
        .add(query, "select")
        .add(session_module, session_class)
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
        .add("sqlalchemy", "ColumnElement")
        .add("sqlalchemy", "UnaryExpression")
        .add("sqlalchemy.orm", "Mapped");
    if !resource.list.search.is_empty() {
        imports.add(query, "or_");
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
    imports.add("typing", "Annotated").add("fastapi", "Query");
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
        .add("app.schemas.errors", "error_responses")
        .add(&schemas, &format!("{}Create", resource.class_name))
        .add(&schemas, &format!("{}ListQuery", resource.class_name))
        .add(&schemas, &format!("{}Page", resource.class_name))
        .add(&schemas, &format!("{}Read", resource.class_name))
        .add(&schemas, &format!("{}Update", resource.class_name))
        .add("app.services", &format!("{} as service", resource.name));
    imports.render()
}
