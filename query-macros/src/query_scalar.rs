//! `query_scalar!("SQL", args..)`: the value of the query's only column.

use proc_macro2::TokenStream;

use crate::expand::expand;
use crate::input::{Output, Request, SqlAndArgs};

pub fn query_scalar(input: SqlAndArgs) -> TokenStream {
    expand(&Request {
        source: input.source,
        from_file: false,
        args: input.args,
        output: Output::Scalar,
        checked: true,
    })
}
