//! Output columns as Rust fields: the name (with sqlx's overrides `name!`, `name?`,
//! `name: Type`, `name!: Type`, `name?: Type` taken off) and the Rust type.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use strata_analyzer::catalog::SqlType;
use strata_analyzer::rust_types::{rust_type, wrap};
use strata_analyzer::{Catalog, Column};

use crate::composite_types::{self, composite_of};
use crate::enum_types::{self, enum_of};

pub struct Field {
    pub ident: Ident,
    /// The field's type, `Option<..>` included.
    pub ty: TokenStream,
    /// Position in the row.
    pub index: usize,
    /// An enum column: read through `EnumText`, which lets text types read it.
    pub is_enum: bool,
    /// Items checking the field's type at compile time: that a Rust enum named for an enum
    /// column is the one derived for that enum.
    pub check: TokenStream,
}

impl Field {
    /// `row.try_get(index)` as the field's type.
    pub fn read(&self) -> TokenStream {
        let (i, ty) = (self.index, &self.ty);
        if self.is_enum {
            quote!(row.try_get::<usize, ::strata::types::EnumText<#ty>>(#i)?.0)
        } else {
            quote!(row.try_get::<usize, #ty>(#i)?)
        }
    }
}

/// A column name's override: the name, forced nullability and a Rust type, if any.
pub struct Override<'a> {
    pub name: &'a str,
    pub nullable: Option<bool>,
    pub ty: Option<&'a str>,
}

pub fn parse_override(name: &str) -> Override<'_> {
    let (name, ty) = match name.split_once(':') {
        Some((name, ty)) => (name.trim_end(), Some(ty.trim())),
        None => (name, None),
    };
    // The analyzer already took a trailing `!`/`?` off a name without a type.
    let (name, nullable) = if ty.is_none() {
        (name, None)
    } else if let Some(n) = name.strip_suffix('!') {
        (n, Some(false))
    } else if let Some(n) = name.strip_suffix('?') {
        (n, Some(true))
    } else {
        (name, None)
    };
    Override { name, nullable, ty }
}

/// One field per column, or the errors that prevent it; a column that fails still has its
/// name in `names` for the typed fallback.
pub fn fields(
    catalog: &Catalog,
    columns: &[Column],
    span: Span,
    errors: &mut Vec<syn::Error>,
) -> (Vec<Field>, Vec<Ident>) {
    let mut fields = Vec::new();
    let mut names: Vec<Ident> = Vec::new();
    for (index, column) in columns.iter().enumerate() {
        let over = parse_override(&column.name);
        let Some(ident) = field_ident(over.name) else {
            errors.push(syn::Error::new(
                span,
                format!(
                    "output column {} (\"{}\") is not a valid Rust field name; name it with AS",
                    index + 1,
                    over.name
                ),
            ));
            continue;
        };
        if names.contains(&ident) {
            errors.push(syn::Error::new(
                span,
                format!("output column \"{}\" appears twice; rename one with AS", over.name),
            ));
            continue;
        }
        names.push(ident.clone());
        let pg_enum = enum_of(catalog, &column.ty);
        let composite = composite_of(catalog, &column.ty);
        let mut check = TokenStream::new();
        let base = match over.ty {
            Some(ty) => syn::parse_str::<syn::Type>(ty).map(|_| ty.to_string()).map_err(|e| {
                format!("the type override of output column \"{}\" is not a Rust type: {e}", over.name)
            }),
            None if pg_enum.is_some() => Ok(enum_types::column_type(&column.ty).to_string()),
            None if composite.is_some() => Err(composite_types::needs_override(
                composite.as_ref().expect("checked"),
                over.name,
                column.ty.array,
            )),
            None => rust_type_text(catalog, &column.ty).map_err(|why| {
                format!(
                    "output column \"{}\" has type {}: {why} in the query, e.g. `(expression)::text AS {}`, \
                     or name a Rust type for it: `AS \"{}: Type\"`",
                    over.name, column.ty, over.name, over.name
                )
            }),
        };
        if let (Some(e), Some(rust), Ok(base)) = (&pg_enum, over.ty, &base) {
            check = enum_check(span, over.name, &e.qualified(), rust, &tokens(base));
        }
        if let (Some(c), Some(rust), Ok(base)) = (&composite, over.ty, &base) {
            check = composite_check(span, over.name, &c.qualified(), rust, &tokens(base));
        }
        match base {
            Ok(base) => {
                let ty = if over.nullable.unwrap_or(column.nullable) {
                    format!("::std::option::Option<{base}>")
                } else {
                    base
                };
                fields.push(Field { ident, ty: tokens(&ty), index, is_enum: pg_enum.is_some(), check });
            }
            Err(message) => errors.push(syn::Error::new(span, message)),
        }
    }
    (fields, names)
}

