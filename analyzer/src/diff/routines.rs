//! User types (enums with their labels, domains, composites, ranges) and user functions and
//! procedures (signature, return type, attributes, body).

use std::collections::BTreeMap;

use super::{field, Field, Key, Object, ObjectKind};
use crate::catalog::builtin::TypeInfo;
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
            b'd' => domain(catalog, info, &qualified(schema, name), objects),
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
        let mut fields = vec![field("arguments", source.arguments.clone())];
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

/// A domain's own fields and summary; its CHECKs go in as objects of their own, as the server
/// comparison has them.
fn domain(
    catalog: &Catalog,
    info: &TypeInfo,
    identity: &str,
    objects: &mut BTreeMap<Key, Object>,
) -> (Vec<Field>, String) {
    let base = catalog.sql_type(info.base).to_string();
    let details = catalog.domain_details(info.oid);
    let mut fields = vec![field("type", "domain"), field("base", base.clone())];
    let mut summary = format!("AS {base}");
    if info.not_null {
        fields.push(field("not null", "true"));
        summary.push_str(" NOT NULL");
    }
    if let Some(default) = details.and_then(|d| d.default.as_ref()) {
        fields.push(field("default", default.clone()));
        summary.push_str(&format!(" DEFAULT {default}"));
    }
    for check in details.map(|d| d.checks.as_slice()).unwrap_or_default() {
        let definition = format!("CHECK ({})", check.expression);
        summary.push_str(&format!(" CONSTRAINT {} {definition}", quote_ident(&check.name)));
        let mut check_fields = vec![field("type", "check"), field("definition", definition.clone())];
        if !check.valid {
            check_fields.push(field("not valid", "true"));
        }
        let object = Object {
            fields: check_fields,
            summary: if check.valid { definition } else { format!("{definition} NOT VALID") },
            owner: Some((ObjectKind::Type, identity.to_string())),
        };
        objects.insert(
            (ObjectKind::DomainConstraint, format!("{identity}.{}", quote_ident(&check.name))),
            object,
        );
    }
    (fields, summary)
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
    let mut added: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    let mut notes = Vec::new();
    // Postgres cannot drop a label, only rename it in place (RENAME VALUE): a label gone is
    // taken as renamed to the new label that follows the same kept label (or starts the list).
    for (i, old) in before.iter().enumerate().filter(|(_, l)| !after.contains(l)) {
        let kept_before = before[..i].iter().rev().find(|l| after.contains(l));
        let from = kept_before.and_then(|k| after.iter().position(|l| l == k)).map_or(0, |p| p + 1);
        match after.get(from).filter(|l| added.contains(l)) {
            Some(new) => {
                notes.push(format!("renamed {old} to {new}"));
                added.retain(|l| *l != new);
            }
            None => notes.push(format!("removed {old}")),
        }
    }
    if !added.is_empty() {
        notes.push(format!("added {}", added.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")));
    }
    let kept_before: Vec<&String> = before.iter().filter(|l| after.contains(l)).collect();
    let kept_after: Vec<&String> = after.iter().filter(|l| before.contains(l)).collect();
    if kept_before != kept_after {
        notes.push("reordered".to_string());
    }
    (!notes.is_empty()).then(|| notes.join(", "))
}
