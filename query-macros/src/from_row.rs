//! `#[derive(strata::FromRow)]`: reads a struct from a row by column name, for
//! `strata::query_as::<T>(..)` with SQL that is not checked at compile time.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(FromRow)] needs a struct with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "#[derive(FromRow)] needs a struct with named fields",
        ));
    };
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let reads = fields.named.iter().map(|f| {
        let name = f.ident.as_ref().expect("named field");
        let column = name.to_string().trim_start_matches("r#").to_string();
        quote!(#name: row.try_get(#column)?)
    });
    Ok(quote! {
        impl #impl_generics ::strata::FromRow for #ident #ty_generics #where_clause {
            fn from_row(row: &::strata::Row) -> ::std::result::Result<Self, ::strata::Error> {
                ::std::result::Result::Ok(#ident { #(#reads),* })
            }
        }
    })
}
