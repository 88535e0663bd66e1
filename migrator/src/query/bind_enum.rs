//! Compile-time checks of arguments for parameters of a Postgres enum type (`PgEnum<HASH>`, or
//! `Vec` of it for an enum array): text, or the Rust enum derived for that enum. A trait of its
//! own, so errors about other parameters do not list these impls, and the other way round.

use postgres_types::ToSql;

use crate::types::enums::EnumOf;
use crate::types::PgEnum;

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a query parameter of this Postgres enum type",
    label = "expected `&str`, `String`, or the Rust enum whose #[strata(type_name = ..)] is the parameter's type",
    note = "`strata describe` shows each parameter's type; an `Option` is accepted only where NULL is meaningful"
)]
pub trait BindEnum<T: ?Sized>: ToSql + Sync {}

/// [`BindEnum`] where the parameter's target allows NULL: also an `Option` of such a value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a query parameter of this Postgres enum type",
    label = "expected `&str`, `String`, the Rust enum derived for the parameter's type, or an `Option` of one"
)]
pub trait BindEnumNullable<T: ?Sized>: ToSql + Sync {}

/// Used by the query macros for each argument of an enum parameter that must not be NULL.
#[doc(hidden)]
pub fn bind_enum<T: ?Sized, A: BindEnum<T>>(arg: &A) -> &(dyn ToSql + Sync) {
    arg
}

/// Used by the query macros for each argument of an enum parameter that may be NULL.
#[doc(hidden)]
pub fn bind_enum_nullable<T: ?Sized, A: BindEnumNullable<T>>(arg: &A) -> &(dyn ToSql + Sync) {
    arg
}

/// Text for an enum...
macro_rules! bind_label {
    ($($a:ty),*) => {$(
        impl<const H: u64> BindEnum<PgEnum<H>> for $a {}
        impl<const H: u64> BindEnumNullable<PgEnum<H>> for $a {}
        impl<const H: u64> BindEnumNullable<PgEnum<H>> for Option<$a> {}
        impl<const H: u64> BindEnumNullable<PgEnum<H>> for &Option<$a> {}
    )*};
}
bind_label!(String, &String, &str, &&str, Box<str>, std::borrow::Cow<'_, str>);

/// ...and lists of text for an enum array.
macro_rules! bind_labels {
    ($($a:ty),*) => {$(
        impl<'r, const H: u64> BindEnum<Vec<PgEnum<H>>> for $a {}
        impl<'r, const H: u64> BindEnumNullable<Vec<PgEnum<H>>> for $a {}
        impl<'r, const H: u64> BindEnumNullable<Vec<PgEnum<H>>> for Option<$a> {}
    )*};
}
bind_labels!(Vec<String>, &'r Vec<String>, &'r [String], Vec<&'r str>, &'r Vec<&'r str>, &'r [&'r str]);

/// A derived Rust enum of the parameter's enum, in the wrappers the derive (in another crate)
/// may not implement a foreign trait for; the derive implements `BindEnum` for `E` and `&E`.
macro_rules! bind_derived {
    ($($a:ty),*) => {$(
        impl<'r, const H: u64, E: EnumOf<H>> BindEnumNullable<PgEnum<H>> for $a {}
    )*};
}
bind_derived!(Option<E>, &'r Option<E>);

macro_rules! bind_derived_list {
    ($($a:ty),*) => {$(
        impl<'r, const H: u64, E: EnumOf<H>> BindEnum<Vec<PgEnum<H>>> for $a {}
        impl<'r, const H: u64, E: EnumOf<H>> BindEnumNullable<Vec<PgEnum<H>>> for $a {}
        impl<'r, const H: u64, E: EnumOf<H>> BindEnumNullable<Vec<PgEnum<H>>> for Option<$a> {}
    )*};
}
bind_derived_list!(Vec<E>, &'r Vec<E>, &'r [E]);
