//! The migrations' enums as the query macros and `#[derive(strata::Type)]` see them: which SQL
//! types are enums, their schema-qualified names and the hash both sides name them by in Rust
//! types (`strata::types::PgEnum<HASH>`), so the two expansions agree without sharing state.

use proc_macro2::TokenStream;
use quote::quote;
use strata_analyzer::catalog::builtin::TypeInfo;
use strata_analyzer::catalog::SqlType;
use strata_analyzer::Catalog;

/// A Postgres enum of the migrations.
pub struct PgEnum<'c> {
    pub schema: &'c str,
    pub name: &'c str,
    pub labels: &'c [String],
}

impl PgEnum<'_> {
    /// `schema.name`, as `EnumColumn::TYPE_NAME` spells it.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    pub fn hash(&self) -> u64 {
        type_name_hash(&self.qualified())
    }

    pub fn labels_list(&self) -> String {
        self.labels.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ")
    }
}

/// The enum `ty` is, or whose array it is.
pub fn enum_of<'c>(catalog: &'c Catalog, ty: &SqlType) -> Option<PgEnum<'c>> {
    let oid = catalog.type_oid(&ty.element())?;
    let info = catalog.type_info(oid).filter(|t| t.typtype == b'e')?;
    Some(PgEnum {
        schema: &info.schema,
        name: &info.name,
        labels: catalog.enum_labels(oid).unwrap_or_default(),
    })
}

/// A user-defined type named `schema.name` (or `name`, in `public` first), for the derive.
pub enum Lookup<'c> {
    /// A type of the kind looked for.
    Found {
        schema: &'c str,
        info: &'c TypeInfo,
    },
    /// It exists but is another kind of type (`kind`: "a domain", "a built-in type", ...).
    Other {
        qualified: String,
        kind: &'static str,
    },
    Missing {
        qualified: String,
        similar: Option<String>,
    },
}

/// Looks `type_name` up among the types of `pg_type.typtype` `typtype`; `similar` names come
/// from those too.
pub fn lookup<'c>(catalog: &'c Catalog, type_name: &str, typtype: u8) -> Lookup<'c> {
    let (schema, name) = match type_name.split_once('.') {
        Some((schema, name)) => (Some(schema), name),
        None => (None, type_name),
    };
    let mut candidates: Vec<_> =
        catalog.user_types().filter(|((s, n), _)| n == name && schema.is_none_or(|want| want == s)).collect();
    candidates.sort_by_key(|((s, _), _)| s != "public");
    let Some(((schema, _), info)) = candidates.first() else {
        let qualified = format!("{}.{name}", schema.unwrap_or("public"));
        if schema.is_none() && catalog.type_oid(&SqlType::new(name)).is_some() {
            return Lookup::Other { qualified: name.to_string(), kind: "a built-in type" };
        }
        let names: Vec<String> = catalog
            .user_types()
            .filter(|(_, t)| t.typtype == typtype)
            .map(|((s, n), _)| format!("{s}.{n}"))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let similar = strata_analyzer::closest(&qualified, &names).map(str::to_string);
        return Lookup::Missing { qualified, similar };
    };
    if info.typtype == typtype {
        return Lookup::Found { schema, info };
    }
    let kind = match info.typtype {
        b'e' => "an enum",
        b'd' => "a domain",
        b'c' => "a composite type",
        b'r' => "a range type",
        _ => "another kind of type",
    };
    Lookup::Other { qualified: format!("{schema}.{name}"), kind }
}

/// FNV-1a of a schema-qualified type name: stable across compilations and crates, so the query
/// macros and the derive name a type alike in Rust types without sharing state.
pub fn type_name_hash(qualified: &str) -> u64 {
    qualified.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// `::strata::types::PgEnum<HASH>`, or `Vec` of it for an array: the Rust type of a parameter of
/// enum type, which text and the enum's derived Rust type bind to.
pub fn param_type(e: &PgEnum<'_>, array: bool) -> syn::Type {
    let hash = e.hash();
    let element = quote!(::strata::types::PgEnum<#hash>);
    let ty: TokenStream = if array { quote!(::std::vec::Vec<#element>) } else { element };
    syn::parse2(ty).expect("a type")
}

/// `String`, or `Vec<String>` (elements `Option` if they may be NULL): an enum column's Rust type
/// when the query names none.
pub fn column_type(ty: &SqlType) -> &'static str {
    match (ty.array, ty.element_nullable) {
        (false, _) => "::std::string::String",
        (true, false) => "::std::vec::Vec<::std::string::String>",
        (true, true) => "::std::vec::Vec<::std::option::Option<::std::string::String>>",
    }
}
