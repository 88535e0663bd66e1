//! The `postgres_types::Type` constant for a parameter's type, so the query can be sent in one
//! round trip with its parameter types (`query_typed`) instead of being prepared first.

use strata_analyzer::catalog::SqlType;

/// `None` for types without a constant (types of extensions and of the migrations), whose OID
/// only the server knows.
pub fn type_constant(ty: &SqlType) -> Option<String> {
    let base = match ty.name.as_str() {
        "int4range" => "INT4_RANGE",
        "int8range" => "INT8_RANGE",
        "numrange" => "NUM_RANGE",
        "tsrange" => "TS_RANGE",
        "tstzrange" => "TSTZ_RANGE",
        "daterange" => "DATE_RANGE",
        "tsvector" => "TS_VECTOR",
        name if BUILTIN.contains(&name) => return Some(constant(&name.to_ascii_uppercase(), ty.array)),
        _ => return None,
    };
    Some(constant(base, ty.array))
}

fn constant(base: &str, array: bool) -> String {
    let array = if array { "_ARRAY" } else { "" };
    format!("::strata::__private::Type::{base}{array}")
}

/// Built-in types whose constant is their name in upper case, with `_ARRAY` for arrays.
const BUILTIN: &[&str] = &[
    "bool",
    "bytea",
    "char",
    "name",
    "int8",
    "int2",
    "int4",
    "text",
    "oid",
    "json",
    "xml",
    "cidr",
    "float4",
    "float8",
    "macaddr8",
    "money",
    "macaddr",
    "inet",
    "bpchar",
    "varchar",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "timetz",
    "bit",
    "varbit",
    "numeric",
    "uuid",
    "jsonb",
    "point",
    "box",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_for_builtins_and_none_for_user_types() {
        let s = type_constant;
        assert_eq!(s(&SqlType::new("int8")).unwrap(), "::strata::__private::Type::INT8");
        assert_eq!(s(&SqlType::new("text").array_of()).unwrap(), "::strata::__private::Type::TEXT_ARRAY");
        assert_eq!(s(&SqlType::new("tstzrange")).unwrap(), "::strata::__private::Type::TSTZ_RANGE");
        assert_eq!(s(&SqlType::new("mood")), None);
    }
}
