//! Migration files as they are at a git ref, read with `git ls-tree` / `git show` (no checkout,
//! the working tree is never touched).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use strata_analyzer::MigrationSet;

/// A migration set read from a ref, in a temporary directory removed on drop.
pub(crate) struct AtRef {
    pub set: MigrationSet,
    dir: PathBuf,
    /// `REV:path/in/repo/` for messages, in place of the temporary directory.
    label: String,
}

impl AtRef {
    /// A message about the files with their temporary paths shown as `REV:path`.
    pub fn relabel(&self, message: &str) -> String {
        message.replace(&format!("{}/", self.dir.display()), &self.label)
    }
}

impl Drop for AtRef {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn git(cwd: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(cwd)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}\n  hint: install git, or run without a git ref"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// The migrations in `dir` (a directory of the working tree) as they were at `rev`.
pub(crate) fn migrations_at(dir: &Path, rev: &str) -> Result<AtRef, String> {
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_string();
    let root = PathBuf::from(text(git(dir, &["rev-parse", "--show-toplevel"])?));
    let prefix = text(git(dir, &["rev-parse", "--show-prefix"])?);
    let commit =
        text(git(&root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(
            |_| format!("{rev} is not a commit of this repository\n  hint: a tag, a branch or a commit hash"),
        )?);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let safe: String = rev.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let tmp = std::env::temp_dir().join(format!("strata-{safe}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let tree = format!("{commit}:{prefix}");
    // A directory that did not exist at the ref holds no migrations there.
    let listing = git(&root, &["ls-tree", "-z", &tree]);
    for entry in listing.unwrap_or_default().split(|b| *b == 0).filter(|e| !e.is_empty()) {
        // "<mode> <type> <object>\t<name>"
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, name)) = entry.split_once('\t') else { continue };
        if !meta.contains(" blob ") || !name.ends_with(".sql") {
            continue;
        }
        let content = git(&root, &["show", &format!("{commit}:{prefix}{name}")])?;
        std::fs::write(tmp.join(name), content).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    let set = MigrationSet::load(&tmp).map_err(|errors| {
        let mut text = format!("{} problem(s) in the migrations at {rev}:", errors.len());
        for e in errors {
            let e = e.to_string().replace(&format!("{}/", tmp.display()), &format!("{rev}:{prefix}"));
            text.push_str(&format!("\n{e}"));
        }
        let _ = std::fs::remove_dir_all(&tmp);
        text
    })?;
    Ok(AtRef { set, dir: tmp, label: format!("{rev}:{prefix}") })
}
