//! The derive's check against the migrations, offline: the type exists and is an enum, every
//! variant's label is one of its labels and every label has a variant.

use proc_macro2::TokenStream;
use strata_analyzer::closest;

use super::{rename, EnumInput};
use crate::enum_types::{lookup, Lookup, PgEnum};
use crate::migrations;

/// The Postgres enum the Rust enum was checked against.
pub struct Checked {
    pub schema: String,
    pub name: String,
    pub hash: u64,
    /// What makes cargo run the derive again when a migration changes.
    pub tracking: TokenStream,
}

/// `None` when there is no such enum (then the impls accept any enum, to keep follow-on errors
/// away); label mismatches are errors but still give the enum.
pub fn against_migrations(input: &EnumInput<'_>, errors: &mut Vec<syn::Error>) -> Option<Checked> {
    let lit = input.type_name.as_ref()?;
    let dir = migrations::resolve_dir(None);
    let loaded = migrations::load(&dir);
    let loaded = match loaded.as_ref() {
        Ok(loaded) => loaded,
        Err(e) => {
            errors.push(syn::Error::new(lit.span(), migrations::describe_errors(&dir, e)));
            return None;
        }
    };
    let tracking = migrations::tracking(&dir, loaded);
    let pg_enum = match lookup(&loaded.catalog, &lit.value(), b'e') {
        Lookup::Found { schema, info } => PgEnum {
            schema,
            name: &info.name,
            labels: loaded.catalog.enum_labels(info.oid).unwrap_or_default(),
        },
        Lookup::Other { qualified, kind } => {
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "type {qualified} is {kind}, not an enum: #[derive(strata::Type)] maps a Postgres enum \
                     (CREATE TYPE ... AS ENUM in the migrations)"
                ),
            ));
            return None;
        }
        Lookup::Missing { qualified, similar } => {
            let hint = similar.map(|s| format!("; did you mean {s}?")).unwrap_or_default();
            errors.push(syn::Error::new(
                lit.span(),
                format!(
                    "type {qualified} does not exist in the migrations{hint} (type_name names a Postgres enum \
                     that CREATE TYPE ... AS ENUM creates; schema-qualify it if it is not in public)"
                ),
            ));
            return None;
        }
    };
    check_labels(input, &pg_enum, errors);
    Some(Checked {
        schema: pg_enum.schema.to_string(),
        name: pg_enum.name.to_string(),
        hash: pg_enum.hash(),
        tracking,
    })
}

fn check_labels(input: &EnumInput<'_>, pg_enum: &PgEnum<'_>, errors: &mut Vec<syn::Error>) {
    let labels: Vec<&str> = pg_enum.labels.iter().map(String::as_str).collect();
    let (qualified, list) = (pg_enum.qualified(), pg_enum.labels_list());
    for v in input.variants.iter().filter(|v| !labels.contains(&v.label.as_str())) {
        let unused: Vec<&str> =
            labels.iter().copied().filter(|l| !input.variants.iter().any(|o| o.label == *l)).collect();
        let hint = closest(&v.label, &unused)
            .or_else(|| closest(&v.label, &labels))
            .map(|l| format!("; did you mean '{l}'? (rename the variant, or #[strata(rename = \"{l}\")])"))
            .unwrap_or_else(|| "; remove the variant, or add the label with ALTER TYPE ... ADD VALUE".into());
        errors.push(syn::Error::new(
            v.span,
            format!(
                "`{}::{}` maps to '{}', which is not a label of enum {qualified} (labels: {list}){hint}",
                input.ident, v.ident, v.label
            ),
        ));
    }
    for label in labels.iter().filter(|l| !input.variants.iter().any(|v| v.label == **l)) {
        let pascal = rename::rename(label, "PascalCase").filter(|p| syn::parse_str::<syn::Ident>(p).is_ok());
        let variant = pascal.unwrap_or_else(|| "Name".into());
        let mapped = input
            .rename_all
            .as_deref()
            .map_or(variant.clone(), |c| rename::rename(&variant, c).unwrap_or_default());
        let suggestion = if mapped == *label {
            format!("`{variant}`")
        } else {
            format!("`#[strata(rename = \"{label}\")] {variant}`")
        };
        errors.push(syn::Error::new(
            input.ident.span(),
            format!(
                "label '{label}' of enum {qualified} has no variant in `{}`: add one, e.g. {suggestion} \
                 (a value the database sends must be readable)",
                input.ident
            ),
        ));
    }
}
