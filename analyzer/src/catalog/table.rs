//! CREATE TABLE, DROP TABLE, RENAME (tables and columns).

use pg_query::protobuf::{ColumnDef, ConstrType, CreateStmt, DropStmt, ObjectType, RangeVar, RenameStmt};
use pg_query::NodeEnum;

use super::{normalize, types, Catalog, Column, Identity, Source, Table, DEFAULT_SCHEMA};
use crate::Diagnostic;

pub(crate) fn key(rv: &RangeVar) -> (String, String) {
    let schema = if rv.schemaname.is_empty() { DEFAULT_SCHEMA } else { rv.schemaname.as_str() };
    (schema.to_string(), rv.relname.clone())
}

fn key_of(rv: &RangeVar) -> (String, String) {
    key(rv)
}

pub(crate) fn display(key: &(String, String)) -> String {
    if key.0 == DEFAULT_SCHEMA {
        key.1.clone()
    } else {
        format!("{}.{}", key.0, key.1)
    }
}

/// A column as declared in CREATE TABLE or ADD COLUMN, on `table` (`None` for a composite
/// type's attribute, where serial types and defaults do not apply).
pub(crate) fn column_from_def(def: &ColumnDef, table: Option<&(String, String)>) -> Column {
    let declared = def.type_name.as_ref().map(types::from_type_name);
    let modifiers = def.type_name.as_ref().map(normalize::type_modifiers).unwrap_or_default();
    let (ty, serial) = match declared {
        Some(d) => (d.ty, d.implies_not_null),
        None => (super::SqlType::new("unknown"), false),
    };
    let mut column = Column::new(def.colname.clone(), ty, serial);
    column.modifiers = modifiers;
    column.not_null |= def.is_not_null;
    column.identity = Identity::from_code(&def.identity);
    column.collation = def.coll_clause.as_ref().map(|c| {
        let names: Vec<String> =
            c.collname.iter().filter_map(string_value).map(normalize::quote_ident).collect();
        names.join(".")
    });
    if let (true, Some(table)) = (serial, table) {
        // What `serial` expands to: a sequence named as Postgres names it, and its nextval.
        let sequence = format!("{}_{}_seq", table.1, def.colname);
        let sequence = if table.0 == DEFAULT_SCHEMA { sequence } else { format!("{}.{sequence}", table.0) };
        column.default = Some(format!("nextval('{}'::regclass)", sequence.replace('\'', "''")));
    }
    for c in &def.constraints {
        if let Some(NodeEnum::Constraint(c)) = &c.node {
            let expr = || c.raw_expr.as_deref().map(normalize::expression);
            match c.contype() {
                ConstrType::ConstrNotnull | ConstrType::ConstrPrimary => column.not_null = true,
                ConstrType::ConstrIdentity => {
                    column.not_null = true;
                    column.identity = Identity::from_code(&c.generated_when);
                }
                ConstrType::ConstrNull => column.not_null = false,
                ConstrType::ConstrDefault if table.is_some() => column.default = expr(),
                ConstrType::ConstrGenerated if table.is_some() => column.generated = expr(),
                _ => {}
            }
        }
    }
    column.not_null |= column.identity.is_some();
    column
}

/// `LIKE source INCLUDING ...`: what of a source column the copy keeps (`TableLikeOption`
/// bits of parsenodes.h).
fn like_copy(column: &Column, options: u32) -> Column {
    const DEFAULTS: u32 = 1 << 3;
    const GENERATED: u32 = 1 << 4;
    const IDENTITY: u32 = 1 << 5;
    Column {
        default: column.default.clone().filter(|_| options & DEFAULTS != 0),
        generated: column.generated.clone().filter(|_| options & GENERATED != 0),
        identity: column.identity.filter(|_| options & IDENTITY != 0),
        ..column.clone()
    }
}

