//! Range types (`int4range`, `tstzrange`, ranges the migrations create ...) as [`Range<T>`] and
//! multiranges as [`MultiRange<T>`], in Postgres's binary formats, over any element type that
//! reads and writes the range's subtype.
//!
//! The binary form of a range: one flags byte, then each finite bound as an `i32` length and the
//! subtype's binary value (range_send in rangetypes.c).

use std::error::Error;
use std::ops::{self, Bound};

use postgres_types::private::BytesMut;
use postgres_types::{to_sql_checked, FromSql, IsNull, Kind, ToSql, Type};

type BoxError = Box<dyn Error + Sync + Send>;

// RANGE_* flags of rangetypes.h. LB_NULL, UB_NULL and CONTAIN_EMPTY never leave the server.
const EMPTY: u8 = 0x01;
const LB_INC: u8 = 0x02;
const UB_INC: u8 = 0x04;
const LB_INF: u8 = 0x08;
const UB_INF: u8 = 0x10;

/// A range value: empty, or two bounds, each inclusive, exclusive or unbounded.
///
/// Discrete ranges (`int4range`, `int8range`, `daterange`) come back canonical, as Postgres
/// stores them: `[1,5]` reads as `[1,6)`, and `(1,2)` as empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Range<T> {
    Empty,
    Bounded { lower: Bound<T>, upper: Bound<T> },
}

impl<T> Range<T> {
    pub fn new(lower: Bound<T>, upper: Bound<T>) -> Range<T> {
        Range::Bounded { lower, upper }
    }

    pub fn empty() -> Range<T> {
        Range::Empty
    }

    /// `(,)`: every value.
    pub fn unbounded() -> Range<T> {
        Range::new(Bound::Unbounded, Bound::Unbounded)
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Range::Empty)
    }

    /// The lower bound; `None` for an empty range (SQL's `lower()` is NULL there too).
    pub fn lower(&self) -> Option<Bound<&T>> {
        match self {
            Range::Empty => None,
            Range::Bounded { lower, .. } => Some(lower.as_ref()),
        }
    }

    /// The upper bound; `None` for an empty range.
    pub fn upper(&self) -> Option<Bound<&T>> {
        match self {
            Range::Empty => None,
            Range::Bounded { upper, .. } => Some(upper.as_ref()),
        }
    }

    /// Whether `value` lies within the bounds, as SQL's `@>` decides it for the subtype's order.
    pub fn contains(&self, value: &T) -> bool
    where
        T: PartialOrd,
    {
        let Range::Bounded { lower, upper } = self else { return false };
        let above = match lower {
            Bound::Included(l) => value >= l,
            Bound::Excluded(l) => value > l,
            Bound::Unbounded => true,
        };
        let below = match upper {
            Bound::Included(u) => value <= u,
            Bound::Excluded(u) => value < u,
            Bound::Unbounded => true,
        };
        above && below
    }
}

/// `a..b` is `[a,b)`.
impl<T> From<ops::Range<T>> for Range<T> {
    fn from(r: ops::Range<T>) -> Range<T> {
        Range::new(Bound::Included(r.start), Bound::Excluded(r.end))
    }
}

/// `a..=b` is `[a,b]`.
impl<T> From<ops::RangeInclusive<T>> for Range<T> {
    fn from(r: ops::RangeInclusive<T>) -> Range<T> {
        let (start, end) = r.into_inner();
        Range::new(Bound::Included(start), Bound::Included(end))
    }
}

/// `a..` is `[a,)`.
impl<T> From<ops::RangeFrom<T>> for Range<T> {
    fn from(r: ops::RangeFrom<T>) -> Range<T> {
        Range::new(Bound::Included(r.start), Bound::Unbounded)
    }
}

/// `..b` is `(,b)`.
impl<T> From<ops::RangeTo<T>> for Range<T> {
    fn from(r: ops::RangeTo<T>) -> Range<T> {
        Range::new(Bound::Unbounded, Bound::Excluded(r.end))
    }
}

/// `..=b` is `(,b]`.
impl<T> From<ops::RangeToInclusive<T>> for Range<T> {
    fn from(r: ops::RangeToInclusive<T>) -> Range<T> {
        Range::new(Bound::Unbounded, Bound::Included(r.end))
    }
}

/// `..` is `(,)`.
impl<T> From<ops::RangeFull> for Range<T> {
    fn from(_: ops::RangeFull) -> Range<T> {
        Range::unbounded()
    }
}

/// The subtype of a range type (the driver has it for built-in and user-defined ranges).
fn subtype(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Range(sub) => Some(sub),
        _ => None,
    }
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Range<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Range<T>, BoxError> {
        let sub = subtype(ty).ok_or("not a range type")?;
        let (range, rest) = read_range(sub, raw)?;
        if !rest.is_empty() {
            return Err("trailing bytes after a range value".into());
        }
        Ok(range)
    }

    fn accepts(ty: &Type) -> bool {
        subtype(ty).is_some_and(T::accepts)
    }
}

