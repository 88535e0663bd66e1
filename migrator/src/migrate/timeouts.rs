//! Each statement's `lock_timeout` and `statement_timeout`. The lock timeout is chosen by the lock
//! the statement takes (short where a queued lock stalls every reader of the table, none for
//! CONCURRENTLY builds, which must wait out old transactions), unless the migration says otherwise
//! (`-- strata:lock-timeout 5s`) or the runner does (`--lock-timeout`). They are set with
//! `SET LOCAL` inside the migration's transaction, so nothing outlives it.

use std::borrow::Cow;
use std::time::Duration;

use super::Migration;

/// Table-level lock modes, weakest first, as the lint's lock table names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl LockMode {
    pub const ALL: [LockMode; 8] = [
        LockMode::AccessShare,
        LockMode::RowShare,
        LockMode::RowExclusive,
        LockMode::ShareUpdateExclusive,
        LockMode::Share,
        LockMode::ShareRowExclusive,
        LockMode::Exclusive,
        LockMode::AccessExclusive,
    ];

    /// As `pg_locks.mode` shows it: `AccessExclusiveLock`.
    pub fn pg_locks_name(self) -> &'static str {
        match self {
            LockMode::AccessShare => "AccessShareLock",
            LockMode::RowShare => "RowShareLock",
            LockMode::RowExclusive => "RowExclusiveLock",
            LockMode::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            LockMode::Share => "ShareLock",
            LockMode::ShareRowExclusive => "ShareRowExclusiveLock",
            LockMode::Exclusive => "ExclusiveLock",
            LockMode::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// Whether a session holding `held` makes a request for `self` wait (the conflict table of
    /// the Postgres documentation, "Explicit Locking").
    pub fn conflicts_with(self, held: LockMode) -> bool {
        // Bit i: conflicts with the i-th mode of ALL.
        let conflicts: u8 = match self {
            LockMode::AccessShare => 0b1000_0000,
            LockMode::RowShare => 0b1100_0000,
            LockMode::RowExclusive => 0b1111_0000,
            LockMode::ShareUpdateExclusive => 0b1111_1000,
            LockMode::Share => 0b1110_1100,
            LockMode::ShareRowExclusive => 0b1111_1100,
            LockMode::Exclusive => 0b1111_1110,
            LockMode::AccessExclusive => 0b1111_1111,
        };
        conflicts & (1 << held as u8) != 0
    }

    pub(crate) fn from_pg_locks_name(name: &str) -> Option<LockMode> {
        LockMode::ALL.into_iter().find(|m| m.pg_locks_name() == name)
    }
}

/// What one statement of a migration locks, from the lint's lock table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLock {
    /// The strongest table lock it takes, if any.
    pub mode: Option<LockMode>,
    /// The tables it locks, as `regclass` text (`"public"."users"`).
    pub tables: Cow<'static, [Cow<'static, str>]>,
    /// `CONCURRENTLY` (or VACUUM): it waits for old transactions by design.
    pub concurrently: bool,
}

/// A migration's own `-- strata:lock-timeout` / `-- strata:statement-timeout`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeouts {
    pub lock: Option<Duration>,
    pub statement: Option<Duration>,
}

/// Default `lock_timeout` of a statement taking ACCESS EXCLUSIVE: every query of the table queues
/// behind it while it waits.
pub const ACCESS_EXCLUSIVE_LOCK_TIMEOUT: Duration = Duration::from_secs(2);
/// ...taking a lock that blocks writes (SHARE up to EXCLUSIVE).
pub const BLOCKS_WRITES_LOCK_TIMEOUT: Duration = Duration::from_secs(5);
/// ...taking a weaker lock, none, or one strata does not know.
pub const OTHER_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// The runner's settings: CLI flags or [`Migrator`](super::Migrator) methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// For every statement that is not CONCURRENTLY, instead of the per-lock defaults.
    pub lock: Option<Duration>,
    pub statement: Option<Duration>,
    /// Attempts after the first, on a lock timeout or deadlock.
    pub retries: u32,
    /// The pause before the first retry; it doubles with each one, up to [`MAX_RETRY_DELAY`].
    pub retry_delay: Duration,
}

pub(crate) const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);

pub(crate) const DEFAULT_POLICY: Policy =
    Policy { lock: None, statement: None, retries: 5, retry_delay: Duration::from_secs(1) };

impl Default for Policy {
    fn default() -> Self {
        DEFAULT_POLICY
    }
}

/// The settings one statement runs with; `None` leaves the session's value. Zero is no timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub lock: Option<Duration>,
    pub statement: Option<Duration>,
}

impl Policy {
    pub(crate) fn for_statement(&self, m: &Migration, index: usize) -> Settings {
        let lock = m.locks.get(index);
        let concurrently = lock.is_some_and(|l| l.concurrently);
        let by_lock = match lock.and_then(|l| l.mode) {
            _ if concurrently => Duration::ZERO,
            Some(LockMode::AccessExclusive) => ACCESS_EXCLUSIVE_LOCK_TIMEOUT,
            Some(mode) if mode >= LockMode::Share => BLOCKS_WRITES_LOCK_TIMEOUT,
            _ => OTHER_LOCK_TIMEOUT,
        };
        let runner = if concurrently { None } else { self.lock };
        Settings {
            lock: Some(m.timeouts.lock.or(runner).unwrap_or(by_lock)),
            statement: m.timeouts.statement.or(self.statement),
        }
    }