/// `AS "col: Mood"` on an enum column: `Mood` must be derived for that enum (text types read
/// any). A const assertion, so the query's code stays one item.
fn enum_check(span: Span, column: &str, qualified: &str, rust: &str, base: &TokenStream) -> TokenStream {
    let message = format!(
        "output column \"{column}\" has type {qualified}, but `{rust}` is derived for another enum: \
         read it as a type with #[strata(type_name = \"{qualified}\")], or as String"
    )
    .replace('{', "{{")
    .replace('}', "}}");
    quote_spanned! {span=>
        const _: () = ::std::assert!(
            ::strata::__private::same_enum(<#base as ::strata::__private::EnumColumn>::TYPE_NAME, #qualified),
            #message
        );
    }
}

/// `AS "home: Address"` on a composite column: `Address` must be derived for that type.
fn composite_check(span: Span, column: &str, qualified: &str, rust: &str, base: &TokenStream) -> TokenStream {
    let message = format!(
        "output column \"{column}\" has type {qualified}, but `{rust}` is derived for another composite type: \
         read it as a struct with #[strata(type_name = \"{qualified}\")]"
    )
    .replace('{', "{{")
    .replace('}', "}}");
    quote_spanned! {span=>
        const _: () = ::std::assert!(
            ::strata::__private::same_enum(<#base as ::strata::__private::CompositeColumn>::TYPE_NAME, #qualified),
            #message
        );
    }
}

/// The Rust type of a parameter of type `ty`: for an enum, the type text and the enum's derived
/// Rust type bind to; for a composite, the one its derived struct binds to.
pub fn param_type(catalog: &Catalog, ty: &SqlType) -> Result<TokenStream, String> {
    if let Some(e) = enum_of(catalog, ty) {
        let ty = enum_types::param_type(&e, ty.array);
        return Ok(quote!(#ty));
    }
    if let Some(c) = composite_of(catalog, ty) {
        let ty = composite_types::param_type(&c, ty.array);
        return Ok(quote!(#ty));
    }
    rust_type_text(catalog, ty).map(|t| tokens(&t))
}

/// A Rust type the macro spells as text, as tokens (the compiler lexes it; no `syn::Type` is
/// built only to be printed again). The tokens get the call-site span, as `quote!` gives them.
pub fn tokens(text: &str) -> TokenStream {
    text.parse().unwrap_or_else(|e| panic!("strata generated invalid Rust `{text}`: {e}"))
}

/// The Rust type of `ty`'s values as a string: the analyzer's mapping, and ranges the
/// migrations create over their subtype's Rust type.
pub fn rust_type_in(catalog: &Catalog, ty: &SqlType) -> Result<String, String> {
    let builtin = rust_type(ty);
    let Some(oid) = catalog.type_oid(&ty.element()).filter(|_| builtin.is_err()) else { return builtin };
    if catalog.multirange_range(oid).is_some() {
        // The driver reads user types' kinds from pg_type but has no multirange case for them.
        return Err("tokio-postgres cannot read multiranges of range types the migrations create \
                    (`unnest(..)` gives their ranges); cast it"
            .into());
    }
    let Some((subtype, _)) = catalog.range(oid) else { return builtin };
    let subtype = catalog.sql_type(subtype);
    let of = rust_type(&subtype).map_err(|why| format!("it is a range of {subtype}, and {why}"))?;
    Ok(wrap(&format!("::strata::types::Range<{of}>"), ty))
}

/// The Rust type generated code uses for `ty`, or why there is none.
pub fn rust_syn_type(catalog: &Catalog, ty: &SqlType) -> Result<syn::Type, String> {
    syn::parse_str::<syn::Type>(&rust_type_text(catalog, ty)?).map_err(|e| e.to_string())
}

/// [`rust_syn_type`] as Rust source, with the date/time and numeric crates chosen.
pub fn rust_type_text(catalog: &Catalog, ty: &SqlType) -> Result<String, String> {
    let path = rust_type_in(catalog, ty)?;
    let path = match std::env::var("STRATA_DATETIME").as_deref() {
        Ok(choice @ ("time" | "chrono")) => datetime_in(&path, choice),
        Ok(other) => {
            return Err(format!("STRATA_DATETIME is `{other}`; set it to `time` or `chrono`"));
        }
        Err(_) => path,
    };
    let path = match std::env::var("STRATA_NUMERIC").as_deref() {
        Ok(choice @ ("decimal" | "bigdecimal")) => numeric_in(&path, choice),
        Ok(other) => {
            return Err(format!("STRATA_NUMERIC is `{other}`; set it to `decimal` or `bigdecimal`"));
        }
        Err(_) => path,
    };
    Ok(path)
}

/// `::strata::types::Numeric` as `::strata::types::<choice>::Numeric`, in ranges and arrays too.
fn numeric_in(path: &str, choice: &str) -> String {
    path.replace("::strata::types::Numeric", &format!("::strata::types::{choice}::Numeric"))
}

/// `::strata::types::Date` as `::strata::types::<choice>::Date`, for each date/time alias.
fn datetime_in(path: &str, choice: &str) -> String {
    let mut out = path.to_string();
    for name in ["Timestamptz", "Timestamp", "Date", "Time"] {
        let alias = format!("::strata::types::{name}");
        if out == alias || out.contains(&format!("{alias}>")) {
            out = out.replace(&alias, &format!("::strata::types::{choice}::{name}"));
            break;
        }
    }
    out
}

/// A Rust field for a column name: as is, `r#` for keywords, `None` if it cannot be one.
pub fn field_ident(name: &str) -> Option<Ident> {
    if name.is_empty() || name == "_" || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    if name.is_ascii() {
        // Valid as it is (no need to ask syn, a compiler round trip per column), or a keyword.
        return Some(match name {
            "self" | "Self" | "super" | "crate" => format_ident!("{}_", name),
            _ if KEYWORDS.contains(&name) => Ident::new_raw(name, Span::call_site()),
            _ => Ident::new(name, Span::call_site()),
        });
    }
    syn::parse_str::<Ident>(name).ok().or_else(|| syn::parse_str::<Ident>(&format!("r#{name}")).ok()).or_else(
        || {
            // `self`, `crate` and friends cannot be raw identifiers.
            Some(format_ident!("{}_", name))
        },
    )
}

/// Rust's strict and reserved keywords (all editions): a column named so becomes `r#name`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        assert_eq!(field_ident("email").unwrap().to_string(), "email");
        assert_eq!(field_ident("type").unwrap().to_string(), "r#type");
        assert_eq!(field_ident("self").unwrap().to_string(), "self_");
        assert_eq!(field_ident("async").unwrap().to_string(), "r#async");
        assert_eq!(field_ident("union").unwrap().to_string(), "union");
        assert_eq!(field_ident("größe").unwrap().to_string(), "größe");
        assert!(field_ident("?column?").is_none());
        assert!(field_ident("1st").is_none());
        assert!(field_ident("full name").is_none());
    }

    #[test]
    fn date_time_crate_chosen_explicitly() {
        assert_eq!(datetime_in("::strata::types::Timestamp", "chrono"), "::strata::types::chrono::Timestamp");
        assert_eq!(
            datetime_in("::std::vec::Vec<::strata::types::Time>", "time"),
            "::std::vec::Vec<::strata::types::time::Time>"
        );
        assert_eq!(datetime_in("::strata::types::Uuid", "time"), "::strata::types::Uuid");
        assert_eq!(
            datetime_in("::std::vec::Vec<::strata::types::Range<::strata::types::Timestamptz>>", "chrono"),
            "::std::vec::Vec<::strata::types::Range<::strata::types::chrono::Timestamptz>>"
        );
        assert_eq!(
            numeric_in("::strata::types::Range<::strata::types::Numeric>", "bigdecimal"),
            "::strata::types::Range<::strata::types::bigdecimal::Numeric>"
        );
    }

    #[test]
    fn sqlx_overrides() {
        let o = parse_override("mood: Mood");
        assert_eq!((o.name, o.nullable, o.ty), ("mood", None, Some("Mood")));
        let o = parse_override("mood!: crate::Mood");
        assert_eq!((o.name, o.nullable, o.ty), ("mood", Some(false), Some("crate::Mood")));
        let o = parse_override("n?: i64");
        assert_eq!((o.name, o.nullable, o.ty), ("n", Some(true), Some("i64")));
        let o = parse_override("plain");
        assert_eq!((o.name, o.nullable, o.ty), ("plain", None, None));
        assert_eq!(parse_override("?column?").name, "?column?");
    }
}
