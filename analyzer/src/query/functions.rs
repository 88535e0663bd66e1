//! Function calls: resolved against the catalog (built-ins, extensions, user functions) by
//! Postgres's rules, with what each function guarantees about NULL. When an argument's type is
//! not one the catalog knows, a small table of the common functions' result types stands in.

use pg_query::protobuf::{FuncCall, Node};
use pg_query::NodeEnum;

use super::calls::{Input, Unresolved};
use super::expr::Typed;
use super::scope::Scope;
use super::Analysis;
use crate::catalog::builtin::Proc;
use crate::catalog::resolve::{CallArgs, FuncMatch, ResolveError};
use crate::catalog::SqlType;

/// Strict functions that return a value for any non-NULL arguments (they raise an error rather
/// than return NULL), so they are NULL exactly when an argument is.
const TOTAL_WHEN_STRICT: &[&str] = &[
    "lower",
    "upper",
    "initcap",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "bit_length",
    "md5",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "encode",
    "decode",
    "btrim",
    "ltrim",
    "rtrim",
    "lpad",
    "rpad",
    "left",
    "right",
    "repeat",
    "replace",
    "reverse",
    "split_part",
    "strpos",
    "position",
    "substr",
    "translate",
    "ascii",
    "chr",
    "quote_ident",
    "quote_literal",
    "to_char",
    "to_hex",
    "abs",
    "round",
    "ceil",
    "ceiling",
    "floor",
    "trunc",
    "sign",
    "sqrt",
    "cbrt",
    "exp",
    "ln",
    "log",
    "log10",
    "power",
    "pow",
    "mod",
    "div",
    "gcd",
    "lcm",
    "degrees",
    "radians",
    "date_trunc",
    "date_part",
    "extract",
    "age",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "make_interval",
    "to_timestamp",
    "to_date",
    "to_number",
    "date_bin",
    "timezone",
    "isfinite",
    "to_jsonb",
    "to_json",
    "jsonb_typeof",
    "json_typeof",
    "jsonb_array_length",
    "json_array_length",
    "jsonb_pretty",
    "jsonb_strip_nulls",
    "json_strip_nulls",
    "jsonb_set",
    "jsonb_insert",
    "row_to_json",
    "array_to_json",
    "array_to_string",
    "string_to_array",
    "cardinality",
    "regexp_replace",
    "regexp_split_to_array",
    "starts_with",
    "similarity",
    "word_similarity",
    "strict_word_similarity",
    "levenshtein",
    "levenshtein_less_equal",
    "soundex",
    "difference",
    "metaphone",
    "dmetaphone",
    "digest",
    "hmac",
    "crypt",
    "gen_salt",
    "unaccent",
    "uuid_generate_v3",
    "uuid_generate_v5",
    "convert_to",
    "convert_from",
    "to_tsvector",
    "to_tsquery",
    "plainto_tsquery",
    "phraseto_tsquery",
    "websearch_to_tsquery",
    "ts_rank",
    "ts_rank_cd",
    "setweight",
    "text",
    "numeric",
    "int2",
    "int4",
    "int8",
    "float4",
    "float8",
    "date",
    "bool",
    "array_fill",
    "array_remove",
    "array_replace",
    "array_ndims",
    "array_dims",
    "host",
    "text_to_array",
    "hstore",
    "akeys",
    "avals",
    "nlevel",
    "subpath",
    "subltree",
    "ltree2text",
    "text2ltree",
    "lca",
    "isempty",
    "gen_random_bytes",
    "pgp_sym_encrypt",
    "pgp_sym_decrypt",
    "armor",
    "dearmor",
    "bit_count",
    "get_byte",
    "set_byte",
    "overlay",
    "normalize",
    "ceil",
    "factorial",
    "width_bucket",
    "scale",
    "min_scale",
    "trim_scale",
];

/// Functions that never return NULL, whatever their arguments.
const NEVER_NULL: &[&str] = &[
    "now",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timeofday",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuid_nil",
    "random",
    "pg_typeof",
    "concat",
    "quote_nullable",
    "jsonb_build_object",
    "jsonb_build_array",
    "json_build_object",
    "json_build_array",
    "num_nulls",
    "num_nonnulls",
    "version",
    "current_database",
    "current_schemas",
    "pg_backend_pid",
    "txid_current",
    "array_append",
    "array_prepend",
    "count",
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "pg_current_xact_id",
];

impl<'a> Analysis<'a> {
    pub fn func_call(&mut self, f: &FuncCall, scope: &Scope<'_>) -> Typed {
        self.call(f, scope).0
    }

