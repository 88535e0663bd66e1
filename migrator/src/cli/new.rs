//! `strata new NAME`: an up/down pair named with the next UTC timestamp version.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) fn run(dir: &Path, name: &str, no_transaction: bool) -> Result<ExitCode, String> {
    let created = create(dir, name, no_transaction, SystemTime::now())?;
    for path in created {
        println!("created {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn create(
    dir: &Path,
    name: &str,
    no_transaction: bool,
    now: SystemTime,
) -> Result<Vec<PathBuf>, String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!(
            "\"{name}\" cannot be a migration name\n  hint: use letters, digits, _ and -, e.g. add_users_email"
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // After every existing version, even one from a clock ahead of ours.
    let latest = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.split_once('_')?.0.parse::<i64>().ok())
        .max();
    let stamp = utc_timestamp(now);
    let version = match latest {
        Some(v) if v >= stamp => v + 1,
        _ => stamp,
    };
    let up = dir.join(format!("{version}_{name}.up.sql"));
    let down = dir.join(format!("{version}_{name}.down.sql"));
    let header = if no_transaction {
        "-- strata:no-transaction\n-- Runs outside a transaction: one statement per migration is safest.\n"
    } else {
        "-- Runs in one transaction with its history row.\n"
    };
    std::fs::write(&up, header).map_err(|e| format!("cannot write {}: {e}", up.display()))?;
    let undo = format!("-- Undoes {version}_{name}.up.sql.\n");
    std::fs::write(&down, undo).map_err(|e| format!("cannot write {}: {e}", down.display()))?;
    Ok(vec![up, down])
}

/// `YYYYMMDDHHMMSS` in UTC.
pub(crate) fn utc_timestamp(t: SystemTime) -> i64 {
    let (year, month, day, h, m, s) = utc_civil(t);
    ((((year * 100 + month) * 100 + day) * 100 + h) * 100 + m) * 100 + s
}

/// (year, month, day, hour, minute, second) in UTC, without a date library.
pub(crate) fn utc_civil(t: SystemTime) -> (i64, i64, i64, i64, i64, i64) {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_utc_civil_time() {
        assert_eq!(utc_timestamp(UNIX_EPOCH), 19700101000000);
        assert_eq!(utc_timestamp(UNIX_EPOCH + Duration::from_secs(1_709_210_096)), 20240229123456);
    }
}
