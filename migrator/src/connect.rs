//! Connecting as every Postgres tool does: a URL or `key=value` string, the libpq environment
//! (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGAPPNAME`, `PGSSLMODE`,
//! `PGSSLROOTCERT`), `~/.pgpass` (or `PGPASSFILE`), TLS by `sslmode` as libpq reads it (via
//! native-tls), and errors that keep the server's reason.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use tokio_postgres::config::Host;

/// A blocking client for `url` (may be empty: then the environment alone, as `psql` does).
pub fn connect(url: &str) -> Result<postgres::Client, String> {
    Target::new(url)?.connect()
}

/// Where to connect and how, read once from the string and the libpq environment, so that a
/// second connection (the lease heartbeat) is made exactly as the first.
#[derive(Clone)]
pub struct Target {
    config: postgres::Config,
    tls: Tls,
}

impl Target {
    pub fn new(url: &str) -> Result<Target, String> {
        let env = |k: &str| std::env::var(k).ok();
        let (url, tls) = tls_settings(url, &env)?;
        Ok(Target { config: config(&url, &env)?, tls })
    }

    pub fn connect(&self) -> Result<postgres::Client, String> {
        let mut config = self.config.clone();
        // As libpq: sslmode does not apply to Unix-domain sockets (Postgres has no TLS there), so
        // no TLS connector is built for them (loading the system's root certificates costs more
        // CPU than the rest of a `strata up` that has nothing to do).
        let unix_only =
            !config.get_hosts().is_empty() && config.get_hosts().iter().all(|h| !matches!(h, Host::Tcp(_)));
        let connected = match self.tls.mode.as_str() {
            _ if unix_only => config.connect(postgres::NoTls),
            "disable" => config.connect(postgres::NoTls),
            mode => {
                config.ssl_mode(match mode {
                    "allow" | "prefer" => postgres::config::SslMode::Prefer,
                    _ => postgres::config::SslMode::Require,
                });
                config.connect(self.tls.connector()?)
            }
        };
        connected.map_err(|e| self.cannot_connect(&e))
    }

    /// The same server, user and TLS, another database.
    pub fn with_dbname(&self, dbname: &str) -> Target {
        let mut config = self.config.clone();
        config.dbname(dbname);
        Target { config, tls: self.tls.clone() }
    }

    /// An async client made the same way; its connection task is spawned on the current tokio
    /// runtime.
    pub async fn connect_async(&self) -> Result<tokio_postgres::Client, String> {
        let c = &self.config;
        let mut config = tokio_postgres::Config::new();
        for host in c.get_hosts() {
            match host {
                Host::Tcp(h) => config.host(h),
                #[cfg(unix)]
                Host::Unix(p) => config.host_path(p),
            };
        }
        for port in c.get_ports() {
            config.port(*port);
        }
        if let Some(user) = c.get_user() {
            config.user(user);
        }
        if let Some(password) = c.get_password() {
            config.password(password);
        }
        if let Some(dbname) = c.get_dbname() {
            config.dbname(dbname);
        }
        if let Some(name) = c.get_application_name() {
            config.application_name(name);
        }
        if let Some(options) = c.get_options() {
            config.options(options);
        }
        if let Some(timeout) = c.get_connect_timeout() {
            config.connect_timeout(*timeout);
        }
        let client = match self.tls.mode.as_str() {
            "disable" => config.connect(tokio_postgres::NoTls).await.map(|(client, connection)| {
                tokio::spawn(connection);
                client
            }),
            mode => {
                config.ssl_mode(match mode {
                    "allow" | "prefer" => tokio_postgres::config::SslMode::Prefer,
                    _ => tokio_postgres::config::SslMode::Require,
                });
                config.connect(self.tls.connector()?).await.map(|(client, connection)| {
                    tokio::spawn(connection);
                    client
                })
            }
        };
        client.map_err(|e| self.cannot_connect(&e))
    }

    fn cannot_connect(&self, e: &tokio_postgres::Error) -> String {
        format!(
            "cannot connect to {}: {}\n  hint: check DATABASE_URL / --database-url (or PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)",
            describe_target(&self.config),
            describe(e)
        )
    }
}

/// What libpq's `sslmode` and `sslrootcert` ask for; tokio-postgres knows only
/// disable/prefer/require, so these are taken out of the string and applied here.
#[derive(Clone)]
pub struct Tls {
    pub mode: String,
    pub root_cert: Option<PathBuf>,
}

