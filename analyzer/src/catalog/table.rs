//! CREATE TABLE, DROP TABLE, RENAME (tables and columns).

use pg_query::protobuf::{ColumnDef, ConstrType, CreateStmt, DropStmt, ObjectType, RangeVar, RenameStmt};
use pg_query::NodeEnum;

use super::{types, Catalog, Column, Source, Table, DEFAULT_SCHEMA};
use crate::Diagnostic;

pub(crate) fn key(rv: &RangeVar) -> (String, String) {
    let schema = if rv.schemaname.is_empty() { DEFAULT_SCHEMA } else { rv.schemaname.as_str() };
    (schema.to_string(), rv.relname.clone())
}

pub(crate) fn display(key: &(String, String)) -> String {
    if key.0 == DEFAULT_SCHEMA {
        key.1.clone()
    } else {
        format!("{}.{}", key.0, key.1)
    }
}

/// A column as declared in CREATE TABLE or ADD COLUMN.
pub(crate) fn column_from_def(def: &ColumnDef) -> Column {
    let declared = def.type_name.as_ref().map(types::from_type_name);
    let (ty, mut not_null) = match declared {
        Some(d) => (d.ty, d.implies_not_null),
        None => (super::SqlType::new("unknown"), false),
    };
    not_null |= def.is_not_null || !def.identity.is_empty();
    for c in &def.constraints {
        if let Some(NodeEnum::Constraint(c)) = &c.node {
            match c.contype() {
                ConstrType::ConstrNotnull | ConstrType::ConstrPrimary | ConstrType::ConstrIdentity => {
                    not_null = true
                }
                ConstrType::ConstrNull => not_null = false,
                _ => {}
            }
        }
    }
    Column { name: def.colname.clone(), ty, not_null }
}

impl Catalog {
    pub(crate) fn create_table(&mut self, src: &Source<'_>, s: &CreateStmt) -> Result<(), Diagnostic> {
        let Some(rv) = &s.relation else { return Ok(()) };
        let key = key(rv);
        if !self.schemas.contains(&key.0) {
            return Err(src.error(rv.location, "3F000", format!("schema \"{}\" does not exist", key.0)));
        }
        if self.tables.contains_key(&key) {
            if s.if_not_exists {
                return Ok(());
            }
            return Err(src.error(
                rv.location,
                "42P07",
                format!("relation \"{}\" already exists", display(&key)),
            ));
        }
        if s.of_typename.is_some() {
            self.note_unsupported(src, "CREATE TABLE ... OF type");
            return Ok(());
        }
        let mut columns: Vec<Column> = Vec::new();
        // Inherited and partition-parent columns come first, as in Postgres.
        for parent in &s.inh_relations {
            if let Some(NodeEnum::RangeVar(parent)) = &parent.node {
                let parent_table = self.existing(src, parent)?;
                columns.extend(parent_table.columns.iter().cloned());
            }
        }
        let mut primary_keys = Vec::new();
        for elt in &s.table_elts {
            match &elt.node {
                Some(NodeEnum::ColumnDef(def)) => {
                    let column = column_from_def(def);
                    if let Some(existing) = columns.iter_mut().find(|c| c.name == column.name) {
                        if s.inh_relations.is_empty() {
                            return Err(src.error(
                                def.location,
                                "42701",
                                format!("column \"{}\" specified more than once", column.name),
                            ));
                        }
                        // A partition or child may add constraints to an inherited column.
                        existing.not_null |= column.not_null;
                    } else {
                        columns.push(column);
                    }
                }
                Some(NodeEnum::Constraint(c)) if c.contype() == ConstrType::ConstrPrimary => {
                    primary_keys.extend(c.keys.iter().filter_map(string_value).map(str::to_string));
                }
                Some(NodeEnum::TableLikeClause(like)) => {
                    if let Some(source) = &like.relation {
                        let source = self.existing(src, source)?;
                        columns.extend(source.columns.iter().cloned());
                    }
                }
                _ => {}
            }
        }
        for name in primary_keys {
            match columns.iter_mut().find(|c| c.name == name) {
                Some(c) => c.not_null = true,
                None => {
                    return Err(src.error(
                        rv.location,
                        "42703",
                        format!("column \"{name}\" named in key does not exist"),
                    ))
                }
            }
        }
        self.tables.insert(key.clone(), Table { schema: key.0, name: key.1, columns });
        Ok(())
    }

