//! A resource's `list:` section: which fields clients filter, sort and search by, the default
//! sort and the page size.

use super::{MAX_PAGE_SIZE, Validator};
use crate::model::{Field, FieldType, GENERATED_SORTABLE, ListApi, RANGE_FILTERS};
use crate::problem::{Problem, nearest};
use crate::spec::RawList;

/// Names the list query model (`PageParams` in `app/schemas/page.py` and each
/// `<Resource>ListQuery`) holds itself: a filter of the same name would replace a page
/// parameter or shadow a member.
const LIST_QUERY_NAMES: &[&str] = &[
    "limit",
    "offset",
    "after",
    "q",
    "sort",
    "order",
    "position",
    "read_order",
    "next_after",
    "from_query",
];

impl Validator {
    /// Two filters must not make the same query parameter: filtering by an ordered field `n`
    /// also makes `n_gt`, `n_gte`, `n_lt` and `n_lte`, which a field of that name would too.
    fn filter_parameters(&mut self, filter: &[String], fields: &[Field], path: &str) {
        let mut made: Vec<(String, &str)> = Vec::new();
        for name in filter {
            let Some(field) = fields.iter().find(|f| f.name == *name) else {
                continue;
            };
            let mut params = vec![name.clone()];
            if field.is_ordered() {
                params.extend(RANGE_FILTERS.iter().map(|(s, _)| format!("{name}{s}")));
            }
            for param in params {
                match made.iter().find(|(p, _)| *p == param) {
                    Some((_, other)) if other != name => {
                        let (ranged, plain) = if param == *name {
                            (*other, name.as_str())
                        } else {
                            (name.as_str(), *other)
                        };
                        self.report(
                            Problem::new(
                                format!("{path}.filter"),
                                format!("the filters `{ranged}` and `{plain}` both make the query parameter `{param}`"),
                            )
                            .hint(format!("`{ranged}` is ordered, so its filter also takes `{ranged}_gt`, `{ranged}_gte`, `{ranged}_lt` and `{ranged}_lte`: remove `{plain}` from `filter`, or rename that field")),
                        );
                    }
                    Some(_) => {}
                    None => made.push((param, name)),
                }
            }
        }
    }

