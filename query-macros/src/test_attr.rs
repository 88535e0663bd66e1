//! `#[strata::test]`: parse the keys and the function, check them (every error, each at its
//! span), and expand to a plain `#[test]` that hands the body to `strata::testing::run`, which
//! does the work at run time. The migrations are embedded as `migrate!` embeds them; fixtures
//! with `include_str!`, so cargo rebuilds the test when one changes.

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, FnArg, ItemFn, Lit, LitStr, Meta, Token, Type};

use crate::input::MigrateInput;

/// `migrations = ...`: the default directory, another one, or none at all.
enum Migrations {
    Default,
    Dir(LitStr),
    None,
}

struct Keys {
    migrations: Migrations,
    fixtures: Vec<LitStr>,
}

/// What the test function takes, and so what the expansion passes it.
enum Arg {
    Nothing,
    /// `&mut postgres::Client` (sync).
    Client,
    /// `tokio_postgres::Client` (async), by value or by reference.
    AsyncClient {
        by_ref: bool,
    },
    /// `strata::testing::TestDb`, by value or by reference.
    TestDb {
        by_ref: bool,
    },
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let keys = parse_keys(args, &mut errors);
    let function: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let e = e.to_compile_error();
            return quote! { #e #item };
        }
    };
    let arg = check_signature(&function, &mut errors);
    let fixtures = fixture_files(&keys.fixtures, &mut errors);
    let migrator = match &keys.migrations {
        Migrations::None => Ok(quote! { ::std::option::Option::None }),
        Migrations::Default => crate::migrate::expand(&MigrateInput { dir: None }),
        Migrations::Dir(dir) => crate::migrate::expand(&MigrateInput { dir: Some(dir.clone()) }),
    };
    let migrator = match migrator {
        Ok(m) if matches!(keys.migrations, Migrations::None) => m,
        Ok(m) => quote! { ::std::option::Option::Some(#m) },
        Err(e) => {
            errors.push(e);
            TokenStream::new()
        }
    };
    if let Some(error) = combine(errors) {
        // A plain test that fails to compile only with these errors, not with follow-on ones.
        let error = error.to_compile_error();
        let name = &function.sig.ident;
        return quote! { #error #[test] fn #name() {} };
    }
    let (entry, call) = expansion(&function, arg);
    let ItemFn { attrs, vis, sig, .. } = &function;
    let attrs = attrs.iter().filter(|a| !a.path().is_ident("test"));
    let name = &sig.ident;
    let output = &sig.output;
    let inner = ItemFn { attrs: Vec::new(), ..function.clone() };
    quote! {
        #[test]
        #(#attrs)*
        #vis fn #name() #output {
            #inner
            ::strata::testing::#entry(
                ::strata::testing::TestArgs {
                    test: ::std::concat!(::std::module_path!(), "::", ::std::stringify!(#name)),
                    migrator: #migrator,
                    fixtures: &[#(#fixtures),*],
                },
                #call,
            )
        }
    }
}

fn parse_keys(args: TokenStream, errors: &mut Vec<syn::Error>) -> Keys {
    let mut keys = Keys { migrations: Migrations::Default, fixtures: Vec::new() };
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(e) => {
            errors.push(e);
            return keys;
        }
    };
    let (mut seen_migrations, mut seen_fixtures) = (false, false);
    for meta in metas {
        let key = meta.path().get_ident().map(ToString::to_string).unwrap_or_default();
        let repeated = match key.as_str() {
            "migrations" => std::mem::replace(&mut seen_migrations, true),
            "fixtures" => std::mem::replace(&mut seen_fixtures, true),
            _ => false,
        };
        if repeated {
            errors.push(syn::Error::new(meta.path().span(), format!("`{key}` is given twice")));
            continue;
        }
        match (key.as_str(), &meta) {
            ("migrations", Meta::NameValue(nv)) => match &nv.value {
                Expr::Lit(ExprLit { lit: Lit::Str(dir), .. }) => {
                    keys.migrations = Migrations::Dir(dir.clone())
                }
                Expr::Lit(ExprLit { lit: Lit::Bool(b), .. }) if !b.value => {
                    keys.migrations = Migrations::None
                }
                Expr::Lit(ExprLit { lit: Lit::Bool(_), .. }) => {}
                other => errors.push(syn::Error::new(
                    other.span(),
                    "`migrations` is a directory relative to the crate (`migrations = \"db/migrations\"`) \
                     or `false` for an empty database",
                )),
            },
            ("fixtures", Meta::List(list)) => {
                match list.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                    Ok(names) => {
                        for name in names {
                            match name {
                                Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => keys.fixtures.push(s),
                                other => errors.push(syn::Error::new(
                                    other.span(),
                                    "a fixture is a string literal naming fixtures/<name>.sql: `fixtures(\"users\")`",
                                )),
                            }
                        }
                    }
                    Err(e) => errors.push(e),
                }
            }
            ("migrations", _) => errors
                .push(syn::Error::new(meta.span(), "write `migrations = \"dir\"` or `migrations = false`")),
            ("fixtures", _) => errors.push(syn::Error::new(meta.span(), "write `fixtures(\"name\", ...)`")),
            _ => errors.push(syn::Error::new(
                meta.path().span(),
                format!(
                    "unknown #[strata::test] key `{}`: expected `migrations = \"dir\"`, `migrations = false` \
                     or `fixtures(\"name\", ...)`",
                    meta.path().to_token_stream()
                ),
            )),
        }
    }
    keys
}

fn check_signature(function: &ItemFn, errors: &mut Vec<syn::Error>) -> Arg {
    let is_async = function.sig.asyncness.is_some();
    let inputs = &function.sig.inputs;
    for extra in inputs.iter().skip(1) {
        errors.push(syn::Error::new_spanned(
            extra,
            "#[strata::test] takes at most one argument: the client, or a `strata::testing::TestDb`",
        ));
    }
    if !function.sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(&function.sig.generics, "a #[strata::test] cannot be generic"));
    }
    let Some(first) = inputs.first() else { return Arg::Nothing };
    let expected = if is_async {
        "an async #[strata::test] takes `tokio_postgres::Client`, `&tokio_postgres::Client` or \
         `strata::testing::TestDb` (or `&TestDb`)"
    } else {
        "a #[strata::test] takes `&mut postgres::Client` or `strata::testing::TestDb` (or `&TestDb`); \
         for `tokio_postgres::Client` make it an `async fn`"
    };
    let FnArg::Typed(typed) = first else {
        errors.push(syn::Error::new_spanned(first, expected));
        return Arg::Nothing;
    };
    let (by_ref, mutable, inner) = match &*typed.ty {
        Type::Reference(r) => (true, r.mutability.is_some(), &*r.elem),
        ty => (false, false, ty),
    };
    let Type::Path(path) = inner else {
        errors.push(syn::Error::new_spanned(&typed.ty, expected));
        return Arg::Nothing;
    };
    let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let last = segments.last().map(String::as_str);
    let first_segment = segments.first().map(String::as_str);
    let arg = match (last, is_async, by_ref, mutable) {
        (Some("TestDb"), _, _, false) => Some(Arg::TestDb { by_ref }),
        (Some("Client"), false, true, true) if first_segment != Some("tokio_postgres") => Some(Arg::Client),
        (Some("Client"), true, _, false) if first_segment != Some("postgres") => {
            Some(Arg::AsyncClient { by_ref })
        }
        _ => None,
    };
    arg.unwrap_or_else(|| {
        errors.push(syn::Error::new_spanned(&typed.ty, expected));
        Arg::Nothing
    })
}

