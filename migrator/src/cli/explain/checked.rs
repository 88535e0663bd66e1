//! The crate's checked queries: the SQL string literal of every `query!(…)` in its Rust sources,
//! for `strata explain` without `--queries`.

use std::path::{Path, PathBuf};

/// `(file:line, sql)` for each `query!("…")` under `root`'s `src/`, `examples/`, `tests/` and
/// `benches/`, in file order.
pub(super) fn collect(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    for dir in ["src", "examples", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut queries = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let mut from = 0;
        while let Some(i) = text[from..].find("query!(") {
            let start = from + i + "query!(".len();
            from = start;
            let before = text[..from - "query!(".len()].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(sql) = string_literal(text[start..].trim_start()) {
                let line = text[..start].matches('\n').count() + 1;
                let shown = file.strip_prefix(root).unwrap_or(&file).display().to_string();
                queries.push((format!("{shown}:{line}"), sql));
            }
        }
    }
    if queries.is_empty() {
        return Err(format!(
            "no query!(\"…\") in the Rust sources under {}\n  hint: pass the queries with --queries FILE, or the crate with --crate DIR",
            root.display()
        ));
    }
    Ok(queries)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The value of a Rust string literal at the start of `text`: `"…"` with escapes, or `r#"…"#`.
fn string_literal(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let end = body.find(&format!("\"{}", "#".repeat(hashes)))?;
        return Some(body[..end].to_string());
    }
    let body = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
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
            other => out.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_escaped_and_raw_literals() {
        assert_eq!(string_literal(r#""SELECT \"a\" FROM t", x)"#).as_deref(), Some("SELECT \"a\" FROM t"));
        assert_eq!(string_literal("\"SELECT 1 \\\n    FROM t\")").as_deref(), Some("SELECT 1 FROM t"));
        assert_eq!(string_literal(r###"r#"SELECT "x" FROM t"#)"###).as_deref(), Some(r#"SELECT "x" FROM t"#));
        assert_eq!(string_literal("sql)"), None);
    }
}
