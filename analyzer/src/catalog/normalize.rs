//! Text forms of parsed SQL that do not depend on how the file was written: expressions and
//! queries deparsed by Postgres's own deparser (so `now( )`, `NOW()` and `now()` agree), type
//! modifiers as `format_type` prints them, identifiers quoted as `quote_ident` quotes them.

use pg_query::protobuf::{
    a_const, Constraint as PgConstraint, LimitOption, Node, ResTarget, SelectStmt, SetOperation, TypeName,
};
use pg_query::NodeEnum;

/// An expression as the deparser prints it. The deparser only takes statements, so the
/// expression goes in as `SELECT <expr>` and comes back out without the `SELECT `.
pub(crate) fn expression(expr: &Node) -> String {
    let target = ResTarget { val: Some(Box::new(expr.clone())), ..Default::default() };
    // Enum fields must be valid: the C side asserts on a zero (undefined) value.
    let select = SelectStmt {
        target_list: vec![Node { node: Some(NodeEnum::ResTarget(Box::new(target))) }],
        limit_option: LimitOption::Default.into(),
        op: SetOperation::SetopNone.into(),
        ..Default::default()
    };
    match NodeEnum::SelectStmt(Box::new(select)).deparse(Default::default()) {
        Ok(text) => text.strip_prefix("SELECT ").map(str::to_string).unwrap_or(text),
        // Only for node kinds the deparser lacks; a stable marker keeps equal inputs equal.
        Err(_) => "(an expression the deparser cannot print)".to_string(),
    }
}

/// A whole statement (a view's query, a function's SQL body) as the deparser prints it.
pub(crate) fn statement(node: &NodeEnum) -> Option<String> {
    node.deparse(Default::default()).ok()
}

/// Whitespace runs as one space: for bodies in languages the parser cannot deparse (PL/pgSQL).
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The modifiers of a declared type as `format_type` appends them: `(320)`, `(10,2)`,
/// ` day to second(3)` for intervals; empty when there are none.
pub(crate) fn type_modifiers(type_name: &TypeName) -> String {
    let mods: Vec<String> = type_name.typmods.iter().map(modifier).collect();
    if mods.is_empty() {
        return String::new();
    }
    let last = type_name.names.iter().rev().find_map(super::table::string_value).unwrap_or("");
    if last == "interval" {
        return interval_modifiers(&mods);
    }
    format!("({})", mods.join(","))
}

fn modifier(node: &Node) -> String {
    match &node.node {
        Some(NodeEnum::AConst(c)) => match &c.val {
            Some(a_const::Val::Ival(i)) => i.ival.to_string(),
            Some(a_const::Val::Sval(s)) => s.sval.clone(),
            Some(a_const::Val::Fval(f)) => f.fval.clone(),
            _ => String::new(),
        },
        Some(NodeEnum::Integer(i)) => i.ival.to_string(),
        // PostGIS's `geometry(Point, 4326)`: the geometry type arrives as a column reference.
        Some(NodeEnum::ColumnRef(r)) => {
            r.fields.iter().filter_map(super::table::string_value).collect::<Vec<_>>().join(".")
        }
        _ => expression(node),
    }
}

/// The grammar encodes `interval day to second(3)` as a field mask and a precision
/// (datetime.h's `INTERVAL_MASK` bits); printed back the way `format_type` does.
fn interval_modifiers(mods: &[String]) -> String {
    const MONTH: i64 = 1 << 1;
    const YEAR: i64 = 1 << 2;
    const DAY: i64 = 1 << 3;
    const HOUR: i64 = 1 << 10;
    const MINUTE: i64 = 1 << 11;
    const SECOND: i64 = 1 << 12;
    const FULL_RANGE: i64 = 0x7FFF;
    const FULL_PRECISION: i64 = 0xFFFF;
    let mask: i64 = mods.first().and_then(|m| m.parse().ok()).unwrap_or(FULL_RANGE);
    let fields = match mask {
        YEAR => " year",
        MONTH => " month",
        DAY => " day",
        HOUR => " hour",
        MINUTE => " minute",
        SECOND => " second",
        m if m == YEAR | MONTH => " year to month",
        m if m == DAY | HOUR => " day to hour",
        m if m == DAY | HOUR | MINUTE => " day to minute",
        m if m == DAY | HOUR | MINUTE | SECOND => " day to second",
        m if m == HOUR | MINUTE => " hour to minute",
        m if m == HOUR | MINUTE | SECOND => " hour to second",
        m if m == MINUTE | SECOND => " minute to second",
        _ => "",
    };
    match mods.get(1).and_then(|p| p.parse::<i64>().ok()) {
        Some(p) if p != FULL_PRECISION => format!("{fields}({p})"),
        _ => fields.to_string(),
    }
}