    pub(crate) fn delay(&self, retry: u32) -> Duration {
        self.retry_delay.saturating_mul(1 << retry.saturating_sub(1).min(16)).min(MAX_RETRY_DELAY)
    }
}

/// `SET LOCAL` statements for `settings` (in milliseconds, Postgres's unit for both).
pub(crate) fn set_local(settings: Settings) -> String {
    set_command(settings, "SET LOCAL")
}

/// For a statement of a no-transaction migration, which runs on its own: session `SET`s, undone by
/// the clean-up when the migration ends. CONCURRENTLY statements get only what was asked for
/// explicitly (their default is no timeout). Behind a transaction-pooling PgBouncer a session
/// setting may land on another server connection, so there only explicit timeouts are worth it.
pub(crate) fn session_set(policy: &Policy, m: &Migration, index: usize) -> String {
    let mut settings = policy.for_statement(m, index);
    if m.locks.get(index).is_some_and(|l| l.concurrently) && m.timeouts.lock.is_none() {
        settings.lock = None;
    }
    set_command(settings, "SET")
}

fn set_command(settings: Settings, set: &str) -> String {
    let mut out = String::new();
    for (name, value) in [("lock_timeout", settings.lock), ("statement_timeout", settings.statement)] {
        if let Some(d) = value {
            out.push_str(&format!("{set} {name} = '{}ms'; ", d.as_millis()));
        }
    }
    out
}

/// Whether a statement sets the timeouts itself: the migration's own choice wins from there on.
pub(crate) fn sets_timeouts(statement: &str) -> bool {
    let s = statement.to_ascii_lowercase();
    (s.contains("lock_timeout") || s.contains("statement_timeout"))
        && (s.trim_start().starts_with("set") || s.contains("set_config"))
}

/// A transactional migration's text with a `SET LOCAL` before each statement whose settings differ
/// from the previous one's, and the way back from a position in it to one in the file.
pub(crate) struct Timed {
    pub text: String,
    /// (character position in `text` where an insertion starts, its length in characters).
    inserted: Vec<(usize, usize)>,
    /// How many commands were inserted right before each statement.
    sets: Vec<usize>,
}

impl Timed {
    pub(crate) fn new(m: &Migration, policy: &Policy, offsets: &[(usize, &str)]) -> Timed {
        let mut text = String::with_capacity(m.sql.len() + 64);
        let mut inserted = Vec::new();
        let mut sets = vec![0; offsets.len()];
        let (mut copied, mut chars, mut previous) = (0, 0, None);
        for (index, (offset, statement)) in offsets.iter().enumerate() {
            let before = &m.sql[copied..*offset];
            text.push_str(before);
            chars += before.chars().count();
            copied = *offset;
            let settings = policy.for_statement(m, index);
            if previous != Some(settings) {
                let set = set_local(settings);
                inserted.push((chars, set.chars().count()));
                sets[index] = set.matches("SET LOCAL").count();
                chars += set.chars().count();
                text.push_str(&set);
                previous = Some(settings);
            }
            if sets_timeouts(statement) {
                // Later statements keep what the migration set.
                text.push_str(&m.sql[copied..]);
                return Timed { text, inserted, sets };
            }
        }
        text.push_str(&m.sql[copied..]);
        Timed { text, inserted, sets }
    }

    /// Each statement's row count, from the command counts of the whole script (`skip`: commands
    /// sent before the migration's text); `None` when they do not line up.
    pub(crate) fn statement_rows(&self, counts: &[u64], skip: usize) -> Option<Vec<u64>> {
        let mut at = skip;
        let mut rows = Vec::with_capacity(self.sets.len());
        for sets in &self.sets {
            at += sets;
            rows.push(*counts.get(at)?);
            at += 1;
        }
        Some(rows)
    }

    /// The file's character position for a character position in `text`.
    pub(crate) fn file_char(&self, pos: usize) -> usize {
        let mut shift = 0;
        for &(start, len) in &self.inserted {
            if pos < start {
                break;
            }
            shift += len.min(pos - start);
        }
        pos - shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::locate::statement_offsets;

    fn migration(
        sql: &'static str,
        statements: &'static [Cow<'static, str>],
        locks: Vec<StatementLock>,
    ) -> Migration {
        Migration {
            version: 1,
            name: "m".into(),
            sql: sql.into(),
            checksum: [0; 32],
            transactional: true,
            statements: statements.into(),
            allows: Cow::Borrowed(&[]),
            locks: locks.into(),
            timeouts: Timeouts::default(),
        }
    }

    fn lock(mode: LockMode, concurrently: bool) -> StatementLock {
        StatementLock { mode: Some(mode), tables: Cow::Borrowed(&[]), concurrently }
    }

