//! The object-by-object difference of two descriptions: which objects one has and the other
//! lacks, and for objects in both, each field whose deparsed value differs.

use std::fmt;

use serde_json::Value;

use super::{Definition, Description, ObjectKey};

#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub kind: String,
    pub identity: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// In `after` only.
    Added(Definition),
    /// In `before` only.
    Removed(Definition),
    /// In both, with these fields different.
    Changed(Vec<FieldChange>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// What changed from `before` to `after`, in the descriptions' order. Objects that come and go
/// with their table (its columns, constraints, indexes, triggers, policies, rules) are folded
/// into the table's own line.
pub fn compare(before: &Description, after: &Description) -> Vec<Difference> {
    let mut differences = Vec::new();
    let mut keys: Vec<&ObjectKey> = before.objects.keys().chain(after.objects.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let change = match (before.objects.get(key), after.objects.get(key)) {
            (Some(b), Some(a)) => {
                let fields = field_changes(b, a);
                if fields.is_empty() {
                    continue;
                }
                Change::Changed(fields)
            }
            (None, Some(a)) => Change::Added(a.clone()),
            (Some(b), None) => Change::Removed(b.clone()),
            (None, None) => continue,
        };
        differences.push(Difference { kind: key.kind.clone(), identity: key.identity.clone(), change });
    }
    fold_into_tables(differences)
}

fn field_changes(before: &Definition, after: &Definition) -> Vec<FieldChange> {
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter(|f| before.get(*f) != after.get(*f))
        .map(|f| FieldChange {
            field: f.clone(),
            before: before.get(f).cloned(),
            after: after.get(f).cloned(),
        })
        .collect()
}

/// Drops the parts of tables, views and types that were added or removed as a whole.
fn fold_into_tables(differences: Vec<Difference>) -> Vec<Difference> {
    let whole: Vec<(String, bool)> = differences
        .iter()
        .filter(|d| matches!(d.kind.as_str(), "table" | "view" | "materialized view" | "type"))
        .filter_map(|d| match d.change {
            Change::Added(_) => Some((d.identity.clone(), true)),
            Change::Removed(_) => Some((d.identity.clone(), false)),
            Change::Changed(_) => None,
        })
        .collect();
    let part_of = |d: &Difference| -> Option<(String, bool)> {
        let (added, definition) = match &d.change {
            Change::Added(def) => (true, def),
            Change::Removed(def) => (false, def),
            Change::Changed(_) => return None,
        };
        let owner = match d.kind.as_str() {
            "index" => definition.get("table").and_then(Value::as_str)?.to_string(),
            "column" | "constraint" | "domain constraint" | "trigger" | "policy" | "rule" => {
                parent_identity(&d.identity)?.to_string()
            }
            _ => return None,
        };
        Some((owner, added))
    };
    differences.into_iter().filter(|d| part_of(d).is_none_or(|owner| !whole.contains(&owner))).collect()
}

/// `public.users` of `public.users.email` (identities are quoted with quote_ident, so the last
/// dot outside double quotes separates the part's name).
fn parent_identity(identity: &str) -> Option<&str> {
    let mut quoted = false;
    let mut last_dot = None;
    for (i, c) in identity.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => last_dot = Some(i),
            _ => {}
        }
    }
    last_dot.map(|i| &identity[..i])
}

impl Difference {
    /// `{"kind", "identity", "change": "added"|"removed"|"changed", "fields": [...]}`.
    pub fn to_json(&self) -> Value {
        let (change, fields) = match &self.change {
            Change::Added(d) => ("added", vec![serde_json::json!({"field": "definition", "after": d})]),
            Change::Removed(d) => ("removed", vec![serde_json::json!({"field": "definition", "before": d})]),
            Change::Changed(fields) => (
                "changed",
                fields
                    .iter()
                    .map(|f| serde_json::json!({"field": f.field, "before": f.before, "after": f.after}))
                    .collect(),
            ),
        };
        serde_json::json!({"kind": self.kind, "identity": self.identity, "change": change, "fields": fields})
    }

    /// One line per changed field, as `field: before → after`.
    pub fn field_lines(&self) -> Vec<String> {
        match &self.change {
            Change::Changed(fields) => fields
                .iter()
                .map(|f| format!("{}: {} → {}", f.field, show(f.before.as_ref()), show(f.after.as_ref())))
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Difference {
    /// `index public.users_email: added`, or `column public.users.email: type: text → bigint`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            Change::Added(_) => write!(f, "{} {}: added", self.kind, self.identity),
            Change::Removed(_) => write!(f, "{} {}: removed", self.kind, self.identity),
            Change::Changed(_) => {
                write!(f, "{} {}: {}", self.kind, self.identity, self.field_lines().join("; "))
            }
        }
    }
}

/// A field's value for messages: strings as they are (one line), absent as "(none)".
pub fn show(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "(none)".to_string(),
        Some(Value::String(s)) => one_line(s),
        Some(other) => other.to_string(),
    }
}

fn one_line(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    let joined = joined.join(" ");
    if joined.chars().count() > 200 {
        format!("{}…", joined.chars().take(200).collect::<String>())
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description(objects: &[(&str, &str, Value)]) -> Description {
        let mut d = Description::default();
        for (kind, identity, def) in objects {
            let key = ObjectKey { kind: kind.to_string(), identity: identity.to_string() };
            d.objects.insert(key, def.as_object().cloned().unwrap_or_default());
        }
        d
    }

    #[test]
    fn equal_descriptions_have_no_differences() {
        let a = description(&[("table", "public.t", serde_json::json!({"grants": "x"}))]);
        assert!(compare(&a, &a.clone()).is_empty());
    }

    #[test]
    fn reports_added_removed_and_changed_fields() {
        let before = description(&[
            ("column", "public.t.a", serde_json::json!({"type": "integer", "position": 1})),
            ("index", "public.t_a", serde_json::json!({"table": "public.t"})),
        ]);
        let after = description(&[
            ("column", "public.t.a", serde_json::json!({"type": "bigint", "position": 1, "not null": true})),
            ("constraint", "public.t.t_a_key", serde_json::json!({"type": "unique"})),
        ]);
        let diff = compare(&before, &after);
        let lines: Vec<String> = diff.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "column public.t.a: not null: (none) → true; type: integer → bigint",
                "constraint public.t.t_a_key: added",
                "index public.t_a: removed",
            ]
        );
    }

    #[test]
    fn parts_of_a_dropped_table_fold_into_it() {
        let before = description(&[
            ("table", "public.\"a.b\"", serde_json::json!({})),
            ("column", "public.\"a.b\".id", serde_json::json!({"type": "integer"})),
            ("index", "public.ab_pkey", serde_json::json!({"table": "public.\"a.b\""})),
            ("column", "public.other.id", serde_json::json!({"type": "integer"})),
        ]);
        let after = description(&[]);
        let lines: Vec<String> = compare(&before, &after).iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["column public.other.id: removed", "table public.\"a.b\": removed"]);
    }
}
