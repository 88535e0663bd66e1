//! The query macro family on a real database: `query_as!`, `query_scalar!`, `query_file!`,
//! `query_unchecked!`, the named row type, sqlx's overrides, `bytea` and `Option` parameters,
//! sync and async, in and out of transactions.

use strata_e2e::PlainDb;

/// A hand-written struct, filled by `query_as!` field by field.
#[derive(Debug, PartialEq)]
struct Account {
    handle: String,
    karma: i32,
    bio: Option<String>,
}

/// A struct for SQL that is not checked at compile time, read by column name.
#[derive(Debug, PartialEq, strata::FromRow)]
struct Handle {
    handle: String,
    karma: i32,
}

strata::query! {
    /// Named, so a repository function can return it.
    pub struct AccountRow = "SELECT id, handle, karma, bio FROM accounts WHERE handle = $1";
}

fn account_by_handle(client: &mut postgres::Client, handle: &str) -> Result<AccountRow, strata::Error> {
    AccountRow::query(&handle).fetch_one(client)
}

fn seed(client: &mut postgres::Client) {
    for (handle, karma) in [("ada", 42), ("grace", 7), ("linus", 0)] {
        strata::query!("INSERT INTO accounts (handle, karma) VALUES ($1, $2)", handle, karma)
            .execute(&mut *client)
            .unwrap();
    }
}

#[test]
fn query_as_scalar_file_and_named_rows() {
    let db = PlainDb::new("q_family");
    let mut client = db.client();
    seed(&mut client);

    let accounts = strata::query_as!(
        Account,
        "SELECT handle, karma, bio FROM accounts WHERE karma > $1 ORDER BY karma",
        1
    )
    .fetch_all(&mut client)
    .unwrap();
    assert_eq!(
        accounts,
        [
            Account { handle: "grace".into(), karma: 7, bio: None },
            Account { handle: "ada".into(), karma: 42, bio: None }
        ]
    );

    let n: i64 = strata::query_scalar!("SELECT count(*) FROM accounts").fetch_one(&mut client).unwrap();
    assert_eq!(n, 3);
    let top: Option<String> = strata::query_scalar!("SELECT max(handle) FROM accounts WHERE karma > $1", 100)
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!(top, None);

    let rows = strata::query_file!("queries/accounts_by_karma.sql", 5).fetch_all(&mut client).unwrap();
    let handles: Vec<(&str, i32)> = rows.iter().map(|r| (r.handle.as_str(), r.karma)).collect();
    assert_eq!(handles, [("ada", 42), ("grace", 7)]);
    let typed =
        strata::query_file_as!(Account, "queries/accounts_by_karma.sql", 40).fetch_all(&mut client).unwrap();
    assert_eq!(typed, [Account { handle: "ada".into(), karma: 42, bio: None }]);

    let ada = account_by_handle(&mut client, "ada").unwrap();
    assert_eq!((ada.handle.as_str(), ada.karma, ada.bio), ("ada", 42, None));

    // Unchecked SQL into a FromRow struct, prepared on the server.
    let handles: Vec<Handle> =
        strata::query_as("SELECT handle, karma FROM accounts WHERE karma < $1 ORDER BY handle", &[&10_i32])
            .fetch_all(&mut client)
            .unwrap();
    assert_eq!(
        handles,
        [Handle { handle: "grace".into(), karma: 7 }, Handle { handle: "linus".into(), karma: 0 }]
    );

    // `query_unchecked!`: any argument type the server accepts (here i64 for int4 fails at run
    // time, as the driver refuses to send it, instead of at compile time).
    let err = strata::query_unchecked!("SELECT handle FROM accounts WHERE karma = $1", 7_i64)
        .fetch_all(&mut client)
        .unwrap_err();
    assert!(err.to_string().contains("int4"), "{err}");
    let ok = strata::query_unchecked!("SELECT handle FROM accounts WHERE karma = $1", 7_i32)
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!(ok.handle, "grace");
}

#[test]
fn sqlx_overrides_for_columns_and_arguments() {
    let db = PlainDb::new("q_overrides");
    let mut client = db.client();
    seed(&mut client);
    let row = strata::query!(
        r#"SELECT max(karma) AS "top!", min(handle) AS "first?", count(*) AS "n: i64",
                  sum(karma) AS "total!: i64", max(bio) AS "bio?: String"
           FROM accounts"#
    )
    .fetch_one(&mut client)
    .unwrap();
    let top: i32 = row.top;
    let first: Option<String> = row.first;
    let n: i64 = row.n;
    let total: i64 = row.total;
    let bio: Option<String> = row.bio;
    assert_eq!((top, first.as_deref(), n, total, bio), (42, Some("ada"), 3, 49, None));

    // `arg as _` passes a value as it is; `arg as Type` is Rust's cast.
    let karma: i16 = 7;
    let rows = strata::query!("SELECT handle FROM accounts WHERE karma = $1", karma as i32)
        .fetch_all(&mut client)
        .unwrap();
    assert_eq!(rows.len(), 1);
    let rows = strata::query!("SELECT handle FROM accounts WHERE handle = $1", "ada".to_string() as _)
        .fetch_all(&mut client)
        .unwrap();
    assert_eq!(rows[0].handle, "ada");
}

