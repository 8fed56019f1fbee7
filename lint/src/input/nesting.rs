//! How deeply a file's code nests, measured on its tokens before anything recursive runs.
//!
//! syn's parser, rust-analyzer's parser, every visitor and the drop of a syntax tree recurse
//! once per nesting level, so a file of 100,000 nested `(` overflows any thread's stack and
//! the process aborts. Nothing recursive may see such a file: this measure is taken with
//! rust-analyzer's lexer, a flat loop, and a file deeper than [`LIMIT`] is reported instead
//! of parsed (`unparsable-file`, see the engine).
//!
//! The measure bounds the depth of the syntax tree from above without building it. It adds,
//! along the innermost path of open delimiters, one per delimiter and, inside each, the
//! operators and other links of the expression or type written there since the last `;`,
//! `,` or `=>`: a method chain `a.b().c()`, a sum `a + b + c`, `!!x`, `&&T`, `Vec<Vec<T>>`
//! or an `else if` chain nests one level per link. A closing `}` ends an item or a block
//! statement, so it clears its parent's links (except an `else` chain, counted on its own).
//!
//! A module counts [`MODULE_LEVELS`] levels: every item in it is known by a path as long as
//! its depth, so nested modules cost the square of their depth in the analysis, and 1,250 of
//! them is already far past any real tree.

use ra_ap_parser::{Edition, LexedStr, SyntaxKind};

/// The deepest nesting analysed. Every family of nesting up to it fits in the engine's
/// worker stack with a wide margin (see the engine's `deeply_nested_files` tests), and no
/// hand-written code comes near it: rustc itself stops at 128 nested macro calls.
pub const LIMIT: usize = 10_000;

/// The levels one `mod m { .. }` counts for.
pub const MODULE_LEVELS: usize = 8;

/// The deepest point of a file: its depth and the byte offset where it is reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deepest {
    pub depth: usize,
    pub offset: usize,
}

/// One open delimiter and the links written inside it since its last separator.
#[derive(Default)]
struct Frame {
    /// The depth of the frame's parent path, plus one for the delimiter itself.
    base: usize,
    links: usize,
    angles: usize,
    elses: usize,
}

impl Frame {
    fn depth(&self) -> usize {
        self.base + self.links + self.angles + self.elses
    }
}

