//! The statements of a no-transaction migration whose leftovers the catalog shows after a failure
//! or a kill: `CREATE INDEX CONCURRENTLY`, `REINDEX INDEX|TABLE|SCHEMA|DATABASE CONCURRENTLY`, `DROP INDEX
//! CONCURRENTLY`. Names are kept as written (quotes and schema), so `to_regclass` and `DROP INDEX`
//! read them the same way.

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Concurrent {
    /// `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON ...`
    CreateIndex(String),
    /// `REINDEX [(options)] INDEX|TABLE|SCHEMA|DATABASE CONCURRENTLY name`, or CONCURRENTLY
    /// among the options.
    Reindex { scope: ReindexScope, name: String },
    /// `DROP INDEX CONCURRENTLY [IF EXISTS] name`
    DropIndex(String),
}

/// What a REINDEX rebuilds: one index, a table's, a schema's tables', or the database's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReindexScope {
    Index,
    Table,
    Schema,
    Database,
}

pub(crate) fn concurrent(statement: &str) -> Option<Concurrent> {
    let tokens = tokens(statement);
    let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let is = |t: Option<&&str>, word: &str| t.is_some_and(|t| t.eq_ignore_ascii_case(word));
    let mut rest = words.as_slice();
    if is(rest.first(), "create") {
        rest = &rest[1..];
        if is(rest.first(), "unique") {
            rest = &rest[1..];
        }
        if !is(rest.first(), "index") || !is(rest.get(1), "concurrently") {
            return None;
        }
        rest = skip_if_exists(&rest[2..], true);
        if is(rest.first(), "on") {
            return None; // unnamed: Postgres picks the name
        }
        return name(rest).map(Concurrent::CreateIndex);
    }
    if is(rest.first(), "drop") {
        if !is(rest.get(1), "index") || !is(rest.get(2), "concurrently") {
            return None;
        }
        return name(skip_if_exists(&rest[3..], false)).map(Concurrent::DropIndex);
    }
    if !is(rest.first(), "reindex") {
        return None;
    }
    rest = &rest[1..];
    let mut concurrently = false;
    if rest.first() == Some(&"(") {
        let close = rest.iter().position(|t| *t == ")")?;
        concurrently = rest[1..close].iter().any(|t| t.eq_ignore_ascii_case("concurrently"));
        rest = &rest[close + 1..];
    }
    let scope = match rest.first() {
        Some(t) if t.eq_ignore_ascii_case("index") => ReindexScope::Index,
        Some(t) if t.eq_ignore_ascii_case("table") => ReindexScope::Table,
        Some(t) if t.eq_ignore_ascii_case("schema") => ReindexScope::Schema,
        Some(t) if t.eq_ignore_ascii_case("database") => ReindexScope::Database,
        _ => return None, // SYSTEM cannot run concurrently
    };
    rest = &rest[1..];
    if is(rest.first(), "concurrently") {
        concurrently = true;
        rest = &rest[1..];
    }
    if !concurrently {
        return None;
    }
    match scope {
        // The name is optional (the current database) from Postgres 16 on.
        ReindexScope::Database => Some(Concurrent::Reindex { scope, name: name(rest).unwrap_or_default() }),
        _ => name(rest).map(|name| Concurrent::Reindex { scope, name }),
    }
}

fn skip_if_exists<'a, 'b>(tokens: &'a [&'b str], not: bool) -> &'a [&'b str] {
    let words: &[&str] = if not { &["if", "not", "exists"] } else { &["if", "exists"] };
    let matches =
        tokens.len() >= words.len() && tokens.iter().zip(words).all(|(t, w)| t.eq_ignore_ascii_case(w));
    if matches {
        &tokens[words.len()..]
    } else {
        tokens
    }
}

/// A possibly schema-qualified name at the start of `tokens`.
fn name(tokens: &[&str]) -> Option<String> {
    let mut name = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i % 2 == 0 {
            if !t.starts_with('"') && !t.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') {
                break;
            }
            name.push_str(t);
        } else if *t == "." {
            name.push('.');
        } else {
            break;
        }
    }
    let name = name.trim_end_matches('.').to_string();
    (!name.is_empty()).then_some(name)
}

/// Words, quoted identifiers and single punctuation characters, comments skipped.
fn tokens(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() && out.len() < 32 {
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
    use super::{concurrent, Concurrent, ReindexScope};

    fn create(name: &str) -> Option<Concurrent> {
        Some(Concurrent::CreateIndex(name.into()))
    }

    fn reindex(table: bool, name: &str) -> Option<Concurrent> {
        let scope = if table { ReindexScope::Table } else { ReindexScope::Index };
        Some(Concurrent::Reindex { scope, name: name.into() })
    }

    #[test]
    fn finds_the_index_of_a_concurrent_build() {
        assert_eq!(
            concurrent("CREATE INDEX CONCURRENTLY users_email ON users (email)"),
            create("users_email")
        );
        assert_eq!(
            concurrent(
                "-- why\ncreate unique index concurrently if not exists app.\"Users E\" on app.users (e)"
            ),
            create("app.\"Users E\"")
        );
        assert_eq!(concurrent("CREATE INDEX CONCURRENTLY ON users (email)"), None);
        assert_eq!(concurrent("CREATE INDEX users_email ON users (email)"), None);
        assert_eq!(concurrent("VACUUM users"), None);
    }

    #[test]
    fn finds_what_a_concurrent_reindex_rebuilds() {
        assert_eq!(concurrent("REINDEX INDEX CONCURRENTLY users_key;"), reindex(false, "users_key"));
        assert_eq!(concurrent("/* x */ reindex table concurrently app.users"), reindex(true, "app.users"));
        assert_eq!(concurrent("REINDEX (VERBOSE, CONCURRENTLY) TABLE \"Users\""), reindex(true, "\"Users\""));
        assert_eq!(concurrent("REINDEX (TABLESPACE fast) INDEX CONCURRENTLY a.b"), reindex(false, "a.b"));
        assert_eq!(concurrent("REINDEX INDEX users_key"), None, "not concurrent: one transaction");
        assert_eq!(
            concurrent("REINDEX SCHEMA CONCURRENTLY app"),
            Some(Concurrent::Reindex { scope: ReindexScope::Schema, name: "app".into() })
        );
        assert_eq!(
            concurrent("REINDEX (CONCURRENTLY) DATABASE shop"),
            Some(Concurrent::Reindex { scope: ReindexScope::Database, name: "shop".into() })
        );
        assert_eq!(concurrent("REINDEX SCHEMA app"), None);
        assert_eq!(concurrent("REINDEX SYSTEM CONCURRENTLY shop"), None);
    }

    #[test]
    fn finds_the_index_of_a_concurrent_drop() {
        assert_eq!(
            concurrent("DROP INDEX CONCURRENTLY users_email"),
            Some(Concurrent::DropIndex("users_email".into()))
        );
        assert_eq!(
            concurrent("drop index concurrently if exists app.users_email cascade"),
            Some(Concurrent::DropIndex("app.users_email".into()))
        );
        assert_eq!(concurrent("DROP INDEX users_email"), None);
        assert_eq!(concurrent("DROP TABLE users"), None);
    }
}