    /// Checks a `list:` section against the fields.
    pub(super) fn list_api(
        &mut self,
        raw: &RawList,
        fields: &mut [Field],
        path: &str,
    ) -> Option<ListApi> {
        let before = self.problems.len();
        let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
        type Rule = fn(&Field) -> Result<(), &'static str>;
        let rules: [(&str, &Vec<String>, Rule); 3] = [
            ("filter", &raw.filter, |f| match f {
                f if f.ty == FieldType::Json => Err("json values have no equality"),
                f if LIST_QUERY_NAMES.contains(&f.name.as_str()) => {
                    Err("the list's query already has a parameter or member of that name")
                }
                f if !f.on_create() || !f.readable() => {
                    Err("clients only filter by fields they both write and read")
                }
                _ => Ok(()),
            }),
            ("sort", &raw.sort, |f| match f {
                f if f.ty == FieldType::Json => Err("json values have no order"),
                f if !f.readable() => Err("it is write-only"),
                _ => Ok(()),
            }),
            ("search", &raw.search, |f| match f {
                f if !f.is_text() => {
                    Err("search looks into text fields (`string`, `text`, `email`, `url`)")
                }
                f if !f.readable() => Err("it is write-only"),
                _ => Ok(()),
            }),
        ];
        for (key, listed, rule) in rules {
            for name in listed {
                match fields.iter().find(|f| f.name == *name) {
                    None if key == "sort" && GENERATED_SORTABLE.contains(&name.as_str()) => {}
                    None => {
                        let hint = match nearest(name, names.iter().map(String::as_str)) {
                            Some(near) => format!(
                                "did you mean `{near}`? The fields are: {}",
                                names.join(", ")
                            ),
                            None => format!("the fields are: {}", names.join(", ")),
                        };
                        self.report(
                            Problem::new(
                                format!("{path}.{key}"),
                                format!("`{name}` is not a field of this resource"),
                            )
                            .hint(hint),
                        );
                    }
                    Some(field) => {
                        if let Err(why) = rule(field) {
                            self.report(
                                Problem::new(
                                    format!("{path}.{key}"),
                                    format!("cannot {key} by `{name}`: {why}"),
                                )
                                .hint(format!("remove `{name}` from `{key}`")),
                            );
                        }
                    }
                }
            }
        }
        self.filter_parameters(&raw.filter, fields, path);
        let mut list = ListApi {
            filter: raw.filter.clone(),
            sort: raw.sort.clone(),
            search: raw.search.clone(),
            ..ListApi::default()
        };
        if let Some(text) = &raw.default_sort {
            let mut keys = Vec::new();
            for key in text.split(',').map(str::trim) {
                let (column, descending) = match key.strip_prefix('-') {
                    Some(column) => (column, true),
                    None => (key, false),
                };
                let sortable =
                    raw.sort.iter().any(|s| s == column) || GENERATED_SORTABLE.contains(&column);
                if sortable {
                    keys.push((column.to_owned(), descending));
                } else {
                    self.report(
                        Problem::new(
                            format!("{path}.default_sort"),
                            format!("`{column}` is not in `sort`"),
                        )
                        .hint("list it in `sort`, or sort by `created_at`, `updated_at` or `id`"),
                    );
                }
            }
            list.default_sort = keys;
        }
        if let Some(size) = &raw.page_size {
            list.page_size = size.default.unwrap_or(list.page_size);
            list.max_page_size = size.max.unwrap_or(list.max_page_size.max(list.page_size));
            if list.page_size == 0
                || list.page_size > list.max_page_size
                || list.max_page_size > MAX_PAGE_SIZE
            {
                self.report(
                    Problem::new(
                        format!("{path}.page_size"),
                        format!(
                            "page size {} with a maximum of {} does not work",
                            list.page_size, list.max_page_size
                        ),
                    )
                    .hint(format!("give 1 <= default <= max <= {MAX_PAGE_SIZE}")),
                );
            }
        }
        if self.problems.len() > before {
            return None;
        }
        // Filtered and sorted columns are looked up through the resource's composite indexes
        // (`Resource::indexes`), not single-column ones.
        Some(list)
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::test_support::{HEAD, one};
    use crate::validate::validate;

    #[test]
    fn the_list_api_is_checked_against_the_fields() {
        let fields = "      title: string\n      body: text:write_only:optional\n      meta: json:optional\n      n: int=0\n      limit: int=0\n      order: int=0\n";
        let cases = [
            ("filter: [titel]", "did you mean `title`?"),
            (
                "filter: [meta]",
                "cannot filter by `meta`: json values have no equality",
            ),
            (
                "filter: [limit]",
                "cannot filter by `limit`: the list's query already has a parameter",
            ),
            (
                "filter: [order]",
                "cannot filter by `order`: the list's query already has a parameter",
            ),
            ("sort: [body]", "cannot sort by `body`: it is write-only"),
            (
                "search: [n]",
                "cannot search by `n`: search looks into text fields",
            ),
            (
                "sort: [title]\n      default_sort: -n",
                "`n` is not in `sort`",
            ),
            (
                "page_size: { default: 50, max: 10 }",
                "page size 50 with a maximum of 10",
            ),
            ("filtre: [title]", "did you mean `filter`?"),
        ];
        for (list, expected) in cases {
            let yaml = format!("{HEAD}{fields}    list:\n      {list}\n");
            let problem = one(&yaml);
            assert!(problem.to_string().contains(expected), "{list}: {problem}");
        }
        let yaml = format!(
            "{HEAD}{fields}    list:\n      filter: [n]\n      sort: [title, created_at]\n      default_sort: title,-id\n"
        );
        let project = validate("s", &yaml, None).unwrap();
        let resource = &project.resources[0];
        assert_eq!(
            resource.list.default_sort,
            [("title".to_owned(), false), ("id".to_owned(), true)]
        );
        let indexes: Vec<Vec<String>> = resource.indexes().into_iter().map(|i| i.columns).collect();
        let columns = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            indexes,
            [
                columns(&["user_id", "title", "id"]),
                columns(&["user_id", "created_at", "id"]),
                columns(&["user_id", "n", "title", "id"]),
            ],
            "the default order, each sort key and each filter have an index of the owner's rows"
        );
    }
}
