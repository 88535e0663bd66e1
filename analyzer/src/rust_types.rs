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
        other => match range_element(other) {
            Some((subtype, multi)) => {
                let of = rust_type(&SqlType::new(subtype))?;
                let (range, multirange) =
                    (format!("::strata::types::Range<{of}>"), format!("::strata::types::MultiRange<{of}>"));
                return Ok(wrap(if multi { &multirange } else { &range }, ty));
            }
            None => return Err(format!("strata has no Rust type for {other} values yet; cast it")),
        },
    };
    Ok(wrap(element, ty))
}

/// The subtype of a built-in range or multirange type, and whether it is the multirange.
/// Ranges the migrations create are the query macros' to resolve (they need the catalog).
pub fn range_element(name: &str) -> Option<(&'static str, bool)> {
    Some(match name {
        "int4range" => ("int4", false),
        "int8range" => ("int8", false),
        "numrange" => ("numeric", false),
        "daterange" => ("date", false),
        "tsrange" => ("timestamp", false),
        "tstzrange" => ("timestamptz", false),
        "int4multirange" => ("int4", true),
        "int8multirange" => ("int8", true),
        "nummultirange" => ("numeric", true),
        "datemultirange" => ("date", true),
        "tsmultirange" => ("timestamp", true),
        "tstzmultirange" => ("timestamptz", true),
        _ => return None,
    })
}

/// `element`, or the array of it `ty` is.
pub fn wrap(element: &str, ty: &SqlType) -> String {
    match (ty.array, ty.element_nullable) {
        (true, true) => format!("::std::vec::Vec<::std::option::Option<{element}>>"),
        (true, false) => format!("::std::vec::Vec<{element}>"),
        (false, _) => element.to_string(),
    }
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

    #[test]
    fn maps_ranges_over_their_element_types() {
        assert_eq!(rust_type(&SqlType::new("int4range")).unwrap(), "::strata::types::Range<i32>");
        assert_eq!(
            rust_type(&SqlType::new("tstzrange").array_of()).unwrap(),
            "::std::vec::Vec<::strata::types::Range<::strata::types::Timestamptz>>"
        );
        assert_eq!(
            rust_type(&SqlType::new("nummultirange")).unwrap(),
            "::strata::types::MultiRange<::strata::types::Numeric>"
        );
    }
}
