//! Resuming a non-transactional migration: what to do with a statement that a previous run
//! journaled as running or failed.

use std::time::Duration;

use super::conn::Conn;
use super::lease::Lease;
use super::sql::literal;
use super::MigrateError;

pub(crate) enum Decision {
    /// It took effect: skip it.
    Done,
    /// Nothing of it is left (or what was left is cleaned up): run it.
    Run,
    /// The catalog cannot tell: a DBA decides with `strata resolve`.
    InDoubt,
}

/// `previous` is the journal state: done, running (the run died during it) or failed (it raised).
pub(crate) async fn decide(
    conn: &mut impl Conn,
    lease: &Lease,
    statement: &str,
    previous: &str,
) -> Result<Decision, MigrateError> {
    if previous == "done" {
        return Ok(Decision::Done);
    }
    if let Some(index) = concurrent_index_name(statement) {
        return index_decision(conn, lease, &index).await;
    }
    // A statement that raised in autocommit was rolled back whole; one the run died in may or
    // may not have committed.
    Ok(if previous == "failed" { Decision::Run } else { Decision::InDoubt })
}

/// CREATE INDEX CONCURRENTLY leaves an INVALID index when it fails or its session dies; an orphaned
/// backend may still be building it, and if it finishes the index is valid and the statement done.
async fn index_decision(conn: &mut impl Conn, lease: &Lease, index: &str) -> Result<Decision, MigrateError> {
    let query = format!(
        "SELECT CASE WHEN c.oid IS NULL THEN 'absent' WHEN i.indisvalid THEN 'valid' \
         WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid = c.oid) \
         THEN 'building' ELSE 'invalid' END \
         FROM (SELECT pg_catalog.to_regclass({name}) AS oid) r \
         LEFT JOIN pg_catalog.pg_class c ON c.oid = r.oid \
         LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid",
        name = literal(index)
    );
    loop {
        let rows = conn.rows(&query).await.map_err(MigrateError::db(format!("checking index {index}")))?;
        match rows.first().and_then(|r| r[0].as_deref()) {
            Some("valid") => return Ok(Decision::Done),
            Some("building") => {
                // Wait for the orphaned build, keeping the lease.
                conn.batch(&format!("SELECT strata.renew({})", lease.sql()))
                    .await
                    .map_err(MigrateError::db("renewing the strata lease"))?;
                conn.sleep(Duration::from_millis(200)).await;
            }
            Some("invalid") => {
                conn.batch(&format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"))
                    .await
                    .map_err(MigrateError::db(format!("dropping the invalid index {index}")))?;
                return Ok(Decision::Run);
            }
            _ => return Ok(Decision::Run),
        }
    }
}

/// The index name of `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON ...`, as written
/// (quotes and schema kept, so to_regclass and DROP INDEX read it the same way).
pub(crate) fn concurrent_index_name(statement: &str) -> Option<String> {
    let tokens = tokens(statement);
    let mut rest: Vec<&str> = tokens.iter().map(String::as_str).collect();
    if !rest.first().is_some_and(|t| t.eq_ignore_ascii_case("create")) {
        return None;
    }
    rest.remove(0);
    if rest.first().is_some_and(|t| t.eq_ignore_ascii_case("unique")) {
        rest.remove(0);
    }
    let [index, concurrently, tail @ ..] = rest.as_slice() else { return None };
    if !index.eq_ignore_ascii_case("index") || !concurrently.eq_ignore_ascii_case("concurrently") {
        return None;
    }
    let mut tail = tail;
    if tail.len() >= 3
        && tail[0].eq_ignore_ascii_case("if")
        && tail[1].eq_ignore_ascii_case("not")
        && tail[2].eq_ignore_ascii_case("exists")
    {
        tail = &tail[3..];
    }
    let mut name = String::new();
    for (i, t) in tail.iter().enumerate() {
        if i % 2 == 0 {
            if t.eq_ignore_ascii_case("on") && i == 0 {
                return None; // unnamed: Postgres picks the name
            }
            name.push_str(t);
        } else if *t == "." {
            name.push('.');
        } else {
            break;
        }
    }
    (!name.is_empty()).then_some(name)
}

/// Words, quoted identifiers and single punctuation characters, comments skipped.
fn tokens(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() && out.len() < 12 {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i] != '"' || chars.get(i + 1) == Some(&'"')) {
                i += if chars[i] == '"' { 2 } else { 1 };
            }
            i += 1;
            out.push(chars[start..i.min(chars.len())].iter().collect());
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::concurrent_index_name as name;

    #[test]
    fn finds_the_index_of_a_concurrent_build() {
        assert_eq!(
            name("CREATE INDEX CONCURRENTLY users_email ON users (email)").as_deref(),
            Some("users_email")
        );
        assert_eq!(
            name("-- why\ncreate unique index concurrently if not exists app.\"Users E\" on app.users (e)")
                .as_deref(),
            Some("app.\"Users E\"")
        );
        assert_eq!(name("CREATE INDEX CONCURRENTLY ON users (email)"), None);
        assert_eq!(name("CREATE INDEX users_email ON users (email)"), None);
        assert_eq!(name("VACUUM users"), None);
    }
}
