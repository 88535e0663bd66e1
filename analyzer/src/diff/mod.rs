//! The schema change between two catalogs (the migrations at two commits, replayed with no
//! database), object by object in the shape of the server's comparison
//! (`strata::schema::compare`): each object with a kind and an identity, added, removed, or
//! changed in named fields with their values before and after.
//!
//! Values are text that does not depend on how the files were written: expressions, queries
//! and SQL bodies deparsed by Postgres's deparser, types canonical with their modifiers. Parts of
//! a table that come and go with it (its columns and constraints) fold into the table's line.
//! Only what the catalog models is compared; the statements it does not model are in
//! [`Catalog::unsupported`], and those it replays without keeping their effect are named by
//! [`not_compared`]: a report should show both next to this diff.

mod keys;
mod not_compared;
mod relations;
mod routines;

pub use not_compared::not_compared;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::Catalog;

/// Kinds in the order a reviewer reads them: containers first, then tables and their parts,
/// then what is built on them. The names are the server comparison's kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    Schema,
    Extension,
    Type,
    DomainConstraint,
    Sequence,
    Table,
    ForeignTable,
    Column,
    Constraint,
    Index,
    View,
    MaterializedView,
    Function,
    Procedure,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Extension => "extension",
            ObjectKind::Type => "type",
            ObjectKind::DomainConstraint => "domain constraint",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Table => "table",
            ObjectKind::ForeignTable => "foreign table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDiff {
    pub kind: ObjectKind,
    /// Schema-qualified and quoted as the server's comparison does: `public.users.email`,
    /// `public.add(int4, int4)`.
    pub identity: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// In `after` only. `summary` is its definition on one line.
    Added { summary: String, fields: Vec<Field> },
    /// In `before` only.
    Removed { summary: String, fields: Vec<Field> },
    /// In both, with these fields different.
    Changed(Vec<FieldChange>),
}

/// A field of an object's definition; fields that are absent are NULL, false or the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
    /// What the change amounts to when the values alone do not say it at a glance
    /// (`added 'archived'` for an enum's labels).
    pub note: Option<String>,
}

/// An object as one side of the comparison sees it.
pub(crate) struct Object {
    pub fields: Vec<Field>,
    pub summary: String,
    /// The object it comes and goes with (a column's table).
    pub owner: Option<Key>,
}

pub(crate) type Key = (ObjectKind, String);

pub(crate) fn field(name: &'static str, value: impl Into<String>) -> Field {
    Field { name, value: value.into() }
}

/// Every modelled object of a catalog.
fn objects(catalog: &Catalog) -> BTreeMap<Key, Object> {
    let mut objects = BTreeMap::new();
    relations::collect(catalog, &mut objects);
    keys::collect(catalog, &mut objects);
    routines::collect(catalog, &mut objects);
    objects
}

/// What changed from `before` to `after`, by kind then identity.
pub fn diff(before: &Catalog, after: &Catalog) -> Vec<ObjectDiff> {
    let (old, new) = (objects(before), objects(after));
    let keys: BTreeSet<&Key> = old.keys().chain(new.keys()).collect();
    let mut diffs = Vec::new();
    for key in keys {
        let change = match (old.get(key), new.get(key)) {
            (None, Some(o)) => Change::Added { summary: o.summary.clone(), fields: o.fields.clone() },
            (Some(o), None) => Change::Removed { summary: o.summary.clone(), fields: o.fields.clone() },
            (Some(a), Some(b)) => {
                let fields = field_changes(&a.fields, &b.fields);
                if fields.is_empty() {
                    continue;
                }
                Change::Changed(fields)
            }
            (None, None) => continue,
        };
        diffs.push(ObjectDiff { kind: key.0, identity: key.1.clone(), change });
    }
    fold_into_owners(diffs, &old, &new)
}

/// The fields whose values differ, in `after`'s order, then those only `before` has.
fn field_changes(before: &[Field], after: &[Field]) -> Vec<FieldChange> {
    let value =
        |fields: &[Field], name: &str| fields.iter().find(|f| f.name == name).map(|f| f.value.clone());
    let mut names: Vec<&'static str> = after.iter().map(|f| f.name).collect();
    names.extend(before.iter().map(|f| f.name).filter(|n| !after.iter().any(|f| f.name == *n)));
    names
        .into_iter()
        .filter_map(|name| {
            let (b, a) = (value(before, name), value(after, name));
            (b != a).then(|| FieldChange {
                field: name,
                note: routines::note(name, b.as_deref(), a.as_deref()),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// Drops the columns and constraints of tables (and the constraints of domains) added or
/// removed as a whole (the owner's own line lists them), and the indexes of tables removed. A new table's indexes stay: each is a
/// statement of its own, with its method and keys to review.
fn fold_into_owners(
    diffs: Vec<ObjectDiff>,
    old: &BTreeMap<Key, Object>,
    new: &BTreeMap<Key, Object>,
) -> Vec<ObjectDiff> {
    let whole: BTreeSet<(ObjectKind, &str, bool)> = diffs
        .iter()
        .filter_map(|d| match d.change {
            Change::Added { .. } => Some((d.kind, d.identity.as_str(), true)),
            Change::Removed { .. } => Some((d.kind, d.identity.as_str(), false)),
            Change::Changed(_) => None,
        })
        .collect();
    let folded = |d: &ObjectDiff| -> bool {
        let key = (d.kind, d.identity.clone());
        let (object, added) = match d.change {
            Change::Added { .. } if d.kind == ObjectKind::Index => return false,
            Change::Added { .. } => (new.get(&key), true),
            Change::Removed { .. } => (old.get(&key), false),
            Change::Changed(_) => return false,
        };
        object
            .and_then(|o| o.owner.as_ref())
            .is_some_and(|(kind, identity)| whole.contains(&(*kind, identity.as_str(), added)))
    };
    let keep: Vec<bool> = diffs.iter().map(|d| !folded(d)).collect();
    diffs.into_iter().zip(keep).filter_map(|(d, keep)| keep.then_some(d)).collect()
}

/// A value on one line of a review comment: long ones shortened, absent ones `(none)`.
fn shown(value: Option<&str>) -> String {
    const MAX: usize = 120;
    match value {
        None => "(none)".to_string(),
        Some(v) if v.chars().count() > MAX => format!("{}…", v.chars().take(MAX).collect::<String>()),
        Some(v) => v.to_string(),
    }
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} → {}", self.field, shown(self.before.as_deref()), shown(self.after.as_deref()))?;
        match &self.note {
            Some(note) => write!(f, " ({note})"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for ObjectDiff {
    /// `index public.users_email added: ON public.users USING btree (email)`,
    /// `column public.users.email: type: text → varchar(320)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            Change::Added { summary, .. } if summary.is_empty() => {
                write!(f, "{} {} added", self.kind, self.identity)
            }
            Change::Added { summary, .. } => write!(f, "{} {} added: {summary}", self.kind, self.identity),
            Change::Removed { .. } => write!(f, "{} {} removed", self.kind, self.identity),
            Change::Changed(fields) => {
                let fields: Vec<String> = fields.iter().map(ToString::to_string).collect();
                write!(f, "{} {}: {}", self.kind, self.identity, fields.join("; "))
            }
        }
    }
}

#[cfg(test)]
mod tests;
