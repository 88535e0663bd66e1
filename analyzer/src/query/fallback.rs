//! Result types of the common functions and operators for when an argument's type is not one
//! the catalog knows (an unmodelled user type, an unknown extension): a small table that keeps
//! such queries typed instead of rejected.

use super::expr::Typed;
use super::Analysis;
use crate::catalog::SqlType;

impl Analysis<'_> {
    /// Result types of common functions when an argument's type is not known to the catalog.
    pub(super) fn fallback_call(&mut self, name: &str, args: &[Typed]) -> Typed {
        let name = name.to_string();
        let first = args.first().and_then(|a| a.ty.clone());
        let any_nullable = args.iter().any(|a| a.nullable);
        let (ty, nullable) = match name.as_str() {
            "count" => (Some(SqlType::new("int8")), false),
            "sum" => (first.and_then(|t| sum_type(&t)), true),
            "avg" => (first.map(|t| SqlType::new(if is_float(&t) { "float8" } else { "numeric" })), true),
            "min" | "max" => (first, true),
            "array_agg" => (first.map(|t| t.array_of_nullable(any_nullable)), true),
            "string_agg" => (Some(SqlType::new("text")), true),
            "bool_and" | "bool_or" | "every" => (Some(SqlType::new("bool")), true),
            "row_number" | "rank" | "dense_rank" => (Some(SqlType::new("int8")), false),
            "ntile" => (Some(SqlType::new("int4")), true),
            "lag" | "lead" | "first_value" | "last_value" | "nth_value" => (first, true),
            "now" | "clock_timestamp" | "statement_timestamp" | "transaction_timestamp" => {
                (Some(SqlType::new("timestamptz")), false)
            }
            "gen_random_uuid" | "uuid_generate_v4" => (Some(SqlType::new("uuid")), false),
            "concat" | "concat_ws" => (Some(SqlType::new("text")), false),
            // NULL when the pattern does not match.
            "substring" => (Some(SqlType::new("text")), true),
            "lower" | "upper" | "trim" | "btrim" | "ltrim" | "rtrim" | "substr" | "replace" | "left"
            | "right" | "initcap" | "md5" | "to_char" | "format" | "repeat" | "lpad" | "rpad" | "reverse"
            | "split_part" | "translate" | "quote_ident" | "quote_literal" | "string_agg_text" => {
                (Some(SqlType::new("text")), any_nullable)
            }
            "length" | "char_length" | "character_length" | "octet_length" | "position" | "strpos"
            | "array_length" | "cardinality" => (Some(SqlType::new("int4")), true),
            "abs" => (first, any_nullable),
            // No integer versions: integers resolve to the float8 ones.
            "round" | "ceil" | "ceiling" | "floor" | "trunc" => {
                let ty = first.map(|t| if t.is_integer() { SqlType::new("float8") } else { t });
                (ty, any_nullable)
            }
            "date_trunc" => {
                let source = args.get(1).and_then(|a| a.ty.clone());
                let ty = match source.as_ref().map(|t| t.name.as_str()) {
                    Some("timestamp") => "timestamp",
                    Some("interval") => "interval",
                    _ => "timestamptz",
                };
                (Some(SqlType::new(ty)), any_nullable)
            }
            "extract" | "date_part" => (Some(SqlType::new("numeric")), any_nullable),
            "to_jsonb" | "to_json" => {
                (Some(SqlType::new(if name == "to_jsonb" { "jsonb" } else { "json" })), any_nullable)
            }
            "jsonb_build_object" | "jsonb_build_array" | "jsonb_agg" | "jsonb_object_agg" => {
                (Some(SqlType::new("jsonb")), name.ends_with("agg"))
            }
            "json_build_object" | "json_build_array" | "json_agg" | "json_object_agg" => {
                (Some(SqlType::new("json")), name.ends_with("agg"))
            }
            "random" => (Some(SqlType::new("float8")), false),
            _ => (None, true),
        };
        Typed { ty, nullable, name: Some(name) }
    }
}

fn is_float(t: &SqlType) -> bool {
    t.is("float4") || t.is("float8")
}

fn sum_type(t: &SqlType) -> Option<SqlType> {
    Some(SqlType::new(match t.name.as_str() {
        _ if t.array => return None,
        "int2" | "int4" => "int8",
        "int8" | "numeric" => "numeric",
        "float4" => "float4",
        "float8" => "float8",
        "interval" => "interval",
        _ => return None,
    }))
}

/// The result type of `left op right`.
pub fn operator_result(op: &str, left: Option<&SqlType>, right: Option<&SqlType>) -> Option<SqlType> {
    match op {
        "=" | "<>" | "!=" | "<" | ">" | "<=" | ">=" | "~~" | "!~~" | "~~*" | "!~~*" | "~" | "~*" | "!~"
        | "!~*" | "@>" | "<@" | "?" | "?|" | "?&" | "&&" | "@@" => Some(SqlType::new("bool")),
        "||" => match (left, right) {
            (Some(l), _) if l.array => Some(l.clone()),
            (_, Some(r)) if r.array => Some(r.clone()),
            (Some(l), _) if l.is("jsonb") || l.is("bytea") => Some(l.clone()),
            _ => Some(SqlType::new("text")),
        },
        "->" | "#>" => left.cloned(),
        "->>" | "#>>" => Some(SqlType::new("text")),
        "+" | "-" | "*" | "/" | "%" | "^" => arithmetic(op, left?, right),
        _ => None,
    }
}

fn arithmetic(op: &str, left: &SqlType, right: Option<&SqlType>) -> Option<SqlType> {
    let Some(right) = right else { return Some(left.clone()) }; // unary minus
    if let (Some(l), Some(r)) = (left.numeric_rank(), right.numeric_rank()) {
        let float = |t: &SqlType| t.is("float4") || t.is("float8");
        let numeric = left.is("numeric") || right.is("numeric");
        return Some(match () {
            // `^` exists only for float8 and numeric.
            _ if op == "^" && numeric && !float(left) && !float(right) => SqlType::new("numeric"),
            _ if op == "^" => SqlType::new("float8"),
            // Mixed with any other type, floats resolve to the float8 operators.
            _ if (float(left) || float(right)) && left != right => SqlType::new("float8"),
            _ if l >= r => left.clone(),
            _ => right.clone(),
        });
    }
    let datetime = |t: &SqlType| t.is("timestamptz") || t.is("timestamp") || t.is("date");
    match (left.name.as_str(), op, right.name.as_str()) {
        (l, "-", r) if l == r && (l == "timestamptz" || l == "timestamp") => Some(SqlType::new("interval")),
        ("date", "-", "date") => Some(SqlType::new("int4")),
        ("date", "+" | "-", "int4") => Some(SqlType::new("date")),
        ("date", "+" | "-", "interval") => Some(SqlType::new("timestamp")),
        (_, "+" | "-", "interval") if datetime(left) => Some(left.clone()),
        ("interval", "+", _) if datetime(right) => Some(right.clone()),
        ("interval", "+" | "-", "interval") => Some(SqlType::new("interval")),
        ("interval", "*" | "/", _) => Some(SqlType::new("interval")),
        _ => None,
    }
}

/// The type Postgres resolves for values that must share one type (UNION arms, CASE results,
/// COALESCE, ARRAY[...], VALUES rows): the preferred or widest numeric type, else the first known.
pub fn common_type(a: Option<SqlType>, b: Option<SqlType>) -> Option<SqlType> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) => match (a.numeric_rank(), b.numeric_rank()) {
            (Some(ra), Some(rb)) => Some(if rb > ra { b } else { a }),
            _ => Some(a),
        },
    }
}
