//! The one expansion behind every query macro: read the SQL, describe it against the
//! migrations' catalog, then emit the row type, the function that reads it from a row and a
//! `strata::Query`. Errors are all collected; after any, a typed fallback keeps the code that
//! uses the result free of follow-on errors.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use strata_analyzer::{describe, Catalog, QueryDescription};

use crate::args::{self, types_tokens};
use crate::columns::{self, Field};
use crate::fallback::{self, FallbackColumn};
use crate::input::{Output, Request};
use crate::migrations;
use crate::render::query_error;

pub fn expand(request: &Request) -> TokenStream {
    let span = request.source.span();
    let mut errors = Vec::new();
    let mut tracking = TokenStream::new();
    let mut known = None;
    let sql = match read_sql(request) {
        Ok(sql) => Some(sql),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if let Some(sql) = &sql {
        let dir = migrations::resolve_dir(None);
        let loaded = migrations::load(&dir);
        match loaded.as_ref() {
            Ok(loaded) => {
                tracking = migrations::tracking(&dir, loaded);
                match describe(&loaded.catalog, sql) {
                    Ok(d) => {
                        let catalog = &loaded.catalog;
                        if let Some(tokens) = generate(catalog, request, sql, &d, &tracking, &mut errors) {
                            if errors.is_empty() {
                                return tokens;
                            }
                        }
                        known = Some(known_columns(catalog, &d, span));
                    }
                    Err(ds) => errors.extend(ds.iter().map(|d| syn::Error::new(span, query_error(sql, d)))),
                }
            }
            Err(e) => errors.push(syn::Error::new(span, migrations::describe_errors(&dir, e))),
        }
    }
    let compile_errors: TokenStream = errors.into_iter().map(syn::Error::into_compile_error).collect();
    let fallback = fallback::expand(request, sql.as_deref(), known);
    match request.output {
        Output::Named { .. } => quote! { #tracking #compile_errors #fallback },
        _ => quote! {{ #tracking #compile_errors #fallback }},
    }
}

/// The columns of a described query for the fallback: each with its type where it has one.
fn known_columns(catalog: &Catalog, d: &QueryDescription, span: Span) -> Vec<FallbackColumn> {
    let (fields, _) = columns::fields(catalog, &d.columns, span, &mut Vec::new());
    d.columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let ident = columns::field_ident(columns::parse_override(&c.name).name)?;
            let ty = fields.iter().find(|f| f.index == i).map(|f| f.ty.clone());
            Some(FallbackColumn { ident, ty })
        })
        .collect()
}

/// The SQL text: the literal, or the file `query_file*!` names relative to the crate.
fn read_sql(request: &Request) -> syn::Result<String> {
    if !request.from_file {
        return Ok(request.source.value());
    }
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| ".".into(), std::path::PathBuf::from);
    let path = root.join(request.source.value());
    std::fs::read_to_string(&path).map_err(|e| {
        syn::Error::new(
            request.source.span(),
            format!("cannot read {}: {e} (the path is relative to the crate's Cargo.toml)", path.display()),
        )
    })
}

/// The SQL as a `&'static str` expression; for a file, tracked so edits re-check the query.
pub fn sql_expr(request: &Request, sql: &str) -> TokenStream {
    if request.from_file {
        let root =
            std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| ".".into(), std::path::PathBuf::from);
        let path = root.join(request.source.value());
        let path = path.canonicalize().unwrap_or(path).to_string_lossy().into_owned();
        quote! {{ const _: &str = include_str!(#path); #sql }}
    } else {
        let lit = &request.source;
        quote!(#lit)
    }
}

/// The expansion, with `tracking` (items) placed where an expression can hold it: not in a
/// block around the `Query`, whose temporaries (the arguments) would then end with the block.
fn generate(
    catalog: &Catalog,
    request: &Request,
    sql: &str,
    d: &QueryDescription,
    tracking: &TokenStream,
    errors: &mut Vec<syn::Error>,
) -> Option<TokenStream> {
    let span = request.source.span();
    let named = matches!(request.output, Output::Named { .. });
    if !named && request.args.len() != d.params.len() {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!(
                "the query has {} parameter(s) but {} argument(s) were given",
                d.params.len(),
                request.args.len()
            ),
        ));
    }
    let sql_expr = sql_expr(request, sql);
    let (fields, _) = columns::fields(catalog, &d.columns, span, errors);
    let checks: TokenStream = fields.iter().map(|f| f.check.clone()).collect();
    match &request.output {
        Output::Named { attrs, vis, ident } => {
            let bound = named_params(catalog, d, errors);
            let types = types_tokens(&bound.1);
            let decls = fields.iter().map(|f| {
                let (ident, ty) = (&f.ident, &f.ty);
                quote!(pub #ident: #ty)
            });
            let reads = reads(&fields);
            let (params, binds) = bound.0;
            Some(quote! {
                #tracking
                #checks
                #(#attrs)*
                #[derive(Debug, Clone)]
                #vis struct #ident { #(#decls),* }
                impl ::strata::FromRow for #ident {
                    fn from_row(row: &::strata::Row) -> ::std::result::Result<Self, ::strata::Error> {
                        ::std::result::Result::Ok(#ident { #(#reads),* })
                    }
                }
                impl #ident {
                    /// The query this type was generated from, with its arguments bound.
                    #vis fn query<'a>(#(#params),*) -> ::strata::Query<'a, #ident> {
                        ::strata::Query::new(#sql_expr, ::std::vec::Vec::from([#(#binds),*]), #types, <#ident as ::strata::FromRow>::from_row)
                    }
                }
            })
        }
        output => {
            let bound = args::bind(catalog, &d.params, &request.args, request.checked, errors);
            let types = types_tokens(&bound.types);
            let binds = &bound.binds;
            let decode = decode(output, &fields, d, span, errors)?;
            Some(quote! {
                ::strata::Query::new(#sql_expr, ::std::vec::Vec::from([#(#binds),*]), #types, { #tracking #checks #decode })
            })
        }
    }
}

fn reads(fields: &[Field]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let (ident, read) = (&f.ident, f.read());
            quote!(#ident: #read)
        })
        .collect()
}

/// The function that reads one row: a block whose value is a `fn(&Row) -> Result<R, Error>`.
fn decode(
    output: &Output,
    fields: &[Field],
    d: &QueryDescription,
    span: Span,
    errors: &mut Vec<syn::Error>,
) -> Option<TokenStream> {
    Some(match output {
        Output::Record if d.columns.is_empty() => {
            quote! { (|_| ::std::result::Result::Ok(())) as fn(&::strata::Row) -> ::std::result::Result<(), ::strata::Error> }
        }
        Output::Record => {
            let decls = fields.iter().map(|f| {
                let (ident, ty) = (&f.ident, &f.ty);
                quote!(pub #ident: #ty)
            });
            let reads = reads(fields);
            quote! {
                #[derive(Debug)]
                #[allow(non_snake_case)]
                struct Record { #(#decls),* }
                fn decode(row: &::strata::Row) -> ::std::result::Result<Record, ::strata::Error> {
                    ::std::result::Result::Ok(Record { #(#reads),* })
                }
                decode
            }
        }
        Output::As(ty) => {
            // Field by field with the column's type, so a wrong field type or a missing field is
            // a compile error pointing at the SQL.
            let reads = fields.iter().map(|f| {
                let (ident, fty, read) = (&f.ident, &f.ty, f.read());
                let ident = syn::Ident::new(&ident.to_string(), span);
                quote::quote_spanned!(span=> #ident: {
                    let value: #fty = #read;
                    value
                })
            });
            quote! {
                fn decode(row: &::strata::Row) -> ::std::result::Result<#ty, ::strata::Error> {
                    ::std::result::Result::Ok(#ty { #(#reads),* })
                }
                decode
            }
        }
        Output::Scalar => {
            if d.columns.len() != 1 {
                errors.push(syn::Error::new(
                    span,
                    format!(
                        "query_scalar! needs a query with exactly one output column, this one has {}",
                        d.columns.len()
                    ),
                ));
                return None;
            }
            let f = fields.first()?;
            let (fty, read) = (&f.ty, f.read());
            quote! {
                fn decode(row: &::strata::Row) -> ::std::result::Result<#fty, ::strata::Error> {
                    ::std::result::Result::Ok(#read)
                }
                decode
            }
        }
        Output::Named { .. } => unreachable!("named rows are generated as items"),
    })
}

/// Parameters of the named form's `query` function: `p1: &'a impl Bind<T>`, and their binds.
#[allow(clippy::type_complexity)]
fn named_params(
    catalog: &Catalog,
    d: &QueryDescription,
    errors: &mut Vec<syn::Error>,
) -> ((Vec<TokenStream>, Vec<TokenStream>), Option<Vec<String>>) {
    let mut params = Vec::new();
    let mut binds = Vec::new();
    let mut types = Some(Vec::new());
    for p in &d.params {
        let name = quote::format_ident!("p{}", p.index);
        match (&mut types, crate::pg_type::type_constant(&p.ty)) {
            (Some(list), Some(c)) => list.push(c),
            _ => types = None,
        }
        match columns::param_type(catalog, &p.ty) {
            Ok(ty) => {
                let bound = args::bind_trait(catalog, p, &ty);
                params.push(quote!(#name: &'a (impl #bound + 'a)));
                binds.push(quote!(#name as &(dyn ::strata::ToSql + ::std::marker::Sync)));
            }
            Err(why) => errors.push(syn::Error::new(
                Span::call_site(),
                format!("parameter ${} has type {}: {why} in the query", p.index, p.ty),
            )),
        }
    }
    ((params, binds), types)
}
