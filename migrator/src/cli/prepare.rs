//! `strata prepare --sqlx [--crate DIR]`: sqlx's offline query data (`.sqlx/query-<hash>.json`)
//! for every `sqlx::query!` / `query_as!` / `query_scalar!` (and their unchecked forms) in a
//! crate, typed from the migration files with no database, so an unchanged sqlx project builds
//! with `SQLX_OFFLINE=true`. The format is sqlx 0.7/0.8's: the query, its column names, types
//! (sqlx's `PgTypeInfo` names, user types as `Custom`) and nullability, and parameter types.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use strata_analyzer::catalog::builtin::Oid;
use strata_analyzer::catalog::SqlType;
use strata_analyzer::lint::queries::scan_crate;
use strata_analyzer::Catalog;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Write sqlx's offline files (the only format so far).
    #[arg(long, required = true)]
    sqlx: bool,
    /// The crate whose queries to prepare (its `Cargo.toml` directory); `.sqlx/` goes there.
    #[arg(long = "crate", default_value = ".")]
    krate: PathBuf,
}

pub(crate) fn run(dir: &Path, args: &Args) -> Result<ExitCode, String> {
    let set = super::load_files(dir)?;
    let catalog = Catalog::from_migrations(&set).map_err(|d| format!("{d}\n  nothing was written"))?;
    if !args.krate.join("Cargo.toml").is_file() {
        return Err(format!(
            "{} has no Cargo.toml\n  hint: --crate DIR names the crate to prepare",
            args.krate.display()
        ));
    }
    let queries = scan_crate(&args.krate);
    let out_dir = args.krate.join(".sqlx");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let (mut written, mut failed) = (BTreeSet::new(), 0);
    for q in &queries {
        match query_data(&catalog, &q.sql) {
            Ok((hash, data)) => {
                let path = out_dir.join(format!("query-{hash}.json"));
                let text = serde_json::to_string_pretty(&data).unwrap_or_default();
                std::fs::write(&path, text + "\n").map_err(|e| format!("writing {}: {e}", path.display()))?;
                written.insert(path);
            }
            Err(why) => {
                failed += 1;
                eprintln!("{}: {why}", q.location());
            }
        }
    }
    // Like `cargo sqlx prepare`: files of queries that are gone would only mislead.
    let mut removed = 0;
    for entry in std::fs::read_dir(&out_dir).map_err(|e| e.to_string())?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("query-") && name.ends_with(".json") && !written.contains(&path) {
            removed += usize::from(std::fs::remove_file(&path).is_ok());
        }
    }
    println!(
        "strata: prepared {} sqlx quer{} in {} from {} migration(s){}{}",
        written.len(),
        if written.len() == 1 { "y" } else { "ies" },
        out_dir.display(),
        set.migrations.len(),
        if removed > 0 { format!(", removed {removed} stale file(s)") } else { String::new() },
        if failed > 0 { format!("; {failed} quer(ies) could not be typed (above)") } else { String::new() },
    );
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// sqlx's file for one query: (hash, JSON). sqlx finds it by the SHA-256 of the query text.
fn query_data(catalog: &Catalog, sql: &str) -> Result<(String, Value), String> {
    let d = strata_analyzer::describe(catalog, sql)
        .map_err(|errors| errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))?;
    let hash: String = Sha256::digest(sql.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let columns = d
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Ok(json!({"ordinal": i, "name": c.name, "type_info": type_info(catalog, &c.ty)?})))
        .collect::<Result<Vec<_>, String>>()?;
    let params = d.params.iter().map(|p| type_info(catalog, &p.ty)).collect::<Result<Vec<_>, String>>()?;
    let data = json!({
        "db_name": "PostgreSQL",
        "query": sql,
        "describe": {
            "columns": columns,
            "parameters": {"Left": params},
            "nullable": d.columns.iter().map(|c| c.nullable).collect::<Vec<_>>(),
        },
        "hash": hash,
    });
    Ok((hash, data))
}

fn type_info(catalog: &Catalog, ty: &SqlType) -> Result<Value, String> {
    let oid = catalog.type_oid(ty).ok_or_else(|| format!("type {ty} is unknown to the migrations"))?;
    by_oid(catalog, oid)
}

/// sqlx's `PgTypeInfo` as it serializes: a built-in by its variant name, a user type as
/// `{"Custom": {"name", "kind"}}` (sqlx resolves its oid at run time).
fn by_oid(catalog: &Catalog, oid: Oid) -> Result<Value, String> {
    if let Some(name) = builtin(oid) {
        return Ok(json!(name));
    }
    let info = catalog.type_info(oid).ok_or_else(|| format!("type oid {oid} is unknown"))?;
    let kind = match info.typtype {
        b'e' => json!({"Enum": catalog.enum_labels(oid).unwrap_or_default()}),
        b'd' => json!({"Domain": by_oid(catalog, info.base)?}),
        b'b' if info.elem != 0 && info.category == b'A' => json!({"Array": by_oid(catalog, info.elem)?}),
        b'b' => json!("Simple"),
        b'c' => {
            let fields = catalog.composite_columns(oid).unwrap_or_default();
            let fields = fields
                .iter()
                .map(|c| Ok(json!([c.name, type_info(catalog, &c.ty)?])))
                .collect::<Result<Vec<_>, String>>()?;
            json!({"Composite": fields})
        }
        b'p' => json!("Pseudo"),
        _ => {
            return Err(format!(
                "type {} ({}) has no sqlx offline form here",
                info.name, info.typtype as char
            ))
        }
    };
    Ok(json!({"Custom": {"name": info.name, "kind": kind}}))
}

