//! The application's checked queries, and which tables, columns and types each one uses: read
//! from the SQL of `strata::query!` / `query_as!` / `query_scalar!` / `query_unchecked!` in a
//! crate's `.rs` files, or from a `--queries` file of `;`-separated statements.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pg_query::{NodeEnum, NodeRef};

use super::TableKey;
use crate::catalog::index::string_value;
use crate::catalog::{Catalog, DEFAULT_SCHEMA};
use crate::Diagnostic;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedQuery {
    pub sql: String,
    /// Where it is written, for messages.
    pub file: PathBuf,
    pub line: usize,
}

impl CheckedQuery {
    pub fn location(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }
}

pub(crate) struct ParsedQuery {
    pub query: CheckedQuery,
    nodes: Vec<NodeEnum>,
}

pub(crate) fn parse_all(queries: &[CheckedQuery]) -> Vec<ParsedQuery> {
    queries
        .iter()
        .filter_map(|q| {
            let statements = crate::parse_script(&q.sql).ok()?;
            Some(ParsedQuery { query: q.clone(), nodes: statements.into_iter().map(|s| s.node).collect() })
        })
        .collect()
}

/// What a query reads or writes, resolved against the schema.
#[derive(Debug, Default)]
pub(crate) struct Uses {
    pub tables: BTreeSet<TableKey>,
    pub columns: BTreeSet<(TableKey, String)>,
    pub types: BTreeSet<String>,
}

impl ParsedQuery {
    pub fn uses(&self, catalog: &Catalog) -> Uses {
        let mut uses = Uses::default();
        for node in &self.nodes {
            let all = node.nodes();
            // Aliases and table names visible to column references.
            let mut scope: Vec<(String, TableKey)> = Vec::new();
            for (n, ..) in &all {
                if let NodeRef::RangeVar(rv) = n {
                    let schema = if rv.schemaname.is_empty() { DEFAULT_SCHEMA } else { &rv.schemaname };
                    let key = (schema.to_string(), rv.relname.clone());
                    if catalog.table(Some(schema), &rv.relname).is_some()
                        || catalog.is_unmodelled(Some(schema), &rv.relname)
                    {
                        uses.tables.insert(key.clone());
                    }
                    let alias = rv.alias.as_ref().map_or(rv.relname.clone(), |a| a.aliasname.clone());
                    scope.push((alias, key));
                }
            }
            for (n, ..) in &all {
                match n {
                    NodeRef::ColumnRef(c) => {
                        let fields: Vec<&str> = c.fields.iter().filter_map(string_value).collect();
                        let (qualifier, column) = match fields.as_slice() {
                            [column] => (None, *column),
                            [.., q, column] => (Some(*q), *column),
                            [] => continue,
                        };
                        for (alias, table) in &scope {
                            if qualifier.is_some_and(|q| q != alias && q != table.1) {
                                continue;
                            }
                            let has = catalog.table(Some(&table.0), &table.1).and_then(|t| t.column(column));
                            if let Some(col) = has {
                                uses.types.insert(col.ty.name.clone());
                                uses.columns.insert((table.clone(), column.to_string()));
                            }
                        }
                    }
                    NodeRef::TypeName(t) => {
                        uses.types
                            .extend(t.names.iter().filter_map(string_value).next_back().map(str::to_string));
                    }
                    NodeRef::TypeCast(c) => {
                        let names = c.type_name.iter().flat_map(|t| t.names.iter().filter_map(string_value));
                        uses.types.extend(names.last().map(str::to_string));
                    }
                    _ => {}
                }
            }
            // INSERT column lists and UPDATE SET targets are ResTargets, not ColumnRefs.
            if let Some((target, names)) = written_columns(node) {
                for name in names {
                    uses.columns.insert((target.clone(), name));
                }
            }
        }
        uses
    }
}

fn written_columns(node: &NodeEnum) -> Option<(TableKey, Vec<String>)> {
    let (rv, targets) = match node {
        NodeEnum::InsertStmt(s) => (s.relation.as_ref()?, &s.cols),
        NodeEnum::UpdateStmt(s) => (s.relation.as_ref()?, &s.target_list),
        _ => return None,
    };
    let names = targets
        .iter()
        .filter_map(|t| match &t.node {
            Some(NodeEnum::ResTarget(r)) if !r.name.is_empty() => Some(r.name.clone()),
            _ => None,
        })
        .collect();
    Some((crate::catalog::index::key(rv), names))
}

