//! Compile-time checks of query arguments: each argument must implement `Bind<T>` for the Rust
//! type `T` of its parameter, or `BindNullable<T>` where the parameter's target allows NULL, so a
//! wrong argument fails at the argument itself.

use postgres_types::ToSql;

use crate::types::{MultiRange, Range};

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a query parameter of type `{T}`",
    label = "expected `{T}` or a reference to one",
    note = "an `Option` is accepted only where NULL is meaningful (a nullable target column, `IS NULL`, `IS [NOT] DISTINCT FROM`, `coalesce`)"
)]
pub trait Bind<T: ?Sized>: ToSql + Sync {}

/// A value for a parameter where NULL is meaningful (`SET col = $1` into a nullable column,
/// `$1 IS NULL`, `IS NOT DISTINCT FROM $1`): anything [`Bind<T>`] accepts, or an `Option` of it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a query parameter of type `{T}`",
    label = "expected `{T}`, a reference to one, or an `Option` of one"
)]
pub trait BindNullable<T: ?Sized>: ToSql + Sync {}

/// Used by the query macros for each argument whose parameter must not be NULL.
#[doc(hidden)]
pub fn bind<T: ?Sized, A: Bind<T>>(arg: &A) -> &(dyn ToSql + Sync) {
    arg
}

/// Used by the query macros for each argument whose parameter may be NULL.
#[doc(hidden)]
pub fn bind_nullable<T: ?Sized, A: BindNullable<T>>(arg: &A) -> &(dyn ToSql + Sync) {
    arg
}

/// `Bind` and `BindNullable` for `$t` and references to it, and `BindNullable` for `Option`s of
/// them. `#[derive(strata::Type)]` uses it for the enums it derives.
#[macro_export]
#[doc(hidden)]
macro_rules! __bind_impls {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::Bind<$t> for $t {}
        impl $crate::Bind<$t> for &$t {}
        impl $crate::BindNullable<$t> for $t {}
        impl $crate::BindNullable<$t> for &$t {}
        impl $crate::BindNullable<$t> for ::std::option::Option<$t> {}
        impl $crate::BindNullable<$t> for ::std::option::Option<&$t> {}
        impl $crate::BindNullable<$t> for &::std::option::Option<$t> {}
    )*};
}

crate::__bind_impls!(bool, i8, i16, i32, i64, u32, f32, f64, String);
crate::__bind_impls!(
    crate::types::Interval,
    crate::types::Inet,
    crate::types::MacAddr,
    crate::types::Money,
    crate::types::Bits,
    crate::types::Xml,
    crate::types::Hstore
);

/// Text parameters also take string slices.
macro_rules! bind_str {
    ($($a:ty),*) => {$(
        impl Bind<String> for $a {}
        impl BindNullable<String> for $a {}
        impl BindNullable<String> for Option<$a> {}
        impl BindNullable<String> for &Option<$a> {}
    )*};
}
bind_str!(&str, &&str, Box<str>, std::borrow::Cow<'_, str>);

/// Arrays as `Vec<T>`, slices and fixed-size arrays of `T`, and `bytea` as `Vec<u8>` / `&[u8]`.
macro_rules! bind_list {
    ($($a:ty),*) => {$(
        impl<'r, X> Bind<Vec<X>> for $a where $a: ToSql + Sync {}
        impl<'r, X> BindNullable<Vec<X>> for $a where $a: ToSql + Sync {}
        impl<'r, X> BindNullable<Vec<X>> for Option<$a> where $a: ToSql + Sync {}
        impl<'r, X> BindNullable<Vec<X>> for &'r Option<$a> where $a: ToSql + Sync {}
    )*};
}
bind_list!(Vec<X>, &'r Vec<X>, &'r [X], &'r &'r [X]);

impl<X, const N: usize> Bind<Vec<X>> for [X; N] where [X; N]: ToSql + Sync {}
impl<X, const N: usize> Bind<Vec<X>> for &[X; N] where [X; N]: ToSql + Sync {}
impl<X, const N: usize> BindNullable<Vec<X>> for [X; N] where [X; N]: ToSql + Sync {}
impl<X, const N: usize> BindNullable<Vec<X>> for &[X; N] where [X; N]: ToSql + Sync {}

/// Ranges and multiranges: `Range<T>` for a range of `T`s (`Range::from(a..b)`).
macro_rules! bind_generic {
    ($($wrapper:ident),*) => {$(
        impl<X> Bind<$wrapper<X>> for $wrapper<X> where $wrapper<X>: ToSql + Sync {}
        impl<X> Bind<$wrapper<X>> for &$wrapper<X> where $wrapper<X>: ToSql + Sync {}
        impl<X> BindNullable<$wrapper<X>> for $wrapper<X> where $wrapper<X>: ToSql + Sync {}
        impl<X> BindNullable<$wrapper<X>> for &$wrapper<X> where $wrapper<X>: ToSql + Sync {}
        impl<X> BindNullable<$wrapper<X>> for Option<$wrapper<X>> where $wrapper<X>: ToSql + Sync {}
        impl<X> BindNullable<$wrapper<X>> for Option<&$wrapper<X>> where $wrapper<X>: ToSql + Sync {}
        impl<X> BindNullable<$wrapper<X>> for &Option<$wrapper<X>> where $wrapper<X>: ToSql + Sync {}
    )*};
}
bind_generic!(Range, MultiRange);

#[cfg(feature = "uuid")]
crate::__bind_impls!(uuid::Uuid);
#[cfg(feature = "json")]
crate::__bind_impls!(serde_json::Value);
#[cfg(feature = "decimal")]
crate::__bind_impls!(rust_decimal::Decimal);
#[cfg(feature = "bigdecimal")]
crate::__bind_impls!(crate::types::BigDecimal);
#[cfg(feature = "time")]
crate::__bind_impls!(time::OffsetDateTime, time::PrimitiveDateTime, time::Date, time::Time);
#[cfg(feature = "chrono")]
crate::__bind_impls!(
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::FixedOffset>,
    chrono::DateTime<chrono::Local>,
    chrono::NaiveDateTime,
    chrono::NaiveDate,
    chrono::NaiveTime
);
