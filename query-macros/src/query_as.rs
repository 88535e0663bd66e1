//! `query_as!(Type, "SQL", args..)`: rows into the user's struct, each field by name with the
//! column's type, so a missing or mistyped field fails the build.

use proc_macro2::TokenStream;

use crate::expand::expand;
use crate::input::{Output, Request, TypedSqlAndArgs};

pub fn query_as(input: TypedSqlAndArgs, checked: bool) -> TokenStream {
    let TypedSqlAndArgs { ty, rest } = input;
    expand(&Request {
        source: rest.source,
        from_file: false,
        args: rest.args,
        output: Output::As(ty),
        checked,
    })
}
