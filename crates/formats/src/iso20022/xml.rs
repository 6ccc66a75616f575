//! A small read-only element tree over `quick-xml`, and an indenting writer.
//!
//! ISO 20022 messages are small (kilobytes), and reading them as a tree lets
//! every error name the full element path (`…/Ntry[2]/NtryDtls/TxDtls[1]/
//! RltdPties/CdtrAcct`), which serde-based deserialisation cannot do.

use std::fmt::Write as _;

use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

/// An element: local name (prefix dropped), attributes, child elements and
/// the concatenated character data directly inside it.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

/// A parsed document: the root element and the namespace it is bound to.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) namespace: Option<String>,
    pub(crate) root: Element,
}

/// The input is not well-formed XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Byte offset where the reader stopped.
    pub(crate) byte_offset: u64,
    pub(crate) message: String,
}

/// Reads `xml` into a tree. Comments, processing instructions and the
/// declaration are skipped; entity and character references are resolved.
pub(crate) fn parse_document(xml: &str) -> Result<Document, SyntaxError> {
    let mut reader = NsReader::from_str(xml);
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<(Option<String>, Element)> = None;
    loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(namespace), event)) => {
                (Some(namespace.as_ref().to_owned()), event)
            }
            Ok((_, event)) => (None, event),
            Err(error) => return Err(syntax_error(reader.error_position(), error)),
        };
        let here = reader.buffer_position();
        match event {
            Event::Start(start) => open.push(new_element(&start, here)?),
            Event::Empty(start) => {
                let element = new_element(&start, here)?;
                close(element, namespace, &mut open, &mut root, here)?;
            }
            Event::End(_) => {
                let element = open
                    .pop()
                    .ok_or_else(|| syntax_error(here, "unexpected end tag"))?;
                close(element, namespace, &mut open, &mut root, here)?;
            }
            Event::Text(text) => push_text(&mut open, &text.xml10_content()),
            Event::CData(data) => push_text(&mut open, &data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => resolve_predefined_entity(&reference)
                        .ok_or_else(|| {
                            syntax_error(here, format!("unknown entity &{};", &*reference))
                        })?
                        .to_owned(),
                };
                push_text(&mut open, &resolved);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    match (root, open.is_empty()) {
        (Some((namespace, root)), true) => Ok(Document { namespace, root }),
        _ => Err(SyntaxError {
            byte_offset: xml.len() as u64,
            message: "the document has no complete root element".into(),
        }),
    }
}

fn syntax_error(byte_offset: u64, message: impl ToString) -> SyntaxError {
    SyntaxError {
        byte_offset,
        message: message.to_string(),
    }
}

