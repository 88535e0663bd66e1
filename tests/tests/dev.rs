//! `strata dev`: a throwaway local server (initdb, a free port) with the migrations applied, its
//! URL printed; run again for new migrations; `--stop`. And the `TempServer` it is built on.

use std::path::Path;
use std::process::Command;

use strata::dev::TempServer;
use strata_e2e::{strata_bin, MigrationsDir, Run};

fn strata_dev(dir: &Path, data: &Path, extra: &[&str]) -> Run {
    let out = Command::new(strata_bin())
        .arg("dev")
        .args(extra)
        .arg("--dir")
        .arg(dir)
        .arg("--data")
        .arg(data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A data directory path under /tmp (reachable by user postgres when the tests run as root).
struct DataDir(std::path::PathBuf);

impl DataDir {
    fn new(tag: &str) -> DataDir {
        let path = std::env::temp_dir().join(format!("strata-e2e-dev-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        DataDir(path)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = TempServer::stop(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn dev_starts_a_server_applies_migrations_and_stops() {
    let dir = MigrationsDir::new(&[("1_users.up.sql", "CREATE TABLE users (id bigserial PRIMARY KEY);")]);
    let data = DataDir::new("cli");
    let run = strata_dev(&dir.0, &data.0, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let url = run.stdout.trim().to_string();
    assert!(url.starts_with("postgres://postgres@localhost:") && url.ends_with("/dev"), "{url}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let exists: bool = client.query_one("SELECT to_regclass('users') IS NOT NULL", &[]).unwrap().get(0);
    assert!(exists);
    let with_ledger: bool = client
        .query_one("SELECT count(*) > 0 FROM pg_extension WHERE extname = 'strata'", &[])
        .unwrap()
        .get(0);

    // Again: same server, same URL, the new migration applied (through the ledger when the
    // server has the extension).
    dir.write("2_posts.up.sql", "CREATE TABLE posts (id int);");
    let again = strata_dev(&dir.0, &data.0, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout.trim(), url);
    let posts: bool = client.query_one("SELECT to_regclass('posts') IS NOT NULL", &[]).unwrap().get(0);
    assert_eq!(posts, with_ledger, "{}", again.stderr);
    drop(client);

    let stop = strata_dev(&dir.0, &data.0, &["--stop"]);
    assert_eq!(stop.code, 0, "{}", stop.stderr);
    assert!(stop.stderr.contains("stopped the server"), "{}", stop.stderr);
    assert!(postgres::Client::connect(&url, postgres::NoTls).is_err(), "the server still runs");
    let twice = strata_dev(&dir.0, &data.0, &["--stop"]);
    assert!(twice.stderr.contains("no server is running"), "{}", twice.stderr);
}

#[test]
fn temp_server_stops_when_dropped() {
    let data = DataDir::new("drop");
    let server = TempServer::start(&data.0, None).unwrap();
    let url = server.url("postgres");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let user: String = client.query_one("SELECT current_user::text", &[]).unwrap().get(0);
    assert_eq!(user, "postgres");
    drop(client);
    drop(server);
    assert!(postgres::Client::connect(&url, postgres::NoTls).is_err(), "the server still runs after drop");
}
