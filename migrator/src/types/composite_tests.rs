use super::*;

fn address_type() -> Type {
    let fields = vec![Field::new("street".into(), Type::TEXT), Field::new("zip".into(), Type::INT4)];
    Type::new("address".into(), 90010, Kind::Composite(fields), "public".into())
}

fn fields(ty: &Type) -> &[Field] {
    match ty.kind() {
        Kind::Composite(f) => f,
        _ => unreachable!(),
    }
}

#[test]
fn record_bytes_match_record_send() {
    // `SELECT record_send(ROW('Main', 7)::address)`: count 2, then (oid, length, value) per field.
    let ty = address_type();
    let mut out = BytesMut::new();
    let mut w = RecordWriter::new(&mut out, fields(&ty)).unwrap();
    w.field(&fields(&ty)[0], &"Main").unwrap();
    w.field(&fields(&ty)[1], &7_i32).unwrap();
    let mut expected = vec![0, 0, 0, 2, 0, 0, 0, 25, 0, 0, 0, 4];
    expected.extend_from_slice(b"Main");
    expected.extend_from_slice(&[0, 0, 0, 23, 0, 0, 0, 4, 0, 0, 0, 7]);
    assert_eq!(&out[..], expected);

    let mut r = RecordReader::new(&out, fields(&ty)).unwrap();
    assert_eq!(r.field::<String>(&fields(&ty)[0]).unwrap(), "Main");
    assert_eq!(r.field::<i32>(&fields(&ty)[1]).unwrap(), 7);
    r.finish().unwrap();
}

#[test]
fn null_fields_are_length_minus_one() {
    let ty = address_type();
    let mut out = BytesMut::new();
    let mut w = RecordWriter::new(&mut out, fields(&ty)).unwrap();
    w.field(&fields(&ty)[0], &None::<String>).unwrap();
    w.field(&fields(&ty)[1], &Some(1_i32)).unwrap();
    assert_eq!(&out[8..12], (-1_i32).to_be_bytes());
    let mut r = RecordReader::new(&out, fields(&ty)).unwrap();
    assert_eq!(r.field::<Option<String>>(&fields(&ty)[0]).unwrap(), None);
    assert_eq!(r.field::<Option<i32>>(&fields(&ty)[1]).unwrap(), Some(1));
    // A NULL read as a non-Option field is an error naming the field.
    let mut r = RecordReader::new(&out, fields(&ty)).unwrap();
    let err = r.field::<String>(&fields(&ty)[0]).unwrap_err().to_string();
    assert!(err.starts_with("field street: "), "{err}");
}

#[test]
fn malformed_records_are_errors() {
    let ty = address_type();
    assert!(RecordReader::new(&[0, 0, 0, 3], fields(&ty)).is_err(), "field count");
    assert!(RecordReader::new(&[0, 0], fields(&ty)).is_err());
    let mut r = RecordReader::new(&[0, 0, 0, 2, 0, 0, 0, 23, 0, 0, 0, 4, 0], fields(&ty)).unwrap();
    assert!(r.field::<String>(&fields(&ty)[0]).is_err(), "an int4 where text is");
    let mut r = RecordReader::new(&[0, 0, 0, 2, 0, 0, 0, 25, 0, 0, 0, 9, b'x'], fields(&ty)).unwrap();
    assert!(r.field::<String>(&fields(&ty)[0]).is_err(), "truncated");
    // A value the field's Rust type rejects is the writer's error, with the field's name.
    let mut out = BytesMut::new();
    let mut w = RecordWriter::new(&mut out, fields(&ty)).unwrap();
    let err = w.field(&fields(&ty)[1], &"seven").unwrap_err().to_string();
    assert!(err.starts_with("field zip: "), "{err}");
}

#[test]
fn composite_fields_only_for_the_named_type() {
    struct Address;
    impl CompositeName for Address {
        const SCHEMA: &'static str = "public";
        const NAME: &'static str = "address";
    }
    assert_eq!(composite_fields::<Address>(&address_type()).map(<[Field]>::len), Some(2));
    let other = Type::new("address".into(), 90011, Kind::Composite(vec![]), "billing".into());
    assert!(composite_fields::<Address>(&other).is_none());
    assert!(composite_fields::<Address>(&Type::TEXT).is_none());
}
