//! The impls of a derived struct: `ToSql`/`FromSql` in the binary record format, fields matched
//! by attribute name (accepting only its composite type with exactly those attributes), the
//! `CompositeColumn` name for the `AS "col: Address"` check, and `CompositeOf` that makes it,
//! references and `Option`s of it arguments for parameters of its type. Without a checked type
//! (an error was reported) the impls are the same, so nothing else fails because of it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::composite::{Checked, StructInput};

pub fn impls(input: &StructInput<'_>, checked: Option<&Checked>) -> TokenStream {
    let ident = input.ident;
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
    let items = checked.map(|c| c.items.clone()).unwrap_or_default();
    let p = quote!(::strata::__private);
    let idents: Vec<_> = input.fields.iter().map(|f| f.ident).collect();
    let tys: Vec<_> = input.fields.iter().map(|f| f.ty).collect();
    let attrs: Vec<&str> = input.fields.iter().map(|f| f.attribute.as_str()).collect();
    let locals: Vec<_> = (0..input.fields.len()).map(|i| format_ident!("__field{}", i)).collect();
    let count = input.fields.len();
    let accepts = |t: TokenStream| {
        quote! {
            fn accepts(ty: &#p::Type) -> bool {
                #p::composite_fields::<Self>(ty).is_some_and(|fields| {
                    fields.len() == #count
                        && fields.iter().all(|f| match f.name() {
                            #(#attrs => <#tys as #t>::accepts(f.type_()),)*
                            _ => false,
                        })
                })
            }
        }
    };
    let (to_accepts, from_accepts) = (accepts(quote!(#p::ToSql)), accepts(quote!(#p::FromSql<'a>)));
    let box_error = quote!(::std::boxed::Box<dyn ::std::error::Error + Sync + Send>);
    let not_it = format!("not the composite type {schema}.{name}");
    let binds = binds(ident, checked.map(|c| c.hash));
    quote! {
        #items
        impl #p::CompositeName for #ident {
            const SCHEMA: &'static str = #schema;
            const NAME: &'static str = #name;
        }
        impl #p::ToSql for #ident {
            fn to_sql(&self, ty: &#p::Type, out: &mut #p::BytesMut) -> ::std::result::Result<#p::IsNull, #box_error> {
                let fields = #p::composite_fields::<Self>(ty).ok_or(#not_it)?;
                let mut record = #p::RecordWriter::new(out, fields)?;
                for field in fields {
                    match field.name() {
                        #(#attrs => record.field(field, &self.#idents)?,)*
                        _ => return ::std::result::Result::Err(#p::unknown_attribute::<Self>(field)),
                    }
                }
                ::std::result::Result::Ok(#p::IsNull::No)
            }
            #to_accepts
            #p::to_sql_checked!();
        }
        impl<'a> #p::FromSql<'a> for #ident {
            fn from_sql(ty: &#p::Type, raw: &'a [u8]) -> ::std::result::Result<Self, #box_error> {
                let fields = #p::composite_fields::<Self>(ty).ok_or(#not_it)?;
                let mut record = #p::RecordReader::new(raw, fields)?;
                #(let mut #locals: ::std::option::Option<#tys> = ::std::option::Option::None;)*
                for field in fields {
                    match field.name() {
                        #(#attrs => #locals = ::std::option::Option::Some(record.field(field)?),)*
                        _ => return ::std::result::Result::Err(#p::unknown_attribute::<Self>(field)),
                    }
                }
                record.finish()?;
                ::std::result::Result::Ok(Self {
                    #(#idents: #locals.ok_or_else(|| #p::missing_attribute::<Self>(#attrs))?,)*
                })
            }
            #from_accepts
        }
        impl #p::CompositeColumn for #ident {
            const TYPE_NAME: &'static str = #type_name;
        }
        #binds
    }
}

/// `CompositeOf` for the struct and references to it: `strata` turns that into `Bind` for them,
/// their `Option`s and `Vec`s; and `Bind<Address>` as for every Rust type of a parameter.
fn binds(ident: &syn::Ident, hash: Option<u64>) -> TokenStream {
    let (generics, hash) = match hash {
        Some(h) => (quote!(), quote!(#h)),
        None => (quote!(<const H: u64>), quote!(H)),
    };
    quote! {
        impl #generics ::strata::__private::CompositeOf<#hash> for #ident {}
        impl #generics ::strata::__private::CompositeOf<#hash> for &#ident {}
        ::strata::__bind_impls!(#ident);
    }
}
