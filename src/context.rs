//! The template context: the model, plus the Python each template needs, computed here so that
//! templates hold no naming or type logic.

use tera::Context;

use crate::model::{Project, Resource};

pub fn project(project: &Project) -> Context {
    let mut context = Context::new();
    context.insert("project", project);
    context
}

pub fn resource(project: &Project, resource: &Resource) -> Context {
    let mut context = self::project(project);
    context.insert("resource", resource);
    context
}
