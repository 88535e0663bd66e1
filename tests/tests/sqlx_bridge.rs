//! `strata prepare --sqlx`: an unchanged sqlx 0.8 app (tests/sqlx-bridge) builds with
//! SQLX_OFFLINE=true from the `.sqlx/` files strata writes from the migrations, with no database,
//! and then runs against the real one. Builds the app for real, in its own target dir.

use std::path::Path;
use std::process::Command;

use strata_e2e::{strata_bin, TestDb};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn build_offline(app: &Path) -> (bool, String) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--offline", "--manifest-path"])
        .arg(app.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", app.parent().unwrap().join("target"))
        .env("SQLX_OFFLINE", "true")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn strata(app: &Path, args: &[&str], url: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(strata_bin());
    cmd.args(args).arg("--dir").arg(app.join("migrations")).env_remove("DATABASE_URL");
    if let Some(url) = url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// sqlx takes only URLs: the libpq `key=value` string of the test database as one.
fn as_url(conninfo: &str) -> String {
    let get = |key: &str| {
        conninfo.split_whitespace().find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=').map(str::to_string))
    };
    let encode = |s: &str| s.replace('%', "%25").replace('/', "%2F").replace(':', "%3A").replace('@', "%40");
    let host = get("host").unwrap_or_else(|| "localhost".into());
    let auth = match (get("user"), get("password")) {
        (Some(u), Some(p)) => format!("{}:{}@", encode(&u), encode(&p)),
        (Some(u), None) => format!("{}@", encode(&u)),
        _ => String::new(),
    };
    let port = get("port").map(|p| format!(":{p}")).unwrap_or_default();
    format!("postgres://{auth}{}{port}/{}", encode(&host), get("dbname").unwrap_or_default())
}

#[test]
fn an_unchanged_sqlx_app_builds_offline_from_the_files_strata_prepares() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let app = workspace.join("target/sqlx-bridge/app");
    let _ = std::fs::remove_dir_all(&app);
    copy_dir(&workspace.join("tests/sqlx-bridge"), &app);

    // Without offline data (and no database) sqlx cannot build it: the test is not vacuous.
    let (ok, stderr) = build_offline(&app);
    assert!(!ok, "sqlx needs its offline data");
    assert!(stderr.contains("SQLX_OFFLINE") || stderr.contains("DATABASE_URL"), "{stderr}");

    let (code, stdout, stderr) = strata(&app, &["prepare", "--sqlx", "--crate", app.to_str().unwrap()], None);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("prepared 4 sqlx queries"), "{stdout}");
    let (ok, stderr) = build_offline(&app);
    assert!(ok, "the app builds from strata's files: {stderr}");

    // And it runs on the real database the migrations built.
    let db = TestDb::new();
    let (code, stdout, stderr) = strata(&app, &["up"], Some(&db.url()));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let exe = app.parent().unwrap().join("target/debug/sqlx-bridge");
    let out = Command::new(exe).env("DATABASE_URL", as_url(&db.url())).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1 ada None Some(\"first\") Some([\"a\"]) 1");

    // A query the migrations cannot type is reported at its place, and its stale file goes.
    let main = app.join("src/main.rs");
    let text = std::fs::read_to_string(&main)
        .unwrap()
        .replace("SELECT id, handle, bio FROM", "SELECT id, handle, bio, nope FROM");
    std::fs::write(&main, text).unwrap();
    let (code, stdout, stderr) = strata(&app, &["prepare", "--sqlx", "--crate", app.to_str().unwrap()], None);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("src/main.rs:") && stderr.contains("column \"nope\" does not exist"), "{stderr}");
    assert!(
        stdout.contains("prepared 3 sqlx queries") && stdout.contains("removed 1 stale file"),
        "{stdout}"
    );
}
