//! Whether an added column makes Postgres rewrite the table: since Postgres 11 a constant or
//! non-volatile default is stored once in the catalog, but a volatile one (`gen_random_uuid()`,
//! `clock_timestamp()`, a sequence), an identity or serial column and a stored generated column
//! are computed for every existing row.

use pg_query::protobuf::{ColumnDef, ConstrType};
use pg_query::{NodeEnum, NodeRef};

/// Functions that are not volatile and often used in defaults. Any other function call is
/// treated as volatile, as Postgres treats a user function declared without a volatility.
const NOT_VOLATILE: &[&str] = &[
    "now",
    "statement_timestamp",
    "transaction_timestamp",
    "current_setting",
    "lower",
    "upper",
    "btrim",
    "trim",
    "concat",
    "length",
    "md5",
    "to_jsonb",
    "to_json",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "json_build_array",
    "make_date",
    "make_interval",
    "date_trunc",
    "timezone",
    "to_timestamp",
    "array_fill",
    "coalesce",
    "greatest",
    "least",
    "abs",
    "round",
];

/// Why adding this column rewrites the table, or `None` when it does not.
pub fn add_column_rewrite(def: &ColumnDef) -> Option<String> {
    let name = &def.colname;
    if let Some(tn) = &def.type_name {
        let ty = crate::catalog::types::from_type_name(tn);
        if ty.implies_not_null && ty.ty.is_integer() {
            return Some(format!("a serial column \"{name}\" fills every existing row from a sequence"));
        }
    }
    if !def.identity.is_empty() {
        return Some(format!("an identity column \"{name}\" fills every existing row from a sequence"));
    }
    let mut default = def.raw_default.as_deref().and_then(|d| d.node.as_ref());
    for c in &def.constraints {
        let Some(NodeEnum::Constraint(c)) = &c.node else { continue };
        match c.contype() {
            ConstrType::ConstrIdentity => {
                return Some(format!(
                    "an identity column \"{name}\" fills every existing row from a sequence"
                ))
            }
            ConstrType::ConstrGenerated => {
                return Some(format!(
                    "a stored generated column \"{name}\" is computed for every existing row"
                ))
            }
            ConstrType::ConstrDefault => default = c.raw_expr.as_deref().and_then(|d| d.node.as_ref()),
            _ => {}
        }
    }
    let function = volatile_call(default?)?;
    Some(format!("the volatile default {function}() is evaluated for every existing row"))
}

/// The first call in `expr` to a function that may be volatile.
pub fn volatile_call(expr: &NodeEnum) -> Option<String> {
    expr.nodes().into_iter().find_map(|(node, ..)| match node {
        NodeRef::FuncCall(f) => {
            let name = f.funcname.last().and_then(crate::catalog::index::string_value)?;
            (!NOT_VOLATILE.contains(&name)).then(|| name.to_string())
        }
        _ => None,
    })
}