#[test]
fn bytea_and_string_parameters() {
    let db = PlainDb::new("q_bytea");
    let mut client = db.client();
    let content: Vec<u8> = vec![0, 1, 2, 255];
    let slice: &[u8] = &content;
    strata::query!(
        "INSERT INTO files (name, content, thumbnail) VALUES ($1, $2, $3)",
        "a",
        slice,
        None::<&[u8]>
    )
    .execute(&mut client)
    .unwrap();
    let name = String::from("b");
    strata::query!(
        "INSERT INTO files (name, content, thumbnail) VALUES ($1, $2, $3)",
        &name,
        &content,
        Some(slice)
    )
    .execute(&mut client)
    .unwrap();
    let rows = strata::query!("SELECT name, content, thumbnail FROM files ORDER BY name")
        .fetch_all(&mut client)
        .unwrap();
    assert_eq!(rows[0].content, content);
    assert_eq!(rows[0].thumbnail, None);
    assert_eq!(rows[1].thumbnail.as_deref(), Some(&content[..]));
}

#[test]
fn async_queries_run_in_one_round_trip_and_in_transactions() {
    let db = PlainDb::new("q_async");
    let mut sync = db.client();
    seed(&mut sync);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (mut client, connection) =
            tokio_postgres::connect(&db.url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let row =
            strata::query_as!(Account, "SELECT handle, karma, bio FROM accounts WHERE handle = $1", "ada")
                .fetch_one(&client)
                .await
                .unwrap();
        assert_eq!(row.karma, 42);
        let n = strata::query_scalar!("SELECT count(*) FROM accounts").fetch_one(&client).await.unwrap();
        assert_eq!(n, 3);

        let tx = client.transaction().await.unwrap();
        let n = strata::query!("UPDATE accounts SET karma = karma + 1 WHERE karma > $1", 0)
            .execute(&tx)
            .await
            .unwrap();
        assert_eq!(n, 2);
        tx.rollback().await.unwrap();
        let ada = AccountRow::query(&"ada").fetch_one(&client).await.unwrap();
        assert_eq!(ada.karma, 42);

        // Typed queries use the unnamed statement: no prepared statement is left on the server.
        let prepared = client.simple_query("SELECT count(*) FROM pg_prepared_statements").await.unwrap();
        let count = prepared.iter().find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        });
        assert_eq!(count.as_deref(), Some("0"));
    });
}

#[test]
fn interval_network_money_bits_and_xml_round_trip() {
    let db = PlainDb::new("q_types");
    let mut client = db.client();
    let ip: std::net::IpAddr = "10.1.2.3".parse().unwrap();
    let net = strata::types::Inet { addr: "192.168.0.0".parse().unwrap(), prefix: 16 };
    let mac = strata::types::MacAddr([8, 0, 0x2b, 1, 2, 3]);
    let bits = strata::types::Bits::from_bools(&[true, false, true]);
    let row = strata::query!(
        "SELECT '1 mon 2 days 03:00:00.5'::interval AS i, $1::interval AS i2,
                '10.1.2.3'::inet AS host, $2::cidr AS net, $3::macaddr AS mac,
                '12.34'::money AS cash, B'101'::bit(3) AS b, $4::varbit AS vb,
                '<a>x</a>'::xml AS doc",
        strata::types::Interval { months: 0, days: 1, microseconds: 1_000_000 },
        net,
        mac,
        &bits
    )
    .fetch_one(&mut client)
    .unwrap();
    // Literals are NOT NULL; parameters may be NULL.
    let i: strata::types::Interval = row.i;
    assert_eq!(i, strata::types::Interval { months: 1, days: 2, microseconds: 3 * 3_600_000_000 + 500_000 });
    assert_eq!(row.i2.map(|i| (i.days, i.microseconds)), Some((1, 1_000_000)));
    assert_eq!(row.host, strata::types::Inet::host(ip));
    assert_eq!(row.net, Some(net));
    assert_eq!(row.mac, Some(mac));
    assert_eq!(row.cash, strata::types::Money(1234));
    assert_eq!((row.b.len, row.b.get(0), row.b.get(1)), (3, Some(true), Some(false)));
    assert_eq!(row.vb, Some(bits));
    assert_eq!(row.doc.0, "<a>x</a>");
}
