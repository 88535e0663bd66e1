//! Schemas, extensions, tables and their columns, views, sequences and the relations whose
//! columns are not modelled.

use std::collections::BTreeMap;

use super::{field, Field, Key, Object, ObjectKind};
use crate::catalog::index::Constraint;
use crate::catalog::normalize::{qualified, quote_ident};
use crate::catalog::{Column, RelationKind, Table};
use crate::Catalog;

pub(super) fn collect(catalog: &Catalog, objects: &mut BTreeMap<Key, Object>) {
    for schema in catalog.schemas() {
        let object = Object { fields: vec![], summary: String::new(), owner: None };
        objects.insert((ObjectKind::Schema, quote_ident(schema)), object);
    }
    for (name, schema) in &catalog.extensions {
        let object = Object {
            fields: vec![field("schema", schema.clone())],
            summary: format!("in {schema}"),
            owner: None,
        };
        objects.insert((ObjectKind::Extension, quote_ident(name)), object);
    }
    // Grouped once: looking them up per table would be quadratic in big schemas.
    let mut constraints: BTreeMap<(&str, &str), Vec<&Constraint>> = BTreeMap::new();
    for c in catalog.constraints() {
        constraints.entry((c.schema.as_str(), c.table.as_str())).or_default().push(c);
    }
    for table in catalog.tables() {
        let identity = qualified(&table.schema, &table.name);
        let owner = Some((ObjectKind::Table, identity.clone()));
        for column in &table.columns {
            let object = Object {
                fields: column_fields(column),
                summary: column_summary(column),
                owner: owner.clone(),
            };
            objects.insert((ObjectKind::Column, format!("{identity}.{}", quote_ident(&column.name))), object);
        }
        let on_table = constraints.get(&(table.schema.as_str(), table.name.as_str()));
        let summary = table_summary(catalog, table, on_table.map_or(&[][..], Vec::as_slice));
        objects.insert((ObjectKind::Table, identity), Object { fields: vec![], summary, owner: None });
    }
    for view in catalog.view_definitions() {
        let kind = if view.materialized { ObjectKind::MaterializedView } else { ObjectKind::View };
        let columns: Vec<String> = view
            .relation
            .columns
            .iter()
            .map(|c| format!("{} {}", quote_ident(&c.name), c.declared_type()))
            .collect();
        let object = Object {
            fields: vec![field("columns", columns.join(", ")), field("definition", view.query.clone())],
            summary: format!("({})", columns.join(", ")),
            owner: None,
        };
        objects.insert((kind, qualified(&view.relation.schema, &view.relation.name)), object);
    }
    for ((schema, name), relation) in catalog.unmodelled_relations() {
        let kind = match relation.kind {
            RelationKind::Table => ObjectKind::Table,
            RelationKind::View => ObjectKind::View,
            RelationKind::MaterializedView => ObjectKind::MaterializedView,
            RelationKind::Sequence => ObjectKind::Sequence,
            RelationKind::ForeignTable => ObjectKind::ForeignTable,
        };
        let fields: Vec<Field> = relation.query.iter().map(|q| field("definition", q.clone())).collect();
        let summary = match kind {
            ObjectKind::Sequence => String::new(),
            _ => "(its columns are not modelled)".to_string(),
        };
        objects.insert((kind, qualified(schema, name)), Object { fields, summary, owner: None });
    }
}

fn column_fields(column: &Column) -> Vec<Field> {
    let mut fields = vec![field("type", column.declared_type())];
    if column.not_null {
        fields.push(field("not null", "true"));
    }
    fields.extend(column.default.iter().map(|d| field("default", d.clone())));
    fields.extend(column.identity.iter().map(|i| field("identity", i.as_str())));
    fields.extend(column.generated.iter().map(|g| field("generated", g.clone())));
    fields.extend(column.collation.iter().map(|c| field("collation", c.clone())));
    fields
}

/// `varchar(320) NOT NULL DEFAULT ''::character varying`, as a column definition reads.
pub(super) fn column_summary(column: &Column) -> String {
    let mut text = column.declared_type();
    if let Some(collation) = &column.collation {
        text.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(identity) = column.identity {
        text.push_str(&format!(" GENERATED {} AS IDENTITY", identity.as_str().to_uppercase()));
    } else if column.not_null {
        text.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        text.push_str(&format!(" DEFAULT {default}"));
    }
    if let Some(generated) = &column.generated {
        text.push_str(&format!(" GENERATED ALWAYS AS ({generated}) STORED"));
    }
    text
}

/// The table's columns and constraints, as its CREATE TABLE would list them.
fn table_summary(catalog: &Catalog, table: &Table, constraints: &[&Constraint]) -> String {
    let mut parts: Vec<String> =
        table.columns.iter().map(|c| format!("{} {}", quote_ident(&c.name), column_summary(c))).collect();
    for constraint in constraints {
        let definition = super::keys::constraint_definition(catalog, constraint);
        parts.push(format!("CONSTRAINT {} {definition}", quote_ident(&constraint.name)));
    }
    format!("({})", parts.join(", "))
}
