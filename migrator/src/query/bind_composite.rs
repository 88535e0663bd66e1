//! Compile-time checks of arguments for parameters of a composite type (`PgComposite<HASH>`, or
//! `Vec` of it for an array): the struct derived for that type. A trait of its own, as for
//! enums, so errors about other parameters do not list these impls, and its message needs no
//! type name (the parameter's Rust type is only a hash of it).

use postgres_types::ToSql;

use crate::types::composite::CompositeOf;
use crate::types::PgComposite;

#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a query parameter of this composite type",
    label = "expected the struct whose #[strata(type_name = ..)] is the parameter's type, or a reference to one",
    note = "`strata describe` shows each parameter's type; an `Option` is accepted only where NULL is meaningful"
)]
pub trait BindComposite<T: ?Sized>: ToSql + Sync {}

/// [`BindComposite`] where the parameter's target allows NULL: also an `Option` of such a value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be passed for a query parameter of this composite type",
    label = "expected the struct derived for the parameter's type, a reference to one, or an `Option` of one"
)]
pub trait BindCompositeNullable<T: ?Sized>: ToSql + Sync {}

/// Used by the query macros for each argument of a composite parameter that must not be NULL.
#[doc(hidden)]
pub fn bind_composite<T: ?Sized, A: BindComposite<T>>(arg: &A) -> &(dyn ToSql + Sync) {
    arg
}

/// Used by the query macros for each argument of a composite parameter that may be NULL.
#[doc(hidden)]
pub fn bind_composite_nullable<T: ?Sized, A: BindCompositeNullable<T>>(arg: &A) -> &(dyn ToSql + Sync) {
    arg
}

// The derive implements `CompositeOf` for the struct and for references to it, so these also
// take `&Address`, `Option<&Address>` and `Vec<&Address>`.
impl<const H: u64, C: CompositeOf<H>> BindComposite<PgComposite<H>> for C {}
impl<const H: u64, C: CompositeOf<H>> BindCompositeNullable<PgComposite<H>> for C {}
impl<const H: u64, C: CompositeOf<H>> BindCompositeNullable<PgComposite<H>> for Option<C> {}
impl<const H: u64, C: CompositeOf<H>> BindCompositeNullable<PgComposite<H>> for &Option<C> {}

/// Arrays of a composite type as `Vec`s and slices of its derived struct.
macro_rules! bind_list {
    ($($a:ty),*) => {$(
        impl<'r, const H: u64, C: CompositeOf<H>> BindComposite<Vec<PgComposite<H>>> for $a {}
        impl<'r, const H: u64, C: CompositeOf<H>> BindCompositeNullable<Vec<PgComposite<H>>> for $a {}
        impl<'r, const H: u64, C: CompositeOf<H>> BindCompositeNullable<Vec<PgComposite<H>>> for Option<$a> {}
    )*};
}
bind_list!(Vec<C>, &'r Vec<C>, &'r [C]);
