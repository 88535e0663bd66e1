//! `query!`: rows as a struct generated from the output columns; in item position
//! (`query! { pub struct Name = "SQL"; }`) that struct is named, with `Name::query(..)`.

use proc_macro2::TokenStream;

use crate::expand::expand;
use crate::input::{Output, QueryInput, Request};

pub fn query(input: QueryInput) -> TokenStream {
    match input {
        QueryInput::Expr(a) => expand(&Request {
            source: a.source,
            from_file: false,
            args: a.args,
            output: Output::Record,
            checked: true,
        }),
        QueryInput::Item { attrs, vis, ident, sql } => expand(&Request {
            source: sql,
            from_file: false,
            args: Vec::new(),
            output: Output::Named { attrs, vis, ident },
            checked: true,
        }),
    }
}