impl Catalog {
    pub(crate) fn create_table(&mut self, src: &Source<'_>, s: &CreateStmt) -> Result<(), Diagnostic> {
        let Some(rv) = &s.relation else { return Ok(()) };
        // Temporary tables vanish with the migrating session; later migrations never see them.
        if rv.relpersistence == "t" {
            return Ok(());
        }
        let key = key(rv);
        if !self.schemas.contains(&key.0) {
            return Err(src.error(rv.location, "3F000", format!("schema \"{}\" does not exist", key.0)));
        }
        if self.tables.contains_key(&key) || self.other_relations.contains_key(&key) {
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
                // Children inherit defaults and generation expressions, not identity.
                let inherited = self.columns_of(src, parent)?;
                columns.extend(inherited.into_iter().map(|c| Column { identity: None, ..c }));
                self.children.entry(key_of(parent)).or_default().push(key.clone());
            }
        }
        let mut primary_keys = Vec::new();
        for elt in &s.table_elts {
            match &elt.node {
                Some(NodeEnum::ColumnDef(def)) => {
                    let column = column_from_def(def, Some(&key));
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
                        if column.default.is_some() {
                            existing.default = column.default;
                        }
                    } else {
                        columns.push(column);
                    }
                }
                Some(NodeEnum::Constraint(c)) if c.contype() == ConstrType::ConstrPrimary => {
                    primary_keys.extend(c.keys.iter().filter_map(string_value).map(str::to_string));
                }
                Some(NodeEnum::TableLikeClause(like)) => {
                    if let Some(source) = &like.relation {
                        let copied = self.columns_of(src, source)?;
                        columns.extend(copied.iter().map(|c| like_copy(c, like.options)));
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
        self.add_row_type(&key);
        self.tables.insert(key.clone(), Table { schema: key.0, name: key.1, columns });
        Ok(())
    }

    /// The columns of a LIKE or INHERITS source; none (noted) for relations not modelled.
    fn columns_of(&mut self, src: &Source<'_>, rv: &RangeVar) -> Result<Vec<Column>, Diagnostic> {
        if let Some(table) = self.tables.get(&key(rv)) {
            return Ok(table.columns.clone());
        }
        self.missing_relation(src, rv)?;
        self.note_unsupported(src, "copying columns from a relation that is not modelled");
        Ok(vec![])
    }

    /// The table a statement names, or the error the server would give.
    pub(crate) fn existing_mut(&mut self, src: &Source<'_>, rv: &RangeVar) -> Result<&mut Table, Diagnostic> {
        let key = key(rv);
        self.tables.get_mut(&key).ok_or_else(|| {
            src.error(rv.location, "42P01", format!("relation \"{}\" does not exist", display(&key)))
        })
    }

    pub(crate) fn drop(&mut self, src: &Source<'_>, s: &DropStmt) -> Result<(), Diagnostic> {
        let keys = s.objects.iter().filter_map(|object| match &object.node {
            Some(NodeEnum::List(list)) => {
                qualified(&list.items.iter().filter_map(string_value).collect::<Vec<_>>())
            }
            _ => None,
        });
        match s.remove_type() {
            ObjectType::ObjectTable => {
                for key in keys.collect::<Vec<_>>() {
                    self.drop_row_type(&key);
                    if self.tables.remove(&key).is_none()
                        && self.other_relations.remove(&key).is_none()
                        && !s.missing_ok
                    {
                        self.missing(src, key, -1, "table")?;
                    }
                }
                Ok(())
            }
            ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence
            | ObjectType::ObjectForeignTable => {
                for key in keys.collect::<Vec<_>>() {
                    self.drop_row_type(&key);
                    let found =
                        self.views.remove(&key).is_some() | self.other_relations.remove(&key).is_some();
                    if !found && !s.missing_ok && !self.opaque_statements_seen {
                        let noun = match s.remove_type() {
                            ObjectType::ObjectView => "view",
                            ObjectType::ObjectMatview => "materialized view",
                            ObjectType::ObjectSequence => "sequence",
                            _ => "foreign table",
                        };
                        return Err(src.error(
                            -1,
                            "42P01",
                            format!("{noun} \"{}\" does not exist", display(&key)),
                        ));
                    }
                }
                Ok(())
            }
            ObjectType::ObjectType | ObjectType::ObjectDomain => {
                for object in &s.objects {
                    let key = match &object.node {
                        Some(NodeEnum::TypeName(t)) => super::user_types::qualified_name(&t.names),
                        Some(NodeEnum::List(l)) => super::user_types::qualified_name(&l.items),
                        _ => continue,
                    };
                    if !self.drop_type(&key) && !s.missing_ok && !self.opaque_statements_seen {
                        return Err(src.error(-1, "42704", format!("type \"{}\" does not exist", key.1)));
                    }
                }
                Ok(())
            }
            ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine => {
                for object in &s.objects {
                    if let Some(NodeEnum::ObjectWithArgs(f)) = &object.node {
                        self.drop_function(src, f, s.missing_ok)?;
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
                    self.other_relations.retain(|(schema, _), _| schema != name);
                    self.views.retain(|(schema, _), _| schema != name);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn rename(&mut self, src: &Source<'_>, s: &RenameStmt) -> Result<(), Diagnostic> {
        if matches!(s.rename_type(), ObjectType::ObjectType | ObjectType::ObjectDomain) {
            let key = match s.object.as_deref().and_then(|o| o.node.as_ref()) {
                Some(NodeEnum::List(l)) => super::user_types::qualified_name(&l.items),
                Some(NodeEnum::TypeName(t)) => super::user_types::qualified_name(&t.names),
                _ => return Ok(()),
            };
            if !self.rename_type(&key, &s.newname) && !s.missing_ok && !self.opaque_statements_seen {
                return Err(src.error(-1, "42704", format!("type \"{}\" does not exist", key.1)));
            }
            return Ok(());
        }
        if matches!(
            s.rename_type(),
            ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine
        ) {
            if let Some(NodeEnum::ObjectWithArgs(f)) = s.object.as_deref().and_then(|o| o.node.as_ref()) {
                self.rename_function(f, &s.newname);
            }
            return Ok(());
        }
        if s.rename_type() == ObjectType::ObjectAttribute {
            return self.rename_attribute(src, s);
        }
        let Some(rv) = &s.relation else { return Ok(()) };
        match s.rename_type() {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence
            | ObjectType::ObjectForeignTable => {
                let old = key(rv);
                let new_key = (old.0.clone(), s.newname.clone());
                if self.tables.contains_key(&new_key) || self.other_relations.contains_key(&new_key) {
                    let msg = format!("relation \"{}\" already exists", display(&new_key));
                    return Err(src.error(-1, "42P07", msg));
                }
                self.move_row_type(&old, &new_key);
                if let Some(table) = self.tables.remove(&old) {
                    self.tables.insert(new_key, Table { name: s.newname.clone(), ..table });
                } else if let Some(mut view) = self.views.remove(&old) {
                    view.relation.name = s.newname.clone();
                    self.views.insert(new_key, view);
                } else if let Some(other) = self.other_relations.remove(&old) {
                    self.other_relations.insert(new_key, other);
                } else if !s.missing_ok {
                    self.missing_relation(src, rv)?;
                }
                Ok(())
            }
            ObjectType::ObjectColumn => {
                if !self.tables.contains_key(&key(rv)) {
                    return if s.missing_ok { Ok(()) } else { self.missing_relation(src, rv) };
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
                // Children rename the inherited column too.
                let mut pending = self.children.get(&key(rv)).cloned().unwrap_or_default();
                while let Some(child) = pending.pop() {
                    if let Some(c) = self.tables.get_mut(&child).and_then(|t| t.column_mut(&s.subname)) {
                        c.name = s.newname.clone();
                    }
                    pending.extend(self.children.get(&child).cloned().unwrap_or_default());
                }
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

/// `[schema.]name` from a DROP's name list.
fn qualified(names: &[&str]) -> Option<(String, String)> {
    match names {
        [name] => Some((DEFAULT_SCHEMA.to_string(), name.to_string())),
        [.., schema, name] => Some((schema.to_string(), name.to_string())),
        [] => None,
    }
}
