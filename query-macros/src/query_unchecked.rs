//! `query_unchecked!`: as `query!`, but the arguments' Rust types are not checked against the
//! parameters (the statement is prepared, and the server's types decide at run time). The SQL
//! and the output columns are still checked.

use proc_macro2::TokenStream;

use crate::expand::expand;
use crate::input::{Output, Request, SqlAndArgs};

pub fn query_unchecked(input: SqlAndArgs) -> TokenStream {
    expand(&Request {
        source: input.source,
        from_file: false,
        args: input.args,
        output: Output::Record,
        checked: false,
    })
}
