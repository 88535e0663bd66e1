//! Proc-macro shims for `strata::query!` and `strata::migrate!`: parse the input, call plain
//! modules (which call the analyzer), turn errors into `compile_error!`.

mod input;
mod migrate;
mod migrations;
mod query;
mod render;

use proc_macro::TokenStream;

/// Type-checks a query against the migration files at compile time. See the `strata` crate.
#[proc_macro]
pub fn query(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as input::QueryInput);
    query::expand(&input).into()
}

/// Embeds the migrations of a directory (default `migrations`) as a `strata::Migrator`.
#[proc_macro]
pub fn migrate(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as input::MigrateInput);
    migrate::expand(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}
