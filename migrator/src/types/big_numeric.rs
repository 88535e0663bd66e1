//! `numeric` as [`BigDecimal`] (feature `bigdecimal`), in Postgres's binary numeric format:
//! `ndigits`, `weight`, `sign` and `dscale` as 16-bit integers, then `ndigits` base-10000 digits,
//! the first worth 10000^weight (numeric_send in numeric.c).
//!
//! A newtype because neither `postgres-types` nor `bigdecimal` implements the driver's traits for
//! it, and Rust's orphan rule keeps strata from implementing them for `bigdecimal::BigDecimal`.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

use postgres_types::private::BytesMut;
use postgres_types::{to_sql_checked, FromSql, IsNull, ToSql, Type};

type BoxError = Box<dyn Error + Sync + Send>;

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;
const PLUS_INFINITY: u16 = 0xD000;
const MINUS_INFINITY: u16 = 0xF000;

/// A `numeric` value of any precision: a `bigdecimal::BigDecimal` (`.0`, `Deref`, `From`).
/// Postgres's `NaN` and `±Infinity` have no `BigDecimal`; reading them is an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct BigDecimal(pub bigdecimal::BigDecimal);

impl std::ops::Deref for BigDecimal {
    type Target = bigdecimal::BigDecimal;
    fn deref(&self) -> &bigdecimal::BigDecimal {
        &self.0
    }
}

impl From<bigdecimal::BigDecimal> for BigDecimal {
    fn from(value: bigdecimal::BigDecimal) -> BigDecimal {
        BigDecimal(value)
    }
}

impl From<BigDecimal> for bigdecimal::BigDecimal {
    fn from(value: BigDecimal) -> bigdecimal::BigDecimal {
        value.0
    }
}

impl FromStr for BigDecimal {
    type Err = bigdecimal::ParseBigDecimalError;
    fn from_str(s: &str) -> Result<BigDecimal, Self::Err> {
        bigdecimal::BigDecimal::from_str(s).map(BigDecimal)
    }
}

impl fmt::Display for BigDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<'a> FromSql<'a> for BigDecimal {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<BigDecimal, BoxError> {
        let word = |i: usize| -> Result<u16, BoxError> {
            let bytes = raw.get(i * 2..i * 2 + 2).ok_or("numeric value too short")?;
            Ok(u16::from_be_bytes([bytes[0], bytes[1]]))
        };
        let (ndigits, weight, sign, dscale) = (usize::from(word(0)?), word(1)? as i16, word(2)?, word(3)?);
        match sign {
            POSITIVE | NEGATIVE => {}
            NAN => return Err("numeric NaN has no BigDecimal".into()),
            PLUS_INFINITY | MINUS_INFINITY => return Err("numeric Infinity has no BigDecimal".into()),
            _ => return Err("invalid numeric sign".into()),
        }
        if raw.len() != 8 + ndigits * 2 {
            return Err("invalid numeric value".into());
        }
        let mut digits = String::with_capacity(ndigits * 4 + 1);
        if sign == NEGATIVE {
            digits.push('-');
        }
        for i in 0..ndigits {
            let d = word(4 + i)?;
            if d >= 10000 {
                return Err("invalid numeric digit".into());
            }
            digits.push_str(&format!("{d:04}"));
        }
        if ndigits == 0 {
            digits.push('0');
        }
        // The last digit is worth 10000^(weight - ndigits + 1).
        let exponent = 4 * (i64::from(weight) - ndigits as i64 + 1);
        let mantissa = bigdecimal::num_bigint::BigInt::from_str(&digits)?;
        let value = bigdecimal::BigDecimal::new(mantissa, -exponent).with_scale(i64::from(dscale));
        Ok(BigDecimal(value))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

impl ToSql for BigDecimal {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let (mantissa, scale) = self.0.as_bigint_and_exponent();
        let negative = mantissa.sign() == bigdecimal::num_bigint::Sign::Minus;
        let mut decimal = mantissa.magnitude().to_string();
        // A negative scale (1E+5) is trailing zeros of the integer.
        let scale = if scale < 0 {
            decimal.extend(std::iter::repeat_n('0', usize::try_from(-scale)?));
            0
        } else {
            scale
        };
        let dscale = u16::try_from(scale).ok().filter(|s| *s <= 0x3FFF).ok_or("numeric scale too large")?;
        // Align on the decimal point: whole groups of four digits on either side.
        let scale = usize::from(dscale);
        decimal.extend(std::iter::repeat_n('0', (4 - scale % 4) % 4));
        let frac_groups = scale.div_ceil(4);
        if decimal.len() < frac_groups * 4 {
            decimal.insert_str(0, &"0".repeat(frac_groups * 4 - decimal.len()));
        }
        let int_len = decimal.len().saturating_sub(frac_groups * 4);
        let lead = (4 - int_len % 4) % 4;
        let padded: String = std::iter::repeat_n('0', lead).chain(decimal.chars()).collect();
        let mut groups: Vec<u16> = padded
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or("0").parse().unwrap_or(0))
            .collect();
        let mut weight = (groups.len() - frac_groups) as i64 - 1;
        let leading_zeros = groups.iter().take_while(|g| **g == 0).count();
        groups.drain(..leading_zeros);
        weight -= leading_zeros as i64;
        while groups.last() == Some(&0) {
            groups.pop();
        }
        if groups.is_empty() {
            weight = 0;
        }
        let sign = if negative && !groups.is_empty() { NEGATIVE } else { POSITIVE };
        out.extend_from_slice(&u16::try_from(groups.len())?.to_be_bytes());
        out.extend_from_slice(&i16::try_from(weight)?.to_be_bytes());
        out.extend_from_slice(&sign.to_be_bytes());
        out.extend_from_slice(&dscale.to_be_bytes());
        for g in groups {
            out.extend_from_slice(&g.to_be_bytes());
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }

    to_sql_checked!();
}

#[cfg(test)]
#[path = "big_numeric_tests.rs"]
mod tests;