/// `("users", include_str!("/abs/fixtures/users.sql"))` for each fixture that exists.
fn fixture_files(names: &[LitStr], errors: &mut Vec<syn::Error>) -> Vec<TokenStream> {
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    names
        .iter()
        .filter_map(|name| {
            let path = root.join("fixtures").join(format!("{}.sql", name.value()));
            if !path.is_file() {
                errors.push(syn::Error::new(
                    name.span(),
                    format!("fixture file not found: {}", path.display()),
                ));
                return None;
            }
            let path = path.canonicalize().unwrap_or(path).to_string_lossy().into_owned();
            Some(quote_spanned! {name.span()=> (#name, ::std::include_str!(#path)) })
        })
        .collect()
}

fn combine(errors: Vec<syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    })
}

/// Which runtime entry and what the closure passes the test, at the argument's span so that a
/// type rustc rejects is reported there.
fn expansion(function: &ItemFn, arg: Arg) -> (TokenStream, TokenStream) {
    let name = &function.sig.ident;
    let span = function.sig.inputs.first().map_or_else(Span::call_site, |a| a.span());
    let is_async = function.sig.asyncness.is_some();
    let entry = if is_async { quote!(run_async) } else { quote!(run) };
    let call = match arg {
        Arg::Nothing => quote! { |_db| #name() },
        Arg::Client => quote_spanned! {span=> |db| #name(&mut ::strata::testing::client(db)) },
        Arg::AsyncClient { by_ref: false } => quote_spanned! {span=>
            |db| async move { #name(::strata::testing::client_async(&db).await).await }
        },
        Arg::AsyncClient { by_ref: true } => quote_spanned! {span=>
            |db| async move { let client = ::strata::testing::client_async(&db).await; #name(&client).await }
        },
        Arg::TestDb { by_ref: false } if !is_async => {
            quote_spanned! {span=> |db| #name(::std::clone::Clone::clone(db)) }
        }
        Arg::TestDb { by_ref: true } if !is_async => quote_spanned! {span=> |db| #name(db) },
        Arg::TestDb { by_ref: false } => quote_spanned! {span=> |db| #name(db) },
        Arg::TestDb { by_ref: true } => quote_spanned! {span=> |db| async move { #name(&db).await } },
    };
    (entry, call)
}
