//! Statement caching (`strata::Cached`) against a real server: each checked query is prepared
//! once per connection and then only bound and executed (seen in the server's own
//! `pg_prepared_statements`), in transactions too; a statement a migration made stale is prepared
//! again; a pooled connection keeps its statements across checkouts.

use std::str::FromStr;

use strata_e2e::TestDb;

fn migrator() -> strata::Migrator {
    strata::migrate!("migrations")
}

// Names itself only to leave itself out.
const PREPARED: &str = "SELECT statement FROM pg_prepared_statements \
    WHERE statement NOT LIKE '%pg_prepared_statements%' ORDER BY statement";

/// The statements the server holds prepared for this session.
fn prepared_sync(client: &mut postgres::Client) -> Vec<String> {
    let rows = client.query(PREPARED, &[]).unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

async fn prepared_async(client: &tokio_postgres::Client) -> Vec<String> {
    let rows = client.query(PREPARED, &[]).await.unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

#[derive(strata::FromRow)]
struct Count {
    n: i64,
}

const BY_HANDLE: &str = "SELECT id, karma FROM accounts WHERE handle = $1";

#[test]
fn a_blocking_client_prepares_each_query_once_and_reuses_it() {
    let db = TestDb::new();
    migrator().run(&mut db.client()).unwrap();
    let mut client = strata::Cached::new(db.client());
    for handle in ["ada", "grace"] {
        strata::query!("INSERT INTO accounts (handle) VALUES ($1)", handle).execute(&mut client).unwrap();
    }
    for _ in 0..3 {
        let ada = strata::query!("SELECT id, karma FROM accounts WHERE handle = $1", "ada")
            .fetch_one(&mut client)
            .unwrap();
        assert_eq!(ada.karma, 0);
    }
    assert_eq!(client.statements().len(), 2);
    assert_eq!(
        prepared_sync(&mut client),
        ["INSERT INTO accounts (handle) VALUES ($1)", BY_HANDLE],
        "two server-side statements for five executions"
    );

    // A transaction shares the connection's statements and adds its own.
    let mut tx = client.transaction().unwrap();
    let grace = strata::query!("SELECT id, karma FROM accounts WHERE handle = $1", "grace")
        .fetch_one(&mut tx)
        .unwrap();
    strata::query!("UPDATE accounts SET karma = karma + 1 WHERE id = $1", grace.id).execute(&mut tx).unwrap();
    tx.commit().unwrap();
    assert_eq!(client.statements().len(), 3);
    let karma = strata::query_scalar!("SELECT karma FROM accounts WHERE handle = $1", "grace")
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!(karma, 1);
    // An unchecked query and an enum label bound as text also go through prepared statements.
    let counts: Vec<Count> =
        strata::query_as("SELECT count(*) AS n FROM accounts WHERE karma > $1", &[&0_i32])
            .fetch_all(&mut client)
            .unwrap();
    assert_eq!(counts.iter().map(|c| c.n).collect::<Vec<_>>(), [1]);
    strata::query!("INSERT INTO diary (mood) VALUES ($1)", "happy").execute(&mut client).unwrap();
    assert_eq!(client.statements().len(), 6);
}

#[test]
fn a_statement_made_stale_by_a_migration_is_prepared_again() {
    let db = TestDb::new();
    migrator().run(&mut db.client()).unwrap();
    let mut client = strata::Cached::new(db.client());
    strata::query!("INSERT INTO accounts (handle) VALUES ($1)", "ada").execute(&mut client).unwrap();
    let read = |client: &mut strata::Cached<postgres::Client>| {
        strata::query!("SELECT handle, bio FROM accounts").fetch_all(client).map(|rows| rows.len())
    };
    assert_eq!(read(&mut client).unwrap(), 1);

    // Another session changes the result type under the prepared statement.
    db.client().batch_execute("ALTER TABLE accounts ALTER COLUMN bio TYPE varchar(200)").unwrap();
    // In a transaction the server's refusal aborts it: reported, and the statement dropped.
    let mut tx = client.transaction().unwrap();
    let err = strata::query!("SELECT handle, bio FROM accounts").fetch_all(&mut tx).unwrap_err();
    assert!(err.to_string().contains("cached plan must not change result type"), "{err}");
    tx.rollback().unwrap();
    // Outside a transaction it is prepared again and run, with no error at all.
    assert_eq!(read(&mut client).unwrap(), 1);
    db.client().batch_execute("ALTER TABLE accounts ALTER COLUMN bio TYPE text").unwrap();
    assert_eq!(read(&mut client).unwrap(), 1, "prepared again, run again");

    // A session reset drops every statement: each is prepared again on first use.
    client.batch_execute("DEALLOCATE ALL").unwrap();
    assert_eq!(read(&mut client).unwrap(), 1);
    assert_eq!(prepared_sync(&mut client), ["SELECT handle, bio FROM accounts"]);
}

#[test]
fn async_clients_and_pooled_connections_keep_their_statements() {
    let db = TestDb::new();
    migrator().run(&mut db.client()).unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let config = tokio_postgres::Config::from_str(&db.url()).unwrap();
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let mut client = strata::Cached::new(client);
        let tx = client.transaction().await.unwrap();
        strata::query!("INSERT INTO accounts (handle) VALUES ($1)", "ada").execute(&tx).await.unwrap();
        tx.commit().await.unwrap();
        for _ in 0..2 {
            let ada = strata::query!("SELECT id, karma FROM accounts WHERE handle = $1", "ada")
                .fetch_one(&client)
                .await
                .unwrap();
            assert_eq!(ada.karma, 0);
        }
        assert_eq!(client.statements().len(), 2);
        assert_eq!(prepared_async(&client).await.len(), 2);

        // One pooled connection, checked out three times: prepared on the first checkout only.
        let manager = deadpool_postgres::Manager::new(config, tokio_postgres::NoTls);
        let pool = deadpool_postgres::Pool::builder(manager).max_size(1).build().unwrap();
        for round in 0..3 {
            let mut conn = strata::Cached::new(pool.get().await.unwrap());
            let tx = conn.transaction().await.unwrap();
            strata::query!("UPDATE accounts SET karma = karma + 1 WHERE handle = $1", "ada")
                .execute(&tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let ada = strata::query!("SELECT id, karma FROM accounts WHERE handle = $1", "ada")
                .fetch_one(&conn)
                .await
                .unwrap();
            assert_eq!(ada.karma, round + 1);
            assert_eq!(conn.statement_cache.size(), 2, "checkout {round}");
            assert_eq!(prepared_async(&conn).await.len(), 2, "checkout {round}");
        }
    });
}
