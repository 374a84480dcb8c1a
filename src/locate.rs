//! Line and column of a dotted spec path (`resources.task.fields.title`), for messages, and
//! where values and mappings stand, for edits of the spec's text.
//!
//! serde_yaml gives positions only for syntax errors; this walks the YAML events once and records
//! where each mapping key stands, so a problem found later can point at its place.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use saphyr_parser::{Event, Parser, ScalarStyle};

pub(crate) struct Locator {
    keys: HashMap<String, (usize, usize)>,
    /// Where a key given twice in one mapping stands the second time.
    repeated: HashMap<String, (usize, usize)>,
    scalars: HashMap<String, (usize, usize)>,
    mappings: HashMap<String, MappingPlace>,
}

/// Where a mapping stands. Positions are character indices into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MappingPlace {
    /// Where it starts: its `{` in flow style, its first key in block style.
    pub start: usize,
    /// Where its last value ends, when it has one (meaningful in flow style).
    pub last_value_end: Option<usize>,
}

enum Frame {
    Mapping {
        path: String,
        key: Option<String>,
        start: usize,
        last_value_end: Option<usize>,
    },
    Sequence {
        path: String,
        index: usize,
    },
}

impl Locator {
    pub(crate) fn new(text: &str) -> Self {
        let mut keys = HashMap::new();
        let mut repeated = HashMap::new();
        let mut scalars = HashMap::new();
        let mut mappings = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            // A quoted scalar's span runs on over the blanks and comment after it.
            let end = match &event {
                Event::Scalar(_, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted, ..) => {
                    quoted_end(&chars, span.start.index()).unwrap_or(span.end.index())
                }
                _ => span.end.index(),
            };
            // The path of the node this event starts, if it is a value (not a mapping key).
            let value_path = match stack.last_mut() {
                Some(Frame::Mapping { key, .. }) if key.is_none() => {
                    if let Event::Scalar(text, ..) = &event {
                        let Some(Frame::Mapping { path, key, .. }) = stack.last_mut() else {
                            unreachable!()
                        };
                        let full = join(path, text);
                        let place = (span.start.line(), span.start.col() + 1);
                        match keys.entry(full) {
                            Entry::Occupied(given) => {
                                repeated.entry(given.key().clone()).or_insert(place);
                            }
                            Entry::Vacant(first) => {
                                first.insert(place);
                            }
                        }
                        *key = Some(text.to_string());
                        continue;
                    }
                    None
                }
                Some(Frame::Mapping {
                    path,
                    key,
                    last_value_end,
                    ..
                }) => {
                    if let Event::Scalar(..) = &event {
                        *last_value_end = Some(end);
                    }
                    key.take().map(|k| join(path, &k))
                }
                Some(Frame::Sequence { path, index }) => {
                    *index += 1;
                    Some(join(path, &(*index - 1).to_string()))
                }
                None => Some(String::new()),
            };
            match event {
                Event::Scalar(..) => {
                    if let Some(path) = value_path {
                        scalars.entry(path).or_insert((span.start.index(), end));
                    }
                }
                Event::MappingStart(..) => stack.push(Frame::Mapping {
                    path: value_path.unwrap_or_default(),
                    key: None,
                    start: span.start.index(),
                    last_value_end: None,
                }),
                Event::SequenceStart(..) => stack.push(Frame::Sequence {
                    path: value_path.unwrap_or_default(),
                    index: 0,
                }),
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(Frame::Mapping {
                        path,
                        start,
                        last_value_end,
                        ..
                    }) = stack.pop()
                    {
                        mappings.entry(path).or_insert(MappingPlace {
                            start,
                            last_value_end,
                        });
                    }
                    // A collection that is a mapping's value ends that value: in flow style
                    // just after its closing bracket.
                    if let Some(Frame::Mapping { last_value_end, .. }) = stack.last_mut() {
                        *last_value_end = Some(span.start.index() + 1);
                    }
                }
                _ => {}
            }
        }
        Locator {
            keys,
            repeated,
            scalars,
            mappings,
        }
    }

    /// Where the key of `path` stands the second time, when its mapping gives it twice.
    pub(crate) fn repeated(&self, path: &str) -> Option<(usize, usize)> {
        self.repeated.get(path).copied()
    }

    /// Where the key of `path` stands (line and column, 1-based), exactly: no enclosing key.
    pub(crate) fn key(&self, path: &str) -> Option<(usize, usize)> {
        self.keys.get(path).copied()
    }

    /// Where the scalar value of `path` stands: its first and past-the-end character indices
    /// (equal for an empty value, which stands at its key's `:`).
    pub(crate) fn scalar(&self, path: &str) -> Option<(usize, usize)> {
        self.scalars.get(path).copied()
    }

    /// Where the mapping at `path` stands (`""` for the document's top level).
    pub(crate) fn mapping(&self, path: &str) -> Option<MappingPlace> {
        self.mappings.get(path).copied()
    }

    /// The place of `path`, or of its nearest enclosing key that was found (an item of a
    /// list, `roles[1]`, is placed at its list's key).
    pub(crate) fn find(&self, path: &str) -> Option<(usize, usize)> {
        let mut path = path;
        loop {
            if let Some(place) = self.keys.get(path) {
                return Some(*place);
            }
            path = &path[..path.rfind(['.', '['])?];
        }
    }
}

/// Just past the closing quote of the quoted scalar that starts at `start`.
fn quoted_end(chars: &[char], start: usize) -> Option<usize> {
    let quote = *chars.get(start)?;
    let mut i = start + 1;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' if quote == '"' => i += 2,
            '\'' if quote == '\'' && chars.get(i + 1) == Some(&'\'') => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The dotted path of `key` in the mapping at `path` (`""` for the top level).
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_block_and_flow_keys() {
        let yaml = "project:\n  name: x\nresources:\n  task:\n    fields:\n      title: { type: strnig }\n      tags: [a, b]\n";
        let locator = Locator::new(yaml);
        assert_eq!(locator.find("project.name"), Some((2, 3)));
        assert_eq!(locator.find("resources.task.fields.title"), Some((6, 7)));
        assert_eq!(
            locator.find("resources.task.fields.title.type"),
            Some((6, 16))
        );
        assert_eq!(
            locator.find("resources.task.fields.title.default"),
            Some((6, 7))
        );
        assert_eq!(locator.find("nowhere"), None);
    }

    #[test]
    fn finds_where_values_and_mappings_stand() {
        let yaml = "a: 'it''s' # c\nb: { c: \"q\\\"\" , d: [1] }\ne:\n";
        let locator = Locator::new(yaml);
        let chars: Vec<char> = yaml.chars().collect();
        let text = |(start, end): (usize, usize)| chars[start..end].iter().collect::<String>();
        assert_eq!(text(locator.scalar("a").unwrap()), "'it''s'");
        assert_eq!(text(locator.scalar("b.c").unwrap()), "\"q\\\"\"");
        let (start, end) = locator.scalar("e").unwrap();
        assert_eq!(
            (start, chars[start]),
            (end, ':'),
            "an empty value stands at its `:`"
        );
        let b = locator.mapping("b").unwrap();
        assert_eq!(chars[b.start], '{');
        assert_eq!(
            text((b.start, b.last_value_end.unwrap())),
            "{ c: \"q\\\"\" , d: [1]"
        );
        assert_eq!(locator.mapping("").unwrap().start, 0);
        assert_eq!(locator.key("b.d"), Some((2, 17)));
        assert_eq!(locator.key("b.x"), None);
    }
}
