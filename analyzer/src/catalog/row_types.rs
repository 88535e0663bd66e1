//! Every table and view has a composite type of the same name (its row type, with an array
//! type), as on the server: `SETOF tasks` functions, `NULL::tasks`, whole-row references.
//! Its attributes are the relation's columns as they are now; the oid follows renames.

use super::builtin::{Oid, TypeInfo};
use super::column::Column;
use super::Catalog;

impl Catalog {
    /// CREATE TABLE / VIEW / MATERIALIZED VIEW `key`: its row type.
    pub(crate) fn add_row_type(&mut self, key: &(String, String)) {
        if self.row_types.contains_key(key) {
            return;
        }
        let (oid, array) = (self.next_oid, self.next_oid + 1);
        self.next_oid += 2;
        let info = TypeInfo {
            oid,
            name: key.1.clone(),
            schema: key.0.clone(),
            typtype: b'c',
            category: b'C',
            preferred: false,
            elem: 0,
            array,
            base: 0,
            not_null: false,
        };
        let array_info = TypeInfo {
            oid: array,
            name: format!("_{}", key.1),
            typtype: b'b',
            category: b'A',
            elem: oid,
            array: 0,
            ..info.clone()
        };
        self.user_types.insert(oid, info);
        self.user_types.insert(array, array_info);
        self.row_types.insert(key.clone(), oid);
    }

    /// DROP of the relation `key`.
    pub(crate) fn drop_row_type(&mut self, key: &(String, String)) {
        if let Some(oid) = self.row_types.remove(key) {
            if let Some(t) = self.user_types.remove(&oid) {
                self.user_types.remove(&t.array);
            }
        }
    }

    /// RENAME or SET SCHEMA of the relation `old`: the type keeps its oid under the new name.
    pub(crate) fn move_row_type(&mut self, old: &(String, String), new: &(String, String)) {
        let Some(oid) = self.row_types.remove(old) else { return };
        self.row_types.insert(new.clone(), oid);
        if let Some(t) = self.user_types.get_mut(&oid) {
            t.name.clone_from(&new.1);
            t.schema.clone_from(&new.0);
            let array = t.array;
            if let Some(a) = self.user_types.get_mut(&array) {
                a.name = format!("_{}", new.1);
                a.schema.clone_from(&new.0);
            }
        }
    }

    /// The row type named `name` (in any schema, as type names are looked up here).
    pub(super) fn row_type_named(&self, name: &str) -> Option<Oid> {
        self.row_types.iter().find(|((_, n), _)| n == name).map(|(_, oid)| *oid)
    }

    /// The relation's row type, for whole-row references to it.
    pub fn row_type(&self, key: &(String, String)) -> Option<Oid> {
        self.row_types.get(key).copied()
    }

    /// The current columns of the relation whose row type is `oid`.
    pub(super) fn row_type_columns(&self, oid: Oid) -> Option<&[Column]> {
        let (key, _) = self.row_types.iter().find(|(_, o)| **o == oid)?;
        self.tables
            .get(key)
            .or_else(|| self.views.get(key).map(|v| &v.relation))
            .map(|t| t.columns.as_slice())
    }
}
