//! Postgres's own built-in types, functions, operators, casts and system relations, dumped from
//! a real PostgreSQL 15 by `scripts/gen-catalog` into `pg15.catalog` (line format described
//! there), embedded in the binary and parsed once, on first use. The contrib extensions' objects
//! are in the same file, one section per extension, and join a catalog when a migration runs
//! `CREATE EXTENSION`.

use std::collections::HashMap;
use std::sync::OnceLock;

pub type Oid = u32;

const DATA: &str = include_str!("pg15.catalog");

/// A `pg_type` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeInfo {
    pub oid: Oid,
    pub name: String,
    pub schema: String,
    /// `b` base, `c` composite, `d` domain, `e` enum, `p` pseudo, `r` range, `m` multirange.
    pub typtype: u8,
    /// `typcategory`: `N` numeric, `S` string, `D` date/time, `A` array, `P` pseudo, ...
    pub category: u8,
    pub preferred: bool,
    /// For arrays, the element type.
    pub elem: Oid,
    /// The array type of this type, 0 when there is none.
    pub array: Oid,
    /// For domains, the base type.
    pub base: Oid,
    /// For domains, `NOT NULL`.
    pub not_null: bool,
}

/// A `pg_proc` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proc {
    pub name: String,
    pub schema: String,
    /// `f` function, `a` aggregate, `w` window, `p` procedure.
    pub kind: u8,
    pub retset: bool,
    pub ret: Oid,
    /// Input argument types (`proargtypes`).
    pub args: Vec<Oid>,
    /// Element type of the VARIADIC argument, 0 if none.
    pub variadic: Oid,
    pub ndefaults: usize,
    pub strict: bool,
    /// All arguments with OUT and TABLE ones (`proallargtypes`); empty when all are IN.
    pub all_args: Vec<Oid>,
    /// `i`, `o`, `b` (inout), `v` (variadic), `t` (table) per `all_args`.
    pub modes: Vec<u8>,
    /// Names per `all_args` (or `args` when that is empty); empty strings for unnamed ones.
    pub arg_names: Vec<String>,
    /// For functions the migrations create, what their CREATE said; `None` for built-ins.
    pub source: Option<Box<ProcSource>>,
}

/// A user function's definition as text that does not depend on the file's formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcSource {
    /// The parameters but TABLE ones, as declared: `a int4, OUT total numeric, b text DEFAULT ''`.
    pub arguments: String,
    /// `int4`, `SETOF text`, `TABLE(id int8, name text)`; empty for a procedure.
    pub returns: String,
    /// `LANGUAGE sql`, `STABLE`, `SECURITY DEFINER` ..., sorted, defaults left out.
    pub attributes: Vec<String>,
    /// The body: SQL deparsed, other languages with whitespace runs collapsed.
    pub body: String,
}

impl Proc {
    /// The names of the input arguments, in order.
    pub fn input_names(&self) -> Vec<&str> {
        if self.modes.is_empty() {
            return self.arg_names.iter().map(String::as_str).collect();
        }
        self.modes
            .iter()
            .zip(&self.arg_names)
            .filter(|(m, _)| matches!(m, b'i' | b'b' | b'v'))
            .map(|(_, n)| n.as_str())
            .collect()
    }

    /// OUT, INOUT and TABLE arguments: the columns of a function returning `record`.
    pub fn output_columns(&self) -> Vec<(&str, Oid)> {
        self.modes
            .iter()
            .enumerate()
            .filter(|(_, m)| matches!(m, b'o' | b'b' | b't'))
            .map(|(i, _)| (self.arg_names.get(i).map_or("", String::as_str), self.all_args[i]))
            .collect()
    }
}

/// A `pg_operator` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub name: String,
    pub schema: String,
    /// `b` infix, `l` prefix.
    pub kind: u8,
    pub left: Oid,
    pub right: Oid,
    pub result: Oid,
    pub strict: bool,
}

/// A column of a system relation (or an extension's view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelColumn {
    pub name: String,
    pub ty: Oid,
    pub not_null: bool,
}

/// A set of objects: the built-ins, or one extension's.
#[derive(Debug, Default)]
pub struct ObjectSet {
    pub types: Vec<TypeInfo>,
    pub procs: HashMap<String, Vec<Proc>>,
    pub operators: HashMap<String, Vec<Operator>>,
    /// `(source, target)` → `castcontext` (`i` implicit, `a` assignment, `e` explicit).
    pub casts: HashMap<(Oid, Oid), u8>,
    /// range → (subtype, multirange)
    pub ranges: HashMap<Oid, (Oid, Oid)>,
    /// `(schema, relation)` → columns
    pub relations: HashMap<(String, String), Vec<RelColumn>>,
}

#[derive(Debug, Default)]
pub struct Builtins {
    pub core: ObjectSet,
    pub types: HashMap<Oid, TypeInfo>,
    /// `pg_catalog` type names (and `information_schema.` qualified ones) to oids.
    pub type_names: HashMap<String, Oid>,
    pub extensions: HashMap<String, ObjectSet>,
}

/// The built-ins, parsed on first use.
pub fn builtins() -> &'static Builtins {
    static BUILTINS: OnceLock<Builtins> = OnceLock::new();
    BUILTINS.get_or_init(|| parse(DATA))
}

