//! What the resource's B-tree indexes hold must fit one index entry: PostgreSQL refuses a row
//! whose index entry would pass 2,704 bytes, so a long text in a sorted, filtered, unique or
//! indexed column would make that row's insert fail (an error, not a 4xx).

use super::Validator;
use crate::model::{Field, FieldType, Resource};
use crate::problem::Problem;

/// What the declared columns of one index entry may take, in bytes: PostgreSQL's limit
/// (2,704) less the entry's header and each column's length word and alignment.
pub(super) const INDEX_ENTRY_BYTES: u32 = 2_600;
/// The owner's id: Better Auth's are 32 ASCII characters; room for other identity providers.
const USER_ID_BYTES: u32 = 64;

impl Validator {
    /// Reports each field that makes one of the resource's indexes too wide, at the place in
    /// the spec that put it in the index.
    pub(super) fn index_sizes(&mut self, resource: &Resource, path: &str) -> bool {
        let before = self.problems.len();
        let mut indexes: Vec<Vec<String>> = resource
            .indexes()
            .into_iter()
            .filter(|index| !index.trigram)
            .map(|index| index.columns)
            .collect();
        for field in &resource.fields {
            if field.unique || field.index {
                indexes.push(vec![field.name.clone()]);
            }
        }
        let mut reported: Vec<&str> = Vec::new();
        for columns in &indexes {
            let size = |name: &str| column_bytes(resource, name);
            let total: u32 = columns.iter().map(|c| size(c)).sum();
            if total <= INDEX_ENTRY_BYTES {
                continue;
            }
            // The widest text column is the one to shorten.
            let Some(field) = columns
                .iter()
                .filter_map(|c| resource.fields.iter().find(|f| &f.name == c))
                .filter(|f| f.is_text())
                .max_by_key(|f| column_bytes(resource, &f.name))
            else {
                continue;
            };
            if reported.contains(&field.name.as_str()) {
                continue;
            }
            reported.push(&field.name);
            let others = total - column_bytes(resource, &field.name);
            let room = INDEX_ENTRY_BYTES.saturating_sub(others) / bytes_per_char(field);
            let (place, remedy) = origin(resource, field);
            self.report(
                Problem::new(
                    format!("{path}.{place}"),
                    format!(
                        "`{}` may hold {} characters, too long for an index on ({}): an index entry takes at most {INDEX_ENTRY_BYTES} bytes",
                        field.name,
                        field.max_length.unwrap_or_default(),
                        columns.join(", "),
                    ),
                )
                .hint(format!(
                    "give `{}` a `max_length` of at most {room}, or {remedy}",
                    field.name
                )),
            );
        }
        self.problems.len() == before
    }
}

/// Where the field entered an index, and how to take it out.
fn origin(resource: &Resource, field: &Field) -> (String, String) {
    let list = &resource.list;
    let name = &field.name;
    if list.sort.contains(name) {
        ("list.sort".into(), format!("remove `{name}` from `sort`"))
    } else if list.default_sort.iter().any(|(key, _)| key == name) {
        (
            "list.default_sort".into(),
            "sort by another column by default".into(),
        )
    } else if list.filter.contains(name) {
        (
            "list.filter".into(),
            format!("remove `{name}` from `filter`"),
        )
    } else if field.unique {
        (
            format!("fields.{name}.unique"),
            "drop `unique: true`".into(),
        )
    } else {
        (format!("fields.{name}.index"), "drop `index: true`".into())
    }
}

/// The most bytes one character takes: URLs are stored normalised to ASCII, other text in
/// UTF-8.
fn bytes_per_char(field: &Field) -> u32 {
    if field.ty == FieldType::Url { 1 } else { 4 }
}

/// The most bytes a column's value takes in an index entry.
fn column_bytes(resource: &Resource, name: &str) -> u32 {
    let Some(field) = resource.fields.iter().find(|f| f.name == name) else {
        return match name {
            "user_id" => USER_ID_BYTES,
            _ => 8, // id, created_at, updated_at
        };
    };
    match field.ty {
        FieldType::String | FieldType::Text | FieldType::Email | FieldType::Url => field
            .max_length
            .unwrap_or(u32::MAX / 8)
            .saturating_mul(bytes_per_char(field)),
        FieldType::Enum => field
            .values
            .iter()
            .map(|v| v.len() as u32)
            .max()
            .unwrap_or(0),
        FieldType::Decimal => 8 + field.precision.unwrap_or(38) / 2,
        FieldType::Uuid => 16,
        FieldType::Bool => 1,
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::test_support::{HEAD, one};
    use crate::validate::validate;

    #[test]
    fn a_long_text_cannot_be_sorted_filtered_or_unique() {
        let cases = [
            (
                "      body: text\n    list:\n      sort: [body]\n",
                "resources.item.list.sort",
                "at most 632",
            ),
            (
                "      body: text\n    list:\n      filter: [body]\n",
                "resources.item.list.filter",
                "at most 630",
            ),
            (
                "      code: { type: string, max_length: 5000, unique: true }\n",
                "resources.item.fields.code.unique",
                "at most 650",
            ),
            (
                "      code: { type: string, max_length: 700, index: true }\n",
                "resources.item.fields.code.index",
                "at most 650",
            ),
        ];
        for (fields, path, hint) in cases {
            let problem = one(&format!("{HEAD}{fields}"));
            assert_eq!(problem.path, path, "{fields}");
            assert!(problem.message.contains("an index entry"), "{problem:?}");
            let text = problem.hint.clone().unwrap_or_default();
            assert!(text.contains(hint), "{fields}: {text}");
        }
    }

    #[test]
    fn what_fits_an_index_entry_is_accepted() {
        let fields = "      title: string\n      home: url\n      mail: { type: email, unique: true }\n      body: { type: text, max_length: 600 }\n    list:\n      sort: [title, home, body]\n      filter: [mail]\n";
        let spec = format!("{HEAD}{fields}");
        assert!(validate("spec.yaml", &spec, None).is_ok());
    }
}