/// The built-in types sqlx knows by oid (`PgType::try_from_oid`), by its variant names.
fn builtin(oid: Oid) -> Option<&'static str> {
    Some(match oid {
        16 => "Bool",
        17 => "Bytea",
        18 => "Char",
        19 => "Name",
        20 => "Int8",
        21 => "Int2",
        23 => "Int4",
        25 => "Text",
        26 => "Oid",
        114 => "Json",
        199 => "JsonArray",
        600 => "Point",
        601 => "Lseg",
        602 => "Path",
        603 => "Box",
        604 => "Polygon",
        628 => "Line",
        629 => "LineArray",
        650 => "Cidr",
        651 => "CidrArray",
        700 => "Float4",
        701 => "Float8",
        705 => "Unknown",
        718 => "Circle",
        719 => "CircleArray",
        774 => "Macaddr8",
        775 => "Macaddr8Array",
        790 => "Money",
        791 => "MoneyArray",
        829 => "Macaddr",
        869 => "Inet",
        1000 => "BoolArray",
        1001 => "ByteaArray",
        1002 => "CharArray",
        1003 => "NameArray",
        1005 => "Int2Array",
        1007 => "Int4Array",
        1009 => "TextArray",
        1014 => "BpcharArray",
        1015 => "VarcharArray",
        1016 => "Int8Array",
        1017 => "PointArray",
        1018 => "LsegArray",
        1019 => "PathArray",
        1020 => "BoxArray",
        1021 => "Float4Array",
        1022 => "Float8Array",
        1027 => "PolygonArray",
        1028 => "OidArray",
        1040 => "MacaddrArray",
        1041 => "InetArray",
        1042 => "Bpchar",
        1043 => "Varchar",
        1082 => "Date",
        1083 => "Time",
        1114 => "Timestamp",
        1115 => "TimestampArray",
        1182 => "DateArray",
        1183 => "TimeArray",
        1184 => "Timestamptz",
        1185 => "TimestamptzArray",
        1186 => "Interval",
        1187 => "IntervalArray",
        1231 => "NumericArray",
        1266 => "Timetz",
        1270 => "TimetzArray",
        1560 => "Bit",
        1561 => "BitArray",
        1562 => "Varbit",
        1563 => "VarbitArray",
        1700 => "Numeric",
        2278 => "Void",
        2249 => "Record",
        2287 => "RecordArray",
        2950 => "Uuid",
        2951 => "UuidArray",
        3802 => "Jsonb",
        3807 => "JsonbArray",
        3904 => "Int4Range",
        3905 => "Int4RangeArray",
        3906 => "NumRange",
        3907 => "NumRangeArray",
        3908 => "TsRange",
        3909 => "TsRangeArray",
        3910 => "TstzRange",
        3911 => "TstzRangeArray",
        3912 => "DateRange",
        3913 => "DateRangeArray",
        3926 => "Int8Range",
        3927 => "Int8RangeArray",
        4072 => "Jsonpath",
        4073 => "JsonpathArray",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_becomes_sqlx_offline_data() {
        let dir = std::env::temp_dir().join(format!("strata-prepare-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("1_users.up.sql"),
            "CREATE TYPE mood AS ENUM ('sad', 'ok');\nCREATE TABLE users (id bigint PRIMARY KEY, email text, mood mood NOT NULL, tags text[] NOT NULL);",
        )
        .unwrap();
        let set = strata_analyzer::MigrationSet::load(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        let catalog = Catalog::from_migrations(&set).unwrap();
        let sql = "SELECT id, email, mood, tags FROM users WHERE id = $1";
        let (hash, data) = query_data(&catalog, sql).unwrap();
        assert_eq!(hash.len(), 64);
        assert_eq!(data["hash"], hash);
        let d = &data["describe"];
        assert_eq!(d["columns"][0], json!({"ordinal": 0, "name": "id", "type_info": "Int8"}));
        assert_eq!(
            d["columns"][2]["type_info"],
            json!({"Custom": {"name": "mood", "kind": {"Enum": ["sad", "ok"]}}})
        );
        assert_eq!(d["columns"][3]["type_info"], "TextArray");
        assert_eq!(d["parameters"], json!({"Left": ["Int8"]}));
        assert_eq!(d["nullable"], json!([false, true, false, false]));
    }
}
