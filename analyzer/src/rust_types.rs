//! Rust types that generated code uses for Postgres types. Paths under `::strata::types` are
//! aliases the runtime crate defines according to its features (`time` or `chrono`, `uuid`,
//! `json`), so the macro needs no feature flags of its own.

use crate::catalog::SqlType;

/// The Rust type for values of `ty`, or why there is none yet.
pub fn rust_type(ty: &SqlType) -> Result<String, String> {
    let element = match ty.name.as_str() {
        "bool" => "bool",
        "char" => "i8",
        "int2" => "i16",
        "int4" => "i32",
        "int8" => "i64",
        "float4" => "f32",
        "float8" => "f64",
        "oid" => "u32",
        "text" | "varchar" | "bpchar" | "name" | "citext" | "ltree" | "lquery" => "::std::string::String",
        "bytea" => "::std::vec::Vec<u8>",
        "uuid" => "::strata::types::Uuid",
        "json" | "jsonb" => "::strata::types::Json",
        "numeric" => "::strata::types::Numeric",
        "timestamptz" => "::strata::types::Timestamptz",
        "timestamp" => "::strata::types::Timestamp",
        "date" => "::strata::types::Date",
        "time" => "::strata::types::Time",
        "interval" => "::strata::types::Interval",
        "inet" | "cidr" => "::strata::types::Inet",
        "macaddr" => "::strata::types::MacAddr",
        "money" => "::strata::types::Money",
        "bit" | "varbit" => "::strata::types::Bits",
        "xml" => "::strata::types::Xml",
        "hstore" => "::strata::types::Hstore",
        other => return Err(format!("strata has no Rust type for {other} values yet; cast it")),
    };
    Ok(match (ty.array, ty.element_nullable) {
        (true, true) => format!("::std::vec::Vec<::std::option::Option<{element}>>"),
        (true, false) => format!("::std::vec::Vec<{element}>"),
        (false, _) => element.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_scalars_and_arrays() {
        assert_eq!(rust_type(&SqlType::new("int4")).unwrap(), "i32");
        assert_eq!(rust_type(&SqlType::new("varchar")).unwrap(), "::std::string::String");
        assert_eq!(rust_type(&SqlType::new("int8").array_of()).unwrap(), "::std::vec::Vec<i64>");
        assert_eq!(
            rust_type(&SqlType::new("text").array_of_nullable(true)).unwrap(),
            "::std::vec::Vec<::std::option::Option<::std::string::String>>"
        );
        assert_eq!(rust_type(&SqlType::new("numeric")).unwrap(), "::strata::types::Numeric");
        assert_eq!(rust_type(&SqlType::new("interval")).unwrap(), "::strata::types::Interval");
        assert!(rust_type(&SqlType::new("tsquery")).unwrap_err().contains("tsquery"));
    }
}
