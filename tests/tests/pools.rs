//! Checked queries on pooled connections (deadpool-postgres, bb8-postgres) against a real
//! database: the same `strata::query!` as on a plain client, and a pooled transaction.

use std::str::FromStr;

use strata_e2e::TestDb;

fn migrator() -> strata::Migrator {
    strata::migrate!("migrations")
}

#[test]
fn queries_run_on_deadpool_and_bb8_connections() {
    let db = TestDb::new();
    migrator().run(&mut db.client()).unwrap();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let config = tokio_postgres::Config::from_str(&db.url()).unwrap();

        let manager = deadpool_postgres::Manager::new(config.clone(), tokio_postgres::NoTls);
        let pool = deadpool_postgres::Pool::builder(manager).max_size(2).build().unwrap();
        let mut client = pool.get().await.unwrap();
        let row = strata::query!("INSERT INTO accounts (handle) VALUES ($1) RETURNING id, karma", "deadpool")
            .fetch_one(&client)
            .await
            .unwrap();
        assert_eq!(row.karma, 0);
        let tx = client.transaction().await.unwrap();
        strata::query!(
            "INSERT INTO notes (account_id, body) VALUES ($1, $2)",
            row.id,
            "in a pooled transaction"
        )
        .execute(&tx)
        .await
        .unwrap();
        tx.rollback().await.unwrap();
        let notes = strata::query!("SELECT count(*) AS n FROM notes").fetch_one(&client).await.unwrap();
        assert_eq!(notes.n, 0, "rolled back");

        let manager = bb8_postgres::PostgresConnectionManager::new(config, tokio_postgres::NoTls);
        let pool = bb8::Pool::builder().max_size(2).build(manager).await.unwrap();
        let conn = pool.get().await.unwrap();
        let handles =
            strata::query!("SELECT handle FROM accounts ORDER BY id").fetch_all(&conn).await.unwrap();
        assert_eq!(handles.iter().map(|r| r.handle.as_str()).collect::<Vec<_>>(), ["deadpool"]);
    });
}
