//! The derive input as the derives see it: only the shapes they accept, with each variant's or
//! field's attributes already read (through `attr`).
//!
//! Shape errors (`SecretInventory` on a struct, a variant with fields, `Redact` on a union) are
//! found here, so `valid` and `expand` work on a model that cannot hold them. A part that has
//! an error is left out of the model and the error recorded; the derive then expands nothing.

use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Member, Type, Visibility};

use crate::attr;
use crate::ctxt::Ctxt;

/// A `#[derive(SecretInventory)]` enum.
pub(crate) struct Inventory<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) secrets: Vec<Secret<'a>>,
}

/// One variant of an inventory: one secret.
pub(crate) struct Secret<'a> {
    pub(crate) variant: &'a Ident,
    /// The canonical name.
    pub(crate) env: LitStr,
    pub(crate) aliases: Vec<LitStr>,
    pub(crate) deprecated: Vec<LitStr>,
    pub(crate) sensitive: bool,
    pub(crate) required: bool,
    /// `description = ".."`, else the doc comment, else empty.
    pub(crate) description: String,
}

impl<'a> Inventory<'a> {
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let mut inventory = Inventory {
            ident: &input.ident,
            vis: &input.vis,
            secrets: Vec::new(),
        };
        let data = match &input.data {
            Data::Enum(data) => data,
            Data::Struct(data) => {
                cx.error_spanned_by(data.struct_token, NOT_AN_ENUM);
                return inventory;
            }
            Data::Union(data) => {
                cx.error_spanned_by(data.union_token, NOT_AN_ENUM);
                return inventory;
            }
        };
        if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
            cx.error_spanned_by(
                &input.generics,
                "`SecretInventory` cannot be derived for a generic enum",
            );
        }
        for attr in input.attrs.iter().filter(|attr| attr::is_secret(attr)) {
            cx.error_spanned_by(
                attr,
                "`#[secret(...)]` goes on each variant of a `SecretInventory` enum, not on the enum",
            );
        }
        for variant in &data.variants {
            let ident = &variant.ident;
            let has_fields = !matches!(variant.fields, Fields::Unit);
            if has_fields {
                cx.error_spanned_by(
                    &variant.fields,
                    format!(
                        "variant `{ident}` of a `SecretInventory` enum cannot have fields: each variant names one secret"
                    ),
                );
            }
            let Some(secret) = attr::variant_attr(cx, &variant.attrs) else {
                cx.error_spanned_by(
                    ident,
                    format!("missing `#[secret(env = \"NAME\")]` on variant `{ident}`"),
                );
                continue;
            };
            let Some(env) = secret.env else {
                if secret.complete {
                    cx.error_spanned_by(
                        secret.attr,
                        format!("missing `env = \"NAME\"` in the `#[secret]` of variant `{ident}`"),
                    );
                }
                continue;
            };
            if has_fields {
                continue;
            }
            let description = match &secret.description {
                Some(text) => text.value(),
                None => attr::doc(&variant.attrs),
            };
            inventory.secrets.push(Secret {
                variant: ident,
                env,
                aliases: secret.aliases,
                deprecated: secret.deprecated,
                sensitive: secret.sensitive.unwrap_or(true),
                required: secret.required.unwrap_or(false),
                description,
            });
        }
        inventory
    }
}

const NOT_AN_ENUM: &str = "`SecretInventory` can only be derived for a fieldless enum";

/// A `#[derive(Redact)]` struct or enum.
pub(crate) struct Redacted<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) body: Body<'a>,
}

pub(crate) enum Body<'a> {
    Struct(Shape),
    Enum(Vec<Variant<'a>>),
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) shape: Shape,
}

/// The fields of a struct or variant, with their style.
pub(crate) struct Shape {
    pub(crate) style: Style,
    pub(crate) fields: Vec<Field>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `{ a: A }`
    Named,
    /// `(A)`
    Tuple,
    /// No fields (also `{}` and `()`, which `Debug` prints by name alone too).
    Unit,
}

pub(crate) struct Field {
    /// `self.<member>`.
    pub(crate) member: Member,
    /// The name `Debug` prints (without `r#`), for named fields.
    pub(crate) name: Option<String>,
    pub(crate) redaction: Redaction,
}

/// How a field prints.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redaction {
    /// As `#[derive(Debug)]` prints it.
    Plain,
    /// `[REDACTED]`.
    Whole,
    /// `None`, or `Some([REDACTED])`: whether an optional secret is set says nothing of it.
    Option,
}

