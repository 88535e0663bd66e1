//! The macros' inputs: `"SQL", args...`, `Type, "SQL", args...`, `"path.sql", args...`, and the
//! item form `pub struct Name = "SQL";`.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, LitStr, Token, Type, Visibility};

/// What the rows become.
pub enum Output {
    /// `query!`: a struct generated in place.
    Record,
    /// `query! { pub struct Name = "..."; }`: a named struct with a `query` constructor.
    Named { attrs: Vec<Attribute>, vis: Visibility, ident: Ident },
    /// `query_as!(Type, ...)`: the user's struct, filled field by field.
    As(Type),
    /// `query_scalar!`: the one column's value.
    Scalar,
}

/// One invocation of any member of the family, as the shared expansion sees it.
pub struct Request {
    /// The SQL literal, or the path literal of `query_file*!`.
    pub source: LitStr,
    pub from_file: bool,
    pub args: Vec<Expr>,
    pub output: Output,
    /// `false` for `*_unchecked!`: arguments are not checked against the parameters' types.
    pub checked: bool,
}

/// `"SQL or path", arg, arg, ...`
pub struct SqlAndArgs {
    pub source: LitStr,
    pub args: Vec<Expr>,
}

impl Parse for SqlAndArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let source: LitStr = input.parse()?;
        let args = if input.is_empty() {
            Vec::new()
        } else {
            input.parse::<Token![,]>()?;
            Punctuated::<Expr, Token![,]>::parse_terminated(input)?.into_iter().collect()
        };
        Ok(SqlAndArgs { source, args })
    }
}

/// `Type, "SQL or path", arg, ...`
pub struct TypedSqlAndArgs {
    pub ty: Type,
    pub rest: SqlAndArgs,
}

impl Parse for TypedSqlAndArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let ty: Type = input.parse()?;
        input.parse::<Token![,]>()?;
        Ok(TypedSqlAndArgs { ty, rest: input.parse()? })
    }
}

/// `query!`'s two forms: an expression, or `#[attrs] pub struct Name = "SQL";` as an item.
pub enum QueryInput {
    Expr(SqlAndArgs),
    Item { attrs: Vec<Attribute>, vis: Visibility, ident: Ident, sql: LitStr },
}

impl Parse for QueryInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(QueryInput::Expr(input.parse()?));
        }
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a SQL string literal, or `struct Name = \"SQL\";` to name the row type",
            )
        })?;
        let ident: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let sql: LitStr = input.parse()?;
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
        }
        Ok(QueryInput::Item { attrs, vis, ident, sql })
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
