//! Rust types for Postgres types whose Rust crate is chosen by a feature. Generated code names
//! these aliases, so `query!` needs no features of its own. Without the feature the alias points
//! at a type whose name says what to enable.
//!
//! Types with no widely used crate (`interval`, `inet`/`cidr`, `macaddr`, `money`, `bit`/`varbit`,
//! `xml`) are defined here, so they need no feature.
#![allow(non_camel_case_types)]

#[cfg(feature = "bigdecimal")]
mod big_numeric;
pub(crate) mod composite;
pub(crate) mod enums;
mod network;
mod range;
mod scalars;

#[cfg(feature = "bigdecimal")]
pub use big_numeric::BigDecimal;
pub use composite::PgComposite;
pub use enums::{EnumText, PgEnum};
pub use network::{Inet, MacAddr};
pub use range::{MultiRange, Range};
pub use scalars::{Bits, Interval, Money, Xml};
pub use std::ops::Bound;

/// `hstore` values.
pub type Hstore = std::collections::HashMap<String, Option<String>>;

macro_rules! feature_type {
    ($alias:ident, $feature:literal, $ty:ty, $missing:ident) => {
        #[cfg(feature = $feature)]
        pub type $alias = $ty;
        #[cfg(not(feature = $feature))]
        pub type $alias = $missing;
        #[cfg(not(feature = $feature))]
        #[doc = concat!("Enable the `", $feature, "` feature of `strata` to read this type.")]
        #[derive(Debug)]
        pub enum $missing {}
    };
}

feature_type!(Uuid, "uuid", uuid::Uuid, enable_the_uuid_feature_of_strata);
feature_type!(Json, "json", serde_json::Value, enable_the_json_feature_of_strata);
/// `rust_decimal`'s `numeric` type (feature `decimal`).
#[cfg(feature = "decimal")]
pub mod decimal {
    pub type Numeric = ::rust_decimal::Decimal;
}

/// `bigdecimal`'s `numeric` type (feature `bigdecimal`), as [`BigDecimal`](super::BigDecimal).
#[cfg(feature = "bigdecimal")]
pub mod bigdecimal {
    pub type Numeric = super::BigDecimal;
}

#[cfg(all(feature = "decimal", not(feature = "bigdecimal")))]
mod numeric {
    pub use super::decimal::Numeric;
}

#[cfg(all(feature = "bigdecimal", not(feature = "decimal")))]
mod numeric {
    pub use super::bigdecimal::Numeric;
}

#[cfg(not(any(feature = "decimal", feature = "bigdecimal")))]
mod numeric {
    /// Enable the `decimal` or `bigdecimal` feature of `strata` to read `numeric`.
    #[derive(Debug)]
    pub enum enable_the_decimal_or_bigdecimal_feature_of_strata {}
    pub type Numeric = enable_the_decimal_or_bigdecimal_feature_of_strata;
}

/// Both features are on: as for dates and times, strata does not guess. The crate chooses with
/// `STRATA_NUMERIC=decimal` or `STRATA_NUMERIC=bigdecimal`, or per column with
/// `AS "col: strata::types::BigDecimal"`.
#[cfg(all(feature = "decimal", feature = "bigdecimal"))]
mod numeric {
    /// Both `decimal` and `bigdecimal` are enabled: set `STRATA_NUMERIC` to `decimal` or `bigdecimal`.
    #[derive(Debug)]
    pub enum both_decimal_and_bigdecimal_are_enabled_set_STRATA_NUMERIC_to_decimal_or_bigdecimal {}
    pub type Numeric = both_decimal_and_bigdecimal_are_enabled_set_STRATA_NUMERIC_to_decimal_or_bigdecimal;
}

/// `numeric`: the type of the one feature enabled, `decimal` or `bigdecimal`. With both, the
/// query macros use `STRATA_NUMERIC`'s choice (`types::decimal::Numeric` or `types::bigdecimal::Numeric`).
pub use numeric::Numeric;

/// `time`'s date and time types (feature `time`).
#[cfg(feature = "time")]
pub mod time {
    pub type Timestamptz = ::time::OffsetDateTime;
    pub type Timestamp = ::time::PrimitiveDateTime;
    pub type Date = ::time::Date;
    pub type Time = ::time::Time;
}

/// `chrono`'s date and time types (feature `chrono`).
#[cfg(feature = "chrono")]
pub mod chrono {
    pub type Timestamptz = ::chrono::DateTime<::chrono::Utc>;
    pub type Timestamp = ::chrono::NaiveDateTime;
    pub type Date = ::chrono::NaiveDate;
    pub type Time = ::chrono::NaiveTime;
}

#[cfg(all(feature = "time", not(feature = "chrono")))]
mod datetime {
    pub use super::time::*;
}

#[cfg(all(feature = "chrono", not(feature = "time")))]
mod datetime {
    pub use super::chrono::*;
}

#[cfg(not(any(feature = "time", feature = "chrono")))]
mod datetime {
    /// Enable the `time` or `chrono` feature of `strata` to read date and time types.
    #[derive(Debug)]
    pub enum enable_the_time_or_chrono_feature_of_strata {}
    pub type Timestamptz = enable_the_time_or_chrono_feature_of_strata;
    pub type Timestamp = enable_the_time_or_chrono_feature_of_strata;
    pub type Date = enable_the_time_or_chrono_feature_of_strata;
    pub type Time = enable_the_time_or_chrono_feature_of_strata;
}

/// Both features are on (features add up across a dependency graph), so strata does not guess:
/// the crate chooses with `STRATA_DATETIME=time` or `STRATA_DATETIME=chrono` (e.g. in
/// `.cargo/config.toml` under `[env]`), or per column with `AS "col: chrono::NaiveDate"`.
#[cfg(all(feature = "time", feature = "chrono"))]
mod datetime {
    /// Both `time` and `chrono` are enabled: set `STRATA_DATETIME` to `time` or `chrono`.
    #[derive(Debug)]
    pub enum both_time_and_chrono_are_enabled_set_STRATA_DATETIME_to_time_or_chrono {}
    pub type Timestamptz = both_time_and_chrono_are_enabled_set_STRATA_DATETIME_to_time_or_chrono;
    pub type Timestamp = both_time_and_chrono_are_enabled_set_STRATA_DATETIME_to_time_or_chrono;
    pub type Date = both_time_and_chrono_are_enabled_set_STRATA_DATETIME_to_time_or_chrono;
    pub type Time = both_time_and_chrono_are_enabled_set_STRATA_DATETIME_to_time_or_chrono;
}

/// Date and time types: those of the one feature enabled, `time` or `chrono`. With both, the
/// query macros use `STRATA_DATETIME`'s choice (`types::time::*` or `types::chrono::*`).
pub use datetime::*;
