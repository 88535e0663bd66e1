//! A throwaway Postgres: `initdb` into a directory, started with `pg_ctl` on a free localhost
//! port (socket in the data directory), trust authentication for user `postgres`, durability
//! off (it is for development and tests). Stopped on drop unless [`TempServer::keep`] is called.
//! `initdb` refuses to run as root, so as root every server command runs as user `postgres`
//! (`runuser`), which then owns the data directory.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TempServer {
    pub data_dir: PathBuf,
    pub port: u16,
    bin_dir: PathBuf,
    run_as: Option<String>,
    stop_on_drop: bool,
}

const SETTINGS: &str = "-c listen_addresses=localhost -c fsync=off -c synchronous_commit=off \
                        -c full_page_writes=off";

impl TempServer {
    /// Starts the server in `data_dir`, initialising it first if empty; reuses a server already
    /// running there. `port`: `None` picks a free one.
    pub fn start(data_dir: &Path, port: Option<u16>) -> Result<TempServer, String> {
        let bin_dir = bin_dir()?;
        let run_as = if is_root() { Some("postgres".to_string()) } else { None };
        let data_dir = absolute(data_dir)?;
        let mut server = TempServer { data_dir, port: 0, bin_dir, run_as, stop_on_drop: true };
        if let Some(port) = server.running_port() {
            server.port = port;
            server.stop_on_drop = false;
            return Ok(server);
        }
        if !server.data_dir.join("PG_VERSION").exists() {
            server.init()?;
        }
        server.port = match port {
            Some(p) => p,
            None => free_port()?,
        };
        let options = format!("-p {} -k {} {SETTINGS}", server.port, server.data_dir.display());
        let log = server.data_dir.join("server.log");
        server
            .run(
                "pg_ctl",
                &[
                    "-D",
                    &server.path(),
                    "-l",
                    &log.display().to_string(),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    &options,
                    "start",
                ],
            )
            .map_err(|e| format!("{e}\n  see {}", log.display()))?;
        Ok(server)
    }

    /// Leaves the server running when this value is dropped.
    pub fn keep(mut self) -> Self {
        self.stop_on_drop = false;
        self
    }

    /// A connection string for `dbname` as the superuser `postgres`.
    pub fn url(&self, dbname: &str) -> String {
        format!("postgres://postgres@localhost:{}/{dbname}", self.port)
    }

    /// Stops the server running in `data_dir`, if any. `Ok(false)`: none was running.
    pub fn stop(data_dir: &Path) -> Result<bool, String> {
        let server = TempServer {
            data_dir: absolute(data_dir)?,
            port: 0,
            bin_dir: bin_dir()?,
            run_as: if is_root() { Some("postgres".to_string()) } else { None },
            stop_on_drop: false,
        };
        if server.running_port().is_none() {
            return Ok(false);
        }
        server.run("pg_ctl", &["-D", &server.path(), "-m", "fast", "-w", "stop"])?;
        Ok(true)
    }

    fn init(&self) -> Result<(), String> {
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", self.data_dir.display()))?;
        if let Some(user) = &self.run_as {
            let owner = format!("{user}:");
            let out = Command::new("chown").args(["-R", &owner]).arg(&self.data_dir).output();
            if !out.as_ref().is_ok_and(|o| o.status.success()) {
                return Err(format!("cannot give {} to user {user}", self.data_dir.display()));
            }
        }
        self.run(
            "initdb",
            &[
                "-D",
                &self.path(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        )
        .map_err(|e| {
            format!(
                "{e}\n  hint: as root the server runs as user postgres, which must be able to reach {}",
                self.data_dir.display()
            )
        })
    }

    /// The port of the server running in the data directory (`postmaster.pid`, line 4), if any.
    fn running_port(&self) -> Option<u16> {
        let status = self.run("pg_ctl", &["-D", &self.path(), "status"]);
        status.ok()?;
        let pid_file = std::fs::read_to_string(self.data_dir.join("postmaster.pid")).ok()?;
        pid_file.lines().nth(3)?.trim().parse().ok()
    }

    fn path(&self) -> String {
        self.data_dir.display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let program = self.bin_dir.join(tool);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        // Run from a directory the server's user can read, whatever the caller's is.
        let out = command
            .args(args)
            .current_dir(self.data_dir.parent().unwrap_or(Path::new("/")))
            .output()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        if out.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        Err(format!(
            "{tool} failed: {}",
            if stderr.trim().is_empty() { stdout.trim() } else { stderr.trim() }
        ))
    }
}

impl Drop for TempServer {
    fn drop(&mut self) {
        if self.stop_on_drop {
            let _ = self.run("pg_ctl", &["-D", &self.path(), "-m", "immediate", "-w", "stop"]);
        }
    }
}

/// Where `initdb` and `pg_ctl` are: `pg_config --bindir`, else the newest Debian
/// `/usr/lib/postgresql/<major>/bin`, else whatever `PATH` has.
fn bin_dir() -> Result<PathBuf, String> {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && dir.join("pg_ctl").exists() {
            return Ok(dir);
        }
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    debian.sort_by_key(|p| p.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()));
    if let Some(dir) = debian.pop() {
        return Ok(dir);
    }
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).find(|p| p.join("pg_ctl").exists()))
        .ok_or_else(|| "cannot find initdb and pg_ctl\n  hint: install the Postgres server (apt-get install postgresql-15), or put its bin directory on PATH".to_string())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("cannot find a free port: {e}"))
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))
}