impl Tls {
    fn connector(&self) -> Result<postgres_native_tls::MakeTlsConnector, String> {
        let mut builder = native_tls::TlsConnector::builder();
        match self.mode.as_str() {
            // As libpq: encryption without checking who is at the other end.
            "allow" | "prefer" | "require" if self.root_cert.is_none() => {
                builder.danger_accept_invalid_certs(true).danger_accept_invalid_hostnames(true);
            }
            "allow" | "prefer" | "require" | "verify-ca" => {
                builder.danger_accept_invalid_hostnames(true);
            }
            _ => {}
        }
        if let Some(path) = &self.root_cert {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?;
            let cert = native_tls::Certificate::from_pem(&pem)
                .map_err(|e| format!("sslrootcert {} is not a PEM certificate: {e}", path.display()))?;
            builder.add_root_certificate(cert);
        }
        let connector = builder.build().map_err(|e| format!("cannot set up TLS: {e}"))?;
        Ok(postgres_native_tls::MakeTlsConnector::new(connector))
    }
}

/// Takes `sslmode` and `sslrootcert` out of a URL's query or a `key=value` string, falling back
/// to `PGSSLMODE` / `PGSSLROOTCERT` (default `prefer`, as libpq).
pub fn tls_settings(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<(String, Tls), String> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: &str| match key {
        "sslmode" => {
            mode = Some(value.to_string());
            true
        }
        "sslrootcert" => {
            root_cert = Some(PathBuf::from(value));
            true
        }
        _ => false,
    };
    let rest = if let Some((base, query)) = url.split_once('?').filter(|_| url.contains("://")) {
        let kept: Vec<&str> =
            query.split('&').filter(|p| !p.split_once('=').is_some_and(|(k, v)| take(k, v))).collect();
        if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        }
    } else if url.contains("://") {
        url.to_string()
    } else {
        url.split_whitespace()
            .filter(|p| !p.split_once('=').is_some_and(|(k, v)| take(k.trim(), v.trim_matches('\'').trim())))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mode = mode.or_else(|| env("PGSSLMODE")).unwrap_or_else(|| "prefer".into());
    if !["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(&mode.as_str()) {
        return Err(format!(
            "sslmode \"{mode}\" is not one of disable, allow, prefer, require, verify-ca, verify-full"
        ));
    }
    let root_cert = root_cert.or_else(|| env("PGSSLROOTCERT").map(PathBuf::from));
    Ok((rest, Tls { mode, root_cert }))
}

/// The connection settings: the string's, then the environment's for what it leaves out, then
/// the password from the password file.
pub fn config(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<postgres::Config, String> {
    let mut config = if url.trim().is_empty() {
        postgres::Config::new()
    } else {
        postgres::Config::from_str(url)
            .map_err(|e| format!("the connection string is not valid: {}", describe(&e)))?
    };
    if config.get_hosts().is_empty() {
        let hosts = env("PGHOST").unwrap_or_else(|| "/var/run/postgresql".into());
        for host in hosts.split(',') {
            config.host(host);
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = env("PGPORT") {
            let port = port.parse().map_err(|_| format!("PGPORT \"{port}\" is not a port number"))?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = env("PGUSER").or_else(|| os_user(env)).unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        if let Some(db) = env("PGDATABASE") {
            config.dbname(&db);
        }
    }
    if config.get_application_name().is_none() {
        config.application_name(&env("PGAPPNAME").unwrap_or_else(|| "strata".into()));
    }
    if config.get_password().is_none() {
        if let Some(password) = env("PGPASSWORD") {
            config.password(password);
        } else if let Some(password) = pgpass(&config, env) {
            config.password(password);
        }
    }
    Ok(config)
}

/// The password for this host, port, database and user from `PGPASSFILE` or `~/.pgpass`.
/// The operating-system user, which libpq takes when no user is given. `$USER` is not set in
/// every environment (cron, containers, CI runners), so the effective uid is looked up too.
fn os_user(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(user) = env("USER").or_else(|| env("LOGNAME")) {
        return Some(user);
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?.split_whitespace().nth(1)?.to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 2 && fields[2] == uid).then(|| fields[0].to_string())
    })
}

fn pgpass(config: &postgres::Config, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let file = env("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".pgpass")))?;
    let text = std::fs::read_to_string(&file).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            eprintln!(
                "strata: warning: password file \"{}\" has group or world access; it is ignored (chmod 0600 it)",
                file.display()
            );
            return None;
        }
    }
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        // libpq matches socket connections as "localhost".
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let db = config.get_dbname().map(str::to_string).or_else(|| config.get_user().map(str::to_string))?;
    let user = config.get_user()?.to_string();
    text.lines().filter(|l| !l.trim_start().starts_with('#')).find_map(|line| {
        let fields = split_pgpass(line);
        let [h, p, d, u, pw] = <[String; 5]>::try_from(fields).ok()?;
        let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        (matches(&h, &host) && matches(&p, &port) && matches(&d, &db) && matches(&u, &user)).then_some(pw)
    })
}

