//! Where syntax nodes begin and end, for the few places a suppression comment needs them.
//!
//! A comment on its own line covers the statement or item that follows it, to that node's end;
//! only the syntax tree knows where that is, so these queries run in the per-file pass while
//! the tree exists. They are asked only for files that hold suppression comments, and they
//! descend only into nodes that contain an offset asked about: a node's span is computed from
//! its tokens, which costs time proportional to its size.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::input::source::{ByteSpan, SourceFile};

/// For each of `starts`: the end of the largest statement, item, field, variant, match arm or
/// expression that starts exactly there, if one does.
pub fn node_ends(file: &syn::File, source: &SourceFile, starts: &[usize]) -> Vec<Option<usize>> {
    let mut v = Finder::new(source, starts);
    v.visit_file(file);
    v.starting
}

/// For each of `offsets`: the smallest item (a `fn`, `impl`, `mod`, ...) that contains it, if
/// any.
pub fn enclosing_items(
    file: &syn::File,
    source: &SourceFile,
    offsets: &[usize],
) -> Vec<Option<ByteSpan>> {
    let mut v = Finder::new(source, offsets);
    v.visit_file(file);
    v.enclosing
}

struct Finder<'s> {
    source: &'s SourceFile,
    targets: Vec<usize>,
    starting: Vec<Option<usize>>,
    enclosing: Vec<Option<ByteSpan>>,
}

impl<'s> Finder<'s> {
    fn new(source: &'s SourceFile, targets: &[usize]) -> Self {
        Finder {
            source,
            targets: targets.to_vec(),
            starting: vec![None; targets.len()],
            enclosing: vec![None; targets.len()],
        }
    }

    /// Records `node` for the targets it starts at or contains; false when it contains none,
    /// so the caller does not descend.
    fn note(&mut self, node: &dyn SpannedNode, item: bool) -> bool {
        let span = self.source.byte_span(node.node_span());
        let mut inside = false;
        for (i, &t) in self.targets.iter().enumerate() {
            if t < span.start || t >= span.end {
                continue;
            }
            inside = true;
            if t == span.start {
                let end = self.starting[i].get_or_insert(span.end);
                *end = (*end).max(span.end);
            }
            if item {
                let smaller =
                    self.enclosing[i].is_none_or(|e| span.end - span.start < e.end - e.start);
                if smaller {
                    self.enclosing[i] = Some(span);
                }
            }
        }
        inside
    }
}

/// `Spanned` as an object, so one `note` serves every node type.
trait SpannedNode {
    fn node_span(&self) -> proc_macro2::Span;
}

impl<T: Spanned> SpannedNode for T {
    fn node_span(&self) -> proc_macro2::Span {
        self.span()
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_item(&mut self, node: &'ast syn::Item) {
        if self.note(node, true) {
            visit::visit_item(self, node);
        }
    }

    fn visit_impl_item(&mut self, node: &'ast syn::ImplItem) {
        if self.note(node, true) {
            visit::visit_impl_item(self, node);
        }
    }

    fn visit_trait_item(&mut self, node: &'ast syn::TraitItem) {
        if self.note(node, true) {
            visit::visit_trait_item(self, node);
        }
    }

    fn visit_foreign_item(&mut self, node: &'ast syn::ForeignItem) {
        if self.note(node, true) {
            visit::visit_foreign_item(self, node);
        }
    }

    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        if self.note(node, false) {
            visit::visit_stmt(self, node);
        }
    }

    fn visit_field(&mut self, node: &'ast syn::Field) {
        if self.note(node, false) {
            visit::visit_field(self, node);
        }
    }

    fn visit_variant(&mut self, node: &'ast syn::Variant) {
        if self.note(node, false) {
            visit::visit_variant(self, node);
        }
    }

    fn visit_arm(&mut self, node: &'ast syn::Arm) {
        if self.note(node, false) {
            visit::visit_arm(self, node);
        }
    }

    fn visit_field_value(&mut self, node: &'ast syn::FieldValue) {
        if self.note(node, false) {
            visit::visit_field_value(self, node);
        }
    }

    fn visit_expr(&mut self, node: &'ast syn::Expr) {
        if self.note(node, false) {
            visit::visit_expr(self, node);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (SourceFile, syn::File) {
        let source = SourceFile::new("a.rs".into(), "a.rs".into(), text.to_owned());
        let file = syn::parse_file(text).expect("parses");
        (source, file)
    }

    #[test]
    fn largest_node_starting_at_an_offset() {
        let text = "#[derive(Debug)]\nstruct S { a: u8 }\nfn f() {\n    let x = g(1)\n        .h();\n    x.i();\n}\n";
        let (source, file) = file(text);
        let at = |s: &str| text.find(s).unwrap();
        let ends = node_ends(
            &file,
            &source,
            &[0, at("let"), at("x.i"), at("a:"), at("struct")],
        );
        assert_eq!(
            &text[..ends[0].unwrap()],
            "#[derive(Debug)]\nstruct S { a: u8 }"
        );
        assert_eq!(
            &text[at("let")..ends[1].unwrap()],
            "let x = g(1)\n        .h();"
        );
        assert_eq!(&text[at("x.i")..ends[2].unwrap()], "x.i();");
        assert_eq!(&text[at("a:")..ends[3].unwrap()], "a: u8");
        // The item starts at its attribute, not at `struct`.
        assert_eq!(ends[4], None);
    }

    #[test]
    fn smallest_enclosing_item() {
        let text = "mod m {\n    fn f() { let _ = 1; }\n}\nfn g() {}\n";
        let (source, file) = file(text);
        let at = |s: &str| text.find(s).unwrap();
        let items = enclosing_items(&file, &source, &[at("let"), at("fn g"), text.len() - 1]);
        let f = items[0].unwrap();
        assert_eq!(&text[f.start..f.end], "fn f() { let _ = 1; }");
        assert_eq!(
            &text[items[1].unwrap().start..items[1].unwrap().end],
            "fn g() {}"
        );
        assert_eq!(items[2], None);
    }
}
