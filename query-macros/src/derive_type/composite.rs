//! `#[derive(strata::Type)]` on a struct with named fields: a Rust type for a composite type of
//! the migrations (`#[strata(type_name = "address", rename_all = "..")]`, `#[strata(rename =
//! "x")]` on fields). Checked offline against the type's attributes: every field is an
//! attribute, every attribute has a field, and a field's type fits the attribute's where the
//! attribute has a plain Rust type (an `Option` of it too: attributes may always be NULL).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DataStruct, DeriveInput, Fields, LitStr};

use super::{attrs, rename, top_level};
use crate::composite_types::{composite_of, PgComposite};
use crate::enum_types::{enum_of, lookup, type_name_hash, Lookup};
use crate::{columns, migrations};

pub struct StructInput<'a> {
    pub ident: &'a syn::Ident,
    pub type_name: Option<LitStr>,
    pub fields: Vec<StructField<'a>>,
}

pub struct StructField<'a> {
    pub ident: &'a syn::Ident,
    pub ty: &'a syn::Type,
    /// The composite's attribute it maps to.
    pub attribute: String,
    pub span: Span,
}

/// The composite type the struct was checked against.
pub struct Checked {
    pub schema: String,
    pub name: String,
    pub hash: u64,
    /// What makes cargo run the derive again when a migration changes, and the field type checks.
    pub items: TokenStream,
}

/// `None` for a struct without named fields (then there are no impls to make).
pub fn parse<'a>(
    input: &'a DeriveInput,
    data: &'a DataStruct,
    errors: &mut Vec<syn::Error>,
) -> Option<StructInput<'a>> {
    let (type_name, case) = top_level(input, "the composite type's name", "a struct", errors);
    let Fields::Named(named) = &data.fields else {
        errors.push(syn::Error::new(
            input.ident.span(),
            "#[derive(strata::Type)] needs a struct with named fields (one per attribute of the composite type)",
        ));
        return None;
    };
    let mut fields: Vec<StructField<'_>> = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named");
        let own = attrs(&f.attrs, &["rename"], errors);
        let name = ident.to_string().trim_start_matches("r#").to_string();
        let (attribute, span) = match &own.rename {
            Some(lit) => (lit.value(), lit.span()),
            None => (case.as_deref().and_then(|c| rename::rename(&name, c)).unwrap_or(name), ident.span()),
        };
        if let Some(first) = fields.iter().find(|o| o.attribute == attribute) {
            errors.push(syn::Error::new(
                span,
                format!("`{}` and `{ident}` both map to attribute {attribute}; rename one", first.ident),
            ));
        }
        fields.push(StructField { ident, ty: &f.ty, attribute, span });
    }
    Some(StructInput { ident: &input.ident, type_name, fields })
}

/// `None` when there is no such composite type (the impls then accept one of the name given);
/// field mismatches are errors but still give the type.
pub fn against_migrations(input: &StructInput<'_>, errors: &mut Vec<syn::Error>) -> Option<Checked> {
    let lit = input.type_name.as_ref()?;
    let dir = migrations::resolve_dir(None);
    let loaded = migrations::load(&dir);
    let loaded = match loaded.as_ref() {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.push(syn::Error::new(lit.span(), migrations::describe_errors(&dir, e)));
            return None;
        }
    };
    let catalog = &loaded.catalog;
    let composite = match lookup(catalog, &lit.value(), b'c') {
        Lookup::Found { schema, info } => PgComposite {
            schema,
            name: &info.name,
            attributes: catalog.composite_columns(info.oid).unwrap_or_default(),
        },
        Lookup::Other { qualified, kind } => {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "type {qualified} is {kind}, not a composite type: #[derive(strata::Type)] on a struct maps \
                     a composite type (CREATE TYPE ... AS (...) in the migrations)"
                ),
            ));
            return None;
        }
        Lookup::Missing { qualified, similar } => {
            let hint = similar.map(|s| format!("; did you mean {s}?")).unwrap_or_default();
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "type {qualified} does not exist in the migrations{hint} (type_name names a composite type \
                     that CREATE TYPE ... AS (...) creates; schema-qualify it if it is not in public)"
                ),
            ));
            return None;
        }
    };
    let mut items = migrations::tracking(&dir, loaded);
    items.extend(check_fields(input, &composite, catalog, errors));
    let qualified = composite.qualified();
    Some(Checked {
        schema: composite.schema.to_string(),
        name: composite.name.to_string(),
        hash: type_name_hash(&qualified),
        items,
    })
}