fn parse(data: &str) -> Builtins {
    let mut b = Builtins::default();
    let mut current: Option<String> = None;
    let mut set = ObjectSet::default();
    for line in data.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let oid = |i: usize| f.get(i).and_then(|s| s.parse::<Oid>().ok()).unwrap_or(0);
        let flag = |i: usize| f.get(i) == Some(&"1");
        let text = |i: usize| f.get(i).copied().unwrap_or("").to_string();
        let oids = |i: usize| -> Vec<Oid> {
            f.get(i).map(|s| s.split(' ').filter_map(|o| o.parse().ok()).collect()).unwrap_or_default()
        };
        match f[0] {
            "T" => set.types.push(TypeInfo {
                oid: oid(1),
                name: text(2),
                schema: text(3),
                typtype: byte(f.get(4)),
                category: byte(f.get(5)),
                preferred: flag(6),
                elem: oid(7),
                array: oid(8),
                base: oid(9),
                not_null: flag(10),
            }),
            "P" => {
                let proc = Proc {
                    name: text(1),
                    schema: text(2),
                    kind: byte(f.get(3)),
                    retset: flag(4),
                    ret: oid(5),
                    args: oids(6),
                    variadic: oid(7),
                    ndefaults: f.get(8).and_then(|s| s.parse().ok()).unwrap_or(0),
                    strict: flag(9),
                    all_args: oids(10),
                    modes: f.get(11).map(|s| s.bytes().collect()).unwrap_or_default(),
                    arg_names: f
                        .get(12)
                        .filter(|s| !s.is_empty())
                        .map(|s| s.split(' ').map(|n| if n == "-" { "" } else { n }.to_string()).collect())
                        .unwrap_or_default(),
                    source: None,
                };
                set.procs.entry(proc.name.clone()).or_default().push(proc);
            }
            "O" => {
                let op = Operator {
                    name: text(1),
                    schema: text(2),
                    kind: byte(f.get(3)),
                    left: oid(4),
                    right: oid(5),
                    result: oid(6),
                    strict: flag(7),
                };
                set.operators.entry(op.name.clone()).or_default().push(op);
            }
            "C" => {
                set.casts.insert((oid(1), oid(2)), byte(f.get(3)));
            }
            "R" => {
                set.ranges.insert(oid(1), (oid(2), oid(3)));
            }
            "A" => {
                let column = RelColumn { name: text(4), ty: oid(5), not_null: flag(6) };
                set.relations.entry((text(2), text(1))).or_default().push(column);
            }
            "X" => {
                finish(&mut b, current.take(), std::mem::take(&mut set));
                current = Some(text(1));
            }
            _ => {}
        }
    }
    finish(&mut b, current, set);
    b
}

/// Files a finished section: the built-ins' types are indexed by oid and name; an extension's
/// types by oid only (their names depend on the schema they are created in).
fn finish(b: &mut Builtins, extension: Option<String>, set: ObjectSet) {
    for t in &set.types {
        if extension.is_none() {
            let name =
                if t.schema == "pg_catalog" { t.name.clone() } else { format!("{}.{}", t.schema, t.name) };
            b.type_names.insert(name, t.oid);
        }
        b.types.insert(t.oid, t.clone());
    }
    match extension {
        None => b.core = set,
        Some(name) => {
            b.extensions.insert(name, set);
        }
    }
}

fn byte(s: Option<&&str>) -> u8 {
    s.and_then(|s| s.bytes().next()).unwrap_or(b' ')
}

/// Well-known oids the resolution rules name.
pub mod oids {
    use super::Oid;
    pub const BOOL: Oid = 16;
    pub const INT8: Oid = 20;
    pub const INT4: Oid = 23;
    pub const TEXT: Oid = 25;
    pub const OID: Oid = 26;
    pub const FLOAT8: Oid = 701;
    pub const UNKNOWN: Oid = 705;
    pub const RECORD: Oid = 2249;
    pub const RECORD_ARRAY: Oid = 2287;
    pub const ANY: Oid = 2276;
    pub const ANYARRAY: Oid = 2277;
    pub const VOID: Oid = 2278;
    pub const TRIGGER: Oid = 2279;
    pub const ANYELEMENT: Oid = 2283;
    pub const ANYNONARRAY: Oid = 2776;
    pub const ANYENUM: Oid = 3500;
    pub const ANYRANGE: Oid = 3831;
    pub const ANYMULTIRANGE: Oid = 4537;
    pub const ANYCOMPATIBLE: Oid = 5077;
    pub const ANYCOMPATIBLEARRAY: Oid = 5078;
    pub const ANYCOMPATIBLENONARRAY: Oid = 5079;
    pub const ANYCOMPATIBLERANGE: Oid = 5080;
    pub const ANYCOMPATIBLEMULTIRANGE: Oid = 4538;
    pub const CSTRING: Oid = 2275;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_catalog_has_postgres_built_ins() {
        let b = builtins();
        assert_eq!(b.type_names["int4"], oids::INT4);
        assert_eq!(b.types[&oids::TEXT].array, 1009);
        assert!(b.types[&oids::TEXT].preferred);
        let make_interval = &b.core.procs["make_interval"][0];
        assert_eq!(make_interval.input_names()[3], "days");
        assert_eq!(make_interval.ndefaults, 7);
        let each = b.core.procs["jsonb_each"].iter().find(|p| p.args.len() == 1).unwrap();
        assert_eq!(each.output_columns().iter().map(|c| c.0).collect::<Vec<_>>(), ["key", "value"]);
        assert!(b.core.relations.contains_key(&("pg_catalog".into(), "pg_class".into())));
        assert!(b.core.relations.contains_key(&("information_schema".into(), "columns".into())));
        let citext = &b.extensions["citext"];
        assert!(citext.types.iter().any(|t| t.name == "citext"));
        assert!(b.extensions["uuid-ossp"].procs.contains_key("uuid_generate_v5"));
    }
}
