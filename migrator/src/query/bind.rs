//! Compile-time checks of `query!` arguments: each argument must implement `Bind<T>` for the Rust
//! type `T` of its parameter, so a wrong argument fails at the argument itself.

use postgres_types::ToSql;

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a query parameter of type `{T}`",
    label = "expected `{T}`, a reference to one, or an `Option` of one"
)]
pub trait Bind<T: ?Sized>: ToSql + Sync {}

/// Used by `query!` for each argument.
#[doc(hidden)]
pub fn bind<T: ?Sized, A: Bind<T>>(arg: &A) -> &(dyn ToSql + Sync) {
    arg
}

macro_rules! bind_owned {
    ($($t:ty),* $(,)?) => {$(
        impl Bind<$t> for $t {}
        impl Bind<$t> for &$t {}
        impl Bind<$t> for Option<$t> {}
        impl Bind<$t> for Option<&$t> {}
        impl Bind<$t> for &Option<$t> {}
    )*};
}

bind_owned!(bool, i8, i16, i32, i64, u32, f32, f64, String);

impl Bind<String> for &str {}
impl Bind<String> for Option<&str> {}
impl Bind<String> for &Option<&str> {}

/// Arrays (and `bytea` as `Vec<u8>`).
impl<X: ToSql + Sync> Bind<Vec<X>> for Vec<X> {}
impl<X: ToSql + Sync> Bind<Vec<X>> for &Vec<X> {}
impl<X: ToSql + Sync> Bind<Vec<X>> for &[X] {}
impl<X: ToSql + Sync> Bind<Vec<X>> for Option<Vec<X>> {}
impl<X: ToSql + Sync> Bind<Vec<X>> for Option<&[X]> {}

#[cfg(feature = "uuid")]
bind_owned!(uuid::Uuid);
#[cfg(feature = "json")]
bind_owned!(serde_json::Value);
#[cfg(feature = "decimal")]
bind_owned!(rust_decimal::Decimal);
#[cfg(feature = "time")]
bind_owned!(time::OffsetDateTime, time::PrimitiveDateTime, time::Date, time::Time);
#[cfg(all(feature = "chrono", not(feature = "time")))]
bind_owned!(chrono::DateTime<chrono::Utc>, chrono::NaiveDateTime, chrono::NaiveDate, chrono::NaiveTime);