    /// The table a statement names, or the error the server would give.
    pub(crate) fn existing(&self, src: &Source<'_>, rv: &RangeVar) -> Result<&Table, Diagnostic> {
        let key = key(rv);
        self.tables.get(&key).ok_or_else(|| {
            src.error(rv.location, "42P01", format!("relation \"{}\" does not exist", display(&key)))
        })
    }

    pub(crate) fn existing_mut(&mut self, src: &Source<'_>, rv: &RangeVar) -> Result<&mut Table, Diagnostic> {
        let key = key(rv);
        self.tables.get_mut(&key).ok_or_else(|| {
            src.error(rv.location, "42P01", format!("relation \"{}\" does not exist", display(&key)))
        })
    }

    pub(crate) fn drop(&mut self, src: &Source<'_>, s: &DropStmt) -> Result<(), Diagnostic> {
        match s.remove_type() {
            ObjectType::ObjectTable => {
                for object in &s.objects {
                    let Some(NodeEnum::List(list)) = &object.node else {
                        continue;
                    };
                    let names: Vec<&str> = list.items.iter().filter_map(string_value).collect();
                    let key = match names.as_slice() {
                        [name] => (DEFAULT_SCHEMA.to_string(), name.to_string()),
                        [.., schema, name] => (schema.to_string(), name.to_string()),
                        [] => continue,
                    };
                    if self.tables.remove(&key).is_none() && !s.missing_ok {
                        return Err(src.error(
                            -1,
                            "42P01",
                            format!("table \"{}\" does not exist", display(&key)),
                        ));
                    }
                }
                Ok(())
            }
            ObjectType::ObjectSchema => {
                for object in &s.objects {
                    let Some(name) = string_value(object) else {
                        continue;
                    };
                    if !self.schemas.remove(name) && !s.missing_ok {
                        return Err(src.error(-1, "3F000", format!("schema \"{name}\" does not exist")));
                    }
                    // RESTRICT would have failed on a non-empty schema; CASCADE drops its tables.
                    self.tables.retain(|(schema, _), _| schema != name);
                }
                Ok(())
            }
            ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectType
            | ObjectType::ObjectDomain => {
                self.note_unsupported(src, "DROP of a view or type");
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn rename(&mut self, src: &Source<'_>, s: &RenameStmt) -> Result<(), Diagnostic> {
        let Some(rv) = &s.relation else { return Ok(()) };
        match s.rename_type() {
            ObjectType::ObjectTable => {
                if s.missing_ok && !self.tables.contains_key(&key(rv)) {
                    return Ok(());
                }
                let table = self.existing(src, rv)?.clone();
                let new_key = (table.schema.clone(), s.newname.clone());
                if self.tables.contains_key(&new_key) {
                    return Err(src.error(
                        -1,
                        "42P07",
                        format!("relation \"{}\" already exists", display(&new_key)),
                    ));
                }
                self.tables.remove(&key(rv));
                self.tables.insert(new_key, Table { name: s.newname.clone(), ..table });
                Ok(())
            }
            ObjectType::ObjectColumn if s.relation_type() == ObjectType::ObjectTable => {
                if s.missing_ok && !self.tables.contains_key(&key(rv)) {
                    return Ok(());
                }
                let table = self.existing_mut(src, rv)?;
                if table.column(&s.newname).is_some() {
                    let msg =
                        format!("column \"{}\" of relation \"{}\" already exists", s.newname, table.name);
                    return Err(src.error(-1, "42701", msg));
                }
                let table_name = table.name.clone();
                let column = table.column_mut(&s.subname).ok_or_else(|| {
                    src.error(
                        -1,
                        "42703",
                        format!("column \"{}\" of relation \"{table_name}\" does not exist", s.subname),
                    )
                })?;
                column.name = s.newname.clone();
                Ok(())
            }
            ObjectType::ObjectView | ObjectType::ObjectMatview => {
                self.note_unsupported(src, "ALTER VIEW ... RENAME");
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

pub(crate) fn string_value(node: &pg_query::protobuf::Node) -> Option<&str> {
    match &node.node {
        Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
        _ => None,
    }
}
