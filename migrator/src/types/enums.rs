//! Postgres enums: read and sent as text by default (`String`, `&str`, `Vec<String>`), or as a
//! Rust enum with `#[derive(strata::Type)]`.
//!
//! Postgres's binary form of an enum value is its label's bytes, the same as `text`'s, so a text
//! value only has to get past the driver's type check (`String: ToSql` accepts text types, not
//! enums). For arrays the element type's OID is part of the value and must be the enum's.

use std::error::Error;

use postgres_types::private::BytesMut;
use postgres_types::{FromSql, IsNull, Kind, ToSql, Type, WrongType};

type BoxError = Box<dyn Error + Sync + Send>;

/// The Rust type a query parameter of a Postgres enum has: `TYPE_NAME_HASH` names the enum
/// (a hash of its schema-qualified name, as the query macros and `#[derive(strata::Type)]`
/// compute it). A parameter of type `mood` takes `&str`, `String`, or the Rust enum derived
/// with `type_name = "mood"`; `mood[]` takes `Vec`s and slices of them. Never constructed.
#[derive(Debug)]
pub enum PgEnum<const TYPE_NAME_HASH: u64> {}

/// The text type whose binary form an enum (or enum array) type shares, if `ty` is one.
fn text_counterpart(ty: &Type) -> Option<Type> {
    match ty.kind() {
        Kind::Enum(_) => Some(Type::TEXT),
        Kind::Array(member) if matches!(member.kind(), Kind::Enum(_)) => Some(Type::TEXT_ARRAY),
        _ => None,
    }
}

/// Reads an enum (or enum array) column into a text type: `EnumText<String>`,
/// `EnumText<Option<Vec<String>>>`, ... Other columns read as `T` reads them, so generated code
/// may use it for every enum column, whatever Rust type it names.
#[derive(Debug)]
pub struct EnumText<T>(pub T);

impl<'a, T: FromSql<'a>> FromSql<'a> for EnumText<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        // `String` and `Vec<String>` decode by the bytes alone (arrays by their member type).
        T::from_sql(ty, raw).map(EnumText)
    }

    fn from_sql_null(ty: &Type) -> Result<Self, BoxError> {
        T::from_sql_null(ty).map(EnumText)
    }

    fn from_sql_nullable(ty: &Type, raw: Option<&'a [u8]>) -> Result<Self, BoxError> {
        T::from_sql_nullable(ty, raw).map(EnumText)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(ty) || text_counterpart(ty).is_some_and(|text| T::accepts(&text))
    }
}

/// A parameter as the executor sends it: a text value where the statement has an enum (or enum
/// array) parameter goes as the label; anything else exactly as the value sends itself.
#[derive(Debug)]
pub(crate) struct LabelOrValue<'a>(pub &'a (dyn ToSql + Sync));

impl ToSql for LabelOrValue<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        self.to_sql_checked(ty, out)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let Some(text) = text_counterpart(ty) else { return self.0.to_sql_checked(ty, out) };
        match self.0.to_sql_checked(ty, out) {
            // Nothing was written: the check comes first.
            Err(e) if e.is::<WrongType>() => {}
            done => return done,
        }
        let start = out.len();
        let null = self.0.to_sql_checked(&text, out).map_err(|_| WrongType::new::<Self>(ty.clone()))?;
        if let (IsNull::No, Kind::Array(member)) = (&null, ty.kind()) {
            // The array header (dimensions, flags, element type OID) names text; the server
            // requires the enum.
            out[start + 8..start + 12].copy_from_slice(&member.oid().to_be_bytes());
        }
        Ok(null)
    }
}

/// What `#[derive(strata::Type)]` generates for a Rust enum, used by the `ToSql` and `FromSql`
/// impls it also generates.
pub trait EnumLabels: Sized {
    /// The Postgres enum's schema and name.
    const SCHEMA: &'static str;
    const NAME: &'static str;

    fn label(&self) -> &'static str;

    fn from_label(label: &str) -> Option<Self>;
}

/// `accepts` of a derived enum: only the Postgres enum it was derived for.
pub fn accepts_enum<E: EnumLabels>(ty: &Type) -> bool {
    matches!(ty.kind(), Kind::Enum(_)) && ty.name() == E::NAME && ty.schema() == E::SCHEMA
}

