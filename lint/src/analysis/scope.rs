//! Name resolution as far as one file can do it: `use` declarations (renames, groups, globs,
//! imports inside functions and nested modules), items declared in each module or block, and
//! local bindings. Turns a path as written into the absolute paths it may refer to.

use std::collections::HashMap;

/// What a local variable is known to hold.
#[derive(Clone, Debug)]
pub enum Binding {
    /// A parameter of the function (or let-bound closure) with index `owner` in the file's
    /// function list; `each`: an element of that parameter (a loop variable over it).
    Param {
        owner: usize,
        index: usize,
        each: bool,
    },
    /// A value that evaluates to a name expression (`let key = "OPENAI_API_KEY";`).
    Name(crate::analysis::reads::NameExpr),
    /// A let-bound closure, known by its synthetic path.
    Closure(String),
    /// Anything else: shadows outer bindings and constants of the same name.
    Opaque,
}

#[derive(Debug, Default)]
struct Scope {
    /// A module scope ends the lookup: modules do not see their parent's names.
    module: bool,
    /// Alias -> what it may name, most likely first (several when a glob of the same scope
    /// could also provide the `use` path's first segment).
    uses: HashMap<String, Vec<String>>,
    globs: Vec<String>,
    items: HashMap<String, String>,
    locals: HashMap<String, Binding>,
}

/// A stack of lexical scopes.
#[derive(Debug, Default)]
pub struct Scopes {
    stack: Vec<Scope>,
}

/// What a path refers to.
#[derive(Clone, Debug)]
pub enum Resolved {
    Local(Binding),
    /// Absolute candidates, most likely first: `crate::a::B`, `std::env::var`.
    Paths(Vec<String>),
}

impl Scopes {
    pub fn push(&mut self, module: bool) {
        self.stack.push(Scope {
            module,
            ..Scope::default()
        });
    }

    pub fn pop(&mut self) {
        self.stack.pop();
    }

    pub fn add_item(&mut self, name: String, path: String) {
        if let Some(s) = self.stack.last_mut() {
            s.items.insert(name, path);
        }
    }

    pub fn bind(&mut self, name: String, binding: Binding) {
        if let Some(s) = self.stack.last_mut() {
            s.locals.insert(name, binding);
        }
    }

    /// Records a `use` tree declared in the innermost scope. `module` is the current module
    /// path (for `self::`/`super::`). Returns what it declared: `(Some(alias), target)` per
    /// name, `(None, target)` per glob.
    pub fn add_use(
        &mut self,
        tree: &syn::UseTree,
        leading_colon: bool,
        module: &[String],
    ) -> Vec<(Option<String>, String)> {
        let mut declared = Vec::new();
        let mut flat = Vec::new();
        flatten_use(tree, &mut Vec::new(), &mut flat);
        for (prefix, kind) in flat {
            let Some(first) = prefix.first() else {
                continue;
            };
            let bases = if leading_colon {
                vec![prefix.join("::")]
            } else {
                let rest = &prefix[1..];
                match self.resolve_segments(first, rest, module, None) {
                    Resolved::Paths(p) if !p.is_empty() => p,
                    _ => vec![prefix.join("::")],
                }
            };
            // With globs in scope, `use a::B` may go through a glob; most often `a` is a
            // crate, the last (plain) candidate.
            let base = bases.last().cloned().unwrap_or_default();
            let Some(scope) = self.stack.last_mut() else {
                return declared;
            };
            match kind {
                UseKind::Name(alias) => {
                    declared.push((Some(alias.clone()), base.clone()));
                    let mut bases = bases;
                    if bases.len() > 1 {
                        bases.rotate_right(1);
                    }
                    scope.uses.insert(alias, bases);
                }
                UseKind::Glob => {
                    declared.push((None, base.clone()));
                    if !scope.globs.contains(&base) {
                        scope.globs.push(base);
                    }
                }
            }
        }
        declared
    }

    /// Resolves a path as written.
    pub fn resolve(
        &self,
        path: &syn::Path,
        module: &[String],
        self_type: Option<&str>,
    ) -> Resolved {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some((first, rest)) = segs.split_first() else {
            return Resolved::Paths(Vec::new());
        };
        if path.leading_colon.is_some() {
            return Resolved::Paths(vec![segs.join("::")]);
        }
        self.resolve_segments(first, rest, module, self_type)
    }

    pub fn resolve_segments(
        &self,
        first: &str,
        rest: &[String],
        module: &[String],
        self_type: Option<&str>,
    ) -> Resolved {
        let join = |base: &str| {
            if rest.is_empty() {
                base.to_owned()
            } else {
                format!("{base}::{}", rest.join("::"))
            }
        };
        match first {
            "crate" => return Resolved::Paths(vec![join("crate")]),
            "self" => return Resolved::Paths(vec![join(&module.join("::"))]),
            "super" => {
                let supers = 1 + rest.iter().take_while(|s| *s == "super").count();
                let keep = module.len().saturating_sub(supers).max(1);
                let tail = &rest[supers - 1..];
                let mut p = module[..keep].to_vec();
                p.extend(tail.iter().cloned());
                return Resolved::Paths(vec![p.join("::")]);
            }
            "Self" => {
                if let Some(t) = self_type {
                    return Resolved::Paths(vec![join(t)]);
                }
            }
            _ => {}
        }
        let mut globs = Vec::new();
        for scope in self.stack.iter().rev() {
            if rest.is_empty()
                && let Some(b) = scope.locals.get(first)
            {
                return Resolved::Local(b.clone());
            }
            if let Some(p) = scope.items.get(first) {
                return Resolved::Paths(vec![join(p)]);
            }
            if let Some(p) = scope.uses.get(first) {
                return Resolved::Paths(p.iter().map(|p| join(p)).collect());
            }
            globs.extend(scope.globs.iter().map(|g| format!("{g}::{}", join(first))));
            if scope.module {
                break;
            }
        }
        // Not declared here: an extern crate, the prelude, or something a glob brought in.
        globs.push(join(first));
        Resolved::Paths(globs)
    }
}

enum UseKind {
    Name(String),
    Glob,
}

fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, UseKind)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last().cloned() {
                    out.push((prefix.clone(), UseKind::Name(last)));
                }
            } else {
                let mut p = prefix.clone();
                p.push(name.clone());
                out.push((p, UseKind::Name(name)));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut p = prefix.clone();
            if r.ident != "self" {
                p.push(r.ident.to_string());
            }
            out.push((p, UseKind::Name(r.rename.to_string())));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), UseKind::Glob)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix, out);
            }
        }
    }
}
