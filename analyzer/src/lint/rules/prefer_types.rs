//! The column types that age badly: shared by the prefer-* rules.

use pg_query::protobuf::{AlterTableType, ColumnDef, ConstrType};
use pg_query::NodeEnum;

use crate::catalog::index::{key, string_value};
use crate::catalog::types::{from_type_name, DeclaredType};
use crate::lint::{Ctx, Finding, TableKey};

/// A column declared by CREATE TABLE or ADD COLUMN.
pub(super) struct Declared<'a> {
    pub table: TableKey,
    pub def: &'a ColumnDef,
    pub ty: DeclaredType,
    pub primary_key: bool,
}

pub(super) fn declared<'a>(node: &'a NodeEnum) -> Vec<Declared<'a>> {
    let mut out = Vec::new();
    let is_pk = |def: &ColumnDef| {
        def.constraints.iter().any(
            |c| matches!(&c.node, Some(NodeEnum::Constraint(c)) if c.contype() == ConstrType::ConstrPrimary),
        )
    };
    match node {
        NodeEnum::CreateStmt(s) => {
            let Some(rv) = &s.relation else { return out };
            let table_pk: Vec<&str> = s
                .table_elts
                .iter()
                .filter_map(|e| match &e.node {
                    Some(NodeEnum::Constraint(c)) if c.contype() == ConstrType::ConstrPrimary => Some(c),
                    _ => None,
                })
                .flat_map(|c| c.keys.iter().filter_map(string_value))
                .collect();
            for elt in &s.table_elts {
                if let Some(NodeEnum::ColumnDef(def)) = &elt.node {
                    let Some(tn) = &def.type_name else { continue };
                    let primary_key = is_pk(def) || table_pk.contains(&def.colname.as_str());
                    out.push(Declared { table: key(rv), def, ty: from_type_name(tn), primary_key });
                }
            }
        }
        NodeEnum::AlterTableStmt(s) => {
            let Some(rv) = &s.relation else { return out };
            for cmd in &s.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = &cmd.node else { continue };
                if cmd.subtype() != AlterTableType::AtAddColumn {
                    continue;
                }
                if let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                    let Some(tn) = &def.type_name else { continue };
                    out.push(Declared {
                        table: key(rv),
                        def,
                        ty: from_type_name(tn),
                        primary_key: is_pk(def),
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// The type as written, e.g. `serial` or `varchar(20)`.
pub(super) fn written(ctx: &Ctx<'_>, def: &ColumnDef) -> String {
    let Some(tn) = &def.type_name else { return String::new() };
    let text = ctx.text.get(usize::try_from(tn.location).unwrap_or(0)..).unwrap_or("");
    let mut depth = 0;
    let mut end = text.len();
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = i;
                break;
            }
            ')' => {
                depth -= 1;
                if depth == 0 {
                    end = i + 1;
                    break;
                }
            }
            ',' | '\n' | ';' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let ty = text[..end].trim();
    let upper = ty.to_ascii_uppercase();
    let keywords = [
        " NOT ",
        " NULL",
        " PRIMARY",
        " DEFAULT",
        " REFERENCES",
        " UNIQUE",
        " CHECK",
        " GENERATED",
        " CONSTRAINT",
        " COLLATE",
    ];
    let cut = keywords.iter().filter_map(|k| upper.find(k)).min().unwrap_or(ty.len());
    ty[..cut].trim().to_string()
}

pub(super) fn column_finding(ctx: &Ctx<'_>, d: &Declared<'_>, message: String) -> Finding {
    let offset = usize::try_from(d.def.location).unwrap_or(ctx.statement.offset);
    let len = d.def.colname.len();
    Finding { offset, len, message, help: None, table: None }
}