pub fn label_to_sql<E: EnumLabels>(value: &E, out: &mut BytesMut) -> Result<IsNull, BoxError> {
    out.extend_from_slice(value.label().as_bytes());
    Ok(IsNull::No)
}

pub fn label_from_sql<E: EnumLabels>(raw: &[u8]) -> Result<E, BoxError> {
    let label = std::str::from_utf8(raw)?;
    E::from_label(label).ok_or_else(|| {
        format!(
            "'{label}' is a label of enum {}.{} that {} has no variant for (the database has labels the migrations do not)",
            E::SCHEMA,
            E::NAME,
            std::any::type_name::<E>()
        )
        .into()
    })
}

/// The Postgres enum a Rust type reads (`"schema.name"`), checked at compile time where a query
/// names the type for an enum column (`AS "col: Mood"`); `""` for text types, which read any.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot read a Postgres enum column",
    label = "derive it with `#[derive(strata::Type)]`, or read the column as `String`"
)]
pub trait EnumColumn {
    const TYPE_NAME: &'static str;
}

impl EnumColumn for String {
    const TYPE_NAME: &'static str = "";
}

impl<T: EnumColumn> EnumColumn for Option<T> {
    const TYPE_NAME: &'static str = T::TYPE_NAME;
}

impl<T: EnumColumn> EnumColumn for Vec<T> {
    const TYPE_NAME: &'static str = T::TYPE_NAME;
}

/// Whether a Rust type reading the enum `rust` may read a column of the enum `column`.
pub const fn same_enum(rust: &str, column: &str) -> bool {
    let (a, b) = (rust.as_bytes(), column.as_bytes());
    if a.is_empty() {
        return true;
    }
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A derived Rust enum of the Postgres enum `TYPE_NAME_HASH` (or a reference to one): it,
/// `Option`s, `Vec`s and slices of it are arguments for parameters of that enum (see [`PgEnum`]).
pub trait EnumOf<const TYPE_NAME_HASH: u64>: ToSql + Sync {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_compare_in_const_context() {
        const _: () = assert!(same_enum("public.mood", "public.mood"));
        assert!(same_enum("", "public.mood"), "text reads any enum");
        assert!(!same_enum("public.mood", "public.weather"));
        assert!(!same_enum("public.mood", "public.moods"));
    }

    #[test]
    fn text_sends_as_an_enum_label_and_an_enum_array() {
        let mood = Type::new("mood".into(), 90001, Kind::Enum(vec!["sad".into()]), "public".into());
        let moods = Type::new("_mood".into(), 90002, Kind::Array(mood.clone()), "public".into());
        let mut out = BytesMut::new();
        assert!(String::from("sad").to_sql_checked(&mood, &mut out).is_err(), "why the wrapper exists");
        LabelOrValue(&"sad").to_sql_checked(&mood, &mut out).unwrap();
        assert_eq!(&out[..], b"sad");
        let mut array = BytesMut::new();
        LabelOrValue(&vec!["sad", "ok"]).to_sql_checked(&moods, &mut array).unwrap();
        assert_eq!(&array[8..12], 90001_u32.to_be_bytes());
        let mut text = BytesMut::new();
        vec!["sad", "ok"].to_sql_checked(&Type::TEXT_ARRAY, &mut text).unwrap();
        assert_eq!(array[12..], text[12..], "the rest is text[]'s form");
        // Not text: the driver's own error.
        assert!(LabelOrValue(&1_i32).to_sql_checked(&mood, &mut BytesMut::new()).is_err());
        // Other types pass through.
        let mut int = BytesMut::new();
        LabelOrValue(&7_i32).to_sql_checked(&Type::INT4, &mut int).unwrap();
        assert_eq!(&int[..], 7_i32.to_be_bytes());
    }

    #[test]
    fn enum_columns_read_as_text() {
        let mood = Type::new("mood".into(), 90001, Kind::Enum(vec![]), "public".into());
        assert!(!<String as FromSql>::accepts(&mood));
        assert!(<EnumText<String> as FromSql>::accepts(&mood));
        assert!(<EnumText<Option<String>> as FromSql>::accepts(&mood));
        assert_eq!(EnumText::<String>::from_sql(&mood, b"sad").unwrap().0, "sad");
        assert_eq!(EnumText::<Option<String>>::from_sql_null(&mood).unwrap().0, None);
        assert!(!<EnumText<i32> as FromSql>::accepts(&mood));
    }
}
