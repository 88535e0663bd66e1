//! A real PgBouncer (Debian's `pgbouncer` package) in transaction pooling mode in front of the
//! test server, on a free loopback port, for as long as the value lives.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{DB_OWNER, DEPLOYER, PASSWORD, READER};

pub struct Bouncer {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

/// Where the test server listens: (host or socket directory, port), from STRATA_TEST_URL.
fn server() -> (String, u16) {
    let config: postgres::Config = crate::server_url("postgres").parse().unwrap();
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "/var/run/postgresql".to_string(),
    };
    (host, config.get_ports().first().copied().unwrap_or(5432))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Bouncer {
    /// `pool_size` server connections per database and user: fewer than the clients, so
    /// consecutive transactions of one client do land on different server connections.
    pub fn start(pool_size: usize) -> Bouncer {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = std::env::temp_dir().join(format!("strata-pgbouncer-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (host, server_port) = server();
        let users: String =
            [DEPLOYER, READER, DB_OWNER].iter().map(|u| format!("\"{u}\" \"{PASSWORD}\"\n")).collect();
        std::fs::write(dir.join("userlist.txt"), users).unwrap();
        let ini = format!(
            "[databases]\n* = host={host} port={server_port}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n\
             listen_port = {port}\nunix_socket_dir =\nauth_type = md5\nauth_file = {auth}\n\
             pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 200\n\
             ignore_startup_parameters = extra_float_digits,options\n",
            auth = dir.join("userlist.txt").display()
        );
        std::fs::File::create(dir.join("pgbouncer.ini")).unwrap().write_all(ini.as_bytes()).unwrap();
        let log = std::fs::File::create(dir.join("pgbouncer.log")).unwrap();
        let ini_path = dir.join("pgbouncer.ini");
        // PgBouncer refuses to run as root.
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "pgbouncer"]);
            c
        } else {
            Command::new("pgbouncer")
        };
        let child = command
            .arg(&ini_path)
            .env("PATH", format!("{}:/usr/sbin:/sbin", std::env::var("PATH").unwrap_or_default()))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("pgbouncer is installed (apt-get install pgbouncer; scripts/setup does)");
        let bouncer = Bouncer { child, dir, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(10), "pgbouncer did not start: {}", bouncer.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        bouncer
    }

    /// A connection string through the pooler, as `role`, to database `dbname`.
    pub fn url(&self, dbname: &str, role: &str) -> String {
        format!("host=127.0.0.1 port={} dbname={dbname} user={role} password={PASSWORD}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        // runuser forwards the signal to pgbouncer.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
