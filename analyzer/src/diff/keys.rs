//! Constraints (primary key, unique, foreign key, check, exclusion; valid or NOT VALID) and
//! indexes (keys, method, unique, INCLUDE, partial). An index that backs a primary key or
//! unique constraint is that constraint's, and shows as the constraint only.

use std::collections::{BTreeMap, BTreeSet};

use super::{field, Key, Object, ObjectKind};
use crate::catalog::index::{Constraint, ConstraintKind};
use crate::catalog::normalize::{qualified, quote_ident};
use crate::Catalog;

pub(super) fn collect(catalog: &Catalog, objects: &mut BTreeMap<Key, Object>) {
    for c in catalog.constraints() {
        let table = qualified(&c.schema, &c.table);
        let definition = constraint_definition(catalog, c);
        let mut fields =
            vec![field("type", constraint_type(&c.kind)), field("definition", definition.clone())];
        if !c.valid {
            fields.push(field("not valid", "true"));
        }
        let summary = if c.valid { definition } else { format!("{definition} NOT VALID") };
        let owner = Some((ObjectKind::Table, table.clone()));
        let identity = format!("{table}.{}", quote_ident(&c.name));
        objects.insert((ObjectKind::Constraint, identity), Object { fields, summary, owner });
    }
    // Keys and unique constraints by (schema, name), as their backing indexes are named.
    let backed: BTreeSet<(&str, &str)> = catalog
        .constraints()
        .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey | ConstraintKind::Unique))
        .map(|c| (c.schema.as_str(), c.name.as_str()))
        .collect();
    for index in catalog.indexes() {
        if backed.contains(&(index.schema.as_str(), index.name.as_str())) {
            continue;
        }
        let table = qualified(&index.schema, &index.table);
        let mut fields = vec![field("table", table.clone()), field("method", index.method.clone())];
        fields.push(field("keys", index.keys.join(", ")));
        if index.unique {
            fields.push(field("unique", "true"));
        }
        if index.nulls_not_distinct {
            fields.push(field("nulls not distinct", "true"));
        }
        if !index.include.is_empty() {
            fields.push(field("include", index.include.join(", ")));
        }
        fields.extend(index.predicate.iter().map(|p| field("predicate", p.clone())));
        // pg_get_indexdef's wording after the index name.
        let mut summary = format!(
            "{}{}ON {table} USING {} ({})",
            if index.unique { "UNIQUE " } else { "" },
            if index.nulls_not_distinct { "NULLS NOT DISTINCT " } else { "" },
            index.method,
            index.keys.join(", ")
        );
        if !index.include.is_empty() {
            summary.push_str(&format!(" INCLUDE ({})", index.include.join(", ")));
        }
        if let Some(predicate) = &index.predicate {
            summary.push_str(&format!(" WHERE {predicate}"));
        }
        let owner = Some((ObjectKind::Table, table));
        objects.insert(
            (ObjectKind::Index, qualified(&index.schema, &index.name)),
            Object { fields, summary, owner },
        );
    }
}

fn constraint_type(kind: &ConstraintKind) -> &'static str {
    match kind {
        ConstraintKind::PrimaryKey => "primary key",
        ConstraintKind::Unique => "unique",
        ConstraintKind::Check { .. } => "check",
        ConstraintKind::ForeignKey { .. } => "foreign key",
        ConstraintKind::Exclusion => "exclusion",
    }
}

/// The constraint as `pg_get_constraintdef` words it (without NOT VALID): `UNIQUE (email)`,
/// `FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE`, `CHECK (price > 0)`.
pub(super) fn constraint_definition(catalog: &Catalog, c: &Constraint) -> String {
    let columns = |names: &[String]| names.iter().map(|n| quote_ident(n)).collect::<Vec<_>>().join(", ");
    let mut text = match &c.kind {
        ConstraintKind::PrimaryKey => format!("PRIMARY KEY ({})", columns(&c.columns)),
        ConstraintKind::Unique => format!("UNIQUE ({})", columns(&c.columns)),
        ConstraintKind::Check { .. } => format!("CHECK ({})", c.expression.as_deref().unwrap_or("")),
        ConstraintKind::Exclusion => format!("EXCLUDE {}", c.expression.as_deref().unwrap_or("")),
        ConstraintKind::ForeignKey { references, referenced_columns } => {
            // `REFERENCES users` means its primary key; say which columns that is.
            let referenced = if referenced_columns.is_empty() {
                catalog
                    .constraints_on(&references.0, &references.1)
                    .find(|k| k.kind == ConstraintKind::PrimaryKey)
                    .map(|k| k.columns.clone())
                    .unwrap_or_default()
            } else {
                referenced_columns.clone()
            };
            format!(
                "FOREIGN KEY ({}) REFERENCES {}({})",
                columns(&c.columns),
                qualified(&references.0, &references.1),
                columns(&referenced)
            )
        }
    };
    for clause in &c.clauses {
        text.push(' ');
        text.push_str(clause);
    }
    text
}
