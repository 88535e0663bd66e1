//! Loads and replays the crate's migrations once per directory and content, however many
//! queries a crate has (the proc-macro stays loaded for the whole compilation).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use strata_analyzer::{Catalog, Diagnostic, MigrationSet};

pub struct Loaded {
    pub set: MigrationSet,
    pub catalog: Catalog,
}

type Stamp = Vec<(PathBuf, Option<SystemTime>, u64)>;
type Cache = HashMap<PathBuf, (Stamp, Arc<Result<Loaded, Vec<Diagnostic>>>)>;

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

/// `$CARGO_MANIFEST_DIR/<dir>`, where `dir` defaults to `$STRATA_MIGRATIONS` or `migrations`.
pub fn resolve_dir(dir: Option<&str>) -> PathBuf {
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    let dir = dir
        .map(str::to_string)
        .or_else(|| std::env::var("STRATA_MIGRATIONS").ok())
        .unwrap_or_else(|| "migrations".to_string());
    root.join(dir)
}

pub fn load(dir: &Path) -> Arc<Result<Loaded, Vec<Diagnostic>>> {
    let stamp = stamp(dir);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some((s, loaded)) = cache.get(dir) {
        if *s == stamp {
            return Arc::clone(loaded);
        }
    }
    let loaded = Arc::new(MigrationSet::load(dir).and_then(|set| {
        let catalog = Catalog::from_migrations(&set).map_err(|d| vec![d])?;
        Ok(Loaded { set, catalog })
    }));
    cache.insert(dir.to_path_buf(), (stamp, Arc::clone(&loaded)));
    loaded
}

fn stamp(dir: &Path) -> Stamp {
    let mut stamp: Stamp = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let meta = e.metadata().ok();
            (e.path(), meta.as_ref().and_then(|m| m.modified().ok()), meta.map_or(0, |m| m.len()))
        })
        .collect();
    stamp.sort();
    stamp
}

/// Diagnostics about migration files, one line each, for a compile error.
pub fn describe_errors(dir: &Path, errors: &[Diagnostic]) -> String {
    let mut text = format!("strata: the migrations in {} have errors:", dir.display());
    for e in errors {
        text.push_str("\n  ");
        text.push_str(&e.to_string().replace('\n', "\n  "));
    }
    text
}
