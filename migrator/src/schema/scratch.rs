//! A throwaway database on a given server: created empty, dropped (even if sessions linger)
//! when the value is dropped.

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// A database of its own, made with `CREATE DATABASE` on the server a URL names.
pub struct ScratchDb {
    pub name: String,
    server: postgres::Config,
}

impl ScratchDb {
    /// Creates `<prefix>_<pid>_<time>` on the server of `url` (whose own database is only used to
    /// connect from).
    pub fn create(url: &str, prefix: &str) -> Result<ScratchDb, String> {
        let server = postgres::Config::from_str(url)
            .map_err(|e| format!("cannot read the database URL: {e}\n  hint: postgres://user@host/db"))?;
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("{prefix}_{}_{nanos}", std::process::id());
        let mut admin = connect(&server)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}")).map_err(|e| {
            format!(
                "cannot create the throwaway database {name}: {}\n  hint: the role needs CREATEDB \
                 (ALTER ROLE … CREATEDB), or point --database-url at a server where it has it",
                db_message(&e)
            )
        })?;
        Ok(ScratchDb { name, server })
    }

    pub fn config(&self) -> postgres::Config {
        let mut config = self.server.clone();
        config.dbname(&self.name);
        config
    }

    pub fn connect(&self) -> Result<postgres::Client, String> {
        connect(&self.config())
    }

    /// A libpq-style connection string for the database (for messages and other tools).
    pub fn url(&self) -> String {
        let config = self.config();
        let mut parts = Vec::new();
        for host in config.get_hosts() {
            match host {
                postgres::config::Host::Tcp(h) => parts.push(format!("host={h}")),
                #[cfg(unix)]
                postgres::config::Host::Unix(p) => parts.push(format!("host={}", p.display())),
            }
        }
        if let Some(port) = config.get_ports().first() {
            parts.push(format!("port={port}"));
        }
        if let Some(user) = config.get_user() {
            parts.push(format!("user={user}"));
        }
        parts.push(format!("dbname={}", self.name));
        parts.join(" ")
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = connect(&self.server) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

fn connect(config: &postgres::Config) -> Result<postgres::Client, String> {
    config.connect(postgres::NoTls).map_err(|e| {
        format!("cannot connect to the database: {e}\n  hint: check DATABASE_URL / --database-url")
    })
}

pub(crate) fn db_message(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |d| format!("{} (SQLSTATE {})", d.message(), d.code().code()))
}
