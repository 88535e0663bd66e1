//! The migrations' composite types as the query macros and `#[derive(strata::Type)]` see them:
//! which SQL types are composites, their attributes, and the hash both sides name them by in
//! Rust types (`strata::types::PgComposite<HASH>`), as for enums.

use proc_macro2::TokenStream;
use quote::quote;
use strata_analyzer::catalog::Column;
use strata_analyzer::catalog::SqlType;
use strata_analyzer::Catalog;

use crate::enum_types::type_name_hash;

/// A composite type of the migrations (`CREATE TYPE ... AS (...)`).
pub struct PgComposite<'c> {
    pub schema: &'c str,
    pub name: &'c str,
    pub attributes: &'c [Column],
}

impl PgComposite<'_> {
    /// `schema.name`, as `CompositeColumn::TYPE_NAME` spells it.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    pub fn hash(&self) -> u64 {
        type_name_hash(&self.qualified())
    }
}

/// The composite type `ty` is, or whose array it is.
pub fn composite_of<'c>(catalog: &'c Catalog, ty: &SqlType) -> Option<PgComposite<'c>> {
    let oid = catalog.type_oid(&ty.element())?;
    let info = catalog.type_info(oid).filter(|t| t.typtype == b'c')?;
    Some(PgComposite {
        schema: &info.schema,
        name: &info.name,
        attributes: catalog.composite_columns(oid).unwrap_or_default(),
    })
}

/// `::strata::types::PgComposite<HASH>`, or `Vec` of it for an array: the Rust type of a
/// parameter of composite type, which the struct derived for it binds to.
pub fn param_type(c: &PgComposite<'_>, array: bool) -> syn::Type {
    let hash = c.hash();
    let element = quote!(::strata::types::PgComposite<#hash>);
    let ty: TokenStream = if array { quote!(::std::vec::Vec<#element>) } else { element };
    syn::parse2(ty).expect("a type")
}

/// The error for a composite column the query names no Rust type for: the derive and the
/// override that fix it, spelled out.
pub fn needs_override(c: &PgComposite<'_>, column: &str, array: bool) -> String {
    let rust = crate::derive_type::rename::rename(c.name, "PascalCase")
        .filter(|p| syn::parse_str::<syn::Ident>(p).is_ok())
        .unwrap_or_else(|| "MyType".into());
    let fields: Vec<String> = c.attributes.iter().map(|a| a.name.clone()).collect();
    let read_as = if array { format!("Vec<{rust}>") } else { rust.clone() };
    format!(
        "output column \"{column}\" has composite type {qualified}: derive a struct for it, \
         `#[derive(Debug, Clone, strata::Type)] #[strata(type_name = \"{qualified}\")] struct {rust} {{ .. }}` \
         with a field per attribute ({}), and name it in the query: `AS \"{column}: {read_as}\"`",
        fields.join(", "),
        qualified = c.qualified(),
    )
}
