//! User types (enums with their labels, domains, composites, ranges) and user functions and
//! procedures (signature, return type, attributes, body).

use std::collections::BTreeMap;

use super::{field, Key, Object, ObjectKind};
use crate::catalog::normalize::{qualified, quote_ident};
use crate::Catalog;

pub(super) fn collect(catalog: &Catalog, objects: &mut BTreeMap<Key, Object>) {
    for ((schema, name), info) in catalog.user_types() {
        let (fields, summary) = match info.typtype {
            b'e' => {
                let labels = labels(catalog.enum_labels(info.oid).unwrap_or_default());
                let summary = format!("ENUM ({labels})");
                (vec![field("type", "enum"), field("labels", labels)], summary)
            }
            b'd' => {
                let base = catalog.sql_type(info.base).to_string();
                let mut fields = vec![field("type", "domain"), field("base", base.clone())];
                if info.not_null {
                    fields.push(field("not null", "true"));
                }
                let summary = format!("DOMAIN AS {base}{}", if info.not_null { " NOT NULL" } else { "" });
                (fields, summary)
            }
            b'c' => {
                let attributes: Vec<String> = catalog
                    .composite_columns(info.oid)
                    .unwrap_or_default()
                    .iter()
                    .map(|c| format!("{} {}", quote_ident(&c.name), c.declared_type()))
                    .collect();
                let attributes = attributes.join(", ");
                let summary = format!("AS ({attributes})");
                (vec![field("type", "composite"), field("attributes", attributes)], summary)
            }
            b'r' => {
                let subtype = catalog.range(info.oid).map(|(s, _)| catalog.sql_type(s).to_string());
                let subtype = subtype.unwrap_or_default();
                let summary = format!("AS RANGE (subtype = {subtype})");
                (vec![field("type", "range"), field("subtype", subtype)], summary)
            }
            _ => continue,
        };
        objects.insert((ObjectKind::Type, qualified(schema, name)), Object { fields, summary, owner: None });
    }
    for proc in catalog.user_functions() {
        let Some(source) = &proc.source else { continue };
        let kind = if proc.kind == b'p' { ObjectKind::Procedure } else { ObjectKind::Function };
        let args: Vec<String> = proc.args.iter().map(|a| catalog.sql_type(*a).to_string()).collect();
        let identity = format!("{}({})", qualified(&proc.schema, &proc.name), args.join(", "));
        let mut fields = Vec::new();
        if !source.returns.is_empty() {
            fields.push(field("returns", source.returns.clone()));
        }
        fields.push(field("attributes", source.attributes.join(", ")));
        fields.push(field("body", source.body.clone()));
        let mut summary = Vec::new();
        if !source.returns.is_empty() {
            summary.push(format!("RETURNS {}", source.returns));
        }
        summary.extend(source.attributes.iter().cloned());
        objects.insert((kind, identity), Object { fields, summary: summary.join(" "), owner: None });
    }
}

/// `'a', 'b'`, as the server comparison lists an enum's labels.
fn labels(labels: &[String]) -> String {
    labels.iter().map(|l| format!("'{}'", l.replace('\'', "''"))).collect::<Vec<_>>().join(", ")
}

/// What a change of a field amounts to, when it is more than its two values show at a glance:
/// for an enum's labels, which were added, renamed, removed or reordered.
pub(super) fn note(field: &str, before: Option<&str>, after: Option<&str>) -> Option<String> {
    if field != "labels" {
        return None;
    }
    let split = |v: Option<&str>| -> Vec<String> {
        v.map(|v| v.split(", ").map(str::to_string).collect()).unwrap_or_default()
    };
    let (before, after) = (split(before), split(after));
    let added: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    let removed: Vec<&String> = before.iter().filter(|l| !after.contains(l)).collect();
    let mut notes = Vec::new();
    if before.len() == after.len() && !added.is_empty() && added.len() == removed.len() {
        // ALTER TYPE ... RENAME VALUE keeps the position.
        for (old, new) in before.iter().zip(&after).filter(|(b, a)| b != a) {
            notes.push(format!("renamed {old} to {new}"));
        }
        return Some(notes.join(", "));
    }
    if !added.is_empty() {
        notes.push(format!("added {}", added.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")));
    }
    if !removed.is_empty() {
        notes.push(format!("removed {}", removed.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")));
    }
    let kept_before: Vec<&String> = before.iter().filter(|l| after.contains(l)).collect();
    let kept_after: Vec<&String> = after.iter().filter(|l| before.contains(l)).collect();
    if kept_before != kept_after {
        notes.push("reordered".to_string());
    }
    (!notes.is_empty()).then(|| notes.join(", "))
}
