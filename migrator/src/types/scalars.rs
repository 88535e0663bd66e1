//! `interval`, `money`, `bit`/`varbit` and `xml`, in Postgres's binary formats, with no extra
//! crate.

use std::error::Error;

use postgres_types::private::BytesMut;
use postgres_types::{to_sql_checked, FromSql, IsNull, ToSql, Type};

type BoxError = Box<dyn Error + Sync + Send>;

/// An `interval`: months, days and microseconds are separate in Postgres (a month is not a
/// fixed number of days), so they are here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub microseconds: i64,
}

impl<'a> FromSql<'a> for Interval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Interval, BoxError> {
        let raw: &[u8; 16] = raw.try_into()?;
        let microseconds = i64::from_be_bytes(raw[0..8].try_into()?);
        let days = i32::from_be_bytes(raw[8..12].try_into()?);
        let months = i32::from_be_bytes(raw[12..16].try_into()?);
        Ok(Interval { months, days, microseconds })
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

impl ToSql for Interval {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(&self.microseconds.to_be_bytes());
        out.extend_from_slice(&self.days.to_be_bytes());
        out.extend_from_slice(&self.months.to_be_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }

    to_sql_checked!();
}

/// A `money` value in the currency's smallest unit (cents for `lc_monetary` with two digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Money(pub i64);

impl<'a> FromSql<'a> for Money {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Money, BoxError> {
        Ok(Money(i64::from_be_bytes(raw.try_into()?)))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::MONEY
    }
}

impl ToSql for Money {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(&self.0.to_be_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::MONEY
    }

    to_sql_checked!();
}

/// A `bit(n)` or `varbit` value: `len` bits, most significant first in `bytes`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bits {
    pub len: usize,
    pub bytes: Vec<u8>,
}

impl Bits {
    pub fn get(&self, i: usize) -> Option<bool> {
        (i < self.len).then(|| self.bytes[i / 8] & (0x80 >> (i % 8)) != 0)
    }

    pub fn from_bools(bits: &[bool]) -> Bits {
        let mut bytes = vec![0u8; bits.len().div_ceil(8)];
        for (i, _) in bits.iter().enumerate().filter(|(_, b)| **b) {
            bytes[i / 8] |= 0x80 >> (i % 8);
        }
        Bits { len: bits.len(), bytes }
    }
}

impl<'a> FromSql<'a> for Bits {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Bits, BoxError> {
        let (len, bytes) = raw.split_at_checked(4).ok_or("bit value too short")?;
        let len = usize::try_from(i32::from_be_bytes(len.try_into()?))?;
        if bytes.len() != len.div_ceil(8) {
            return Err("invalid bit value".into());
        }
        Ok(Bits { len, bytes: bytes.to_vec() })
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::BIT | Type::VARBIT)
    }
}

impl ToSql for Bits {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if self.bytes.len() != self.len.div_ceil(8) {
            return Err("Bits: bytes do not hold len bits".into());
        }
        out.extend_from_slice(&i32::try_from(self.len)?.to_be_bytes());
        out.extend_from_slice(&self.bytes);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::BIT | Type::VARBIT)
    }

    to_sql_checked!();
}

/// An `xml` document as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Xml(pub String);

impl<'a> FromSql<'a> for Xml {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Xml, BoxError> {
        Ok(Xml(std::str::from_utf8(raw)?.to_string()))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::XML
    }
}

impl ToSql for Xml {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::XML
    }

    to_sql_checked!();
}
