//! One resource: its plural, its fields one by one, then its access rules, admin roles and list
//! API once the fields are known.

use serde_yaml::{Mapping, Value};

use super::names::{RESERVED_PLURALS, is_snake_identifier};
use super::{MAX_PLURAL, Validator};
use crate::model::{self, Access, ListApi, Resource};
use crate::problem::Problem;
use crate::shorthand;
use crate::spec::{FIELD_KEYS, LIST_KEYS, RESOURCE_KEYS, RawField, RawList, RawResource};

impl Validator {
    pub(super) fn resource(&mut self, name: &str, node: &Value) -> Option<Resource> {
        let path = format!("resources.{name}");
        let name_ok = self.resource_name(name, &path);
        // Fields are checked one by one below, so one bad field does not hide the others.
        let mut shallow = self.mapping(node, &path)?.clone();
        let has_fields = shallow
            .remove("fields")
            .is_some_and(|f| !f.is_null() && f.as_mapping().is_none_or(|m| !m.is_empty()));
        let list_node = shallow.remove("list");
        let access_node = shallow.remove("access");
        // A wrong key or value of the resource's own does not hide its fields' problems: they
        // are checked under the defaults, and the resource is refused after them.
        let raw_node: Option<RawResource> =
            self.node(&Value::Mapping(shallow), RESOURCE_KEYS, &path);
        let raw_ok = raw_node.is_some();
        let raw = raw_node.unwrap_or_default();
        let plural = match &raw.plural {
            Some(plural) if plural.len() > MAX_PLURAL => {
                self.report(
                    Problem::new(
                        format!("{path}.plural"),
                        format!(
                            "`{plural}` is {} characters long; plurals have at most {MAX_PLURAL}",
                            plural.len()
                        ),
                    )
                    .hint("shorten it: it names the table and its indexes"),
                );
                None
            }
            Some(plural) if RESERVED_PLURALS.contains(&plural.as_str()) => {
                self.report(
                    Problem::new(format!("{path}.plural"), format!("`{plural}` would overwrite the project's own app/tests/test_{plural}.py"))
                        .hint("choose another plural"),
                );
                None
            }
            Some(plural) if !is_snake_identifier(plural) => {
                self.report(
                    Problem::new(
                        format!("{path}.plural"),
                        format!("`{plural}` is not a snake_case name"),
                    )
                    .hint("use lowercase letters, digits and `_`, e.g. `categories`"),
                );
                None
            }
            Some(plural) => Some(plural.clone()),
            None => None,
        };
        let owned = raw.owned.unwrap_or(true);
        if !has_fields {
            self.report(
                Problem::new(format!("{path}.fields"), "the resource has no fields")
                    .hint("add at least one, e.g. `fields: { name: string }`"),
            );
        }
        let explicit = raw.plural.is_some();
        let (class_name, plural, route) = model::resource_names(name, plural.as_deref());
        if !explicit && RESERVED_PLURALS.contains(&plural.as_str()) {
            self.report(
                Problem::new(&path, format!("its plural `{plural}` would overwrite the project's own app/tests/test_{plural}.py"))
                    .hint("give the resource another name, or another `plural`"),
            );
            return None;
        }
        let mut fields = Vec::new();
        let before_fields = self.problems.len();
        let raw_fields = match node.get("fields") {
            Some(Value::Mapping(map)) => map.clone(),
            Some(other) if !other.is_null() => {
                self.mapping(other, &format!("{path}.fields"));
                return None;
            }
            _ => Mapping::new(),
        };
        for (key, value) in &raw_fields {
            let fields_path = format!("{path}.fields");
            let Some(field_name) = self.key_name(key, &fields_path) else {
                continue;
            };
            let field_path = format!("{fields_path}.{field_name}");
            let raw_field = match value {
                Value::String(text) => match shorthand::parse_type(text) {
                    Ok(field) => Some(field),
                    Err(message) => {
                        self.report(Problem::new(&field_path, message).hint(
                            "or write the field as a mapping: `{ type: string, max_length: 120 }`",
                        ));
                        None
                    }
                },
                other => self.node::<RawField>(other, FIELD_KEYS, &field_path),
            };
            let name_ok = self.field_name(&field_name, owned, &field_path);
            if let Some(field) =
                raw_field.and_then(|raw| self.field(&field_name, &raw, &field_path))
                && name_ok
            {
                fields.push(field);
            }
        }
        // The list's field names mean something only once every field is valid; access rules
        // and admin roles stand apart, so they are checked whatever the fields hold.
        let fields_ok = name_ok && !raw_fields.is_empty() && self.problems.len() == before_fields;
        let access = match access_node {
            Some(node) if !node.is_null() => self.access(&node, &format!("{path}.access"), owned),
            _ => Some(Access::default()),
        };
        let admin_roles = raw.admin_roles.clone().unwrap_or_default();
        for role in &admin_roles {
            self.role_name(role, &format!("{path}.admin_roles"));
        }
        if !admin_roles.is_empty() && !owned {
            self.report(
                Problem::new(format!("{path}.admin_roles"), "`admin_roles` applies to owned resources")
                    .hint("on a shared resource every caller sees every row already; use `access` to limit actions to roles"),
            );
        }
        if !fields_ok || !raw_ok {
            return None;
        }
        let access = access?;
        if !fields.is_empty() && fields.iter().all(|f| f.read_only) {
            self.report(
                Problem::new(
                    format!("{path}.fields"),
                    "every field is read-only: clients could never write a row",
                )
                .hint("let clients write at least one field"),
            );
            return None;
        }
        let list = match list_node {
            Some(node) if !node.is_null() => {
                let list_path = format!("{path}.list");
                let raw_list: RawList = self.node(&node, LIST_KEYS, &list_path)?;
                self.list_api(&raw_list, &mut fields, &list_path)?
            }
            _ => ListApi::default(),
        };
        let resource = Resource {
            access,
            admin_roles,
            renamed_from: raw.renamed_from.clone(),
            events: raw.events.unwrap_or(false),
            label: name.replace('_', " "),
            label_plural: plural.replace('_', " "),
            name: name.to_owned(),
            class_name,
            plural,
            route,
            owned,
            fields,
            list,
        };
        self.index_sizes(&resource, &path).then_some(resource)
    }
}
