//! `strata init`: the strata objects as plain SQL, for servers where `CREATE EXTENSION strata` is
//! impossible (managed Postgres: no superuser, no custom `.so`). The same SQL files as the
//! extension, in the same order, run in one transaction by the database owner; version-tracked by
//! `strata.ledger_version()` and upgraded the same way.

use std::process::ExitCode;

use crate::migrate::{describe, LEDGER_VERSION};

/// pg_ext/sql/*.sql in install order (pg_ext/src/lib.rs), embedded in the binary.
const INSTALL: &[(&str, &str)] = &[
    ("guard.sql", include_str!("../../../pg_ext/sql/guard.sql")),
    ("history.sql", include_str!("../../../pg_ext/sql/history.sql")),
    ("ledger.sql", include_str!("../../../pg_ext/sql/ledger.sql")),
    ("roles.sql", include_str!("../../../pg_ext/sql/roles.sql")),
    ("chain.sql", include_str!("../../../pg_ext/sql/chain.sql")),
    ("lease.sql", include_str!("../../../pg_ext/sql/lease.sql")),
    ("record.sql", include_str!("../../../pg_ext/sql/record.sql")),
    ("plan.sql", include_str!("../../../pg_ext/sql/plan.sql")),
    ("verify.sql", include_str!("../../../pg_ext/sql/verify.sql")),
    ("backfill.sql", include_str!("../../../pg_ext/sql/backfill.sql")),
    ("describe_text_open.sql", include_str!("../../../pg_ext/sql/describe_text_open.sql")),
    ("describe.sql", crate::schema::DESCRIBE_SQL),
    ("describe_text_close.sql", include_str!("../../../pg_ext/sql/describe_text_close.sql")),
    ("describe_open.sql", include_str!("../../../pg_ext/sql/describe_open.sql")),
    ("describe.sql", crate::schema::DESCRIBE_SQL),
    ("describe_close.sql", include_str!("../../../pg_ext/sql/describe_close.sql")),
    ("snapshots.sql", include_str!("../../../pg_ext/sql/snapshots.sql")),
    ("snapshot_scope.sql", include_str!("../../../pg_ext/sql/snapshot_scope.sql")),
    ("drift.sql", include_str!("../../../pg_ext/sql/drift.sql")),
    ("sentinel.sql", include_str!("../../../pg_ext/sql/sentinel.sql")),
    ("revert.sql", include_str!("../../../pg_ext/sql/revert.sql")),
    ("privileges.sql", include_str!("../../../pg_ext/sql/privileges.sql")),
];

fn one_value(client: &mut postgres::Client, sql: &str) -> Result<Option<String>, String> {
    let messages = client.simple_query(sql).map_err(|e| describe(&e))?;
    Ok(messages.into_iter().find_map(|m| match m {
        postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_string),
        _ => None,
    }))
}

pub(crate) fn run(client: &mut postgres::Client) -> Result<ExitCode, String> {
    if let Some(version) =
        one_value(client, "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'strata'")?
    {
        println!(
            "strata: this database has the strata extension {version}; upgrade it with ALTER EXTENSION strata UPDATE"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let has_ledger =
        one_value(client, "SELECT pg_catalog.to_regprocedure('strata.ledger_version()') IS NOT NULL")?;
    let installed = match has_ledger.as_deref() {
        Some("t") => one_value(client, "SELECT strata.ledger_version()")?,
        _ => None,
    };
    match installed.as_deref() {
        Some(LEDGER_VERSION) => {
            println!("strata: the strata objects {LEDGER_VERSION} are installed; nothing to do");
            return Ok(ExitCode::SUCCESS);
        }
        // Each later release adds its upgrade script (pg_ext/sql/strata--A--B.sql) here.
        Some(other) => {
            return Err(format!(
                "the strata objects in this database are version {other}, and this strata ({LEDGER_VERSION}) \
                 has no upgrade from it\n  hint: use the strata release that matches, or a newer one"
            ))
        }
        None => {}
    }
    let mut script = String::from("BEGIN;\nSET LOCAL strata.init = on;\n");
    for (name, sql) in INSTALL {
        if *name == "history.sql" {
            script.push_str("CREATE SCHEMA strata;\n");
        }
        script.push_str(&format!("-- {name}\n{sql}\n"));
    }
    script.push_str(&format!(
        "COMMENT ON SCHEMA strata IS 'strata {LEDGER_VERSION} ledger, installed by strata init';\nCOMMIT;"
    ));
    if let Err(e) = client.batch_execute(&script) {
        let _ = client.batch_execute("ROLLBACK");
        return Err(format!(
            "strata init failed, nothing was installed: {}\n  hint: run it as the database owner (or a role \
             that may CREATE in the database); see pg_ext/README.md",
            describe(&e)
        ));
    }
    println!(
        "strata: installed the strata objects {LEDGER_VERSION} (schema strata); grant strata_migrator to \
         the role that runs migrations"
    );
    Ok(ExitCode::SUCCESS)
}
