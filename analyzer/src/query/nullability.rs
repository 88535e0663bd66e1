//! What each function guarantees about NULL: strict functions that never return NULL for
//! non-NULL arguments, functions that never return NULL, and aggregates under GROUP BY.

use pg_query::protobuf::a_const::Val;
use pg_query::protobuf::FuncCall;
use pg_query::NodeEnum;

use super::expr::Typed;
use super::Analysis;
use crate::catalog::builtin::Proc;

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

impl Analysis<'_> {
    /// Whether a resolved call may return NULL.
    pub(super) fn call_nullable(&self, name: &str, proc: &Proc, args: &[Typed], f: &FuncCall) -> bool {
        let any_nullable = args.iter().any(|a| a.nullable);
        if NEVER_NULL.contains(&name) && f.agg_filter.is_none() {
            return false;
        }
        let grouped = self.grouped.last() == Some(&true) && f.agg_filter.is_none() && f.over.is_none();
        match (proc.kind, name) {
            // Every group has at least one row: these aggregates are NULL only for NULL inputs,
            // and the array and json ones not even then.
            (b'a', "array_agg" | "json_agg" | "jsonb_agg") if grouped => false,
            (b'a', "min" | "max" | "sum" | "avg" | "string_agg" | "bool_and" | "bool_or" | "every")
                if grouped =>
            {
                any_nullable
            }
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
            // An infinite timestamp or date has no month, day, hour, ...: NULL (the fields
            // that grow with time are ±Infinity). Times and intervals are always finite.
            (_, "date_part" | "extract") if !self.extract_total(proc, f) => true,
            // to_char of an infinite timestamp is NULL, and of an interval with an empty format.
            (_, "to_char") if !self.to_char_total(proc, f) => true,
            _ if proc.strict && TOTAL_WHEN_STRICT.contains(&name) => any_nullable,
            _ => true,
        }
    }
}

impl Analysis<'_> {
    fn extract_total(&self, proc: &Proc, f: &FuncCall) -> bool {
        let source = proc.args.get(1).map(|a| self.catalog.format_type(Some(*a)));
        if matches!(source.as_deref(), Some("time without time zone" | "time with time zone" | "interval")) {
            return true;
        }
        let field = match f.args.first().and_then(|a| a.node.as_ref()) {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(Val::Sval(s)) => s.sval.to_ascii_lowercase(),
                _ => return false,
            },
            _ => return false,
        };
        MONOTONIC_FIELDS.contains(&field.as_str())
    }

    /// to_char is NULL for an infinite timestamp or date, and for an interval with an empty
    /// format; numbers always format.
    fn to_char_total(&self, proc: &Proc, f: &FuncCall) -> bool {
        self.is_numeric_arg(proc) || (self.is_interval_arg(proc) && nonempty_literal(f.args.get(1)))
    }

    fn is_interval_arg(&self, proc: &Proc) -> bool {
        proc.args.first().is_some_and(|a| self.catalog.format_type(Some(*a)) == "interval")
    }

    fn is_numeric_arg(&self, proc: &Proc) -> bool {
        proc.args.first().is_some_and(|a| self.catalog.category(*a) == b'N')
    }
}

/// The date_part fields an infinite date or timestamp has (as ±Infinity).
const MONOTONIC_FIELDS: &[&str] = &[
    "epoch",
    "year",
    "years",
    "isoyear",
    "decade",
    "decades",
    "century",
    "centuries",
    "millennium",
    "millennia",
    "julian",
];

fn nonempty_literal(node: Option<&pg_query::protobuf::Node>) -> bool {
    matches!(node.and_then(|n| n.node.as_ref()),
        Some(NodeEnum::AConst(c)) if matches!(&c.val, Some(Val::Sval(s)) if !s.sval.is_empty()))
}
