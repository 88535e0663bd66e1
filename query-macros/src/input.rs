use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, LitStr, Token};

/// `"SQL", arg, arg, ...`
pub struct QueryInput {
    pub sql: LitStr,
    pub args: Vec<Expr>,
}

impl Parse for QueryInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let sql: LitStr = input.parse()?;
        let args = if input.is_empty() {
            Vec::new()
        } else {
            input.parse::<Token![,]>()?;
            Punctuated::<Expr, Token![,]>::parse_terminated(input)?.into_iter().collect()
        };
        Ok(QueryInput { sql, args })
    }
}

/// An optional directory, relative to the crate's manifest.
pub struct MigrateInput {
    pub dir: Option<LitStr>,
}

impl Parse for MigrateInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let dir = if input.is_empty() { None } else { Some(input.parse()?) };
        Ok(MigrateInput { dir })
    }
}
