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
/// and `information_schema`), `$2 oid[]` the roots to describe (NULL: all); rows
/// `(kind, identity, definition jsonb, root oid, objid oid)`, unsorted.
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
/// its open transaction if there is one. Prepares the query each time: see [`Describer`] for
/// describing the same connection again and again.
pub fn describe(
    client: &mut postgres::Client,
    schemas: Option<&[String]>,
) -> Result<Description, postgres::Error> {
    Describer::prepare(client, schemas)?.describe(client)
}

/// The description query prepared once on a connection (planning it costs about as much as
/// running it).
#[derive(Clone)]
pub struct Describer {
    statement: postgres::Statement,
    schemas: Option<Vec<String>>,
}

impl Describer {
    pub fn prepare(
        client: &mut postgres::Client,
        schemas: Option<&[String]>,
    ) -> Result<Describer, postgres::Error> {
        let statement = client.prepare(DESCRIBE_SQL)?;
        Ok(Describer { statement, schemas: schemas.map(<[String]>::to_vec) })
    }

    /// The session's `search_path` is pinned to `pg_catalog` for the query, so every deparsed
    /// name is schema-qualified whatever the session's setting, and JIT is off (compiling the
    /// big query costs seconds, running it milliseconds); both are restored afterwards.
    pub fn describe(&self, client: &mut postgres::Client) -> Result<Description, postgres::Error> {
        let saved = client.query_one(
            "SELECT current_setting('search_path'), current_setting('jit'),
                    set_config('search_path', 'pg_catalog', false), set_config('jit', 'off', false)",
            &[],
        )?;
        let (search_path, jit): (String, String) = (saved.get(0), saved.get(1));
        let rows = client.query(&self.statement, &[&self.schemas, &None::<Vec<u32>>]);
        let restored = client.execute(
            "SELECT set_config('search_path', $1, false), set_config('jit', $2, false)",
            &[&search_path, &jit],
        );
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
}