/// Errors for fields without an attribute and attributes without a field; for the rest, a
/// check of the field's type where the attribute's Rust type is a plain one (not an enum, a
/// composite or an array, which have more than one right Rust type).
fn check_fields(
    input: &StructInput<'_>,
    c: &PgComposite<'_>,
    catalog: &strata_analyzer::Catalog,
    errors: &mut Vec<syn::Error>,
) -> TokenStream {
    let qualified = c.qualified();
    let names: Vec<&str> = c.attributes.iter().map(|a| a.name.as_str()).collect();
    let list = c.attributes.iter().map(|a| format!("{} {}", a.name, a.declared_type())).collect::<Vec<_>>();
    let list = list.join(", ");
    let mut checks = TokenStream::new();
    for f in &input.fields {
        let Some(attr) = c.attributes.iter().find(|a| a.name == f.attribute) else {
            let unused: Vec<&str> =
                names.iter().copied().filter(|n| !input.fields.iter().any(|o| o.attribute == *n)).collect();
            let hint = strata_analyzer::closest(&f.attribute, &unused)
                .map(|n| format!("; did you mean {n}? (rename the field, or #[strata(rename = \"{n}\")])"))
                .unwrap_or_else(|| {
                    "; remove the field, or add the attribute with ALTER TYPE ... ADD ATTRIBUTE".into()
                });
            errors.push(syn::Error::new(
                f.span,
                format!(
                    "field `{}` maps to attribute {}, which composite type {qualified} does not have \
                     (attributes: {list}){hint}",
                    f.ident, f.attribute
                ),
            ));
            continue;
        };
        let ty = f.ty;
        let nested = match (enum_of(catalog, &attr.ty), composite_of(catalog, &attr.ty)) {
            (Some(e), _) => Some((e.qualified(), quote!(EnumColumn), "an enum", "or String")),
            (_, Some(c)) => Some((c.qualified(), quote!(CompositeColumn), "a composite type", "")),
            _ => None,
        };
        if let Some((name, column_trait, kind, or)) = nested {
            // As `AS "col: Mood"` is checked: the field's type must be derived for that type.
            let message = format!(
                "field `{}` holds attribute {} of type {name}, {kind}, but its type is derived for another: \
                 use a type with #[strata(type_name = \"{name}\")]{}",
                f.ident,
                attr.name,
                if or.is_empty() { String::new() } else { format!(" {or}") }
            )
            .replace('{', "{{")
            .replace('}', "}}");
            checks.extend(quote_spanned! {ty.span()=>
                const _: () = ::std::assert!(
                    ::strata::__private::same_enum(<#ty as ::strata::__private::#column_trait>::TYPE_NAME, #name),
                    #message
                );
            });
            continue;
        }
        if attr.ty.array {
            // `Vec<T>` and `Vec<Option<T>>` both read arrays.
            continue;
        }
        if let Ok(expected) = columns::rust_syn_type(catalog, &attr.ty) {
            checks.extend(quote_spanned! {ty.span()=>
                const _: fn() = ::strata::__private::composite_field::<#expected, #ty>;
            });
        }
    }
    for attr in c.attributes.iter().filter(|a| !input.fields.iter().any(|f| f.attribute == a.name)) {
        let ty = columns::rust_type_in(catalog, &attr.ty)
            .map(|t| t.replace("::std::vec::", "").replace("::strata::types::", "strata::types::"))
            .unwrap_or_else(|_| "T".into());
        let field = crate::columns::field_ident(&attr.name).map_or_else(|| "name".into(), |i| i.to_string());
        let rename = if field == attr.name {
            String::new()
        } else {
            format!("#[strata(rename = \"{}\")] ", attr.name)
        };
        errors.push(syn::Error::new(
            input.ident.span(),
            format!(
                "attribute {} ({}) of composite type {qualified} has no field in `{}`: add one, e.g. \
                 `{rename}{field}: Option<{ty}>` (a value the database sends must be readable)",
                attr.name,
                attr.declared_type(),
                input.ident
            ),
        ));
    }
    checks
}
