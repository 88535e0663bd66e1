//! The type system a catalog sees: Postgres's built-ins, the extensions its migrations created,
//! and its user types, looked up by oid or by name, with the casts between them.

use super::builtin::{builtins, oids, Oid, Operator, Proc, TypeInfo};
use super::{Catalog, SqlType};

impl Catalog {
    pub fn type_info(&self, oid: Oid) -> Option<&TypeInfo> {
        self.user_types.get(&oid).or_else(|| builtins().types.get(&oid))
    }

    /// The oid of a type as the catalog names it; `None` for types it does not know.
    pub fn type_oid(&self, ty: &SqlType) -> Option<Oid> {
        let elem = self.element_oid(&ty.name)?;
        if ty.array {
            self.type_info(elem).map(|t| t.array).filter(|a| *a != 0)
        } else {
            Some(elem)
        }
    }

    fn element_oid(&self, name: &str) -> Option<Oid> {
        let b = builtins();
        if let Some(oid) = self.user_type_names.iter().find(|((_, n), _)| n == name).map(|(_, oid)| *oid) {
            return Some(oid);
        }
        if let Some(oid) = b.type_names.get(name) {
            return Some(*oid);
        }
        for ext in self.extensions.keys() {
            if let Some(t) = b.extensions.get(ext).and_then(|e| e.types.iter().find(|t| t.name == name)) {
                return Some(t.oid);
            }
        }
        if let Some(oid) = self.row_type_named(name) {
            return Some(oid);
        }
        b.type_names.get(&format!("information_schema.{name}")).copied()
    }

    /// The catalog's name for a type oid.
    pub fn sql_type(&self, oid: Oid) -> SqlType {
        match self.type_info(oid) {
            Some(t) if t.category == b'A' && t.elem != 0 => match self.type_info(t.elem) {
                Some(e) => SqlType::new(&e.name).array_of(),
                None => SqlType::new(&t.name),
            },
            Some(t) => SqlType::new(&t.name),
            None => SqlType::new("unknown"),
        }
    }

    /// A domain's base type (recursively); other types are their own.
    pub fn base_type(&self, mut oid: Oid) -> Oid {
        for _ in 0..16 {
            match self.type_info(oid) {
                Some(t) if t.typtype == b'd' && t.base != 0 => oid = t.base,
                _ => break,
            }
        }
        oid
    }

    pub fn is_array(&self, oid: Oid) -> bool {
        self.type_info(oid).is_some_and(|t| t.category == b'A' && t.elem != 0)
    }

    pub fn element_of(&self, oid: Oid) -> Option<Oid> {
        self.type_info(oid).filter(|t| t.category == b'A').map(|t| t.elem).filter(|e| *e != 0)
    }

    pub fn array_of(&self, oid: Oid) -> Option<Oid> {
        if oid == oids::RECORD {
            return Some(oids::RECORD_ARRAY);
        }
        self.type_info(oid).map(|t| t.array).filter(|a| *a != 0)
    }

    pub fn category(&self, oid: Oid) -> u8 {
        self.type_info(oid).map_or(b'X', |t| t.category)
    }

    pub fn is_preferred(&self, oid: Oid) -> bool {
        self.type_info(oid).is_some_and(|t| t.preferred)
    }

    /// Every function visible under `name`: built-in, from created extensions, user-defined.
    pub fn procs(&self, name: &str) -> Vec<&Proc> {
        let b = builtins();
        let mut out: Vec<&Proc> = b.core.procs.get(name).map(|v| v.iter().collect()).unwrap_or_default();
        for ext in self.extensions.keys() {
            if let Some(v) = b.extensions.get(ext).and_then(|e| e.procs.get(name)) {
                out.extend(v);
            }
        }
        if let Some(v) = self.user_procs.get(name) {
            out.extend(v);
        }
        out.extend(self.range_constructors.values().flatten().filter(|p| p.name == name));
        out
    }

    /// The range type whose multirange `multirange` is.
    pub fn multirange_range(&self, multirange: Oid) -> Option<Oid> {
        let b = builtins();
        let mut ranges = b.core.ranges.iter().chain(&self.user_ranges);
        ranges.find(|(_, (_, m))| *m == multirange).map(|(r, _)| *r)
    }

    pub fn operators(&self, name: &str) -> Vec<&Operator> {
        let b = builtins();
        let mut out: Vec<&Operator> =
            b.core.operators.get(name).map(|v| v.iter().collect()).unwrap_or_default();
        for ext in self.extensions.keys() {
            if let Some(v) = b.extensions.get(ext).and_then(|e| e.operators.get(name)) {
                out.extend(v);
            }
        }
        out
    }

    /// `castcontext` of the cast from `source` to `target`, if there is one.
    pub fn cast(&self, source: Oid, target: Oid) -> Option<u8> {
        let b = builtins();
        if let Some(c) = b.core.casts.get(&(source, target)) {
            return Some(*c);
        }
        self.extensions
            .keys()
            .find_map(|e| b.extensions.get(e).and_then(|e| e.casts.get(&(source, target))).copied())
    }

    /// A range type's subtype and multirange.
    pub fn range(&self, range: Oid) -> Option<(Oid, Oid)> {
        let b = builtins();
        if let Some(r) = b.core.ranges.get(&range).or_else(|| self.user_ranges.get(&range)) {
            return Some(*r);
        }
        self.extensions.keys().find_map(|e| b.extensions.get(e).and_then(|e| e.ranges.get(&range)).copied())
    }

    /// The range type over `subtype` (the first, if several).
    pub fn range_over(&self, subtype: Oid) -> Option<Oid> {
        let b = builtins();
        let mut ranges: Vec<(Oid, Oid)> = b.core.ranges.iter().map(|(r, (s, _))| (*r, *s)).collect();
        ranges.extend(self.user_ranges.iter().map(|(r, (s, _))| (*r, *s)));
        ranges.sort();
        ranges.into_iter().find(|(_, s)| *s == subtype).map(|(r, _)| r)
    }

    /// Postgres's display name of a type, as error messages print it (`integer`, `text[]`).
    pub fn format_type(&self, oid: Option<Oid>) -> String {
        let Some(oid) = oid else { return "unknown".into() };
        if let Some(elem) = self.element_of(oid) {
            return format!("{}[]", self.format_type(Some(elem)));
        }
        let Some(t) = self.type_info(oid) else { return format!("type {oid}") };
        match t.name.as_str() {
            "int2" => "smallint",
            "int4" => "integer",
            "int8" => "bigint",
            "float4" => "real",
            "float8" => "double precision",
            "bool" => "boolean",
            "varchar" => "character varying",
            "bpchar" => "character",
            "timestamptz" => "timestamp with time zone",
            "timestamp" => "timestamp without time zone",
            "timetz" => "time with time zone",
            "time" => "time without time zone",
            "varbit" => "bit varying",
            name => name,
        }
        .to_string()
    }
}
