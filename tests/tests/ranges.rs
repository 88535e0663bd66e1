//! Range and multirange types through the checked query macros on a real database: columns and
//! parameters (`&&`, `@>`, casts in VALUES), empty and unbounded ranges, canonical discrete
//! ranges, a range type the migrations create, arrays of ranges, sync and async.

use std::ops::Bound;

use rust_decimal::Decimal;
use strata::types::{MultiRange, Range};
use strata_e2e::PlainDb;
use time::macros::{date, datetime};

#[test]
fn ranges_as_columns_and_parameters() {
    let db = PlainDb::new("range_values");
    let mut client = db.client();
    let during = Range::from(datetime!(2026-03-01 14:00 UTC)..datetime!(2026-03-03 10:00 UTC));
    let nights = Range::from(date!(2026 - 03 - 01)..=date!(2026 - 03 - 02));
    let price = Range::new(Bound::Excluded(Decimal::new(995, 1)), Bound::Unbounded);
    let id = strata::query_scalar!(
        "INSERT INTO bookings (during, nights, seats, price, score, sizes, free)
         VALUES ($1::tstzrange, $2, $3, $4, $5, $6, $7) RETURNING id",
        &during,
        Some(nights),
        Some(Range::from(1..=4)),
        Some(&price),
        Some(Range::<f64>::empty()),
        vec![Range::from(..10_i64), Range::unbounded()],
        Some(MultiRange(vec![Range::from(8..10), Range::from(1..3)]))
    )
    .fetch_one(&mut client)
    .unwrap();

    let row = strata::query!(
        "SELECT during, nights, seats, price, score, sizes, free FROM bookings WHERE id = $1",
        id
    )
    .fetch_one(&mut client)
    .unwrap();
    let typed: (Range<time::OffsetDateTime>, Option<Range<time::Date>>, Option<Range<i32>>) =
        (row.during.clone(), row.nights.clone(), row.seats.clone());
    assert_eq!(typed.0, during);
    // Discrete ranges come back canonical: [a,b] is [a,b+1).
    assert_eq!(typed.1, Some(Range::from(date!(2026 - 03 - 01)..date!(2026 - 03 - 03))));
    assert_eq!(typed.2, Some(Range::from(1..5)));
    assert_eq!(row.price, Some(price));
    assert!(row.score.as_ref().is_some_and(Range::is_empty), "a range type the migrations create");
    assert_eq!(row.sizes, [Range::from(..10), Range::unbounded()]);
    // A multirange comes back sorted and merged.
    assert_eq!(row.free, Some(MultiRange(vec![Range::from(1..3), Range::from(8..10)])));

    // Range operators with range and element parameters.
    let probe = Range::from(datetime!(2026-03-02 00:00 UTC)..datetime!(2026-03-02 01:00 UTC));
    let overlapping = strata::query_scalar!("SELECT id FROM bookings WHERE during && $1", &probe)
        .fetch_all(&mut client)
        .unwrap();
    assert_eq!(overlapping, [id]);
    let n = strata::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM bookings WHERE seats @> $1::int AND NOT isempty(during)"#,
        5
    )
    .fetch_one(&mut client)
    .unwrap();
    assert_eq!(n, 0, "[1,5) does not contain 5");
    let built = strata::query_scalar!(r#"SELECT int8range($1, $2, '(]') AS "r!""#, 3_i64, 7_i64)
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!(built, Range::from(4..8), "(3,7] canonical");
    assert!(built.contains(&7) && !built.contains(&8));
    let bounds = strata::query!(
        r#"SELECT lower(seats) AS lo, upper_inf(price) AS "open!", $1::floatrange AS "f!",
                  floatrange(0.5, 2.5, '[]') AS "g!",
                  (SELECT r FROM unnest(floatmultirange(floatrange($2, 2))) AS r) AS "m!" FROM bookings"#,
        Range::from(0.5..2.5),
        1.0
    )
    .fetch_one(&mut client)
    .unwrap();
    assert_eq!((bounds.lo, bounds.open), (Some(1), true));
    assert_eq!(bounds.f, Range::from(0.5..2.5));
    // A range type the migrations create: its constructors, and the ranges of its multirange.
    assert_eq!(bounds.g, Range::from(0.5..=2.5));
    assert_eq!(bounds.m, Range::from(1.0..2.0));
}

#[test]
fn ranges_null_empty_and_infinite() {
    let db = PlainDb::new("range_edges");
    let mut client = db.client();
    strata::query!(
        "INSERT INTO bookings (during, nights) VALUES ($1, $2)",
        Range::<time::OffsetDateTime>::unbounded(),
        None::<Range<time::Date>>
    )
    .execute(&mut client)
    .unwrap();
    let row = strata::query!("SELECT during, nights, seats, isempty(during) AS e FROM bookings")
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!((row.during, row.nights, row.seats, row.e), (Range::unbounded(), None, None, false));
    let empty = strata::query_scalar!(r#"SELECT 'empty'::int4range AS "r!""#).fetch_one(&mut client).unwrap();
    assert_eq!(empty, Range::empty());
    // `infinity` is a date the `time` crate cannot hold: an error, not a silently open bound.
    let infinite =
        strata::query_scalar!(r#"SELECT '[2026-01-01,infinity)'::daterange AS "r!""#).fetch_one(&mut client);
    assert!(infinite.is_err());
    let open =
        strata::query_scalar!(r#"SELECT '[2026-01-01,)'::daterange AS "r!""#).fetch_one(&mut client).unwrap();
    assert_eq!(open, Range::from(date!(2026 - 01 - 01)..));
}

#[test]
fn ranges_async() {
    let db = PlainDb::new("range_async");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&db.url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let during = Range::from(datetime!(2026-05-01 0:00 UTC)..);
        strata::query!("INSERT INTO bookings (during) VALUES ($1)", &during).execute(&client).await.unwrap();
        let back = strata::query_scalar!("SELECT during FROM bookings").fetch_one(&client).await.unwrap();
        assert_eq!(back, during);
    });
}
