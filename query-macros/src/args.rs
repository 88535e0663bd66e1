//! Arguments: each bound once, checked against its parameter's Rust type at its own span
//! (`Bind<T>`, or `BindNullable<T>` where the parameter's target allows NULL), with sqlx's
//! escapes `arg as Type` (Rust's cast, no check here) and `arg as _` (the value as it is).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Type};

use strata_analyzer::{Catalog, Param};

use crate::columns::param_type;
use crate::pg_type::type_constant;

pub struct Bound {
    /// One `&dyn ToSql` expression per argument.
    pub binds: Vec<TokenStream>,
    /// The parameters' `Type` constants when all are known: the query then runs in one round trip.
    pub types: Option<Vec<String>>,
}

/// The argument with `as _` taken off, and whether it had a type override.
fn strip_override(arg: &Expr) -> (&Expr, bool) {
    match arg {
        Expr::Group(g) => strip_override(&g.expr),
        Expr::Paren(p) if matches!(*p.expr, Expr::Cast(_)) => strip_override(&p.expr),
        Expr::Cast(c) if matches!(*c.ty, Type::Infer(_)) => (&c.expr, true),
        Expr::Cast(_) => (arg, true),
        _ => (arg, false),
    }
}

pub fn bind(
    catalog: &Catalog,
    params: &[Param],
    args: &[Expr],
    checked: bool,
    errors: &mut Vec<syn::Error>,
) -> Bound {
    let mut binds = Vec::new();
    let mut types = Some(Vec::new());
    for (param, arg) in params.iter().zip(args) {
        let (value, overridden) = strip_override(arg);
        let constant = type_constant(&param.ty);
        match (&mut types, constant) {
            (Some(list), Some(c)) => list.push(c),
            _ => types = None,
        }
        if overridden || !checked {
            binds.push(untyped(value));
            continue;
        }
        match param_type(catalog, &param.ty) {
            Ok(ty) => {
                let check = bind_fn(catalog, param);
                binds.push(quote_spanned!(arg.span()=> ::strata::#check::<#ty, _>(&(#value))))
            }
            Err(_) if param.ty.name == "record" => {
                errors.push(syn::Error::new(
                    arg.span(),
                    format!(
                        "parameter ${0} has type {1} (Postgres types a parameter compared with a composite \
                         value as record): cast it to the composite type in the query, e.g. `${0}::address`, \
                         and pass the struct derived for that type",
                        param.index, param.ty
                    ),
                ));
                binds.push(untyped(value));
            }
            Err(why) => {
                errors.push(syn::Error::new(
                    arg.span(),
                    format!(
                        "parameter ${} has type {}: {why} in the query, or pass a value of your own type \
                         with `arg as _`",
                        param.index, param.ty
                    ),
                ));
                binds.push(untyped(value));
            }
        }
    }
    // Extra arguments (an arity error is already reported) are still bound, so they are used.
    binds.extend(args.iter().skip(params.len()).map(|a| untyped(strip_override(a).0)));
    if !checked {
        // Unchecked arguments may not be of the parameter's type: let the server say.
        types = None;
    }
    Bound { binds, types }
}

pub fn untyped(value: &Expr) -> TokenStream {
    quote_spanned!(value.span()=> &(#value) as &(dyn ::strata::ToSql + ::std::marker::Sync))
}

/// Which family of bind traits a parameter's Rust type uses: enums and composites have their own,
/// whose messages do not print the hash their parameter type is named by.
fn family(catalog: &Catalog, param: &Param) -> &'static str {
    if crate::enum_types::enum_of(catalog, &param.ty).is_some() {
        "enum"
    } else if crate::composite_types::composite_of(catalog, &param.ty).is_some() {
        "composite"
    } else {
        ""
    }
}

/// The function checking an argument: `bind`, `bind_enum` or `bind_composite`, `_nullable`
/// where NULL is accepted.
fn bind_fn(catalog: &Catalog, param: &Param) -> proc_macro2::Ident {
    let mut name = String::from("bind");
    for part in [family(catalog, param), if param_allows_null(param) { "nullable" } else { "" }] {
        if !part.is_empty() {
            name = format!("{name}_{part}");
        }
    }
    proc_macro2::Ident::new(&name, proc_macro2::Span::call_site())
}

/// The bound of the named form's parameter: `Bind<T>`, `BindNullable<T>`, or their enum and
/// composite twins.
pub fn bind_trait(catalog: &Catalog, param: &Param, ty: &TokenStream) -> TokenStream {
    let family = match family(catalog, param) {
        "enum" => "Enum",
        "composite" => "Composite",
        _ => "",
    };
    let nullable = if param_allows_null(param) { "Nullable" } else { "" };
    let name = proc_macro2::Ident::new(&format!("Bind{family}{nullable}"), proc_macro2::Span::call_site());
    quote!(::strata::#name<#ty>)
}

/// Whether `Option<T>` is accepted: where the analyzer says NULL is meaningful (a nullable
/// target column, `IS NULL`, `IS [NOT] DISTINCT FROM`, `coalesce`); elsewhere `None` would only
/// make the comparison or the NOT NULL column fail.
pub fn param_allows_null(param: &Param) -> bool {
    param.nullable
}

/// The types list for `Query::new`.
pub fn types_tokens(types: &Option<Vec<String>>) -> TokenStream {
    crate::columns::tokens(&match types {
        Some(list) => format!(
            "::std::option::Option::Some(const {{ &[{}] as &[::strata::__private::Type] }})",
            list.join(", ")
        ),
        None => "::std::option::Option::None".to_string(),
    })
}