    #[test]
    fn conflicts_follow_the_documented_table() {
        use LockMode::*;
        assert!(AccessExclusive.conflicts_with(AccessShare));
        assert!(!RowExclusive.conflicts_with(RowExclusive));
        assert!(Share.conflicts_with(RowExclusive));
        assert!(!Share.conflicts_with(Share));
        assert!(ShareUpdateExclusive.conflicts_with(ShareUpdateExclusive));
        assert!(!ShareUpdateExclusive.conflicts_with(RowExclusive));
        assert!(Exclusive.conflicts_with(RowShare));
        assert!(!Exclusive.conflicts_with(AccessShare));
        // Symmetric, as the table is.
        for a in LockMode::ALL {
            for b in LockMode::ALL {
                assert_eq!(a.conflicts_with(b), b.conflicts_with(a), "{a:?} / {b:?}");
            }
        }
    }

    #[test]
    fn the_lock_chooses_the_timeout_and_the_migration_overrides_it() {
        static STATEMENTS: [Cow<'static, str>; 2] =
            [Cow::Borrowed("ALTER TABLE t ADD c int"), Cow::Borrowed("CREATE INDEX CONCURRENTLY i ON t (c)")];
        let mut m = migration(
            "ALTER TABLE t ADD c int;\nCREATE INDEX CONCURRENTLY i ON t (c);",
            &STATEMENTS,
            vec![lock(LockMode::AccessExclusive, false), lock(LockMode::ShareUpdateExclusive, true)],
        );
        let policy = Policy::default();
        assert_eq!(policy.for_statement(&m, 0).lock, Some(ACCESS_EXCLUSIVE_LOCK_TIMEOUT));
        assert_eq!(policy.for_statement(&m, 1).lock, Some(Duration::ZERO));
        let runner = Policy { lock: Some(Duration::from_millis(300)), ..policy };
        assert_eq!(runner.for_statement(&m, 0).lock, Some(Duration::from_millis(300)));
        assert_eq!(runner.for_statement(&m, 1).lock, Some(Duration::ZERO), "CONCURRENTLY waits by design");
        m.timeouts =
            Timeouts { lock: Some(Duration::from_secs(7)), statement: Some(Duration::from_secs(60)) };
        assert_eq!(
            runner.for_statement(&m, 1),
            Settings { lock: Some(Duration::from_secs(7)), statement: Some(Duration::from_secs(60)) }
        );
    }

    #[test]
    fn set_local_goes_before_each_change_and_positions_map_back() {
        static STATEMENTS: [Cow<'static, str>; 3] = [
            Cow::Borrowed("CREATE TABLE é (a int)"),
            Cow::Borrowed("ALTER TABLE t ADD c int"),
            Cow::Borrowed("ALTER TABLE t ADD d int"),
        ];
        let sql = "CREATE TABLE é (a int);\nALTER TABLE t ADD c int;\nALTER TABLE t ADD d int;";
        let m = migration(
            sql,
            &STATEMENTS,
            vec![
                lock(LockMode::AccessExclusive, false),
                lock(LockMode::AccessExclusive, false),
                lock(LockMode::AccessExclusive, false),
            ],
        );
        let timed = Timed::new(&m, &Policy::default(), &statement_offsets(&m));
        assert_eq!(timed.text.matches("SET LOCAL lock_timeout = '2000ms'").count(), 1, "{}", timed.text);
        assert!(timed.text.starts_with("SET LOCAL lock_timeout = '2000ms'; CREATE TABLE é"));
        let at = |needle: &str| timed.text[..timed.text.find(needle).unwrap()].chars().count();
        let in_file = |needle: &str| sql[..sql.find(needle).unwrap()].chars().count();
        assert_eq!(timed.file_char(at("ADD d")), in_file("ADD d"));
        assert_eq!(timed.file_char(at("CREATE")), 0);
    }

    #[test]
    fn a_migration_that_sets_its_own_timeout_keeps_it() {
        static STATEMENTS: [Cow<'static, str>; 2] =
            [Cow::Borrowed("SET lock_timeout = '1s'"), Cow::Borrowed("ALTER TABLE t ADD c int")];
        let m = migration("SET lock_timeout = '1s';\nALTER TABLE t ADD c int;", &STATEMENTS, Vec::new());
        let timed = Timed::new(&m, &Policy::default(), &statement_offsets(&m));
        assert_eq!(timed.text.matches("SET LOCAL").count(), 1, "{}", timed.text);
        assert!(timed.text.ends_with("SET lock_timeout = '1s';\nALTER TABLE t ADD c int;"));
    }

    #[test]
    fn retries_back_off_up_to_a_limit() {
        let p = Policy { retry_delay: Duration::from_millis(500), ..Policy::default() };
        assert_eq!(p.delay(1), Duration::from_millis(500));
        assert_eq!(p.delay(3), Duration::from_secs(2));
        assert_eq!(p.delay(30), MAX_RETRY_DELAY);
    }
}