fn new_element(start: &BytesStart<'_>, byte_offset: u64) -> Result<Element, SyntaxError> {
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| syntax_error(byte_offset, error))?;
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|error| syntax_error(byte_offset, error))?;
        let name = attribute.key.local_name().as_ref().to_owned();
        attributes.push((name, value.into_owned()));
    }
    Ok(Element {
        name: start.local_name().as_ref().to_owned(),
        attributes,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Attaches a finished element to its parent, or makes it the root; a
/// second root element is not XML.
fn close(
    element: Element,
    namespace: Option<String>,
    open: &mut [Element],
    root: &mut Option<(Option<String>, Element)>,
    byte_offset: u64,
) -> Result<(), SyntaxError> {
    match (open.last_mut(), root.is_some()) {
        (Some(parent), _) => parent.children.push(element),
        (None, false) => *root = Some((namespace, element)),
        (None, true) => return Err(syntax_error(byte_offset, "a second root element")),
    }
    Ok(())
}

fn push_text(open: &mut [Element], text: &str) {
    if let Some(element) = open.last_mut() {
        element.text.push_str(text);
    }
}

/// An element together with its path from the root, for error messages.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    element: &'a Element,
    path: String,
}

impl<'a> Node<'a> {
    pub(crate) fn root(element: &'a Element) -> Self {
        Self {
            element,
            path: element.name.clone(),
        }
    }

    /// The path of this element, e.g. `Document/BkToCstmrDbtCdtNtfctn/GrpHdr`.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The path a child called `name` would have, for "missing" errors.
    pub(crate) fn child_path(&self, name: &str) -> String {
        format!("{}/{name}", self.path)
    }

    /// The first child called `name`.
    pub(crate) fn child(&self, name: &str) -> Option<Node<'a>> {
        self.element
            .children
            .iter()
            .find(|child| child.name == name)
            .map(|element| Node {
                element,
                path: self.child_path(name),
            })
    }

    /// Every child called `name`, with 1-based indices in their paths
    /// (`Ntry[1]`, `Ntry[2]`) since these elements repeat.
    pub(crate) fn children(&self, name: &'a str) -> impl Iterator<Item = Node<'a>> + '_ {
        self.element
            .children
            .iter()
            .filter(move |child| child.name == name)
            .enumerate()
            .map(move |(index, element)| Node {
                element,
                path: format!("{}/{name}[{}]", self.path, index + 1),
            })
    }

    /// The element's text with surrounding whitespace removed (XML schema
    /// `token`-like values never carry meaningful outer whitespace).
    pub(crate) fn text(&self) -> &'a str {
        self.element.text.trim()
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&'a str> {
        self.element
            .attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Writes indented XML into a string. Element names are trusted constants;
/// text and attribute values are escaped.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    depth: usize,
}

impl XmlWriter {
    pub(crate) fn new() -> Self {
        let mut writer = Self::default();
        writer
            .out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writer
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    pub(crate) fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            // Writing into a String cannot fail.
            let _ = write!(self.out, " {key}=\"{}\"", escape(*value));
        }
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub(crate) fn open(&mut self, name: &str) {
        self.open_with(name, &[]);
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{name}>");
    }

    pub(crate) fn leaf_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            let _ = write!(self.out, " {key}=\"{}\"", escape(*value));
        }
        let _ = writeln!(self.out, ">{}</{name}>", escape(text));
    }

    pub(crate) fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_with(name, &[], text);
    }

    pub(crate) fn empty(&mut self, name: &str) {
        self.indent();
        let _ = writeln!(self.out, "<{name}/>");
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_namespaces_text_and_references() {
        let document = parse_document(
            "<?xml version=\"1.0\"?><!-- c --><x:Doc xmlns:x=\"urn:a\"><x:A k=\"1&amp;2\">a &amp; b&#33;<![CDATA[<c>]]></x:A><B/></x:Doc>",
        )
        .unwrap();
        assert_eq!(document.namespace.as_deref(), Some("urn:a"));
        let root = Node::root(&document.root);
        assert_eq!(root.path(), "Doc");
        let a = root.child("A").unwrap();
        assert_eq!(a.text(), "a & b!<c>");
        assert_eq!(a.attribute("k"), Some("1&2"));
        assert_eq!(root.children("B").next().unwrap().path(), "Doc/B[1]");
        assert!(root.child("C").is_none());
    }

    #[test]
    fn refuses_malformed_documents() {
        assert!(parse_document("<a><b></a>").is_err());
        assert!(parse_document("<a>").is_err());
        assert!(parse_document("").is_err());
        assert!(parse_document("<a>&bogus;</a>").is_err());
        assert_eq!(
            parse_document("<a/><b/>").unwrap_err().message,
            "a second root element"
        );
    }

    #[test]
    fn writer_escapes_text_and_attributes() {
        let mut writer = XmlWriter::new();
        writer.open_with("R", &[("a", "\"<&>")]);
        writer.leaf("T", "x < y & z");
        writer.empty("E");
        writer.close("R");
        let xml = writer.finish();
        assert!(xml.contains("<R a=\"&quot;&lt;&amp;&gt;\">"));
        assert!(xml.contains("<T>x &lt; y &amp; z</T>"));
        let document = parse_document(&xml).unwrap();
        assert_eq!(
            Node::root(&document.root).child("T").unwrap().text(),
            "x < y & z"
        );
    }
}
