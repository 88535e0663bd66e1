//! The managed schemas as the server deparses them ([`describe`]), and the object-by-object
//! difference of two such descriptions ([`compare`]). `strata test` proves downs with them;
//! schema snapshots and drift store and compare the same description.
//!
//! The description is one SQL query ([`DESCRIBE_SQL`], `describe.sql`): every object of the
//! managed schemas with its kind, its identity (names, never OIDs) and a flat definition of
//! fields deparsed by the server (`format_type`, `pg_get_constraintdef`, `pg_get_indexdef`,
//! `pg_get_viewdef`, `pg_get_functiondef`, …), so formatting of the migration files never shows.

mod apply;
pub mod compare;
mod scratch;

use std::collections::BTreeMap;

pub use apply::{apply_up, execute, ApplyError, Script};
pub use compare::{compare, Change, Difference, FieldChange};
pub(crate) use scratch::db_message;
pub use scratch::ScratchDb;

/// The description query: `$1 text[]` names the managed schemas (NULL: all but `strata`, `pg_*`
/// and `information_schema`); rows `(kind, identity, definition jsonb)` in a stable order.
pub const DESCRIBE_SQL: &str = include_str!("describe.sql");

/// Kind and identity, e.g. `("column", "public.users.email")`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub kind: String,
    pub identity: String,
}

/// An object's fields as the server deparses them; absent fields are NULL, false or default.
pub type Definition = serde_json::Map<String, serde_json::Value>;

/// Every object of the managed schemas, by kind and identity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Description {
    pub objects: BTreeMap<ObjectKey, Definition>,
}

impl Description {
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// `[{"kind", "identity", "definition"}, …]`, in the description's order.
    pub fn to_json(&self) -> serde_json::Value {
        self.objects
            .iter()
            .map(|(k, d)| serde_json::json!({"kind": k.kind, "identity": k.identity, "definition": d}))
            .collect()
    }
}

/// Describes the managed schemas (`None`: the default set) as the connection sees them, inside
/// its open transaction if there is one. The session's `search_path` is pinned to `pg_catalog`
/// for the query, so every deparsed name is schema-qualified, and restored afterwards.
pub fn describe(
    client: &mut postgres::Client,
    schemas: Option<&[String]>,
) -> Result<Description, postgres::Error> {
    let saved: String = client.query_one("SELECT current_setting('search_path')", &[])?.get(0);
    client.batch_execute("SET search_path = pg_catalog")?;
    let rows = client.query(DESCRIBE_SQL, &[&schemas.map(<[String]>::to_vec)]);
    let restored = client.execute("SELECT set_config('search_path', $1, false)", &[&saved]);
    let rows = rows?;
    restored?;
    let mut objects = BTreeMap::new();
    for row in rows {
        let key = ObjectKey { kind: row.get(0), identity: row.get(1) };
        let definition = match row.get::<_, serde_json::Value>(2) {
            serde_json::Value::Object(map) => map,
            _ => Definition::new(),
        };
        objects.insert(key, definition);
    }
    Ok(Description { objects })
}