/// A file of queries separated by `;` (as `psql -f` would read them).
pub fn read_queries_file(path: &Path) -> Result<Vec<CheckedQuery>, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::error(format!("cannot read the queries file: {e}")).in_file(path))?;
    let statements = crate::parse_script(&text)
        .map_err(|e| Diagnostic::error(e.message).in_file(path).at(&text, e.offset).sqlstate("42601"))?;
    let index = crate::LineIndex::new(&text);
    Ok(statements
        .iter()
        .map(|s| CheckedQuery {
            sql: s.text(&text).to_string(),
            file: path.to_path_buf(),
            line: index.line_column(s.offset).0,
        })
        .collect())
}

const MACROS: &[&str] = &["query_as", "query_scalar", "query_unchecked", "query_as_unchecked", "query"];

/// Every checked query in the `.rs` files of the crate at `dir` (its `src`, `tests`, `examples`
/// and `benches`); none when `dir` has no `Cargo.toml`.
pub fn scan_crate(dir: &Path) -> Vec<CheckedQuery> {
    let mut out = Vec::new();
    if !dir.join("Cargo.toml").is_file() {
        return out;
    }
    let mut stack: Vec<PathBuf> =
        ["benches", "examples", "tests", "src"].iter().map(|d| dir.join(d)).collect();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.extend(scan_rust(&text, &path));
                }
            }
        }
    }
    out
}

/// The SQL string of each query macro call in Rust source.
pub fn scan_rust(text: &str, file: &Path) -> Vec<CheckedQuery> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = text[i..].find('!') {
        let bang = i + found;
        i = bang + 1;
        let before = &text[..bang];
        let ident_start = before.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
        let ident = &before[ident_start..];
        if !MACROS.contains(&ident) {
            continue;
        }
        let rest = text[bang + 1..].trim_start();
        if !rest.starts_with(['(', '{', '[']) {
            continue;
        }
        let open = bytes.len() - rest.len();
        // query_as!(Type, "..."): the SQL is the first string literal in the call.
        let Some((_, sql)) = first_string(&text[open + 1..]) else { continue };
        let line = text[..bang].matches('\n').count() + 1;
        out.push(CheckedQuery { sql, file: file.to_path_buf(), line });
    }
    out
}

/// The first string literal (plain or raw) in `s`, before any `)`: its offset and value.
fn first_string(s: &str) -> Option<(usize, String)> {
    for (i, c) in s.char_indices() {
        match c {
            ')' | ';' => return None,
            '"' => return Some((i, unescape(&s[i + 1..])?)),
            'r' if s[i + 1..].starts_with(['"', '#']) && !s[..i].ends_with(|c: char| c.is_alphanumeric()) => {
                let hashes = s[i + 1..].chars().take_while(|&c| c == '#').count();
                let body = &s[i + 1 + hashes..];
                let body = body.strip_prefix('"')?;
                let end = body.find(&format!("\"{}", "#".repeat(hashes)))?;
                return Some((i, body[..end].to_string()));
            }
            _ => {}
        }
    }
    None
}

fn unescape(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                '\n' => {
                    // A line continuation skips the next line's leading whitespace.
                    let rest: String = chars.clone().collect();
                    let skipped = rest.len() - rest.trim_start().len();
                    for _ in 0..rest[..skipped].chars().count() {
                        chars.next();
                    }
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sql_of_each_macro_form() {
        let src = r####"
            let a = strata::query!("SELECT id FROM users WHERE id = $1", id);
            let b = query_as!(User, r#"SELECT "name" FROM users"#);
            let c = strata::query_scalar!(
                "SELECT count(*) \
                 FROM posts"
            );
            let d = format!("not a query!({x})");
        "####;
        let found = scan_rust(src, Path::new("src/main.rs"));
        let sqls: Vec<&str> = found.iter().map(|q| q.sql.as_str()).collect();
        assert_eq!(
            sqls,
            [
                "SELECT id FROM users WHERE id = $1",
                "SELECT \"name\" FROM users",
                "SELECT count(*) FROM posts"
            ]
        );
        assert_eq!(found[0].line, 2);
        assert_eq!(found[2].line, 4);
    }
}
