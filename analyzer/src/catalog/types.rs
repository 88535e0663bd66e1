//! Postgres type names as the catalog stores them: the canonical `pg_type.typname` (`int4`,
//! `varchar`, `timestamptz`), so `integer`, `int` and `serial` all become `int4`.

use std::fmt;

use pg_query::protobuf::TypeName;
use pg_query::NodeEnum;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SqlType {
    /// Canonical name of the element type, without schema.
    pub name: String,
    /// `name[]` (Postgres does not distinguish dimensions in the type system).
    pub array: bool,
    /// For arrays built by the query (`array_agg`, `ARRAY[...]`), whether elements may be NULL.
    /// Array columns are assumed to hold no NULL elements, as sqlx does.
    pub element_nullable: bool,
}

impl SqlType {
    pub fn new(name: &str) -> Self {
        SqlType { name: canonical(name).to_string(), array: false, element_nullable: false }
    }

    pub fn array_of(self) -> Self {
        SqlType { array: true, element_nullable: false, ..self }
    }

    /// An array whose elements may be NULL when `nullable`.
    pub fn array_of_nullable(self, nullable: bool) -> Self {
        SqlType { array: true, element_nullable: nullable, ..self }
    }

    pub fn element(&self) -> Self {
        SqlType::new(&self.name)
    }

    pub fn is(&self, name: &str) -> bool {
        !self.array && self.name == name
    }

    /// Types of the "numeric" category, ordered so the wider of two wins in arithmetic.
    pub fn numeric_rank(&self) -> Option<u8> {
        if self.array {
            return None;
        }
        Some(match self.name.as_str() {
            "int2" => 1,
            "int4" => 2,
            "int8" => 3,
            "numeric" => 4,
            "float4" => 5,
            "float8" => 6,
            _ => return None,
        })
    }

    pub fn is_integer(&self) -> bool {
        !self.array && matches!(self.name.as_str(), "int2" | "int4" | "int8")
    }

    pub fn is_text(&self) -> bool {
        !self.array && matches!(self.name.as_str(), "text" | "varchar" | "bpchar" | "name" | "citext")
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.name, if self.array { "[]" } else { "" })
    }
}

/// A column type as written in DDL: the type plus what the name implies (`serial` is NOT NULL).
pub struct DeclaredType {
    pub ty: SqlType,
    pub implies_not_null: bool,
}

pub fn from_type_name(type_name: &TypeName) -> DeclaredType {
    let names: Vec<&str> = type_name
        .names
        .iter()
        .filter_map(|n| match &n.node {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect();
    let name = names.last().copied().unwrap_or("unknown");
    let (name, serial) = match name {
        "serial" | "serial4" => ("int4", true),
        "bigserial" | "serial8" => ("int8", true),
        "smallserial" | "serial2" => ("int2", true),
        other => (other, false),
    };
    let mut ty = SqlType::new(name);
    ty.array = !type_name.array_bounds.is_empty();
    DeclaredType { ty, implies_not_null: serial }
}

/// Aliases Postgres accepts for built-in types, mapped to their `pg_type` names.
pub fn canonical(name: &str) -> &str {
    match name {
        "int" | "integer" => "int4",
        "smallint" => "int2",
        "bigint" => "int8",
        "real" => "float4",
        "double precision" | "float" => "float8",
        "boolean" => "bool",
        "character varying" => "varchar",
        // Unquoted `char(n)` already arrives as bpchar; a bare "char" is the one-byte type.
        "character" => "bpchar",
        "decimal" => "numeric",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time without time zone" => "time",
        "time with time zone" => "timetz",
        other => other,
    }
}
