//! Which column type changes Postgres makes without rewriting the table: the binary-coercible
//! casts and the length/precision increases its `*_support` functions turn into no-ops
//! (`ATColumnChangeRequiresRewrite` in tablecmds.c).

use crate::catalog::types::{from_type_name, SqlType};

/// Whether `ALTER COLUMN ... TYPE new` (without USING) rewrites a column of type `old` declared
/// with modifiers `old_mods`.
pub fn type_change_rewrites(old: &SqlType, old_mods: &[i64], new: &pg_query::protobuf::TypeName) -> bool {
    let new_ty = from_type_name(new).ty;
    let new_mods: Vec<i64> = new.typmods.iter().filter_map(int_value).collect();
    if old.array != new_ty.array {
        return true;
    }
    let (from, to) = (old.name.as_str(), new_ty.name.as_str());
    if from == to {
        return !widens(from, old_mods, &new_mods);
    }
    // Binary-coercible pairs (pg_cast castmethod 'b') into a type with no length limit.
    let unbounded = new_mods.is_empty();
    match (from, to) {
        ("varchar", "text") | ("text", "varchar") => !unbounded,
        ("citext", "text") | ("text", "citext") | ("varchar", "citext") => false,
        ("cidr", "inet") => false,
        ("bit", "varbit") => !unbounded,
        _ => true,
    }
}

/// Same type, other modifiers: no rewrite when the new ones accept every old value.
fn widens(ty: &str, old: &[i64], new: &[i64]) -> bool {
    if old == new {
        return true;
    }
    match ty {
        // Unlimited accepts everything; a limit after none, or a smaller one, must check rows.
        "varchar" | "varbit" => new.is_empty() || (!old.is_empty() && new[0] >= old[0]),
        "numeric" => match (old, new) {
            (_, []) => true,
            ([p, s], [p2, s2]) => s == s2 && p2 >= p,
            ([p], [p2]) => p2 >= p,
            _ => false,
        },
        "timestamp" | "timestamptz" | "time" | "timetz" | "interval" => {
            new.is_empty() || (!old.is_empty() && new[0] >= old[0])
        }
        _ => false,
    }
}

pub(crate) fn int_value(node: &pg_query::protobuf::Node) -> Option<i64> {
    match &node.node {
        Some(pg_query::NodeEnum::AConst(c)) => match &c.val {
            Some(pg_query::protobuf::a_const::Val::Ival(i)) => Some(i64::from(i.ival)),
            _ => None,
        },
        _ => None,
    }
}

/// `varchar(20)`, `numeric(10,2)`, `int8[]`.
pub(crate) fn display(ty: &SqlType, mods: &[i64]) -> String {
    let mods: Vec<String> = mods.iter().map(i64::to_string).collect();
    let mods = if mods.is_empty() { String::new() } else { format!("({})", mods.join(",")) };
    format!("{}{mods}{}", ty.name, if ty.array { "[]" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrites(old: &str, old_mods: &[i64], new: &str) -> bool {
        let sql = format!("ALTER TABLE t ALTER COLUMN c TYPE {new}");
        let stmts = crate::parse_script(&sql).unwrap();
        let pg_query::NodeEnum::AlterTableStmt(s) = &stmts[0].node else { panic!() };
        let Some(pg_query::NodeEnum::AlterTableCmd(cmd)) = &s.cmds[0].node else { panic!() };
        let Some(pg_query::NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
            panic!()
        };
        type_change_rewrites(&SqlType::new(old), old_mods, def.type_name.as_ref().unwrap())
    }

    #[test]
    fn widening_varchar_and_numeric_is_free() {
        assert!(!rewrites("varchar", &[10], "varchar(20)"));
        assert!(!rewrites("varchar", &[10], "character varying"));
        assert!(!rewrites("varchar", &[10], "text"));
        assert!(!rewrites("text", &[], "varchar"));
        assert!(!rewrites("numeric", &[10, 2], "numeric(12,2)"));
        assert!(!rewrites("numeric", &[10, 2], "numeric"));
        assert!(!rewrites("cidr", &[], "inet"));
        assert!(!rewrites("timestamptz", &[3], "timestamptz(6)"));
    }

    #[test]
    fn narrowing_and_real_conversions_rewrite() {
        assert!(rewrites("varchar", &[20], "varchar(10)"));
        assert!(rewrites("text", &[], "varchar(10)"));
        assert!(rewrites("varchar", &[], "varchar(10)"));
        assert!(rewrites("int4", &[], "bigint"));
        assert!(rewrites("numeric", &[10, 2], "numeric(12,3)"));
        assert!(rewrites("timestamp", &[], "timestamptz"));
        assert!(rewrites("bpchar", &[5], "char(10)"));
        assert!(rewrites("int4", &[], "int4[]"));
    }
}
