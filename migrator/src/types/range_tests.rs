use super::*;

fn encode<T: ToSql>(value: &T, ty: &Type) -> Vec<u8> {
    let mut out = BytesMut::new();
    value.to_sql_checked(ty, &mut out).unwrap();
    out.to_vec()
}

#[test]
fn int4range_bytes_match_range_send() {
    // `SELECT int4range_send('[1,5)')`: \x02 00000004 00000001 00000004 00000005
    let bytes = encode(&Range::from(1..5), &Type::INT4_RANGE);
    assert_eq!(bytes, [2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 5]);
    assert_eq!(Range::<i32>::from_sql(&Type::INT4_RANGE, &bytes).unwrap(), Range::from(1..5));
    // 'empty' is \x01; '(,)' is \x18.
    assert_eq!(encode(&Range::<i32>::empty(), &Type::INT4_RANGE), [1]);
    assert_eq!(encode(&Range::<i32>::from(..), &Type::INT4_RANGE), [0x18]);
}

#[test]
fn every_bound_kind_round_trips() {
    let cases: Vec<Range<i64>> = vec![
        Range::empty(),
        Range::unbounded(),
        Range::from(3..=9),
        Range::from(-4..),
        Range::from(..7),
        Range::from(..=7),
        Range::new(Bound::Excluded(1), Bound::Included(2)),
        Range::new(Bound::Excluded(i64::MIN), Bound::Excluded(i64::MAX)),
    ];
    for range in cases {
        let bytes = encode(&range, &Type::INT8_RANGE);
        assert_eq!(Range::<i64>::from_sql(&Type::INT8_RANGE, &bytes).unwrap(), range, "{bytes:?}");
    }
}

#[test]
fn element_type_must_fit_the_subtype() {
    assert!(<Range<i32> as ToSql>::accepts(&Type::INT4_RANGE));
    assert!(!<Range<i64> as ToSql>::accepts(&Type::INT4_RANGE));
    assert!(!<Range<i32> as FromSql>::accepts(&Type::INT4));
    assert!(<Range<String> as FromSql>::accepts(&Type::new(
        "textrange".into(),
        90001,
        Kind::Range(Type::TEXT),
        "public".into()
    )));
    let mut out = BytesMut::new();
    assert!(Range::from(1_i64..2).to_sql_checked(&Type::INT4_RANGE, &mut out).is_err());
}

#[test]
fn malformed_values_are_errors() {
    let read = |raw: &[u8]| Range::<i32>::from_sql(&Type::INT4_RANGE, raw);
    assert!(read(&[]).is_err());
    assert!(read(&[2, 0, 0, 0, 4, 0, 0]).is_err(), "truncated bound");
    assert!(read(&[0x18, 0]).is_err(), "trailing bytes");
    assert!(read(&[2, 0, 0, 0, 2, 0, 1, 0x10]).is_err(), "an int4 of two bytes");
}

#[test]
fn contains_and_accessors() {
    let r = Range::from(1..5);
    assert!(r.contains(&1) && r.contains(&4) && !r.contains(&5) && !r.contains(&0));
    assert!(Range::from(1..=5).contains(&5));
    assert!(!Range::<i32>::empty().contains(&0));
    assert!(Range::<i32>::unbounded().contains(&i32::MIN));
    assert_eq!(r.lower(), Some(Bound::Included(&1)));
    assert_eq!(r.upper(), Some(Bound::Excluded(&5)));
    assert_eq!(Range::<i32>::empty().lower(), None);
}

#[test]
fn multiranges_round_trip() {
    let value = MultiRange(vec![Range::from(1..3), Range::from(5..)]);
    let bytes = encode(&value, &Type::INT4MULTI_RANGE);
    // Count, then each range with its length.
    assert_eq!(&bytes[..8], [0, 0, 0, 2, 0, 0, 0, 17]);
    assert_eq!(MultiRange::<i32>::from_sql(&Type::INT4MULTI_RANGE, &bytes).unwrap(), value);
    let none = encode(&MultiRange::<i32>::default(), &Type::INT4MULTI_RANGE);
    assert_eq!(none, [0, 0, 0, 0]);
    assert!(!<MultiRange<i32> as ToSql>::accepts(&Type::INT4_RANGE));
    assert!(MultiRange::<i32>::from_sql(&Type::INT4MULTI_RANGE, &[0, 0, 0, 1, 0, 0, 0, 9, 1]).is_err());
}

#[cfg(feature = "time")]
#[test]
fn infinite_dates_are_bounds_not_unbounded() {
    // '[2024-01-01,infinity)': `infinity` is a date value (i32::MAX days), which `time` cannot
    // hold; reading fails instead of turning it into an unbounded bound.
    let mut raw = vec![LB_INC, 0, 0, 0, 4];
    raw.extend_from_slice(&8766_i32.to_be_bytes());
    raw.extend_from_slice(&[0, 0, 0, 4]);
    raw.extend_from_slice(&i32::MAX.to_be_bytes());
    assert!(Range::<::time::Date>::from_sql(&Type::DATE_RANGE, &raw).is_err());
    let date = ::time::Date::from_calendar_date(2024, ::time::Month::January, 1).unwrap();
    let open = Range::from(date..);
    assert_eq!(Range::from_sql(&Type::DATE_RANGE, &encode(&open, &Type::DATE_RANGE)).unwrap(), open);
}
