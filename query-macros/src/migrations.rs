//! Loads and replays the crate's migrations once per directory and content, however many
//! queries a crate has (the proc-macro stays loaded for the whole compilation).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use proc_macro2::TokenStream;
use quote::quote;
use strata_analyzer::{Catalog, Diagnostic, MigrationSet};

pub struct Loaded {
    pub set: MigrationSet,
    pub catalog: Catalog,
}

type Stamp = Vec<(PathBuf, Option<SystemTime>, u64)>;
type Cache = HashMap<PathBuf, Entry>;

struct Entry {
    stamp: Stamp,
    checked: Instant,
    loaded: Arc<Result<Loaded, Vec<Diagnostic>>>,
}

/// How long a directory's stamp is trusted without looking again. Within one rustc run the files
/// do not change (cargo rebuilds when they do), and stat-ing every file for each of a crate's
/// queries cost more than typing them (500 queries, 200 files: 100,000 stats). A long-lived
/// proc-macro server (rust-analyzer) still sees an edited migration within this time.
const RECHECK_AFTER: Duration = Duration::from_secs(1);

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
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(entry) = cache.get(dir) {
        if entry.checked.elapsed() < RECHECK_AFTER {
            return Arc::clone(&entry.loaded);
        }
    }
    let stamp = stamp(dir);
    if let Some(entry) = cache.get_mut(dir) {
        if entry.stamp == stamp {
            entry.checked = Instant::now();
            return Arc::clone(&entry.loaded);
        }
    }
    let loaded = Arc::new(MigrationSet::load(dir).and_then(|set| {
        let catalog = Catalog::from_migrations(&set).map_err(|d| vec![d])?;
        Ok(Loaded { set, catalog })
    }));
    cache.insert(dir.to_path_buf(), Entry { stamp, checked: Instant::now(), loaded: Arc::clone(&loaded) });
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

/// What makes cargo re-check the crate's queries when a migration changes: an `include_bytes!`
/// of each migration file and the `STRATA_MIGRATIONS`, `STRATA_DATETIME` and `STRATA_NUMERIC` variables. Emitted by the first query of a
/// directory in this compilation only (rustc compiles one crate per process, and the dep-info of
/// one expansion covers the whole crate), so tracking costs nothing per query.
pub fn tracking(dir: &Path, loaded: &Loaded) -> TokenStream {
    static TRACKED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    let mut tracked = TRACKED.lock().unwrap_or_else(|e| e.into_inner());
    if !tracked.get_or_insert_with(HashSet::new).insert(dir.to_path_buf()) {
        return TokenStream::new();
    }
    let files = loaded.set.migrations.iter().map(|m| {
        let path = m.up.path.canonicalize().unwrap_or_else(|_| m.up.path.clone());
        let path = path.to_string_lossy().into_owned();
        quote! { const _: &[u8] = include_bytes!(#path); }
    });
    quote! {
        #(#files)*
        const _: ::std::option::Option<&str> = ::std::option_env!("STRATA_MIGRATIONS");
        const _: ::std::option::Option<&str> = ::std::option_env!("STRATA_DATETIME");
        const _: ::std::option::Option<&str> = ::std::option_env!("STRATA_NUMERIC");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_is_emitted_once_per_directory_and_covers_every_file() {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/migrations"));
        let loaded = load(dir);
        let loaded = loaded.as_ref().as_ref().unwrap_or_else(|e| panic!("{e:?}"));
        let first = tracking(dir, loaded).to_string();
        for m in &loaded.set.migrations {
            let path = m.up.path.canonicalize().unwrap();
            assert!(first.contains(&format!("include_bytes ! ({:?})", path.to_string_lossy())), "{first}");
        }
        assert!(first.contains("STRATA_MIGRATIONS"), "{first}");
        assert!(tracking(dir, loaded).is_empty(), "later queries of the crate track nothing");
    }
}
