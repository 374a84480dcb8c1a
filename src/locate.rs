//! Line and column of a dotted spec path (`resources.task.fields.title`), for messages.
//!
//! serde_yaml gives positions only for syntax errors; this walks the YAML events once and records
//! where each mapping key stands, so a problem found later can point at its place.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};

pub struct Locator {
    keys: HashMap<String, (usize, usize)>,
}

enum Frame {
    Mapping { path: String, key: Option<String> },
    Sequence { path: String, index: usize },
}

impl Locator {
    pub fn new(text: &str) -> Self {
        let mut keys = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            // The path of the node this event starts, if it is a value (not a mapping key).
            let value_path = match stack.last_mut() {
                Some(Frame::Mapping { key, .. }) if key.is_none() => {
                    if let Event::Scalar(text, ..) = &event {
                        let Some(Frame::Mapping { path, key }) = stack.last_mut() else {
                            unreachable!()
                        };
                        let full = join(path, text);
                        keys.entry(full)
                            .or_insert((span.start.line(), span.start.col() + 1));
                        *key = Some(text.to_string());
                        continue;
                    }
                    None
                }
                Some(Frame::Mapping { path, key }) => key.take().map(|k| join(path, &k)),
                Some(Frame::Sequence { path, index }) => {
                    *index += 1;
                    Some(join(path, &(*index - 1).to_string()))
                }
                None => Some(String::new()),
            };
            match event {
                Event::MappingStart(..) => stack.push(Frame::Mapping {
                    path: value_path.unwrap_or_default(),
                    key: None,
                }),
                Event::SequenceStart(..) => stack.push(Frame::Sequence {
                    path: value_path.unwrap_or_default(),
                    index: 0,
                }),
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        Locator { keys }
    }

    /// The place of `path`, or of its nearest enclosing key that was found.
    pub fn find(&self, path: &str) -> Option<(usize, usize)> {
        let mut path = path;
        loop {
            if let Some(place) = self.keys.get(path) {
                return Some(*place);
            }
            path = &path[..path.rfind('.')?];
        }
    }
}

fn join(path: &str, key: &str) -> String {
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
}
