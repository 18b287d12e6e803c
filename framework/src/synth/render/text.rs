//! Template text, built section by section: byte-identical to pretty-printing the whole template
//! as one value (one-space indent, as AWS CDK writes it), without ever holding it as one.

use serde_json::{Map, Value as Json};

use crate::assembly::to_json_text;

/// A template being rendered: the finished sections as text, and the outputs (kept as a value
/// until every stack is rendered, since cross-stack references add exports to them).
pub(crate) struct TemplateText {
    /// Finished sections, each as [`section_text`] makes it, in template order.
    pub sections: Vec<String>,
    /// The `Outputs` section, still open.
    pub outputs: Map<String, Json>,
}

impl TemplateText {
    /// The whole template text, byte-identical to pretty-printing it as one value.
    pub fn finish(mut self) -> String {
        if !self.outputs.is_empty() {
            let outputs = std::mem::take(&mut self.outputs);
            self.sections.push(section_text("Outputs", Json::Object(outputs)));
        }
        if self.sections.is_empty() {
            return "{}".to_string();
        }
        let mut text = String::with_capacity(self.sections.iter().map(|s| s.len() + 2).sum::<usize>() + 3);
        text.push('{');
        for (i, section) in self.sections.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(section);
        }
        text.push_str("\n}");
        text
    }
}

/// Appends pretty-printed JSON `text` nested at `indent` (JSON text has no raw newlines inside
/// strings, so every newline is a line break of the layout).
pub(crate) fn push_indented(out: &mut String, text: &str, indent: &str) {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        out.push('\n');
        out.push_str(indent);
        out.push_str(line);
    }
}

/// `\n "Key": <value>` as it appears inside the pretty-printed template object.
pub(crate) fn section_text(key: &str, value: Json) -> String {
    let mut one = Map::with_capacity(1);
    one.insert(key.to_string(), value);
    let text = to_json_text(&Json::Object(one));
    // "{" + "\n \"Key\": ..." + "\n}": keep the middle.
    text[1..text.len() - 2].to_string()
}
