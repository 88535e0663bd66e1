//! The crate's checked queries for `strata explain` without `--queries`: the same scan the lint
//! uses (`lint::queries::scan_crate`), so both read a crate's `query!` SQL alike.

use std::path::Path;

use strata_analyzer::lint::queries::scan_crate;

/// `(file:line, sql)` for each checked query of the crate at `root`, in file order.
pub(super) fn collect(root: &Path) -> Result<Vec<(String, String)>, String> {
    let queries: Vec<(String, String)> = scan_crate(root)
        .into_iter()
        .map(|q| {
            let shown = q.file.strip_prefix(root).unwrap_or(&q.file).display().to_string();
            (format!("{shown}:{}", q.line), q.sql)
        })
        .collect();
    if queries.is_empty() {
        return Err(format!(
            "no query!(\"…\") in the Rust sources of the crate at {}\n  hint: pass the queries with --queries FILE, or the crate (the directory with its Cargo.toml) with --crate DIR",
            root.display()
        ));
    }
    Ok(queries)
}
