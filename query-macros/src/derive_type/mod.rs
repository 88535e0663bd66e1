//! `#[derive(strata::Type)]` on a fieldless enum: a Rust type for a Postgres enum of the
//! migrations, with sqlx's attributes (`#[strata(type_name = "mood", rename_all = "lowercase")]`,
//! `#[strata(rename = "x")]` on variants). Parse, then check the labels against the enum the
//! migrations build (no database), then expand; every error is collected, and the impls are
//! emitted even then, so code using the type has no follow-on errors. On a struct, the same for
//! a composite type (see [`composite`]).

mod composite;
mod composite_expand;
mod expand;
pub(crate) mod rename;
mod validate;

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

/// The derive's input, as far as it could be read.
pub struct EnumInput<'a> {
    pub ident: &'a syn::Ident,
    pub type_name: Option<LitStr>,
    /// A valid `rename_all` value.
    pub rename_all: Option<String>,
    pub variants: Vec<Variant<'a>>,
}

pub struct Variant<'a> {
    pub ident: &'a syn::Ident,
    pub label: String,
    /// Where to point at when the label is wrong: the `rename` value, else the variant.
    pub span: Span,
}

pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Vec::new();
    if let Data::Struct(data) = &input.data {
        let parsed = composite::parse(input, data, &mut errors);
        let checked = parsed.as_ref().and_then(|p| composite::against_migrations(p, &mut errors));
        let impls = parsed.as_ref().map(|p| composite_expand::impls(p, checked.as_ref())).unwrap_or_default();
        let errors: TokenStream = errors.into_iter().map(syn::Error::into_compile_error).collect();
        return quote::quote!(#errors #impls);
    }
    let parsed = parse(input, &mut errors);
    let checked = parsed.as_ref().and_then(|p| validate::against_migrations(p, &mut errors));
    let impls = parsed.as_ref().map(|p| expand::impls(p, checked.as_ref())).unwrap_or_default();
    let errors: TokenStream = errors.into_iter().map(syn::Error::into_compile_error).collect();
    quote::quote!(#errors #impls)
}

#[derive(Default)]
pub(crate) struct Attrs {
    type_name: Option<LitStr>,
    rename_all: Option<LitStr>,
    rename: Option<LitStr>,
}

/// `#[strata(key = "value", ..)]` attributes, `allowed` keys only.
pub(crate) fn attrs(attrs: &[syn::Attribute], allowed: &[&str], errors: &mut Vec<syn::Error>) -> Attrs {
    let mut out = Attrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("strata")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                return Err(meta.error(format!(
                    "unknown #[strata] key `{key}` here; expected {}",
                    allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or ")
                )));
            }
            let value: LitStr = meta.value()?.parse()?;
            match key.as_str() {
                "type_name" => out.type_name = Some(value),
                "rename_all" => out.rename_all = Some(value),
                _ => out.rename = Some(value),
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    out
}

fn parse<'a>(input: &'a DeriveInput, errors: &mut Vec<syn::Error>) -> Option<EnumInput<'a>> {
    let Data::Enum(data) = &input.data else {
        errors.push(syn::Error::new(
            input.ident.span(),
            "#[derive(strata::Type)] needs an enum whose variants have no fields (one per label of a Postgres enum), \
             or a struct with named fields (one per attribute of a composite type)",
        ));
        return None;
    };
    let (type_name, case) = top_level(input, "the Postgres enum's name", "an enum", errors);
    let mut variants = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            errors.push(syn::Error::new(
                v.fields.span(),
                format!("variant `{}` has fields; a Postgres enum value is only its label", v.ident),
            ));
        }
        let own = attrs(&v.attrs, &["rename"], errors);
        let name = v.ident.to_string();
        let (label, span) = match &own.rename {
            Some(lit) => (lit.value(), lit.span()),
            None => (case.as_deref().and_then(|c| rename::rename(&name, c)).unwrap_or(name), v.ident.span()),
        };
        if let Some(first) = variants.iter().find(|other: &&Variant| other.label == label) {
            errors.push(syn::Error::new(
                span,
                format!("`{}` and `{}` both map to '{label}'; rename one", first.ident, v.ident),
            ));
        }
        variants.push(Variant { ident: &v.ident, label, span });
    }
    Some(EnumInput { ident: &input.ident, type_name, rename_all: case, variants })
}

/// The type-level `#[strata(type_name, rename_all)]` of an enum or composite derive, each error
/// collected: `needs` names what type_name gives, `shape` what the derive must be put on.
pub(crate) fn top_level(
    input: &DeriveInput,
    needs: &str,
    shape: &str,
    errors: &mut Vec<syn::Error>,
) -> (Option<LitStr>, Option<String>) {
    let top = attrs(&input.attrs, &["type_name", "rename_all"], errors);
    if top.type_name.is_none() {
        errors.push(syn::Error::new(
            input.ident.span(),
            format!(
                "#[derive(strata::Type)] needs {needs}: add #[strata(type_name = \"{}\")] \
                 (schema-qualified if it is not in public)",
                rename::rename(&input.ident.to_string(), "snake_case").unwrap_or_default()
            ),
        ));
    }
    let case = top.rename_all.as_ref().and_then(|lit| {
        let case = lit.value();
        if rename::CASES.contains(&case.as_str()) {
            return Some(case);
        }
        errors.push(syn::Error::new(
            lit.span(),
            format!("unknown rename_all value \"{case}\"; expected one of {}", rename::CASES.join(", ")),
        ));
        None
    });
    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new(
            input.generics.span(),
            format!("#[derive(strata::Type)] needs {shape} without generics"),
        ));
    }
    (top.type_name, case)
}
