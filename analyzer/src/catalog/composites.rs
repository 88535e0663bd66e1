//! ALTER TYPE on composite types: ADD, DROP and ALTER ... TYPE of an attribute (an
//! AlterTableStmt with objtype OBJECT_TYPE, as gram.y builds it) and RENAME ATTRIBUTE, so the
//! attributes the derive and `(row).attr` see are those the server has.

use pg_query::protobuf::{AlterTableStmt, AlterTableType, RenameStmt};
use pg_query::NodeEnum;

use super::table::{column_from_def, key};
use super::{types, Catalog, Column, Source};
use crate::Diagnostic;

impl Catalog {
    pub(crate) fn alter_composite(&mut self, src: &Source<'_>, s: &AlterTableStmt) -> Result<(), Diagnostic> {
        let Some(rv) = &s.relation else { return Ok(()) };
        let name = key(rv);
        let Some(attributes) = self.composite_mut(src, &name, s.missing_ok)? else { return Ok(()) };
        let exists = |attributes: &[Column], attr: &str| attributes.iter().any(|a| a.name == attr);
        for cmd in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
            let missing = || {
                let msg = format!("column \"{}\" of relation \"{}\" does not exist", cmd.name, name.1);
                src.error(-1, "42703", msg)
            };
            match cmd.subtype() {
                AlterTableType::AtAddColumn => {
                    let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_deref().and_then(|d| d.node.as_ref())
                    else {
                        continue;
                    };
                    if exists(attributes, &def.colname) {
                        let msg =
                            format!("column \"{}\" of relation \"{}\" already exists", def.colname, name.1);
                        return Err(src.error(-1, "42701", msg));
                    }
                    attributes.push(Column { not_null: false, ..column_from_def(def, None) });
                }
                AlterTableType::AtDropColumn => match attributes.iter().position(|a| a.name == cmd.name) {
                    Some(i) => {
                        attributes.remove(i);
                    }
                    None if cmd.missing_ok => {}
                    None => return Err(missing()),
                },
                AlterTableType::AtAlterColumnType => {
                    let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_deref().and_then(|d| d.node.as_ref())
                    else {
                        continue;
                    };
                    let Some(declared) = def.type_name.as_ref().map(types::from_type_name) else { continue };
                    let attribute = attributes.iter_mut().find(|a| a.name == cmd.name).ok_or_else(missing)?;
                    attribute.ty = declared.ty;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// ALTER TYPE ... RENAME ATTRIBUTE.
    pub(crate) fn rename_attribute(&mut self, src: &Source<'_>, s: &RenameStmt) -> Result<(), Diagnostic> {
        let Some(rv) = &s.relation else { return Ok(()) };
        let name = key(rv);
        let Some(attributes) = self.composite_mut(src, &name, s.missing_ok)? else { return Ok(()) };
        if attributes.iter().any(|a| a.name == s.newname) {
            let msg = format!("column \"{}\" of relation \"{}\" already exists", s.newname, name.1);
            return Err(src.error(-1, "42701", msg));
        }
        let Some(attribute) = attributes.iter_mut().find(|a| a.name == s.subname) else {
            let msg = format!("column \"{}\" of relation \"{}\" does not exist", s.subname, name.1);
            return Err(src.error(-1, "42703", msg));
        };
        attribute.name = s.newname.clone();
        Ok(())
    }

    /// The attributes of the composite type `name`; `None` (nothing to change) where it is
    /// missing but may be, or unseen statements may have made it.
    fn composite_mut(
        &mut self,
        src: &Source<'_>,
        name: &(String, String),
        missing_ok: bool,
    ) -> Result<Option<&mut Vec<Column>>, Diagnostic> {
        let oid = self.user_type_names.get(name).copied();
        match oid.filter(|o| self.composites.contains_key(o)) {
            Some(oid) => Ok(self.composites.get_mut(&oid)),
            None if missing_ok || self.opaque_statements_seen || oid.is_some() => Ok(None),
            None => Err(src.error(-1, "42704", format!("type \"{}\" does not exist", name.1))),
        }
    }
}