/// One range off the front of `raw`, and what follows it.
fn read_range<'a, T: FromSql<'a>>(sub: &Type, raw: &'a [u8]) -> Result<(Range<T>, &'a [u8]), BoxError> {
    let (&flags, mut rest) = raw.split_first().ok_or("range value too short")?;
    if flags & EMPTY != 0 {
        return Ok((Range::Empty, rest));
    }
    let mut bound = |infinite: u8, inclusive: u8| -> Result<Bound<T>, BoxError> {
        if flags & infinite != 0 {
            return Ok(Bound::Unbounded);
        }
        let (len, after) = rest.split_at_checked(4).ok_or("range bound too short")?;
        let len = usize::try_from(i32::from_be_bytes(len.try_into()?))?;
        let (value, after) = after.split_at_checked(len).ok_or("range bound too short")?;
        rest = after;
        let value = T::from_sql(sub, value)?;
        Ok(if flags & inclusive != 0 { Bound::Included(value) } else { Bound::Excluded(value) })
    };
    let lower = bound(LB_INF, LB_INC)?;
    let upper = bound(UB_INF, UB_INC)?;
    Ok((Range::Bounded { lower, upper }, rest))
}

fn write_range<T: ToSql>(range: &Range<T>, sub: &Type, out: &mut BytesMut) -> Result<(), BoxError> {
    let Range::Bounded { lower, upper } = range else {
        out.extend_from_slice(&[EMPTY]);
        return Ok(());
    };
    let flag = |b: &Bound<T>, infinite: u8, inclusive: u8| match b {
        Bound::Included(_) => inclusive,
        Bound::Excluded(_) => 0,
        Bound::Unbounded => infinite,
    };
    out.extend_from_slice(&[flag(lower, LB_INF, LB_INC) | flag(upper, UB_INF, UB_INC)]);
    for bound in [lower, upper] {
        let (Bound::Included(value) | Bound::Excluded(value)) = bound else { continue };
        let start = out.len();
        out.extend_from_slice(&[0; 4]);
        if let IsNull::Yes = value.to_sql(sub, out)? {
            return Err("a range bound cannot be NULL (use an unbounded bound)".into());
        }
        let len = i32::try_from(out.len() - start - 4)?;
        out[start..start + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

impl<T: ToSql> ToSql for Range<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        write_range(self, subtype(ty).ok_or("not a range type")?, out)?;
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        subtype(ty).is_some_and(T::accepts)
    }

    to_sql_checked!();
}

/// A multirange value (`int4multirange`, `tstzmultirange`, ...): its ranges, which Postgres
/// keeps sorted, merged and without empty ones. A type of its own because `Vec<Range<T>>` is a
/// range array.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MultiRange<T>(pub Vec<Range<T>>);

fn multirange_subtype(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Multirange(sub) => Some(sub),
        _ => None,
    }
}

impl<'a, T: FromSql<'a>> FromSql<'a> for MultiRange<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<MultiRange<T>, BoxError> {
        let sub = multirange_subtype(ty).ok_or("not a multirange type")?;
        let (count, mut rest) = raw.split_at_checked(4).ok_or("multirange value too short")?;
        let count = usize::try_from(i32::from_be_bytes(count.try_into()?))?;
        let mut ranges = Vec::with_capacity(count.min(rest.len()));
        for _ in 0..count {
            let (len, after) = rest.split_at_checked(4).ok_or("multirange value too short")?;
            let len = usize::try_from(i32::from_be_bytes(len.try_into()?))?;
            let (one, after) = after.split_at_checked(len).ok_or("multirange value too short")?;
            let (range, trailing) = read_range(sub, one)?;
            if !trailing.is_empty() {
                return Err("trailing bytes after a range of a multirange".into());
            }
            ranges.push(range);
            rest = after;
        }
        Ok(MultiRange(ranges))
    }

    fn accepts(ty: &Type) -> bool {
        multirange_subtype(ty).is_some_and(T::accepts)
    }
}

impl<T: ToSql> ToSql for MultiRange<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let sub = multirange_subtype(ty).ok_or("not a multirange type")?;
        out.extend_from_slice(&i32::try_from(self.0.len())?.to_be_bytes());
        for range in &self.0 {
            let start = out.len();
            out.extend_from_slice(&[0; 4]);
            write_range(range, sub, out)?;
            let len = i32::try_from(out.len() - start - 4)?;
            out[start..start + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        multirange_subtype(ty).is_some_and(T::accepts)
    }

    to_sql_checked!();
}

impl<T> From<Vec<Range<T>>> for MultiRange<T> {
    fn from(ranges: Vec<Range<T>>) -> MultiRange<T> {
        MultiRange(ranges)
    }
}

#[cfg(test)]
#[path = "range_tests.rs"]
mod tests;