/// The deepest point of `text` by the measure of the module docs.
pub fn deepest(text: &str) -> Deepest {
    let lexed = LexedStr::new(Edition::Edition2021, text);
    let mut frames = vec![Frame::default()];
    let mut deepest = Deepest::default();
    let mut previous: Option<(SyntaxKind, usize)> = None;
    // The token before `previous`, to tell `mod m {` from any other brace.
    let mut before_previous: Option<SyntaxKind> = None;
    for i in 0..lexed.len() {
        let kind = lexed.kind(i);
        if kind.is_trivia() {
            continue;
        }
        let start = lexed.text_start(i);
        // `->` and `=>` are lexed as two tokens; only adjacent ones are one.
        let glued_to = previous.filter(|&(_, end)| end == start).map(|(k, _)| k);
        let previous_kind = previous.map(|(k, _)| k);
        let opens_module = kind == SyntaxKind::L_CURLY
            && previous_kind == Some(SyntaxKind::IDENT)
            && before_previous == Some(SyntaxKind::MOD_KW);
        before_previous = previous_kind;
        previous = Some((kind, lexed.text_range(i).end));
        let top = frames
            .last_mut()
            .expect("the file's own frame is never popped");
        match kind {
            SyntaxKind::L_PAREN | SyntaxKind::L_BRACK | SyntaxKind::L_CURLY => {
                // A call of a call or an index of an index, `f(a)(b)`, `a[0][1]`, is one
                // more link.
                if matches!(
                    previous_kind,
                    Some(SyntaxKind::R_PAREN | SyntaxKind::R_BRACK)
                ) && kind != SyntaxKind::L_CURLY
                {
                    top.links += 1;
                }
                let base = top.depth() + if opens_module { MODULE_LEVELS } else { 1 };
                frames.push(Frame {
                    base,
                    ..Frame::default()
                });
            }
            SyntaxKind::R_PAREN | SyntaxKind::R_BRACK | SyntaxKind::R_CURLY => {
                if frames.len() > 1 {
                    frames.pop();
                }
                let parent = frames.last_mut().expect("the file's own frame");
                if kind == SyntaxKind::R_CURLY {
                    parent.links = 0;
                    parent.angles = 0;
                }
            }
            SyntaxKind::SEMICOLON => {
                top.links = 0;
                top.angles = 0;
                top.elses = 0;
            }
            SyntaxKind::COMMA => top.links = 0,
            SyntaxKind::R_ANGLE if glued_to == Some(SyntaxKind::EQ) => {
                // `=>`: the `=` was counted as a link; an arm starts afresh.
                top.links = 0;
            }
            SyntaxKind::R_ANGLE if glued_to == Some(SyntaxKind::MINUS) => {}
            SyntaxKind::L_ANGLE => top.angles += 1,
            SyntaxKind::R_ANGLE => top.angles = top.angles.saturating_sub(1),
            SyntaxKind::ELSE_KW => top.elses += 1,
            SyntaxKind::AS_KW
            | SyntaxKind::RETURN_KW
            | SyntaxKind::BREAK_KW
            | SyntaxKind::YIELD_KW
            | SyntaxKind::BOX_KW => top.links += 1,
            SyntaxKind::COLON2 | SyntaxKind::POUND | SyntaxKind::DOLLAR => {}
            // `::` is lexed as two `:`; a path does not nest.
            // (`a:::b` glues three; the count never goes below zero.)
            SyntaxKind::COLON if glued_to == Some(SyntaxKind::COLON) => {
                top.links = top.links.saturating_sub(1);
            }
            // `a.0.0` is lexed as `a`, `.`, `0.0`: two fields.
            SyntaxKind::FLOAT_NUMBER if glued_to == Some(SyntaxKind::DOT) => top.links += 1,
            // `m!(..)`: the delimiter that follows is the level, not the `!`.
            SyntaxKind::BANG if glued_to == Some(SyntaxKind::IDENT) => {}
            k if k.is_punct() => top.links += 1,
            _ => {}
        }
        let depth = frames.last().map_or(0, Frame::depth);
        if depth > deepest.depth {
            deepest = Deepest {
                depth,
                offset: start,
            };
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::{MODULE_LEVELS, deepest};

    fn depth(text: &str) -> usize {
        deepest(text).depth
    }

    #[test]
    fn ordinary_code_is_shallow() {
        let text = include_str!("nesting.rs");
        assert!(depth(text) < 40, "{}", depth(text));
        let items = "fn a() -> u8 { 1 }\n".repeat(5_000);
        assert!(depth(&items) < 5, "items do not add up: {}", depth(&items));
        let table = format!("const T: [u8; 5000] = [{}];", "1, ".repeat(5_000));
        assert!(depth(&table) < 5, "a flat table: {}", depth(&table));
        let arms = format!(
            "fn f(x: u8) {{ match x {{ {} _ => {{}} }} }}",
            "1 => {} ".repeat(5_000)
        );
        assert!(depth(&arms) < 8, "match arms: {}", depth(&arms));
        let paths = format!("use {};", "a::".repeat(1_000) + "b");
        assert!(depth(&paths) < 5, "a long path: {}", depth(&paths));
    }

    #[test]
    fn every_family_of_nesting_is_measured() {
        let n = 1_000;
        let families = [
            format!("{}1{}", "(".repeat(n), ")".repeat(n)),
            format!("{}{}", "{".repeat(n), "}".repeat(n)),
            format!("{}1{}", "[".repeat(n), "]".repeat(n)),
            format!("let x: {}u8{} = 1;", "Vec<".repeat(n), ">".repeat(n)),
            format!(
                "let x: {}u8{} = 1;",
                "HashMap<u8, ".repeat(n),
                ">".repeat(n)
            ),
            format!("{}{}", "if x {".repeat(n), "}".repeat(n)),
            format!("{}{}", "mod m {".repeat(n / MODULE_LEVELS), "}".repeat(n)),
            format!("a{}", ".b()".repeat(n)),
            format!("a{}", ".0".repeat(n)),
            format!("a{}", "[0]".repeat(n)),
            format!("a{}", " + a".repeat(n)),
            format!("{}a", "!".repeat(n)),
            format!("{}a", "&".repeat(n)),
            format!("a{}", " as u8".repeat(n)),
            format!("if a {{}}{}", " else if a {}".repeat(n)),
            format!("{}1{}", "m!(".repeat(n), ")".repeat(n)),
            format!("{}a", "|x| ".repeat(n)),
            format!("let f: {}u8 = 1;", "fn() -> ".repeat(n)),
        ];
        for text in families {
            assert!(
                depth(&text) >= n,
                "{}: {}",
                &text[..text.len().min(40)],
                depth(&text)
            );
        }
    }

    #[test]
    fn the_deepest_point_is_located() {
        let text = "fn f() {}\nfn g() { ((((1)))) }\n";
        let d = deepest(text);
        assert_eq!(&text[d.offset..d.offset + 1], "(");
        assert!(text[..d.offset].contains("fn g"));
    }

    #[test]
    fn unbalanced_input_does_not_panic() {
        for text in [
            ")))",
            "}}}{",
            "fn f( { ] >>>",
            "\"unterminated",
            "/* open",
            "a:::b",
        ] {
            let _ = deepest(text);
        }
    }
}
