//! `numeric` as `strata::types::BigDecimal` (feature `bigdecimal`) against the real server's
//! binary format, with `decimal` on too: the crate chose `STRATA_NUMERIC=decimal` (build.rs), and
//! a column reads as BigDecimal with an override.

use std::str::FromStr;

use strata::types::BigDecimal;
use strata_e2e::PlainDb;

const VALUES: &[&str] = &[
    "0",
    "0.00",
    "1",
    "-1",
    "9999",
    "10000",
    "0.0001",
    "-0.001",
    "123.4500",
    "100000000",
    "3.14159265358979323846264338327950288419716939937510",
    "-98765432109876543210.0123456789",
    "1e-30",
    "123456789012345678901234567890123456789",
];

#[test]
fn bigdecimal_round_trips_through_the_server() {
    let db = PlainDb::new("numeric_big");
    let mut client = db.client();
    for text in VALUES {
        let value = BigDecimal::from_str(text).unwrap();
        // Written in the binary format, the server prints it; read back, it is the same value.
        let row = client.query_one("SELECT $1::numeric::text, $1::numeric", &[&value]).unwrap();
        let printed: String = row.get(0);
        assert_eq!(BigDecimal::from_str(&printed).unwrap(), value, "{text} printed as {printed}");
        assert_eq!(row.get::<_, BigDecimal>(1).to_string(), value.to_string(), "{text}: the scale too");
        // Parsed by the server, read in the binary format.
        let parsed: BigDecimal = client.query_one(&format!("SELECT '{text}'::numeric"), &[]).unwrap().get(0);
        assert_eq!(parsed, value, "{text}");
    }
    for special in ["NaN", "Infinity", "-Infinity"] {
        let read = client
            .query_one(&format!("SELECT '{special}'::numeric"), &[])
            .unwrap()
            .try_get::<_, BigDecimal>(0);
        assert!(read.is_err(), "{special} has no BigDecimal");
    }
}

#[test]
fn numeric_follows_strata_numeric_and_overrides() {
    let db = PlainDb::new("numeric_choice");
    let mut client = db.client();
    let big = BigDecimal::from_str("12345678901234567890123456789.000000001").unwrap();
    let row = strata::query!(
        r#"SELECT 19.99::numeric AS "d!", $1::numeric AS "b!: strata::types::BigDecimal""#,
        big.clone() as _
    )
    .fetch_one(&mut client)
    .unwrap();
    let (d, b): (rust_decimal::Decimal, BigDecimal) = (row.d, row.b);
    assert_eq!((d, b), (rust_decimal::Decimal::new(1999, 2), big));
}
