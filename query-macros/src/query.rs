//! `query!`: describe the SQL against the migrations' catalog, then emit a row struct, its
//! `FromRow` impl and a `strata::Query` binding each argument with a type check at its span.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use strata_analyzer::rust_types::rust_type;
use strata_analyzer::{describe, QueryDescription};

use crate::input::QueryInput;
use crate::migrations;
use crate::render::query_error;

pub fn expand(input: &QueryInput) -> TokenStream {
    match check(input) {
        Ok(tokens) => tokens,
        Err(errors) => {
            let mut compile_errors = TokenStream::new();
            for e in errors {
                compile_errors.extend(e.into_compile_error());
            }
            let fallback = fallback(input);
            quote! {{ #compile_errors #fallback }}
        }
    }
}

fn check(input: &QueryInput) -> Result<TokenStream, Vec<syn::Error>> {
    let sql = input.sql.value();
    let span = input.sql.span();
    let dir = migrations::resolve_dir(None);
    let loaded = migrations::load(&dir);
    let loaded = match loaded.as_ref() {
        Ok(l) => l,
        Err(errors) => return Err(vec![syn::Error::new(span, migrations::describe_errors(&dir, errors))]),
    };
    let description = describe(&loaded.catalog, &sql)
        .map_err(|ds| ds.iter().map(|d| syn::Error::new(span, query_error(&sql, d))).collect::<Vec<_>>())?;
    let tracking = loaded.set.migrations.iter().map(|m| {
        let path = m.up.path.canonicalize().unwrap_or_else(|_| m.up.path.clone());
        let path = path.to_string_lossy().into_owned();
        quote! { const _: &[u8] = include_bytes!(#path); }
    });
    let tracking: TokenStream = tracking.collect();
    let body = generate(input, &description)?;
    Ok(quote! {{ #tracking #body }})
}

fn generate(input: &QueryInput, d: &QueryDescription) -> Result<TokenStream, Vec<syn::Error>> {
    let mut errors = Vec::new();
    let span = input.sql.span();
    if input.args.len() != d.params.len() {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!(
                "the query has {} parameter(s) but {} argument(s) were given",
                d.params.len(),
                input.args.len()
            ),
        ));
    }
    let mut binds = Vec::new();
    for (param, arg) in d.params.iter().zip(&input.args) {
        match rust_syn_type(&param.ty) {
            Ok(ty) => binds.push(quote_spanned!(arg.span()=> ::strata::bind::<#ty, _>(&(#arg)))),
            Err(why) => errors.push(syn::Error::new(
                arg.span(),
                format!(
                    "parameter ${} has type {}: {why} in the query, e.g. `${}::text`",
                    param.index, param.ty, param.index
                ),
            )),
        }
    }
    let mut fields = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (i, column) in d.columns.iter().enumerate() {
        let ident = match field_ident(&column.name) {
            Some(ident) if !names.contains(&column.name.as_str()) => ident,
            Some(_) => {
                errors.push(syn::Error::new(
                    span,
                    format!("output column \"{}\" appears twice; rename one with AS", column.name),
                ));
                continue;
            }
            None => {
                errors.push(syn::Error::new(
                    span,
                    format!(
                        "output column {} (\"{}\") is not a valid Rust field name; name it with AS",
                        i + 1,
                        column.name
                    ),
                ));
                continue;
            }
        };
        names.push(&column.name);
        let ty = match rust_syn_type(&column.ty) {
            Ok(ty) if column.nullable => quote!(::std::option::Option<#ty>),
            Ok(ty) => quote!(#ty),
            Err(why) => {
                errors.push(syn::Error::new(
                    span,
                    format!(
                        "output column \"{}\" has type {}: {why} in the query, e.g. `(expression)::text AS {}`",
                        column.name, column.ty, column.name
                    ),
                ));
                continue;
            }
        };
        fields.push((ident, ty, i));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sql = &input.sql;
    let n = binds.len();
    if fields.is_empty() {
        return Ok(quote! { ::strata::Query::<(), #n>::new(#sql, [#(#binds),*]) });
    }
    let decls = fields.iter().map(|(ident, ty, _)| quote!(pub #ident: #ty));
    let reads = fields.iter().map(|(ident, _, i)| quote!(#ident: row.try_get(#i)?));
    Ok(quote! {
        #[derive(Debug, Clone)]
        #[allow(non_snake_case, non_camel_case_types)]
        struct Record { #(#decls),* }
        impl ::strata::FromRow for Record {
            fn from_row(row: &::strata::Row) -> ::std::result::Result<Self, ::strata::Error> {
                ::std::result::Result::Ok(Record { #(#reads),* })
            }
        }
        ::strata::Query::<Record, #n>::new(#sql, [#(#binds),*])
    })
}

/// The Rust type generated code uses for `ty`, or why there is none.
fn rust_syn_type(ty: &strata_analyzer::catalog::SqlType) -> Result<syn::Type, String> {
    rust_type(ty).and_then(|t| syn::parse_str::<syn::Type>(&t).map_err(|e| e.to_string()))
}

/// A Rust field for a column name: as is, `r#` for keywords, `None` if it cannot be one.
fn field_ident(name: &str) -> Option<Ident> {
    if name.is_empty() || name == "_" || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    syn::parse_str::<Ident>(name).ok().or_else(|| syn::parse_str::<Ident>(&format!("r#{name}")).ok()).or_else(
        || {
            // `self`, `crate` and friends cannot be raw identifiers.
            Some(format_ident!("{}_", name))
        },
    )
}

/// After an error, still a `Query` so code using the result reports nothing more spurious.
fn fallback(input: &QueryInput) -> TokenStream {
    let sql = &input.sql;
    let n = input.args.len();
    let args = input
        .args
        .iter()
        .map(|a| quote_spanned!(a.span()=> &(#a) as &(dyn ::strata::ToSql + ::std::marker::Sync)));
    quote! { ::strata::Query::<(), #n>::new(#sql, [#(#args),*]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_tracks_every_migration_file_and_binds_each_argument() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/migrations");
        // Only this test reads the variable.
        std::env::set_var("STRATA_MIGRATIONS", dir);
        let input: QueryInput = syn::parse_quote!("SELECT name, bio FROM authors WHERE id = $1", id);
        let out = check(&input).unwrap_or_else(|e| panic!("{}", e[0])).to_string();
        let files = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".up.sql"));
        for file in files {
            let path = file.unwrap().path().canonicalize().unwrap();
            assert!(out.contains(&format!("include_bytes ! ({:?})", path.to_string_lossy())), "{out}");
        }
        assert!(out.contains("pub name : :: std :: string :: String"), "{out}");
        assert!(out.contains("pub bio : :: std :: option :: Option < :: std :: string :: String >"), "{out}");
        assert!(out.contains(":: strata :: bind :: < i64 , _ > (& (id))"), "{out}");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_ident("email").unwrap().to_string(), "email");
        assert_eq!(field_ident("type").unwrap().to_string(), "r#type");
        assert_eq!(field_ident("self").unwrap().to_string(), "self_");
        assert!(field_ident("?column?").is_none());
        assert!(field_ident("1st").is_none());
        assert!(field_ident("full name").is_none());
    }
}