/// An identifier as `quote_ident` prints it: bare when it is lower case and not a keyword
/// Postgres reserves in that position, else in double quotes.
pub fn quote_ident(name: &str) -> String {
    let simple = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if simple && !is_reserved_keyword(name) {
        return name.to_string();
    }
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Keywords other than the unreserved ones need quotes as identifiers (`"user"`, `"order"`);
/// the scanner knows which is which.
/// The answers are remembered: a schema diff asks for every column of every table.
fn is_reserved_keyword(name: &str) -> bool {
    use pg_query::protobuf::KeywordKind;
    thread_local! {
        static KNOWN: std::cell::RefCell<std::collections::HashMap<String, bool>> = Default::default();
    }
    if let Some(known) = KNOWN.with(|k| k.borrow().get(name).copied()) {
        return known;
    }
    let reserved = match pg_query::scan(name).as_ref().map(|s| s.tokens.as_slice()) {
        Ok([token]) => {
            !matches!(token.keyword_kind(), KeywordKind::NoKeyword | KeywordKind::UnreservedKeyword)
        }
        _ => false,
    };
    KNOWN.with(|k| k.borrow_mut().insert(name.to_string(), reserved));
    reserved
}

/// `schema.name`, each part quoted as needed.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// An index key as the deparser prints it inside `CREATE INDEX ... (here)`.
pub(crate) fn index_key(param: &pg_query::protobuf::Node) -> String {
    let Some(NodeEnum::IndexElem(e)) = &param.node else { return String::new() };
    let mut text = match &e.expr {
        Some(expr) if e.name.is_empty() => format!("({})", expression(expr)),
        _ => quote_ident(&e.name),
    };
    let qualified = |nodes: &[pg_query::protobuf::Node]| {
        nodes.iter().filter_map(super::table::string_value).collect::<Vec<_>>().join(".")
    };
    if !e.collation.is_empty() {
        text.push_str(&format!(" COLLATE {}", qualified(&e.collation)));
    }
    if !e.opclass.is_empty() {
        text.push_str(&format!(" {}", qualified(&e.opclass)));
    }
    use pg_query::protobuf::{SortByDir, SortByNulls};
    match e.ordering() {
        SortByDir::SortbyDesc => text.push_str(" DESC"),
        SortByDir::SortbyAsc => text.push_str(" ASC"),
        _ => {}
    }
    match e.nulls_ordering() {
        SortByNulls::SortbyNullsFirst => text.push_str(" NULLS FIRST"),
        SortByNulls::SortbyNullsLast => text.push_str(" NULLS LAST"),
        _ => {}
    }
    text
}

/// An exclusion constraint after `EXCLUDE`, as `pg_get_constraintdef` words it:
/// `USING gist (room WITH =, during WITH &&) WHERE (...)`.
pub(crate) fn exclusion(c: &PgConstraint) -> String {
    let elements: Vec<String> = c
        .exclusions
        .iter()
        .filter_map(|e| match &e.node {
            // Each is a list of the element and the operator's (qualified) name.
            Some(NodeEnum::List(pair)) => {
                let element = pair.items.first().map(index_key)?;
                let operator = match pair.items.get(1).and_then(|o| o.node.as_ref()) {
                    Some(NodeEnum::List(names)) => names
                        .items
                        .iter()
                        .filter_map(super::table::string_value)
                        .collect::<Vec<_>>()
                        .join("."),
                    _ => String::new(),
                };
                Some(format!("{element} WITH {operator}"))
            }
            _ => None,
        })
        .collect();
    let method = if c.access_method.is_empty() { "btree" } else { c.access_method.as_str() };
    let mut text = format!("USING {method} ({})", elements.join(", "));
    if let Some(predicate) = c.where_clause.as_deref() {
        text.push_str(&format!(" WHERE ({})", expression(predicate)));
    }
    text
}

/// The parts of a constraint's definition besides its kind, columns and expression, worded as
/// `pg_get_constraintdef` words them (actions it leaves out when they are the default).
pub(crate) fn constraint_clauses(c: &PgConstraint, foreign_key: bool) -> Vec<String> {
    let mut clauses = Vec::new();
    if c.nulls_not_distinct {
        clauses.push("NULLS NOT DISTINCT".to_string());
    }
    if foreign_key {
        if c.fk_matchtype == "f" {
            clauses.push("MATCH FULL".to_string());
        }
        for (event, action) in [("UPDATE", &c.fk_upd_action), ("DELETE", &c.fk_del_action)] {
            let action = match action.as_str() {
                "r" => "RESTRICT",
                "c" => "CASCADE",
                "n" => "SET NULL",
                "d" => "SET DEFAULT",
                _ => continue, // "a", NO ACTION, the default
            };
            clauses.push(format!("ON {event} {action}"));
        }
    }
    if c.deferrable {
        clauses.push("DEFERRABLE".to_string());
    }
    if c.initdeferred {
        clauses.push("INITIALLY DEFERRED".to_string());
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed_column_type(sql: &str) -> TypeName {
        let statements = crate::parse_script(sql).unwrap();
        let NodeEnum::CreateStmt(s) = &statements[0].node else { panic!("not CREATE TABLE") };
        let Some(NodeEnum::ColumnDef(def)) = &s.table_elts[0].node else { panic!("no column") };
        def.type_name.clone().unwrap()
    }

    #[test]
    fn type_modifiers_print_as_format_type_does() {
        let cases = [
            ("varchar(320)", "(320)"),
            ("numeric(10, 2)", "(10,2)"),
            ("text", ""),
            ("char", "(1)"),
            ("timestamptz(3)", "(3)"),
            ("interval day to second(3)", " day to second(3)"),
            ("interval year", " year"),
            ("interval(2)", "(2)"),
            ("geometry(Point, 4326)", "(point,4326)"),
        ];
        for (written, expected) in cases {
            let ty = parsed_column_type(&format!("CREATE TABLE t (c {written});"));
            assert_eq!(type_modifiers(&ty), expected, "{written}");
        }
    }

    #[test]
    fn identifiers_are_quoted_like_quote_ident() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("name"), "name"); // unreserved
        assert_eq!(quote_ident("Users"), "\"Users\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(qualified("public", "order"), "public.\"order\"");
    }
}
