//! `strata dev`: a throwaway local Postgres for development and tests, no docker: `initdb` into
//! a directory, a free port, the extension installed when the server has it, the migrations
//! applied, the URL printed (alone on stdout, for `export DATABASE_URL=$(strata dev)`).
//! Runs again to apply new migrations to the same server; `strata dev --stop` stops it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::dev::TempServer;
use crate::schema;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The server's data directory (default: one under the temp directory named after the
    /// migrations directory, so each project gets its own).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Port to listen on (default: a free one).
    #[arg(long)]
    port: Option<u16>,
    /// Stop the dev server.
    #[arg(long)]
    stop: bool,
}

const DATABASE: &str = "dev";

pub(crate) fn run(dir: &Path, args: &Args) -> Result<ExitCode, String> {
    let data = match &args.data {
        Some(d) => d.clone(),
        None => default_data_dir(dir)?,
    };
    if args.stop {
        let stopped = TempServer::stop(&data)?;
        let what = if stopped { "stopped the server in" } else { "no server is running in" };
        eprintln!("strata dev: {what} {}", data.display());
        return Ok(ExitCode::SUCCESS);
    }
    let server = TempServer::start(&data, args.port)?.keep();
    let mut admin = connect(&server.url("postgres"))?;
    let exists = !admin
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&DATABASE])
        .map_err(|e| schema::db_message(&e))?
        .is_empty();
    if !exists {
        admin.batch_execute(&format!("CREATE DATABASE {DATABASE}")).map_err(|e| schema::db_message(&e))?;
    }
    let url = server.url(DATABASE);
    let mut client = connect(&url)?;
    let has_extension = !client
        .query("SELECT 1 FROM pg_available_extensions WHERE name = 'strata'", &[])
        .map_err(|e| schema::db_message(&e))?
        .is_empty();
    if !dir.exists() {
        eprintln!("strata dev: no migrations directory {}: nothing applied", dir.display());
    } else if has_extension {
        let (migrator, _) = super::load(dir)?;
        let applied = migrator.run(&mut client).map_err(|e| e.to_string())?;
        eprintln!("strata dev: applied {} migration(s) with the strata extension", applied.len());
    } else if !exists {
        let set = super::load_files(dir)?;
        for m in &set.migrations {
            schema::apply_up(&mut client, m)?;
        }
        eprintln!(
            "strata dev: the strata extension is not installed on this server: applied {} migration(s) \
             without a ledger (run `strata dev --stop`, delete {} and start again to re-apply)",
            set.migrations.len(),
            data.display()
        );
    } else {
        eprintln!(
            "strata dev: the strata extension is not installed on this server, so new migrations are not \
             applied to an existing dev database (delete {} to start over)",
            data.display()
        );
    }
    eprintln!(
        "strata dev: server in {} on port {} (stop it with `strata dev --stop`)",
        data.display(),
        server.port
    );
    println!("{url}");
    Ok(ExitCode::SUCCESS)
}

fn connect(url: &str) -> Result<postgres::Client, String> {
    postgres::Client::connect(url, postgres::NoTls)
        .map_err(|e| format!("cannot connect to the dev server: {e}"))
}

/// `<tmp>/strata-dev-<hash of the migrations directory's absolute path>`: stable across runs, so
/// `strata dev --stop` finds the server, and reachable by user postgres when run as root.
fn default_data_dir(dir: &Path) -> Result<PathBuf, String> {
    let absolute = std::path::absolute(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // FNV-1a: stable across Rust releases, unlike the std hasher.
    let hash = absolute
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    Ok(std::env::temp_dir().join(format!("strata-dev-{hash:016x}")))
}