    /// A call's type, and the function it resolved to (`None` when it did not, or when an
    /// argument's type is not one the catalog knows).
    pub fn call(&mut self, f: &FuncCall, scope: &Scope<'_>) -> (Typed, Option<FuncMatch<'a>>) {
        let catalog: &'a crate::Catalog = self.catalog;
        let name = f
            .funcname
            .iter()
            .filter_map(|n| match &n.node {
                Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
                _ => None,
            })
            .next_back()
            .unwrap_or("")
            .to_string();
        let mut nodes: Vec<&Node> = Vec::with_capacity(f.args.len());
        let mut names: Vec<Option<String>> = Vec::with_capacity(f.args.len());
        for a in &f.args {
            match &a.node {
                Some(NodeEnum::NamedArgExpr(n)) => {
                    if let Some(arg) = n.arg.as_deref() {
                        nodes.push(arg);
                        names.push(Some(n.name.clone()));
                    }
                }
                _ => {
                    nodes.push(a);
                    names.push(None);
                }
            }
        }
        // `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`: the ordered arguments follow.
        if f.agg_within_group {
            for order in &f.agg_order {
                if let Some(NodeEnum::SortBy(by)) = &order.node {
                    if let Some(n) = by.node.as_deref() {
                        nodes.push(n);
                        names.push(None);
                    }
                }
            }
        }
        let args: Vec<Typed> = nodes.iter().map(|a| self.expr(a, scope)).collect();
        if let Some(filter) = f.agg_filter.as_deref() {
            self.condition(filter, scope);
        }
        for order in f.agg_order.iter().filter(|_| !f.agg_within_group) {
            if let Some(NodeEnum::SortBy(by)) = &order.node {
                if let Some(n) = by.node.as_deref() {
                    self.expr(n, scope);
                }
            }
        }
        let inputs: Vec<Input> = nodes.iter().zip(&args).map(|(n, t)| self.input_type(n, t)).collect();
        if !inputs.contains(&Input::Opaque) {
            let types: Vec<Option<u32>> = inputs.iter().map(|i| i.oid()).collect();
            let call = CallArgs { types: &types, names: &names, variadic: f.func_variadic };
            match catalog.resolve_function(&name, &call) {
                Ok(m) => {
                    self.apply_declared(&nodes, &m.args);
                    let any_nullable = args.iter().any(|a| a.nullable);
                    let mut ty = self.catalog.sql_type(m.ret);
                    if ty.array && m.proc.kind == b'a' {
                        ty = ty.array_of_nullable(any_nullable);
                    }
                    let nullable = self.call_nullable(&name, m.proc, &args, f);
                    return (Typed { ty: Some(ty), nullable, name: Some(name) }, Some(m));
                }
                // `int8(x)`, `text(x)`: a function-style cast.
                Err(ResolveError::NoMatch)
                    if args.len() == 1 && self.catalog.type_oid(&SqlType::new(&name)).is_some() =>
                {
                    let typed =
                        Typed { ty: Some(SqlType::new(&name)), nullable: args[0].nullable, name: Some(name) };
                    return (typed, None);
                }
                Err(ResolveError::NoMatch)
                    if self.catalog.procs(&name).is_empty() && self.catalog.may_have_unseen_functions() => {}
                Err(e) => {
                    self.resolve_error(e, Unresolved::Function(&name, &types), f.location);
                    return (Typed { ty: None, nullable: true, name: Some(name) }, None);
                }
            }
        }
        (self.fallback_call(&name, &args), None)
    }

    /// Whether a resolved call may return NULL.
    fn call_nullable(&self, name: &str, proc: &Proc, args: &[Typed], f: &FuncCall) -> bool {
        let any_nullable = args.iter().any(|a| a.nullable);
        if NEVER_NULL.contains(&name) && f.agg_filter.is_none() {
            return false;
        }
        match (proc.kind, name) {
            (b'a' | b'w', _) => true,
            // NULL only when the separator or format is.
            (_, "concat_ws" | "format") => args.first().is_none_or(|a| a.nullable),
            (_, "array_cat") => args.iter().all(|a| a.nullable),
            // lower(range) and upper(range) are NULL for an infinite bound.
            (_, "lower" | "upper")
                if proc.args.first().is_some_and(|a| self.catalog.category(*a) == b'R') =>
            {
                true
            }
            _ if proc.strict && TOTAL_WHEN_STRICT.contains(&name) => any_nullable,
            _ => true,
        }
    }

    /// Result types of common functions when an argument's type is not known to the catalog.
    fn fallback_call(&mut self, name: &str, args: &[Typed]) -> Typed {
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
