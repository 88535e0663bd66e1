//! `strata down`: the down files of the newest applied migrations, newest first, each in its own
//! transaction together with its ledger event (`strata.revert`), with the same timeouts and
//! retries as an up.

use super::attempts::{self, Kind, Step};
use super::conn::Conn;
use super::engine::{plan, Applied, PlanEntry, Status};
use super::lease::Lease;
use super::locate::{failure, statement_offsets};
use super::sql::CLEAN_SESSION;
use super::timeouts::session_set;
use super::{MigrateError, Migration, Migrator};

/// How far `down` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownTo {
    /// Revert every applied migration newer than this version (`--to V`; 0 reverts all).
    Version(i64),
    /// Revert the newest N applied migrations (`--steps N`).
    Steps(usize),
}

/// What would be reverted, newest first, refusing before anything runs: when files and history
/// disagree, or when one of them has no down file.
fn targets<'d>(
    plan: &[PlanEntry],
    downs: &'d [Migration],
    to: DownTo,
) -> Result<Vec<&'d Migration>, MigrateError> {
    let problems: Vec<PlanEntry> = plan.iter().filter(|e| e.status.is_problem()).cloned().collect();
    if !problems.is_empty() {
        return Err(MigrateError::Refused(problems));
    }
    let mut applied: Vec<&PlanEntry> = plan.iter().filter(|e| e.status == Status::Applied).collect();
    applied.sort_by_key(|e| std::cmp::Reverse(e.version));
    let chosen: Vec<&PlanEntry> = match to {
        DownTo::Version(v) => applied.into_iter().filter(|e| e.version > v).collect(),
        DownTo::Steps(n) => applied.into_iter().take(n).collect(),
    };
    let missing: Vec<(i64, String)> = chosen
        .iter()
        .filter(|e| !downs.iter().any(|d| d.version == e.version))
        .map(|e| (e.version, e.name.clone()))
        .collect();
    if !missing.is_empty() {
        return Err(MigrateError::NoDown(missing));
    }
    Ok(chosen.iter().filter_map(|e| downs.iter().find(|d| d.version == e.version)).collect())
}

pub(crate) async fn revert(
    conn: &mut impl Conn,
    migrator: &Migrator,
    lease: &Lease,
    downs: &[Migration],
    to: DownTo,
) -> Result<Vec<Applied>, MigrateError> {
    let plan = plan(conn, migrator).await?;
    let targets = targets(&plan, downs, to)?;
    let mut reverted = Vec::new();
    for (i, down) in targets.iter().enumerate() {
        let step = Step { m: down, kind: Kind::Down, index: i + 1, total: targets.len() };
        reverted.push(attempts::run(conn, migrator, lease, step).await?);
    }
    Ok(reverted)
}

/// A `-- strata:no-transaction` down: its statements one by one, then the ledger event. Not
/// journaled: a failure leaves the statements before it done and the migration recorded as
/// applied, which the error says.
pub(crate) async fn statements(
    conn: &mut impl Conn,
    migrator: &Migrator,
    down: &Migration,
    ledger: &str,
) -> Result<(), MigrateError> {
    for (index, (offset, statement)) in statement_offsets(down).into_iter().enumerate() {
        let set = session_set(&migrator.policy, down, index);
        let result = match conn.batch(&set).await {
            Ok(()) => conn.batch(statement).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            let _ = conn.batch(CLEAN_SESSION).await;
            return Err(failure(down, e, |p| p).at_offset(down, offset));
        }
    }
    conn.batch(&format!("BEGIN;\n{CLEAN_SESSION}{ledger};\nCOMMIT;"))
        .await
        .map_err(MigrateError::db(format!("recording the revert of migration {}", down.version)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: i64, status: Status) -> PlanEntry {
        PlanEntry { version, name: format!("m{version}"), status, applied_at: None }
    }

    fn down(version: i64) -> Migration {
        Migration {
            version,
            name: format!("m{version}").into(),
            sql: "".into(),
            checksum: [0; 32],
            transactional: true,
            statements: Vec::new().into(),
            allows: Vec::new().into(),
            locks: Vec::new().into(),
            timeouts: Default::default(),
        }
    }

    #[test]
    fn newest_first_and_only_applied() {
        let plan = [entry(1, Status::Applied), entry(2, Status::Applied), entry(3, Status::Pending)];
        let downs = [down(1), down(2), down(3)];
        let versions = |to| targets(&plan, &downs, to).unwrap().iter().map(|d| d.version).collect::<Vec<_>>();
        assert_eq!(versions(DownTo::Steps(1)), [2]);
        assert_eq!(versions(DownTo::Steps(5)), [2, 1]);
        assert_eq!(versions(DownTo::Version(1)), [2]);
        assert_eq!(versions(DownTo::Version(0)), [2, 1]);
    }

    #[test]
    fn a_missing_down_refuses_before_anything_runs() {
        let plan = [entry(1, Status::Applied), entry(2, Status::Applied)];
        let err = targets(&plan, &[down(2)], DownTo::Version(0)).unwrap_err();
        assert!(matches!(&err, MigrateError::NoDown(v) if v == &[(1, "m1".to_string())]), "{err}");
        // Reverting only the newest needs only its down.
        assert_eq!(targets(&plan, &[down(2)], DownTo::Steps(1)).unwrap().len(), 1);
    }

    #[test]
    fn a_disagreeing_history_refuses() {
        let plan = [entry(1, Status::ChecksumMismatch), entry(2, Status::Applied)];
        assert!(matches!(
            targets(&plan, &[down(1), down(2)], DownTo::Steps(1)),
            Err(MigrateError::Refused(_))
        ));
    }
}