/// `host:port:db:user:password` with `\:` and `\\` escapes.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().unwrap().extend(chars.next()),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// `host:port/db as user`, never the password.
fn describe_target(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("?");
    let db = config.get_dbname().unwrap_or(user);
    format!("{host}:{port}/{db} as {user}")
}

/// The whole reason: the server's message, detail and hint with its SQLSTATE, or the chain of
/// I/O and TLS causes (one definition, shared with the migration engine's errors).
pub use crate::migrate::describe;

/// Sets the variables of a `.env` file in the current directory that the environment does not
/// set already (`KEY=value`, `export KEY=value`, quotes, `#` comments).
pub fn load_dotenv(path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim();
        let value = value.trim();
        let value = match (value.chars().next(), value.chars().last()) {
            (Some(q @ ('"' | '\'')), Some(e)) if q == e && value.len() >= 2 => &value[1..value.len() - 1],
            _ => value.split(" #").next().unwrap_or(value).trim(),
        };
        if !key.is_empty() && std::env::var_os(key).is_none() {
            std::env::set_var(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_fills_what_the_string_leaves_out() {
        let env = |k: &str| match k {
            "PGHOST" => Some("db.internal".to_string()),
            "PGPORT" => Some("6543".to_string()),
            "PGUSER" => Some("app".to_string()),
            "PGDATABASE" => Some("shop".to_string()),
            "PGPASSWORD" => Some("s3cret".to_string()),
            _ => None,
        };
        let c = config("", &env).unwrap();
        assert_eq!(describe_target(&c), "db.internal:6543/shop as app");
        assert_eq!(c.get_password(), Some(&b"s3cret"[..]));
        let c = config("postgres://other@h2:5000/x", &env).unwrap();
        assert_eq!(describe_target(&c), "h2:5000/x as other");
    }

    #[test]
    fn sslmode_is_read_from_the_string_or_the_environment() {
        let none = |_: &str| None;
        let (rest, tls) =
            tls_settings("postgres://u@h/db?sslmode=verify-full&application_name=x", &none).unwrap();
        assert_eq!(
            (rest.as_str(), tls.mode.as_str()),
            ("postgres://u@h/db?application_name=x", "verify-full")
        );
        let (rest, tls) = tls_settings("host=h sslmode=require user=u", &none).unwrap();
        assert_eq!((rest.as_str(), tls.mode.as_str()), ("host=h user=u", "require"));
        let env = |k: &str| (k == "PGSSLMODE").then(|| "disable".to_string());
        assert_eq!(tls_settings("postgres://h/db", &env).unwrap().1.mode, "disable");
        assert_eq!(tls_settings("", &none).unwrap().1.mode, "prefer");
        assert!(tls_settings("host=h sslmode=always", &none).is_err());
    }

    #[test]
    fn pgpass_lines_match_with_wildcards_and_escapes() {
        assert_eq!(split_pgpass(r"h:5432:*:u:pa\:ss"), ["h", "5432", "*", "u", "pa:ss"]);
        let dir = std::env::temp_dir().join(format!("strata-pgpass-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pgpass");
        std::fs::write(&file, "# comment\nother:*:*:*:no\ndb.internal:*:shop:app:yes\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let path = file.display().to_string();
        let env = |k: &str| match k {
            "PGPASSFILE" => Some(path.clone()),
            _ => None,
        };
        let c = config("host=db.internal user=app dbname=shop", &env).unwrap();
        assert_eq!(c.get_password(), Some(&b"yes"[..]));
        let c = config("host=db.internal user=app dbname=else", &env).unwrap();
        assert_eq!(c.get_password(), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
