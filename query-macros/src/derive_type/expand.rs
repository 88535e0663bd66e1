//! The impls of a derived enum: `ToSql`/`FromSql` by label (accepting only its Postgres enum),
//! `EnumColumn` (for the `AS "col: Mood"` check), and the `BindEnum` impls that make it an argument
//! for parameters of its enum. Without a checked enum (an error was reported) the same impls
//! accept any enum, so nothing else fails because of it.

use proc_macro2::TokenStream;
use quote::quote;

use super::validate::Checked;
use super::EnumInput;

pub fn impls(input: &EnumInput<'_>, checked: Option<&Checked>) -> TokenStream {
    let ident = input.ident;
    let variants: Vec<_> = input.variants.iter().map(|v| v.ident).collect();
    let labels: Vec<&str> = input.variants.iter().map(|v| v.label.as_str()).collect();
    let (schema, name, type_name) = match checked {
        Some(c) => (c.schema.clone(), c.name.clone(), format!("{}.{}", c.schema, c.name)),
        None => {
            let given = input.type_name.as_ref().map(syn::LitStr::value).unwrap_or_default();
            let (schema, name) = given
                .split_once('.')
                .map_or(("public".to_string(), given.clone()), |(s, n)| (s.to_string(), n.to_string()));
            (schema, name, String::new())
        }
    };
    let tracking = checked.map(|c| c.tracking.clone()).unwrap_or_default();
    let p = quote!(::strata::__private);
    let binds = binds(ident, checked.map(|c| c.hash));
    quote! {
        #tracking
        impl #p::EnumLabels for #ident {
            const SCHEMA: &'static str = #schema;
            const NAME: &'static str = #name;
            fn label(&self) -> &'static str {
                match self { #(Self::#variants => #labels),* }
            }
            fn from_label(label: &str) -> ::std::option::Option<Self> {
                match label {
                    #(#labels => ::std::option::Option::Some(Self::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
        }
        impl #p::ToSql for #ident {
            fn to_sql(
                &self,
                _: &#p::Type,
                out: &mut #p::BytesMut,
            ) -> ::std::result::Result<#p::IsNull, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>> {
                #p::label_to_sql(self, out)
            }
            fn accepts(ty: &#p::Type) -> bool {
                #p::accepts_enum::<Self>(ty)
            }
            #p::to_sql_checked!();
        }
        impl<'a> #p::FromSql<'a> for #ident {
            fn from_sql(
                _: &#p::Type,
                raw: &'a [u8],
            ) -> ::std::result::Result<Self, ::std::boxed::Box<dyn ::std::error::Error + Sync + Send>> {
                #p::label_from_sql(raw)
            }
            fn accepts(ty: &#p::Type) -> bool {
                #p::accepts_enum::<Self>(ty)
            }
        }
        impl #p::EnumColumn for #ident {
            const TYPE_NAME: &'static str = #type_name;
        }
        #binds
    }
}

/// `BindEnum` for the enum and references to it (`Option`s, `Vec`s and slices come with
/// `EnumOf`, which references implement too), and `Bind<Mood>` as for every Rust type of a parameter.
fn binds(ident: &syn::Ident, hash: Option<u64>) -> TokenStream {
    let (generics, hash) = match hash {
        Some(h) => (quote!(), quote!(#h)),
        None => (quote!(<const H: u64>), quote!(H)),
    };
    let param = quote!(::strata::types::PgEnum<#hash>);
    quote! {
        impl #generics ::strata::__private::EnumOf<#hash> for #ident {}
        // So `Option<&Mood>` and `Vec<&Mood>` are arguments too (strata's impls over `EnumOf`).
        impl #generics ::strata::__private::EnumOf<#hash> for &#ident {}
        impl #generics ::strata::BindEnum<#param> for #ident {}
        impl #generics ::strata::BindEnum<#param> for &#ident {}
        impl #generics ::strata::BindEnumNullable<#param> for #ident {}
        impl #generics ::strata::BindEnumNullable<#param> for &#ident {}
        ::strata::__bind_impls!(#ident);
    }
}
