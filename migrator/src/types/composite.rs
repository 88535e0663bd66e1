//! Composite types (`CREATE TYPE address AS (...)`) as Rust structs with
//! `#[derive(strata::Type)]`, in Postgres's binary record format: an `i32` field count, then per
//! field its type's OID, an `i32` length (-1 for NULL) and the value (record_send in rowtypes.c).
//!
//! The derive matches fields by name against the attributes the driver reports for the type, so
//! the order of the struct's fields does not matter; the query macros checked names and types
//! against the migrations at compile time.

use std::error::Error;

use postgres_types::private::BytesMut;
use postgres_types::{Field, FromSql, IsNull, Kind, ToSql, Type};

type BoxError = Box<dyn Error + Sync + Send>;

/// The Rust type a query parameter of a composite type has: `TYPE_NAME_HASH` names the type as
/// for [`PgEnum`](super::PgEnum). It takes the struct derived with that `type_name`, references
/// and `Option`s of it; an array of the type takes `Vec`s and slices. Never constructed.
#[derive(Debug)]
pub enum PgComposite<const TYPE_NAME_HASH: u64> {}

/// A struct derived for the composite type `TYPE_NAME_HASH` (see [`PgComposite`]).
pub trait CompositeOf<const TYPE_NAME_HASH: u64>: ToSql + Sync {}

/// The composite type a Rust type reads (`"schema.name"`), checked at compile time where a query
/// names the type for a composite column (`AS "home: Address"`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot read a Postgres composite column",
    label = "derive it with `#[derive(strata::Type)]` on a struct with #[strata(type_name = ..)]"
)]
pub trait CompositeColumn {
    const TYPE_NAME: &'static str;
}

impl<T: CompositeColumn> CompositeColumn for Option<T> {
    const TYPE_NAME: &'static str = T::TYPE_NAME;
}

impl<T: CompositeColumn> CompositeColumn for Vec<T> {
    const TYPE_NAME: &'static str = T::TYPE_NAME;
}

/// What `#[derive(strata::Type)]` on a struct generates besides its `ToSql` and `FromSql`.
pub trait CompositeName {
    /// The composite type's schema and name.
    const SCHEMA: &'static str;
    const NAME: &'static str;
}

/// A struct field's type checked against the Rust type the attribute's values read as: that type
/// or an `Option` of it (every attribute of a composite may be NULL).
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold this attribute of the composite type, whose values read as `{T}`",
    label = "expected `{T}` or `Option<{T}>`"
)]
pub trait CompositeField<T> {}

impl<T> CompositeField<T> for T {}
impl<T> CompositeField<T> for Option<T> {}

/// Used by the derive's compile-time check of a field's type.
pub fn composite_field<T, F: CompositeField<T>>() {}

/// The attributes of `C`'s composite type, if `ty` is it.
pub fn composite_fields<C: CompositeName>(ty: &Type) -> Option<&[Field]> {
    match ty.kind() {
        Kind::Composite(fields) if ty.name() == C::NAME && ty.schema() == C::SCHEMA => Some(fields),
        _ => None,
    }
}

/// A record being written: its field count first, then each field with [`RecordWriter::field`].
pub struct RecordWriter<'o> {
    out: &'o mut BytesMut,
}

impl<'o> RecordWriter<'o> {
    pub fn new(out: &'o mut BytesMut, fields: &[Field]) -> Result<RecordWriter<'o>, BoxError> {
        out.extend_from_slice(&i32::try_from(fields.len())?.to_be_bytes());
        Ok(RecordWriter { out })
    }

    pub fn field<T: ToSql>(&mut self, field: &Field, value: &T) -> Result<(), BoxError> {
        self.out.extend_from_slice(&field.type_().oid().to_be_bytes());
        let start = self.out.len();
        self.out.extend_from_slice(&[0; 4]);
        let len = match value.to_sql_checked(field.type_(), self.out).map_err(|e| in_field(field, e))? {
            IsNull::Yes => -1,
            IsNull::No => i32::try_from(self.out.len() - start - 4)?,
        };
        self.out[start..start + 4].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }
}

/// A record being read, field by field in the type's attribute order.
pub struct RecordReader<'a> {
    raw: &'a [u8],
}

impl<'a> RecordReader<'a> {
    /// Checks the field count against the attributes the driver knows.
    pub fn new(raw: &'a [u8], fields: &[Field]) -> Result<RecordReader<'a>, BoxError> {
        let (count, raw) = raw.split_at_checked(4).ok_or("record value too short")?;
        let count = i32::from_be_bytes(count.try_into()?);
        if usize::try_from(count).ok() != Some(fields.len()) {
            return Err(format!("record value has {count} fields, its type {}", fields.len()).into());
        }
        Ok(RecordReader { raw })
    }

    /// The next field's value, read as `T`.
    pub fn field<T: FromSql<'a>>(&mut self, field: &Field) -> Result<T, BoxError> {
        let (header, rest) = self.raw.split_at_checked(8).ok_or("record value too short")?;
        let oid = u32::from_be_bytes(header[..4].try_into()?);
        if oid != field.type_().oid() {
            return Err(format!(
                "field {} of the record has type OID {oid}, not its attribute's",
                field.name()
            )
            .into());
        }
        let len = i32::from_be_bytes(header[4..].try_into()?);
        let (value, rest) = match usize::try_from(len) {
            Ok(len) => {
                let (value, rest) = rest.split_at_checked(len).ok_or("record value too short")?;
                (Some(value), rest)
            }
            Err(_) => (None, rest),
        };
        self.raw = rest;
        T::from_sql_nullable(field.type_(), value).map_err(|e| in_field(field, e))
    }

    pub fn finish(self) -> Result<(), BoxError> {
        if self.raw.is_empty() {
            Ok(())
        } else {
            Err("trailing bytes after a record value".into())
        }
    }
}

fn in_field(field: &Field, e: BoxError) -> BoxError {
    format!("field {}: {e}", field.name()).into()
}

/// The error for an attribute the database has and the struct does not (the migrations the
/// derive checked against are not those of the database).
pub fn unknown_attribute<C: CompositeName>(field: &Field) -> BoxError {
    format!(
        "attribute {} of composite type {}.{} has no field in {} (the database has attributes the migrations do not)",
        field.name(),
        C::SCHEMA,
        C::NAME,
        std::any::type_name::<C>()
    )
    .into()
}

/// The error for an attribute the struct has and the database does not.
pub fn missing_attribute<C: CompositeName>(attribute: &str) -> BoxError {
    format!(
        "composite type {}.{} has no attribute {attribute} in the database, but {} has a field for it",
        C::SCHEMA,
        C::NAME,
        std::any::type_name::<C>()
    )
    .into()
}

#[cfg(test)]
#[path = "composite_tests.rs"]
mod tests;
