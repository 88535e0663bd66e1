//! `query_file!`, `query_file_as!`, `query_file_scalar!`: the SQL from a file (e.g.
//! `queries/user_by_id.sql`), relative to the crate's `Cargo.toml`; edits re-check the query.

use proc_macro2::TokenStream;

use crate::expand::expand;
use crate::input::{Output, Request, SqlAndArgs, TypedSqlAndArgs};

pub fn query_file(input: SqlAndArgs) -> TokenStream {
    expand(&Request {
        source: input.source,
        from_file: true,
        args: input.args,
        output: Output::Record,
        checked: true,
    })
}

pub fn query_file_as(input: TypedSqlAndArgs) -> TokenStream {
    let TypedSqlAndArgs { ty, rest } = input;
    expand(&Request {
        source: rest.source,
        from_file: true,
        args: rest.args,
        output: Output::As(ty),
        checked: true,
    })
}

pub fn query_file_scalar(input: SqlAndArgs) -> TokenStream {
    expand(&Request {
        source: input.source,
        from_file: true,
        args: input.args,
        output: Output::Scalar,
        checked: true,
    })
}
