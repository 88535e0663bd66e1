//! The app-facing library: embedded migrations and checked queries, sync and async, on a real
//! database.

use std::time::Duration;

use strata::MigrateError;
use strata_e2e::TestDb;

fn migrator() -> strata::Migrator {
    strata::migrate!("migrations")
}

#[test]
fn embedded_migrations_apply_once_and_match_the_cli_checksums() {
    let db = TestDb::new();
    let mut client = db.client();
    let applied = migrator().run(&mut client).unwrap();
    assert_eq!(applied.iter().map(|a| a.version).collect::<Vec<_>>(), [1, 2]);
    assert!(migrator().run(&mut client).unwrap().is_empty());
    let set =
        strata_analyzer::MigrationSet::load(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap();
    for (embedded, loaded) in migrator().migrations().iter().zip(&set.migrations) {
        assert_eq!(embedded.checksum, loaded.checksum);
    }
    let status = migrator().status(&mut client).unwrap();
    assert!(status.iter().all(|e| e.status == strata::migrate::Status::Applied));
}

#[test]
fn checked_queries_round_trip_types_and_nullability_sync() {
    let db = TestDb::new();
    let mut client = db.client();
    migrator().run(&mut client).unwrap();
    let settings = serde_json::json!({"theme": "dark"});
    let created = strata::query!(
        "INSERT INTO accounts (handle, karma, balance, settings, tags, birthday) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, handle, karma, balance, ratio, settings, tags, created_at, birthday, bio",
        "ada",
        42,
        Some(10_i64),
        &settings,
        vec!["x".to_string(), "y".to_string()],
        Some(time::macros::date!(1815 - 12 - 10))
    )
    .fetch_one(&mut client)
    .unwrap();
    let id: uuid::Uuid = created.id;
    let karma: i32 = created.karma;
    let balance: Option<i64> = created.balance;
    let ratio: Option<f64> = created.ratio;
    let created_at: time::OffsetDateTime = created.created_at;
    assert_eq!((created.handle.as_str(), karma, balance, ratio), ("ada", 42, Some(10), None));
    assert_eq!(created.settings, settings);
    assert_eq!(created.tags, ["x", "y"]);
    assert_eq!(created.birthday, Some(time::macros::date!(1815 - 12 - 10)));
    assert_eq!(created.bio, None);
    assert!(created_at <= time::OffsetDateTime::now_utc());

    let n = strata::query!("INSERT INTO notes (account_id, body) VALUES ($1, $2)", id, "first")
        .execute(&mut client)
        .unwrap();
    assert_eq!(n, 1);

    // LEFT JOIN: an account without notes gets None for the note's NOT NULL columns.
    strata::query!("INSERT INTO accounts (handle) VALUES ($1)", "grace").execute(&mut client).unwrap();
    let rows = strata::query!(
        "SELECT a.handle, n.body, n.pinned FROM accounts a LEFT JOIN notes n ON n.account_id = a.id ORDER BY a.handle"
    )
    .fetch_all(&mut client)
    .unwrap();
    let got: Vec<(String, Option<String>, Option<bool>)> =
        rows.into_iter().map(|r| (r.handle, r.body, r.pinned)).collect();
    assert_eq!(got, [("ada".into(), Some("first".into()), Some(false)), ("grace".into(), None, None)]);

    // array_agg over the optional side of a join holds NULL elements: Vec<Option<T>>; under
    // GROUP BY every group has a row, so the array itself is never NULL.
    let agg = strata::query!(
        "SELECT a.handle, array_agg(n.body ORDER BY n.id) AS bodies FROM accounts a \
         LEFT JOIN notes n ON n.account_id = a.id GROUP BY a.handle ORDER BY a.handle"
    )
    .fetch_all(&mut client)
    .unwrap();
    let bodies: Vec<Vec<Option<String>>> = agg.into_iter().map(|r| r.bodies).collect();
    assert_eq!(bodies, [vec![Some("first".to_string())], vec![None]]);

    let missing = strata::query!("SELECT handle FROM accounts WHERE handle = $1", "nobody")
        .fetch_optional(&mut client)
        .unwrap();
    assert!(missing.is_none());
    let err = strata::query!("SELECT handle FROM accounts").fetch_one(&mut client).unwrap_err();
    assert!(matches!(err, strata::Error::RowCount { found: 2 }), "{err}");

    let updated = strata::query!(
        "UPDATE accounts SET karma = karma + $1, bio = $2 WHERE handle = ANY($3) RETURNING handle, karma, bio",
        5,
        None::<String>,
        &["ada".to_string()][..]
    )
    .fetch_all(&mut client)
    .unwrap();
    assert_eq!(updated.len(), 1);
    assert_eq!((updated[0].karma, updated[0].bio.clone()), (47, None));

    // numeric maps to rust_decimal::Decimal (feature `decimal`): aggregates and parameters.
    let price = rust_decimal::Decimal::new(1999, 2);
    let stats = strata::query!("SELECT avg(karma) AS mean, $1::numeric * 2 AS doubled FROM accounts", price)
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!(stats.mean, Some(rust_decimal::Decimal::new(235, 1)));
    assert_eq!(stats.doubled, Some(rust_decimal::Decimal::new(3998, 2)));

    // Works inside a transaction too, and rolls back with it.
    let mut tx = client.transaction().unwrap();
    strata::query!("DELETE FROM notes WHERE account_id = $1", id).execute(&mut tx).unwrap();
    tx.rollback().unwrap();
    let count = strata::query!("SELECT count(*) AS n FROM notes").fetch_one(&mut client).unwrap();
    assert_eq!(count.n, 1);
}

#[test]
fn checked_queries_and_migrations_async() {
    // The blocking client that makes the database must not run inside the runtime.
    let db = TestDb::new();
    tokio::runtime::Runtime::new().unwrap().block_on(async_queries(&db));
}

async fn async_queries(db: &TestDb) {
    let client = db.async_client().await;
    let applied = migrator().run_async(&client).await.unwrap();
    assert_eq!(applied.len(), 2);
    let row = strata::query!("INSERT INTO accounts (handle) VALUES ($1) RETURNING id, karma", "async")
        .fetch_one(&client)
        .await
        .unwrap();
    assert_eq!(row.karma, 0);
    let notes = strata::query!("SELECT body FROM notes WHERE account_id = $1", row.id)
        .fetch_all(&client)
        .await
        .unwrap();
    assert!(notes.is_empty());
}

#[test]
fn concurrent_runners_apply_each_migration_exactly_once() {
    let db = TestDb::new();
    let migrations: Vec<strata::Migration> = (1..=20)
        .map(|v| {
            let sql = format!("CREATE TABLE t{v} (id int); SELECT pg_sleep(0.01);");
            strata::Migration {
                version: v,
                name: format!("t{v}").into(),
                checksum: strata_analyzer::migration::checksum(&sql),
                sql: sql.into(),
                transactional: true,
                statements: Vec::new().into(),
                allows: Vec::new().into(),
                locks: Vec::new().into(),
                timeouts: Default::default(),
            }
        })
        .collect();
    let migrator = strata::Migrator::new(migrations);
    let results: Vec<Result<Vec<strata::Applied>, MigrateError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let url = db.url();
                let migrator = &migrator;
                s.spawn(move || {
                    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    migrator.run(&mut client)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let total: usize =
        results.iter().map(|r| r.as_ref().map(Vec::len).unwrap_or_else(|e| panic!("{e}"))).sum();
    assert_eq!(total, 20, "every migration applied by exactly one runner");
    assert_eq!(db.history(), (1..=20).collect::<Vec<i64>>());
}

#[test]
fn a_held_lock_times_out_with_the_holder_named() {
    let db = TestDb::new();
    let mut holder = db.client();
    let token: String = holder
        .query_one("SELECT strata.acquire('1 minute', 4242, 'build-7', 'other-runner')::text", &[])
        .unwrap()
        .get(0);
    let mut client = db.client();
    let err = migrator().lease_wait(Duration::from_millis(300)).run(&mut client).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, MigrateError::LockTimeout { .. }), "{text}");
    assert!(text.contains("pid 4242 on build-7, application other-runner"), "{text}");
    assert!(db.history().is_empty());
    holder.execute("SELECT strata.release($1::text::uuid)", &[&token]).unwrap();
    assert_eq!(migrator().run(&mut client).unwrap().len(), 2);
}
