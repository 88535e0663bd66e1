//! Generated rows for `strata explain --rows TABLE=N`: values that honour each column's type,
//! NOT NULL, unique constraints (values are distinct per row) and single-column foreign keys
//! (values drawn from the referenced table, which is filled first, with 100 rows if not asked).
//! Columns with a default, identity or generation expression are left to the server.

use std::collections::{BTreeMap, BTreeSet};

use crate::schema;

/// How many rows a referenced table gets when it was not given a size.
const PARENT_ROWS: u64 = 100;

struct ColumnInfo {
    name: String,
    ty: String,
    base: String,
    not_null: bool,
    has_default: bool,
    /// `(table, column)` of a single-column foreign key.
    references: Option<(String, String)>,
}

/// Fills the tables (each `TABLE=N`, TABLE as `name` or `schema.name`), parents first.
pub(super) fn generate(
    client: &mut postgres::Client,
    sizes: &[(String, u64)],
) -> Result<Vec<String>, String> {
    let mut wanted: BTreeMap<String, u64> = BTreeMap::new();
    for (table, n) in sizes {
        let regclass: Option<String> = client
            .query_one("SELECT to_regclass($1)::text", &[table])
            .map_err(|e| schema::db_message(&e))?
            .get(0);
        let regclass = regclass.ok_or_else(|| format!("--rows {table}=…: there is no table {table}"))?;
        wanted.insert(regclass, *n);
    }
    let mut done = BTreeSet::new();
    let mut notes = Vec::new();
    let tables: Vec<(String, u64)> = wanted.iter().map(|(t, n)| (t.clone(), *n)).collect();
    for (table, n) in tables {
        fill(client, &table, n, &wanted, &mut done, &mut notes, 0)?;
    }
    client.batch_execute("ANALYZE").map_err(|e| schema::db_message(&e))?;
    Ok(notes)
}

fn fill(
    client: &mut postgres::Client,
    table: &str,
    n: u64,
    wanted: &BTreeMap<String, u64>,
    done: &mut BTreeSet<String>,
    notes: &mut Vec<String>,
    depth: usize,
) -> Result<(), String> {
    if done.contains(table) || depth > 20 {
        return Ok(());
    }
    done.insert(table.to_string());
    let columns = columns(client, table)?;
    for c in &columns {
        if let Some((parent, _)) = &c.references {
            if parent != table && !done.contains(parent) {
                let rows = wanted.get(parent).copied().unwrap_or(PARENT_ROWS);
                if !wanted.contains_key(parent) {
                    notes.push(format!("{parent} got {rows} generated rows: {table} references it"));
                }
                fill(client, parent, rows, wanted, done, notes, depth + 1)?;
            }
        }
    }
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut parents = Vec::new();
    for c in &columns {
        if c.has_default && c.references.is_none() {
            continue;
        }
        let value = match &c.references {
            Some((parent, column)) if parent != table => {
                let alias = format!("p{}", parents.len());
                parents.push(format!(
                    "(SELECT array_agg({column}) AS keys FROM {parent}) {alias}",
                    column = quote(column)
                ));
                format!("{alias}.keys[1 + (g % greatest(cardinality({alias}.keys), 1))]")
            }
            _ => match value_for(&c.base, &c.ty) {
                Some(v) => v,
                None if !c.not_null => continue,
                None => {
                    return Err(format!(
                        "cannot generate values for {table}.{} of type {}\n  hint: load data with --seed FILE.sql",
                        c.name, c.ty
                    ))
                }
            },
        };
        names.push(quote(&c.name));
        values.push(format!("({value})::{}", c.ty));
    }
    let from =
        std::iter::once(format!("generate_series(1, {n}) g")).chain(parents).collect::<Vec<_>>().join(", ");
    let sql = if names.is_empty() {
        format!("INSERT INTO {table} SELECT FROM generate_series(1, {n})")
    } else {
        format!("INSERT INTO {table} ({}) SELECT {} FROM {from}", names.join(", "), values.join(", "))
    };
    client.batch_execute(&sql).map_err(|e| {
        format!(
            "generating {n} rows for {table} fails: {}\n  hint: load data with --seed FILE.sql",
            schema::db_message(&e)
        )
    })
}

fn columns(client: &mut postgres::Client, table: &str) -> Result<Vec<ColumnInfo>, String> {
    let rows = client
        .query(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod),
                    coalesce(bt.typname, t.typname)::text || CASE WHEN coalesce(bt.typtype, t.typtype) = 'e' THEN ':enum' ELSE '' END,
                    a.attnotnull,
                    a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '',
                    (SELECT array[con.confrelid::regclass::text, fa.attname::text]
                       FROM pg_constraint con
                       JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[1]
                      WHERE con.conrelid = a.attrelid AND con.contype = 'f' AND con.conkey = array[a.attnum])
               FROM pg_attribute a
               JOIN pg_type t ON t.oid = a.atttypid
               LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
              WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY a.attnum",
            &[&table],
        )
        .map_err(|e| schema::db_message(&e))?;
    Ok(rows
        .iter()
        .map(|r| {
            let references: Option<Vec<String>> = r.get(5);
            ColumnInfo {
                name: r.get(0),
                ty: r.get(1),
                base: r.get(2),
                not_null: r.get(3),
                has_default: r.get(4),
                references: references.and_then(|v| Some((v.first()?.clone(), v.get(1)?.clone()))),
            }
        })
        .collect())
}

/// A distinct-per-row value of a base type (`ty`: the column's type as SQL), from the row
/// number `g`.
fn value_for(base: &str, ty: &str) -> Option<String> {
    Some(
        match base {
            "int2" => "g % 32767",
            "int4" | "int8" | "numeric" | "float4" | "float8" | "oid" => "g",
            "text" | "varchar" | "bpchar" | "name" | "citext" => "'v' || g",
            "bool" => "g % 2 = 0",
            "date" => "date '2020-01-01' + (g % 3650)::int",
            "timestamp" | "timestamptz" => "timestamp '2020-01-01' + g * interval '1 minute'",
            "time" | "timetz" => "time '00:00' + (g % 86400) * interval '1 second'",
            "interval" => "g * interval '1 second'",
            "uuid" => "md5(g::text)::uuid",
            "json" | "jsonb" => "json_build_object('n', g)",
            "bytea" => "decode(md5(g::text), 'hex')",
            "inet" | "cidr" => "('10.0.0.0'::inet + g)",
            "_int4" | "_int8" | "_text" => "array[g]",
            other if other.ends_with(":enum") => {
                return Some(format!(
                    "(enum_range(NULL::{ty}))[1 + g % cardinality(enum_range(NULL::{ty}))]"
                ));
            }
            _ => return None,
        }
        .to_string(),
    )
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}
