//! After an error, the macro still expands to a value of the type the user expects: for
//! `query!` a row struct with a field for every output column (its type where known, else
//! inferred from how the field is used), so one mistake gives one error and nothing follows.

use pg_query::protobuf::Node;
use pg_query::NodeEnum;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::columns::{field_ident, parse_override};
use crate::input::{Output, Request};

/// A column of the fallback row: its field and, when known, its Rust type.
pub struct FallbackColumn {
    pub ident: syn::Ident,
    pub ty: Option<TokenStream>,
}

pub fn expand(request: &Request, sql: Option<&str>, known: Option<Vec<FallbackColumn>>) -> TokenStream {
    let columns = known.unwrap_or_else(|| sql.map(columns_from_sql).unwrap_or_default());
    let uses = request.args.iter().map(|a| quote!(let _ = &(#a);));
    let sql_lit = &request.source;
    let signature = |r: TokenStream| quote!(fn(&::strata::Row) -> ::std::result::Result<#r, ::strata::Error>);
    let unreachable = quote!(::std::unreachable!("this query failed to compile"));
    let decode = match &request.output {
        Output::Named { attrs, vis, ident } => {
            let decls = columns.iter().map(|c| {
                let ident = &c.ident;
                let ty = c.ty.clone().unwrap_or_else(|| quote!(()));
                quote!(pub #ident: #ty)
            });
            let params = (1..=sql.map_or(0, param_count)).map(|i| {
                let p = format_ident!("_p{i}");
                quote!(#p: &'a impl ?Sized)
            });
            return quote! {
                #(#attrs)*
                #[derive(Debug, Clone)]
                #vis struct #ident { #(#decls),* }
                impl #ident {
                    #vis fn query<'a>(#(#params),*) -> ::strata::Query<'a, #ident> {
                        #unreachable
                    }
                }
            };
        }
        Output::As(ty) => {
            let sig = signature(quote!(#ty));
            quote! { (|_| #unreachable) as #sig }
        }
        Output::Scalar => {
            quote! {{
                fn decode<T>(_: &::strata::Row) -> ::std::result::Result<T, ::strata::Error> { #unreachable }
                decode
            }}
        }
        Output::Record => {
            let generics: Vec<syn::Ident> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.ty.is_none())
                .map(|(i, _)| format_ident!("T{i}"))
                .collect();
            let mut next = generics.iter();
            let decls: Vec<TokenStream> = columns
                .iter()
                .map(|c| {
                    let ident = &c.ident;
                    match &c.ty {
                        Some(ty) => quote!(pub #ident: #ty),
                        None => {
                            let g = next.next();
                            quote!(pub #ident: #g)
                        }
                    }
                })
                .collect();
            quote! {{
                #[derive(Debug)]
                #[allow(non_snake_case, dead_code)]
                struct Record<#(#generics),*> { #(#decls),* }
                fn decode<#(#generics),*>(_: &::strata::Row) -> ::std::result::Result<Record<#(#generics),*>, ::strata::Error> {
                    #unreachable
                }
                decode
            }}
        }
    };
    quote! {
        #(#uses)*
        ::strata::Query::new(#sql_lit, ::std::vec::Vec::new(), ::std::option::Option::None, #decode)
    }
}

/// The output column names Postgres would give, from the parse tree alone (typing failed).
fn columns_from_sql(sql: &str) -> Vec<FallbackColumn> {
    let Ok(statements) = strata_analyzer::parse_script(sql) else { return Vec::new() };
    let Some(statement) = statements.first() else { return Vec::new() };
    let returning = match &statement.node {
        NodeEnum::SelectStmt(s) => Some(select_targets(s)),
        NodeEnum::InsertStmt(s) => s.returning_clause.as_ref().map(|r| &r.exprs),
        NodeEnum::UpdateStmt(s) => s.returning_clause.as_ref().map(|r| &r.exprs),
        NodeEnum::DeleteStmt(s) => s.returning_clause.as_ref().map(|r| &r.exprs),
        _ => None,
    };
    let Some(targets) = returning else { return Vec::new() };
    let mut columns: Vec<FallbackColumn> = Vec::new();
    for target in targets {
        let Some(NodeEnum::ResTarget(rt)) = &target.node else { continue };
        let name =
            if rt.name.is_empty() { rt.val.as_deref().and_then(figure_name) } else { Some(rt.name.clone()) };
        let Some(name) = name else { continue };
        // As the analyzer does for a name without a type: `name!` and `name?`.
        let name = match name.strip_suffix(['!', '?']) {
            Some(n) if !name.contains(':') => n.to_string(),
            _ => name,
        };
        let over = parse_override(&name);
        let Some(ident) = field_ident(over.name) else { continue };
        if columns.iter().any(|c| c.ident == ident) {
            continue;
        }
        let ty = over.ty.and_then(|t| syn::parse_str::<syn::Type>(t).ok()).map(|t| match over.nullable {
            Some(true) => quote!(::std::option::Option<#t>),
            _ => quote!(#t),
        });
        columns.push(FallbackColumn { ident, ty });
    }
    columns
}

fn select_targets(s: &pg_query::protobuf::SelectStmt) -> &Vec<Node> {
    match s.larg.as_deref() {
        Some(larg) if s.target_list.is_empty() => select_targets(larg),
        _ => &s.target_list,
    }
}

/// Postgres's FigureColname, for the cases a fallback needs: columns, functions, casts.
fn figure_name(node: &Node) -> Option<String> {
    match node.node.as_ref()? {
        NodeEnum::ColumnRef(c) => match c.fields.last()?.node.as_ref()? {
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::FuncCall(f) => match f.funcname.last()?.node.as_ref()? {
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        },
        NodeEnum::TypeCast(t) => t.arg.as_deref().and_then(figure_name),
        _ => None,
    }
}

/// The highest `$n` in the SQL (a scan that ignores quoting: good enough for a fallback).
fn param_count(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut max = 0;
    for (i, _) in sql.match_indices('$') {
        let digits: String =
            bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).map(|&b| b as char).collect();
        max = max.max(digits.parse().unwrap_or(0));
    }
    max
}