impl<'a> Redacted<'a> {
    pub(crate) fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let what = match &input.data {
            Data::Struct(_) => "struct",
            Data::Enum(_) => "enum",
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`Redact` cannot be derived for a union: which field to print is not known",
                );
                return None;
            }
        };
        for attr in input.attrs.iter().filter(|attr| attr::is_secret(attr)) {
            cx.error_spanned_by(
                attr,
                format!("`#[secret]` goes on fields or enum variants, not on the {what}"),
            );
        }
        let body = match &input.data {
            Data::Struct(data) => Body::Struct(Shape::from_fields(cx, &data.fields, false)),
            Data::Enum(data) => Body::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        let marked = attr::marker(cx, &variant.attrs, "variant");
                        if let (Some(attr), Fields::Unit) = (marked, &variant.fields) {
                            cx.error_spanned_by(
                                attr,
                                format!(
                                    "`#[secret]` on unit variant `{}`: it has no field to redact",
                                    variant.ident
                                ),
                            );
                        }
                        Variant {
                            ident: &variant.ident,
                            shape: Shape::from_fields(cx, &variant.fields, marked.is_some()),
                        }
                    })
                    .collect(),
            ),
            Data::Union(_) => unreachable!("rejected above"),
        };
        Some(Redacted { input, body })
    }
}

impl Shape {
    /// `all_secret`: the variant is marked `#[secret]`, so every field is.
    fn from_fields(cx: &Ctxt, fields: &Fields, all_secret: bool) -> Self {
        let style = match fields {
            _ if fields.is_empty() => Style::Unit,
            Fields::Named(_) => Style::Named,
            Fields::Unnamed(_) | Fields::Unit => Style::Tuple,
        };
        let fields = fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let marked = attr::marker(cx, &field.attrs, "field");
                let not_secret = attr::not_secret(cx, &field.attrs);
                if let (Some(_), Some(not)) = (marked, not_secret) {
                    cx.error_spanned_by(
                        not,
                        "`#[not_secret]` and `#[secret]` on the same field: keep the one that is true",
                    );
                }
                let marked = marked.is_some();
                let redaction = redaction(&field.ty, marked || all_secret);
                if let Some(ident) = &field.ident {
                    let name = ident.unraw().to_string();
                    if redaction == Redaction::Plain
                        && not_secret.is_none()
                        && plain_text(&field.ty)
                        && crate::names::looks_secret(&name)
                    {
                        cx.error_spanned_by(
                            ident,
                            format!(
                                "field `{name}` looks like a secret but is not marked: `Redact` would print it in full; mark it `#[secret]`, or `#[not_secret]` if it holds no secret"
                            ),
                        );
                    }
                }
                let (member, name) = match &field.ident {
                    Some(ident) => (
                        Member::Named(ident.clone()),
                        Some(ident.unraw().to_string()),
                    ),
                    None => (
                        Member::Unnamed(syn::Index {
                            index: index as u32,
                            span: field.ty.span(),
                        }),
                        None,
                    ),
                };
                Field {
                    member,
                    name,
                    redaction,
                }
            })
            .collect();
        Shape { style, fields }
    }
}

/// The runtime's and `secrecy`'s types that hold a secret, by the last segment of their path.
const SECRET_TYPES: [&str; 3] = ["ResolvedSecret", "SecretString", "SecretBox"];

/// How a field of type `ty` prints; `marked`: it has `#[secret]`.
fn redaction(ty: &Type, marked: bool) -> Redaction {
    match option_inner(ty) {
        Some(inner) if marked || is_secret_type(inner) => Redaction::Option,
        _ if marked || is_secret_type(ty) => Redaction::Whole,
        _ => Redaction::Plain,
    }
}

/// `T` of `Option<T>` (also through references and parentheses).
fn option_inner(ty: &Type) -> Option<&Type> {
    let segment = last_segment(ty)?;
    if segment.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    match arguments.args.first() {
        Some(syn::GenericArgument::Type(inner)) if arguments.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// Text or bytes printed as they are (`String`, `&str`, `Vec<u8>`, `Box<str>`, also in an
/// `Option`): what a secret's value is held in. Any other type prints through its own `Debug`,
/// which may redact (a `Vec<Credential>` of `Redact` values), so it is not refused.
fn plain_text(ty: &Type) -> bool {
    if let Some(inner) = option_inner(ty) {
        return plain_text(inner);
    }
    let Some(segment) = last_segment(ty) else {
        return match ty {
            Type::Slice(s) => is_u8(&s.elem),
            Type::Array(a) => is_u8(&a.elem),
            Type::Reference(r) => plain_text(&r.elem),
            _ => false,
        };
    };
    let first_arg = || match &segment.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    match segment.ident.to_string().as_str() {
        "String" | "str" | "OsString" | "OsStr" => true,
        "Cow" | "Box" | "Arc" | "Rc" => first_arg().is_some_and(plain_text),
        "Vec" => first_arg().is_some_and(is_u8),
        _ => false,
    }
}

fn is_u8(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "u8")
}

fn is_secret_type(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|segment| SECRET_TYPES.iter().any(|name| segment.ident == name))
}

/// The last segment of a path type, looking through `&`, parentheses and invisible groups.
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) => path.path.segments.last(),
        Type::Reference(reference) => last_segment(&reference.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        Type::Group(group) => last_segment(&group.elem),
        _ => None,
    }
}
