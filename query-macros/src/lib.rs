//! Proc-macro shims for strata's query macros, `migrate!` and the derives: parse the input,
//! call plain modules (which call the analyzer), turn errors into `compile_error!`. One module
//! per macro; the shared query expansion is `expand`.

mod args;
mod columns;
mod composite_types;
mod derive_type;
mod enum_types;
mod expand;
mod fallback;
mod from_row;
mod input;
mod migrate;
mod migrations;
mod pg_type;
mod query;
mod query_as;
mod query_file;
mod query_scalar;
mod query_unchecked;
mod render;
mod test_attr;

use proc_macro::TokenStream;

/// Type-checks a query against the migration files at compile time. See the `strata` crate.
#[proc_macro]
pub fn query(input: TokenStream) -> TokenStream {
    query::query(syn::parse_macro_input!(input as input::QueryInput)).into()
}

/// `query_as!(Type, "SQL", args..)`: rows into `Type`, field by field by name.
#[proc_macro]
pub fn query_as(input: TokenStream) -> TokenStream {
    query_as::query_as(syn::parse_macro_input!(input as input::TypedSqlAndArgs), true).into()
}

/// `query_as!` without checking the arguments' Rust types.
#[proc_macro]
pub fn query_as_unchecked(input: TokenStream) -> TokenStream {
    query_as::query_as(syn::parse_macro_input!(input as input::TypedSqlAndArgs), false).into()
}

/// `query_scalar!("SQL", args..)`: the single output column's value.
#[proc_macro]
pub fn query_scalar(input: TokenStream) -> TokenStream {
    query_scalar::query_scalar(syn::parse_macro_input!(input as input::SqlAndArgs)).into()
}

/// `query_file!("queries/x.sql", args..)`: `query!` with the SQL from a file.
#[proc_macro]
pub fn query_file(input: TokenStream) -> TokenStream {
    query_file::query_file(syn::parse_macro_input!(input as input::SqlAndArgs)).into()
}

/// `query_file_as!(Type, "queries/x.sql", args..)`.
#[proc_macro]
pub fn query_file_as(input: TokenStream) -> TokenStream {
    query_file::query_file_as(syn::parse_macro_input!(input as input::TypedSqlAndArgs)).into()
}

/// `query_file_scalar!("queries/x.sql", args..)`.
#[proc_macro]
pub fn query_file_scalar(input: TokenStream) -> TokenStream {
    query_file::query_file_scalar(syn::parse_macro_input!(input as input::SqlAndArgs)).into()
}

/// `query!` without checking the arguments' Rust types.
#[proc_macro]
pub fn query_unchecked(input: TokenStream) -> TokenStream {
    query_unchecked::query_unchecked(syn::parse_macro_input!(input as input::SqlAndArgs)).into()
}

/// Embeds the migrations of a directory (default `migrations`) as a `strata::Migrator`.
#[proc_macro]
pub fn migrate(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as input::MigrateInput);
    migrate::expand(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Reads a struct from a row by column name (for `strata::query_as::<T>`).
#[proc_macro_derive(FromRow)]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    from_row::derive(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

/// `#[derive(strata::Type)]`: a Rust enum for a Postgres enum of the migrations, its variants
/// checked against the enum's labels at compile time.
#[proc_macro_derive(Type, attributes(strata))]
pub fn derive_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive_type::derive(&input).into()
}

/// `#[strata::test]`: a `#[test]` in a fresh database cloned from the migrations' template.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(args.into(), item.into()).into()
}
