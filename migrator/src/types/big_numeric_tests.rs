use super::*;

fn big(s: &str) -> BigDecimal {
    s.parse().unwrap()
}

fn encode(value: &BigDecimal) -> Vec<u8> {
    let mut out = BytesMut::new();
    value.to_sql_checked(&Type::NUMERIC, &mut out).unwrap();
    out.to_vec()
}

/// numeric_send's words: ndigits, weight, sign, dscale, digits.
fn words(bytes: &[u8]) -> Vec<i32> {
    bytes.chunks(2).map(|c| i32::from(i16::from_be_bytes([c[0], c[1]]))).collect()
}

#[test]
fn bytes_match_numeric_send() {
    // `SELECT numeric_send(12345.678)`: 3 digits, weight 1, positive, dscale 3: 1 2345 6780.
    assert_eq!(words(&encode(&big("12345.678"))), [3, 1, 0, 3, 1, 2345, 6780]);
    // 0.001: one digit (10) worth 10000^-1.
    assert_eq!(words(&encode(&big("0.001"))), [1, -1, 0, 3, 10]);
    // -100000000: trailing zero groups are dropped, the weight keeps the magnitude.
    assert_eq!(words(&encode(&big("-100000000"))), [1, 2, 0x4000, 0, 1]);
    assert_eq!(words(&encode(&big("0.00"))), [0, 0, 0, 2]);
    assert_eq!(words(&encode(&big("1E+5"))), [1, 1, 0, 0, 10]);
}

#[test]
fn values_round_trip_with_their_scale() {
    for s in [
        "0",
        "1",
        "-1",
        "9999",
        "10000",
        "0.5",
        "-0.0001",
        "123.4500",
        "3.14159265358979323846264338327950288",
        "1e-20",
        "-98765432109876543210.0123456789",
    ] {
        let value = big(s);
        let back = BigDecimal::from_sql(&Type::NUMERIC, &encode(&value)).unwrap();
        assert_eq!(back, value, "{s}");
        assert_eq!(back.to_string(), value.to_string(), "the scale survives: {s}");
    }
}

#[test]
fn special_values_and_malformed_input_are_errors() {
    let special = |sign: u16| [0, 0, 0, 0, (sign >> 8) as u8, sign as u8, 0, 0];
    assert!(BigDecimal::from_sql(&Type::NUMERIC, &special(NAN)).is_err());
    assert!(BigDecimal::from_sql(&Type::NUMERIC, &special(PLUS_INFINITY)).is_err());
    assert!(BigDecimal::from_sql(&Type::NUMERIC, &special(MINUS_INFINITY)).is_err());
    assert!(BigDecimal::from_sql(&Type::NUMERIC, &[0, 1, 0, 0, 0, 0, 0, 0]).is_err(), "a digit missing");
    assert!(
        BigDecimal::from_sql(&Type::NUMERIC, &[0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10]).is_err(),
        "digit 10000"
    );
    assert!(!<BigDecimal as ToSql>::accepts(&Type::FLOAT8));
}
