//! ALTER TABLE: the subcommands that change columns, types or nullability.

use pg_query::protobuf::{AlterTableCmd, AlterTableStmt, AlterTableType, ConstrType, ObjectType};
use pg_query::NodeEnum;

use super::table::{column_from_def, key, string_value};
use super::{normalize, types, Catalog, Identity, Source};
use crate::Diagnostic;

/// Subcommands that change the columns of the children too.
fn recurses(t: AlterTableType) -> bool {
    matches!(
        t,
        AlterTableType::AtAddColumn
            | AlterTableType::AtDropColumn
            | AlterTableType::AtSetNotNull
            | AlterTableType::AtDropNotNull
            | AlterTableType::AtAlterColumnType
            | AlterTableType::AtColumnDefault
            | AlterTableType::AtDropExpression
    )
}

impl Catalog {
    pub(crate) fn alter_table(&mut self, src: &Source<'_>, s: &AlterTableStmt) -> Result<(), Diagnostic> {
        if s.objtype() == ObjectType::ObjectType {
            return self.alter_composite(src, s);
        }
        if s.objtype() != ObjectType::ObjectTable {
            return Ok(()); // ALTER INDEX / SEQUENCE / VIEW ... ALTER: no columns change
        }
        let Some(rv) = &s.relation else { return Ok(()) };
        if !self.tables.contains_key(&key(rv)) {
            return if s.missing_ok { Ok(()) } else { self.missing_relation(src, rv) };
        }
        for cmd in &s.cmds {
            if let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node {
                self.alter_table_cmd(src, s, cmd)?;
                // Column changes reach partitions and inheritance children (unless ONLY).
                if rv.inh && recurses(cmd.subtype()) {
                    self.alter_children(src, s, cmd, key(rv), 0)?;
                }
            }
        }
        Ok(())
    }

    fn alter_children(
        &mut self,
        src: &Source<'_>,
        s: &AlterTableStmt,
        cmd: &AlterTableCmd,
        parent: (String, String),
        depth: usize,
    ) -> Result<(), Diagnostic> {
        let children = self.children.get(&parent).cloned().unwrap_or_default();
        for child in children.into_iter().filter(|_| depth < 32) {
            if !self.tables.contains_key(&child) {
                continue;
            }
            let mut relation = s.relation.clone().unwrap_or_default();
            relation.schemaname = child.0.clone();
            relation.relname = child.1.clone();
            let stmt = AlterTableStmt { relation: Some(relation), ..s.clone() };
            // A child that already has the column merges it; one without it has nothing to drop.
            let cmd = AlterTableCmd { missing_ok: true, ..cmd.clone() };
            self.alter_table_cmd(src, &stmt, &cmd)?;
            self.alter_children(src, &stmt, &cmd, child, depth + 1)?;
        }
        Ok(())
    }

    fn alter_table_cmd(
        &mut self,
        src: &Source<'_>,
        s: &AlterTableStmt,
        cmd: &AlterTableCmd,
    ) -> Result<(), Diagnostic> {
        let Some(rv) = &s.relation else { return Ok(()) };
        let added = match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
            Some(NodeEnum::ColumnDef(def)) if cmd.subtype() == AlterTableType::AtAddColumn => {
                Some(column_from_def(def, Some(&key(rv))))
            }
            _ => None,
        };
        let table = self.existing_mut(src, rv)?;
        let table_name = table.name.clone();
        let no_column = |name: &str| {
            src.error(-1, "42703", format!("column \"{name}\" of relation \"{table_name}\" does not exist"))
        };
        match cmd.subtype() {
            AlterTableType::AtAddColumn => {
                let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
                    return Ok(());
                };
                let Some(column) = added else { return Ok(()) };
                if table.column(&column.name).is_some() {
                    if cmd.missing_ok {
                        return Ok(()); // ADD COLUMN IF NOT EXISTS
                    }
                    let msg =
                        format!("column \"{}\" of relation \"{table_name}\" already exists", column.name);
                    return Err(src.error(def.location, "42701", msg));
                }
                table.columns.push(column);
            }
            AlterTableType::AtDropColumn => match table.columns.iter().position(|c| c.name == cmd.name) {
                Some(i) => {
                    table.columns.remove(i);
                }
                None if cmd.missing_ok => {}
                None => return Err(no_column(&cmd.name)),
            },
            AlterTableType::AtSetNotNull | AlterTableType::AtDropNotNull => {
                let set = cmd.subtype() == AlterTableType::AtSetNotNull;
                let column = table.column_mut(&cmd.name).ok_or_else(|| no_column(&cmd.name))?;
                column.not_null = set;
            }
            AlterTableType::AtAlterColumnType => {
                let column = table.column_mut(&cmd.name).ok_or_else(|| no_column(&cmd.name))?;
                if let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                    if let Some(type_name) = &def.type_name {
                        column.ty = types::from_type_name(type_name).ty;
                        column.modifiers = normalize::type_modifiers(type_name);
                    }
                    // ALTER TYPE resets the collation to the new type's unless it names one.
                    column.collation = super::table::column_from_def(def, None).collation;
                }
            }
            AlterTableType::AtAddIdentity => {
                let column = table.column_mut(&cmd.name).ok_or_else(|| no_column(&cmd.name))?;
                column.not_null = true;
                if let Some(NodeEnum::Constraint(c)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                    column.identity = Identity::from_code(&c.generated_when);
                }
            }
            AlterTableType::AtSetIdentity => {
                let column = table.column_mut(&cmd.name).ok_or_else(|| no_column(&cmd.name))?;
                if let Some(generated) = set_generated(cmd) {
                    column.identity = Some(generated);
                }
            }
            AlterTableType::AtDropIdentity => match table.column_mut(&cmd.name) {
                Some(column) => column.identity = None,
                None if cmd.missing_ok => {}
                None => return Err(no_column(&cmd.name)),
            },
            AlterTableType::AtColumnDefault => match table.column_mut(&cmd.name) {
                // SET DEFAULT carries the expression, DROP DEFAULT none.
                Some(column) => column.default = cmd.def.as_deref().map(normalize::expression),
                None if cmd.missing_ok => {}
                None => return Err(no_column(&cmd.name)),
            },
            AlterTableType::AtDropExpression => match table.column_mut(&cmd.name) {
                Some(column) => column.generated = None,
                None if cmd.missing_ok => {}
                None => return Err(no_column(&cmd.name)),
            },
            AlterTableType::AtAddConstraint => {
                let Some(NodeEnum::Constraint(c)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
                    return Ok(());
                };
                if c.contype() == ConstrType::ConstrPrimary {
                    for name in c.keys.iter().filter_map(string_value) {
                        table.column_mut(name).ok_or_else(|| no_column(name))?.not_null = true;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// `ALTER COLUMN ... SET GENERATED ALWAYS | BY DEFAULT`: the grammar stores the choice as the
/// character code of `attidentity` in a `generated` option.
fn set_generated(cmd: &AlterTableCmd) -> Option<Identity> {
    let Some(NodeEnum::List(options)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else { return None };
    options.items.iter().find_map(|o| match &o.node {
        Some(NodeEnum::DefElem(d)) if d.defname == "generated" => match d.arg.as_deref()?.node.as_ref()? {
            NodeEnum::Integer(i) => Identity::from_code(&char::from(u8::try_from(i.ival).ok()?).to_string()),
            _ => None,
        },
        _ => None,
    })
}
