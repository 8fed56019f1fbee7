//! The generated code, from a model that passed every check.
//!
//! Only this module writes tokens. Every path into the runtime is absolute (`::vox_clavis`,
//! `::core`), so the code compiles wherever the derive is used, whatever the user imported.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{LitStr, parse_quote};

use crate::ast::{Body, Field, Inventory, Redacted, Redaction, Shape, Style};

/// `impl SecretInventory` over a `static` table, `ALL`, `from_env_name` and `Display`.
pub(crate) fn inventory(inventory: &Inventory) -> TokenStream {
    let ident = inventory.ident;
    let vis = inventory.vis;
    let count = inventory.secrets.len();
    let variants: Vec<_> = inventory.secrets.iter().map(|s| s.variant).collect();
    let indices = (0..count).map(Literal::usize_unsuffixed);
    let specs = inventory.secrets.iter().map(|secret| {
        let id = LitStr::new(&secret.variant.unraw().to_string(), secret.variant.span());
        let env = &secret.env;
        let aliases = &secret.aliases;
        let deprecated = &secret.deprecated;
        let sensitive = secret.sensitive;
        let required = secret.required;
        let description = &secret.description;
        quote! {
            ::vox_clavis::SecretSpec::new(#id, #env)
                .aliases(&[#(#aliases),*])
                .deprecated(&[#(#deprecated),*])
                .sensitive(#sensitive)
                .required(#required)
                .description(#description)
        }
    });
    let lookup = inventory.secrets.iter().flat_map(|secret| {
        let variant = secret.variant;
        let names = std::iter::once((&secret.env, quote!(Canonical)))
            .chain(secret.aliases.iter().map(|name| (name, quote!(Alias))))
            .chain(secret.deprecated.iter().map(|name| (name, quote!(Deprecated))));
        names.map(move |(name, kind)| {
            quote! {
                #name => ::core::option::Option::Some((Self::#variant, ::vox_clavis::EnvKind::#kind)),
            }
        })
    });
    quote! {
        const _: () = {
            static __VOX_CLAVIS_SPECS: [::vox_clavis::SecretSpec; #count] = [#(#specs),*];

            #[automatically_derived]
            impl ::vox_clavis::SecretInventory for #ident {
                fn specs() -> &'static [::vox_clavis::SecretSpec] {
                    &__VOX_CLAVIS_SPECS
                }

                fn spec(self) -> &'static ::vox_clavis::SecretSpec {
                    match self {
                        #(Self::#variants => &__VOX_CLAVIS_SPECS[#indices],)*
                    }
                }
            }

            #[automatically_derived]
            #[allow(dead_code)]
            impl #ident {
                /// Every secret of the inventory, in declaration order.
                #vis const ALL: [Self; #count] = [#(Self::#variants),*];

                /// The secret whose canonical name, alias or deprecated alias is `name`, and
                /// which of the three it is.
                #vis fn from_env_name(
                    name: &str,
                ) -> ::core::option::Option<(Self, ::vox_clavis::EnvKind)> {
                    match name {
                        #(#lookup)*
                        _ => ::core::option::Option::None,
                    }
                }
            }

            /// The canonical environment variable name.
            #[automatically_derived]
            impl ::core::fmt::Display for #ident {
                fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    __f.pad(::vox_clavis::SecretInventory::spec(*self).env)
                }
            }
        };
    }
}

/// `impl Debug` in the shape of `#[derive(Debug)]`, with secret fields masked.
pub(crate) fn redact(redacted: &Redacted) -> TokenStream {
    let input = redacted.input;
    let ident = &input.ident;
    // Like the standard derive: every type parameter must be `Debug`.
    let mut generics = input.generics.clone();
    let type_params: Vec<_> = generics.type_params().map(|p| p.ident.clone()).collect();
    if !type_params.is_empty() {
        let where_clause = generics.make_where_clause();
        for param in type_params {
            where_clause
                .predicates
                .push(parse_quote!(#param: ::core::fmt::Debug));
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let (body, any_secret) = match &redacted.body {
        Body::Struct(shape) => {
            let values = shape.fields.iter().map(|field| {
                let member = &field.member;
                value(field, &quote!(&self.#member))
            });
            (
                debug_shape(&ident.unraw().to_string(), shape, values),
                has_secret(shape),
            )
        }
        Body::Enum(variants) if variants.is_empty() => (quote!(match *self {}), false),
        Body::Enum(variants) => {
            let arms = variants.iter().map(|variant| {
                let variant_ident = variant.ident;
                let shape = &variant.shape;
                let bindings: Vec<_> = (0..shape.fields.len())
                    .map(|i| format_ident!("__self_{}", i))
                    .collect();
                // Masked fields are not bound: their value is never touched.
                let patterns = shape.fields.iter().zip(&bindings).map(|(field, binding)| {
                    let bind = if field.redaction == Redaction::Whole {
                        quote!(_)
                    } else {
                        quote!(#binding)
                    };
                    match &field.member {
                        syn::Member::Named(name) => quote!(#name: #bind),
                        syn::Member::Unnamed(_) => bind,
                    }
                });
                let pattern = match shape.style {
                    Style::Named => quote!(Self::#variant_ident { #(#patterns),* }),
                    Style::Tuple => quote!(Self::#variant_ident(#(#patterns),*)),
                    Style::Unit => quote!(Self::#variant_ident { .. }),
                };
                let values = shape
                    .fields
                    .iter()
                    .zip(&bindings)
                    .map(|(field, binding)| value(field, &quote!(#binding)));
                let body = debug_shape(&variant_ident.unraw().to_string(), shape, values);
                quote!(#pattern => #body,)
            });
            let any = variants.iter().any(|variant| has_secret(&variant.shape));
            (quote!(match self { #(#arms)* }), any)
        }
    };
    // A local type, so the mask needs no helper in the runtime's public API.
    let mask_type = any_secret.then(|| {
        quote! {
            struct __VoxClavisRedacted;
            impl ::core::fmt::Debug for __VoxClavisRedacted {
                fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    __f.write_str(::vox_clavis::MASK)
                }
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #mask_type
                #body
            }
        }
    }
}

fn has_secret(shape: &Shape) -> bool {
    shape.fields.iter().any(|f| f.redaction != Redaction::Plain)
}

/// `f.debug_struct(name).field(..)..finish()`, `f.debug_tuple(..)`, or the name alone.
fn debug_shape(
    name: &str,
    shape: &Shape,
    values: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    match shape.style {
        Style::Unit => quote!(__f.write_str(#name)),
        Style::Named => {
            let names = shape
                .fields
                .iter()
                .map(|field| field.name.clone().unwrap_or_default());
            quote!(__f.debug_struct(#name)#(.field(#names, #values))*.finish())
        }
        Style::Tuple => quote!(__f.debug_tuple(#name)#(.field(#values))*.finish()),
    }
}

/// What `.field` gets for `field`, whose value `reference` borrows.
fn value(field: &Field, reference: &TokenStream) -> TokenStream {
    match field.redaction {
        Redaction::Plain => reference.clone(),
        Redaction::Whole => quote!(&__VoxClavisRedacted),
        Redaction::Option => quote! {
            &match #reference {
                ::core::option::Option::Some(_) => ::core::option::Option::Some(__VoxClavisRedacted),
                ::core::option::Option::None => ::core::option::Option::None,
            }
        },
    }
}
