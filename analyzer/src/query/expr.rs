//! Expression typing: the type and nullability of an expression, inferring `$n` types from
//! where they appear (`col = $1`, `col IN ($1, $2)`, `col = ANY($1)`, `$1::int8`, ...).

use pg_query::protobuf::a_const::Val;
use pg_query::protobuf::{AExpr, AExprKind, BoolExprType, Node, SqlValueFunctionOp};
use pg_query::NodeEnum;

use super::scope::{Lookup, Scope};
use super::{node_location, Analysis};
use crate::catalog::{types, SqlType};

/// What an expression produces. `ty` is `None` when it cannot be known statically (an untyped
/// parameter, NULL, an unknown function): callers that need it ask for a cast.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub ty: Option<SqlType>,
    pub nullable: bool,
    /// The column name Postgres would give this expression in a SELECT list.
    pub name: Option<String>,
}

impl Typed {
    pub fn of(ty: &str, nullable: bool) -> Typed {
        Typed { ty: Some(SqlType::new(ty)), nullable, name: None }
    }

    pub fn unknown() -> Typed {
        Typed { ty: None, nullable: true, name: None }
    }

    pub(super) fn named(mut self, name: &str) -> Typed {
        self.name = Some(name.to_string());
        self
    }
}

/// Each value with its type, for [`Analysis::unify_exprs`].
fn paired<'a>(nodes: &'a [Node], typed: &'a [Typed]) -> Vec<(&'a Node, &'a Typed)> {
    nodes.iter().zip(typed).collect()
}

fn string(node: &Node) -> Option<&str> {
    match &node.node {
        Some(NodeEnum::String(s)) => Some(&s.sval),
        _ => None,
    }
}

impl Analysis<'_> {
    /// A WHERE, HAVING or JOIN ... ON condition.
    pub fn condition(&mut self, node: &Node, scope: &Scope<'_>) {
        let typed = self.expr_expecting(node, scope, &SqlType::new("bool"));
        if let Some(ty) = typed.ty.filter(|t| !t.is("bool")) {
            let msg = format!("argument of WHERE must be type boolean, not type {ty}");
            self.error_at(node_location(node), "42804", &msg, None);
        }
    }

    /// Types `node` where a value of type `expected` goes, giving untyped parameters that type.
    pub fn expr_expecting(&mut self, node: &Node, scope: &Scope<'_>, expected: &SqlType) -> Typed {
        self.infer(node, expected);
        self.check_typed_literal(node, expected);
        self.expr(node, scope)
    }

    /// Gives an untyped parameter the type of the place it goes. COALESCE, CASE and ARRAY[...]
    /// are typed from their own arguments, not from where they go (`LIMIT coalesce($1, 50)`
    /// makes `$1` int4), as in Postgres; see [`Analysis::unify_exprs`].
    pub(super) fn infer(&mut self, node: &Node, expected: &SqlType) {
        if let Some(NodeEnum::ParamRef(p)) = &node.node {
            let n = usize::try_from(p.number).unwrap_or(0);
            self.params.entry(n).or_insert_with(|| expected.clone());
        }
    }

    /// A cast passes its array type down into an `ARRAY[...]` it applies to
    /// (transformTypeCast): `ARRAY[$1, $2]::int8[]` makes both parameters int8.
    fn infer_cast(&mut self, node: &Node, target: &SqlType) {
        match &node.node {
            Some(NodeEnum::AArrayExpr(a)) if target.array => {
                let element = target.element();
                for e in &a.elements {
                    match &e.node {
                        Some(NodeEnum::AArrayExpr(_)) => self.infer_cast(e, target),
                        _ => self.infer(e, &element),
                    }
                }
            }
            _ => self.infer(node, target),
        }
    }

    pub fn expr(&mut self, node: &Node, scope: &Scope<'_>) -> Typed {
        let Some(inner) = &node.node else {
            return Typed::unknown();
        };
        match inner {
            NodeEnum::ColumnRef(c) => self.column_ref(c, scope),
            NodeEnum::ParamRef(p) => {
                let n = usize::try_from(p.number).unwrap_or(0);
                Typed { ty: self.params.get(&n).cloned(), nullable: true, name: None }
            }
            NodeEnum::AConst(c) => constant(c),
            NodeEnum::TypeCast(cast) => {
                let ty = cast.type_name.as_ref().map(|t| types::from_type_name(t).ty);
                let inner = match (cast.arg.as_deref(), &ty) {
                    (Some(arg), Some(ty)) => {
                        self.infer_cast(arg, ty);
                        self.expr_expecting(arg, scope, ty)
                    }
                    (Some(arg), None) => self.expr(arg, scope),
                    _ => Typed::unknown(),
                };
                // Postgres keeps a column's or function's name through a cast, else names it
                // after the type (`1::int8` is "int8").
                let name = match inner.name.as_deref() {
                    None | Some("?column?") | Some("case") => ty.as_ref().map(|t| t.name.clone()),
                    Some(name) => Some(name.to_string()),
                };
                Typed { ty, nullable: inner.nullable, name }
            }
            NodeEnum::AExpr(e) => self.a_expr(e, scope),
            NodeEnum::BoolExpr(b) => {
                let bool_ty = SqlType::new("bool");
                let mut nullable = false;
                for arg in &b.args {
                    nullable |= self.expr_expecting(arg, scope, &bool_ty).nullable;
                }
                let name = (b.boolop() == BoolExprType::NotExpr).then_some("?column?");
                Typed { ty: Some(bool_ty), nullable, name: name.map(str::to_string) }
            }
            NodeEnum::NullTest(t) => {
                if let Some(arg) = t.arg.as_deref() {
                    self.param_target(arg, true);
                    self.expr(arg, scope);
                }
                Typed::of("bool", false)
            }
            NodeEnum::BooleanTest(t) => {
                if let Some(arg) = t.arg.as_deref() {
                    self.expr_expecting(arg, scope, &SqlType::new("bool"));
                }
                Typed::of("bool", false)
            }
            NodeEnum::FuncCall(f) => self.func_call(f, scope),
            NodeEnum::CoalesceExpr(c) => {
                c.args.iter().for_each(|a| self.param_target(a, true));
                let args: Vec<Typed> = c.args.iter().map(|a| self.expr(a, scope)).collect();
                let ty = self.unify_exprs("COALESCE", &paired(&c.args, &args));
                Typed { ty, nullable: args.iter().all(|a| a.nullable), name: Some("coalesce".into()) }
            }
            NodeEnum::MinMaxExpr(m) => {
                let args: Vec<Typed> = m.args.iter().map(|a| self.expr(a, scope)).collect();
                let name =
                    if m.op() == pg_query::protobuf::MinMaxOp::IsGreatest { "greatest" } else { "least" };
                let ty = self.unify_exprs(&name.to_uppercase(), &paired(&m.args, &args));
                Typed { ty, nullable: args.iter().all(|a| a.nullable), name: Some(name.into()) }
            }
            NodeEnum::SqlvalueFunction(f) => sql_value_function(f.op()),
            NodeEnum::SubLink(s) => self.sublink(s, scope),
            NodeEnum::CaseExpr(c) => self.case(c, scope),
            NodeEnum::AArrayExpr(a) => {
                let elements: Vec<Typed> = a.elements.iter().map(|e| self.expr(e, scope)).collect();
                let ty = self.unify_exprs("ARRAY", &paired(&a.elements, &elements));
                let nullable_elements = elements.iter().any(|e| e.nullable);
                let ty = ty.map(|t| t.array_of_nullable(nullable_elements));
                Typed { ty, nullable: false, name: Some("array".into()) }
            }
            NodeEnum::AIndirection(ind) => self.indirection(ind, scope),
            NodeEnum::RowExpr(r) => self.row_expr(r, scope),
            NodeEnum::CollateClause(c) => {
                c.arg.as_deref().map_or_else(Typed::unknown, |a| self.expr(a, scope))
            }
            NodeEnum::NamedArgExpr(n) => {
                n.arg.as_deref().map_or_else(Typed::unknown, |a| self.expr(a, scope))
            }
            NodeEnum::SetToDefault(_) => Typed::unknown(),
            // xmlelement, xmlforest, xmlconcat, xmlpi, xmlroot, xmlparse; IS DOCUMENT is a test.
            NodeEnum::XmlExpr(x) => {
                use pg_query::protobuf::XmlExprOp as Op;
                x.args.iter().chain(&x.named_args).for_each(|a| drop(self.expr(a, scope)));
                let (ty, name) = match x.op() {
                    Op::IsXmlconcat => ("xml", "xmlconcat"),
                    Op::IsXmlelement => ("xml", "xmlelement"),
                    Op::IsXmlforest => ("xml", "xmlforest"),
                    Op::IsXmlparse => ("xml", "xmlparse"),
                    Op::IsXmlpi => ("xml", "xmlpi"),
                    Op::IsXmlroot => ("xml", "xmlroot"),
                    Op::IsDocument => ("bool", "?column?"),
                    Op::IsXmlserialize | Op::Undefined => return Typed::unknown(),
                };
                Typed::of(ty, true).named(name)
            }
            // GROUPING(a, b): a bit mask of which arguments this row's grouping set leaves out.
            NodeEnum::GroupingFunc(g) => {
                g.args.iter().for_each(|a| drop(self.expr(a, scope)));
                Typed::of("int4", false).named("grouping")
            }
            _ => Typed::unknown(),
        }
    }

    fn column_ref(&mut self, c: &pg_query::protobuf::ColumnRef, scope: &Scope<'_>) -> Typed {
        let fields: Vec<&str> = c.fields.iter().filter_map(string).collect();
        let (qualifier, column) = match fields.as_slice() {
            [column] => (None, *column),
            [.., table, column] => (Some(*table), *column),
            [] => return Typed::unknown(),
        };
        if let Some(q) = qualifier {
            if scope.source(q).is_none() {
                let msg = format!("missing FROM-clause entry for table \"{q}\"");
                self.error_at(c.location, "42P01", &msg, None);
                return Typed::unknown();
            }
        }
        match scope.lookup(qualifier, column) {
            Lookup::Found(r) => Typed { ty: r.ty, nullable: r.nullable, name: Some(column.to_string()) },
            Lookup::Unresolved => {
                self.quiet_failures += 1;
                Typed::unknown()
            }
            Lookup::Ambiguous => {
                let msg = format!("column reference \"{column}\" is ambiguous");
                self.error_at(c.location, "42702", &msg, Some("qualify it with the table name or alias"));
                Typed::unknown()
            }
            Lookup::Missing => {
                let shown = fields.join(".");
                let names = scope.column_names();
                let hint = super::closest(column, &names).map(|s| format!("did you mean \"{s}\"?"));
                self.error_at(
                    c.location,
                    "42703",
                    &format!("column \"{shown}\" does not exist"),
                    hint.as_deref(),
                );
                Typed::unknown()
            }
        }
    }

    fn a_expr(&mut self, e: &AExpr, scope: &Scope<'_>) -> Typed {
        if let Some(typed) = self.row_comparison(e, scope) {
            return typed;
        }
        let op = e.name.iter().filter_map(string).next_back().unwrap_or("");
        let left = e.lexpr.as_deref();
        let right = e.rexpr.as_deref();
        let typed_left = left.map(|n| self.expr(n, scope)).unwrap_or_default();
        // Parameters next to the left operand take its operator input type (varchar → text).
        let l = Typed { ty: typed_left.ty.clone().map(operand_type), ..typed_left.clone() };
        match e.kind() {
            AExprKind::AexprIn => {
                let mut nullable = l.nullable;
                if let Some(Some(NodeEnum::List(list))) = right.map(|r| &r.node) {
                    for item in &list.items {
                        let t = match &l.ty {
                            Some(ty) => self.expr_expecting(item, scope, ty),
                            None => self.expr(item, scope),
                        };
                        nullable |= t.nullable;
                    }
                }
                Typed::of("bool", nullable)
            }
            AExprKind::AexprOpAny | AExprKind::AexprOpAll => {
                if let Some(typed) = self.any_all(op, e.location, (left, &typed_left), right, scope) {
                    return typed;
                }
                let r = match (right, &l.ty) {
                    (Some(r), Some(ty)) => self.expr_expecting(r, scope, &ty.clone().array_of()),
                    (Some(r), None) => self.expr(r, scope),
                    _ => Typed::unknown(),
                };
                Typed::of("bool", l.nullable || r.nullable)
            }
            AExprKind::AexprBetween
            | AExprKind::AexprNotBetween
            | AExprKind::AexprBetweenSym
            | AExprKind::AexprNotBetweenSym => {
                let mut nullable = l.nullable;
                if let Some(Some(NodeEnum::List(list))) = right.map(|r| &r.node) {
                    for item in &list.items {
                        nullable |= match &l.ty {
                            Some(ty) => self.expr_expecting(item, scope, ty),
                            None => self.expr(item, scope),
                        }
                        .nullable;
                    }
                }
                Typed::of("bool", nullable)
            }
            AExprKind::AexprLike | AExprKind::AexprIlike | AExprKind::AexprSimilar => {
                let text = SqlType::new("text");
                if let Some(left) = left {
                    self.infer(left, &text);
                }
                let r = right.map(|r| self.expr_expecting(r, scope, &text)).unwrap_or_default();
                Typed::of("bool", l.nullable || r.nullable)
            }
            AExprKind::AexprDistinct | AExprKind::AexprNotDistinct => {
                for operand in [left, right].into_iter().flatten() {
                    self.param_target(operand, true);
                }
                self.binary_operands(left, right, &l, scope);
                Typed::of("bool", false)
            }
            AExprKind::AexprNullif => {
                self.binary_operands(left, right, &l, scope);
                Typed { ty: typed_left.ty, nullable: true, name: Some("nullif".into()) }
            }
            _ => {
                let typed_right = right.map(|r| self.expr(r, scope)).unwrap_or_default();
                if let Some(typed) = self.resolved_operator(e, op, (left, &typed_left), (right, &typed_right))
                {
                    return typed;
                }
                let r = match (json_key_type(op), right) {
                    // `data ->> $1`, `data ? $1`: the right side is a key or path, not a json value.
                    (Some(key), Some(right))
                        if l.ty.as_ref().is_some_and(|t| t.is("jsonb") || t.is("json")) =>
                    {
                        self.expr_expecting(right, scope, &key)
                    }
                    _ => self.binary_operands(left, right, &l, scope),
                };
                // A missing key or path gives NULL whatever the operands.
                let nullable = l.nullable || r.nullable || matches!(op, "->" | "->>" | "#>" | "#>>");
                let ty = super::fallback::operator_result(op, l.ty.as_ref(), r.ty.as_ref());
                Typed { ty, nullable, name: Some("?column?".into()) }
            }
        }
    }

    /// Types the right operand, and infers an untyped parameter on either side from the other.
    fn binary_operands(
        &mut self,
        left: Option<&Node>,
        right: Option<&Node>,
        l: &Typed,
        scope: &Scope<'_>,
    ) -> Typed {
        let Some(right) = right else {
            return Typed { nullable: false, ..Typed::unknown() };
        };
        let r = match &l.ty {
            Some(ty) => self.expr_expecting(right, scope, ty),
            None => self.expr(right, scope),
        };
        if let (Some(left), None, Some(ty)) = (left, &l.ty, &r.ty) {
            self.infer(left, &operand_type(ty.clone()));
        }
        r
    }
}

/// The type an operator takes for a value of `ty`: varchar has no operators of its own, so
/// Postgres compares it (and types parameters next to it) as text.
fn operand_type(ty: SqlType) -> SqlType {
    if ty.name == "varchar" {
        SqlType { name: "text".into(), ..ty }
    } else {
        ty
    }
}

/// The right operand type of the json operators that take a key or path.
fn json_key_type(op: &str) -> Option<SqlType> {
    match op {
        "->" | "->>" | "?" | "-" => Some(SqlType::new("text")),
        "#>" | "#>>" | "?|" | "?&" | "#-" => Some(SqlType::new("text").array_of()),
        _ => None,
    }
}

fn constant(c: &pg_query::protobuf::AConst) -> Typed {
    if c.isnull {
        return Typed { ty: None, nullable: true, name: Some("?column?".into()) };
    }
    let ty = match &c.val {
        Some(Val::Ival(_)) => "int4",
        Some(Val::Fval(f)) if f.fval.contains(['.', 'e', 'E']) => "numeric",
        Some(Val::Fval(_)) => "int8",
        Some(Val::Boolval(_)) => "bool",
        Some(Val::Sval(_)) => "text",
        Some(Val::Bsval(_)) => "bit",
        None => return Typed::unknown(),
    };
    Typed::of(ty, false).named("?column?")
}

fn sql_value_function(op: SqlValueFunctionOp) -> Typed {
    use SqlValueFunctionOp as Op;
    let (ty, name) = match op {
        Op::SvfopCurrentDate => ("date", "current_date"),
        Op::SvfopCurrentTime | Op::SvfopCurrentTimeN => ("timetz", "current_time"),
        Op::SvfopCurrentTimestamp | Op::SvfopCurrentTimestampN => ("timestamptz", "current_timestamp"),
        Op::SvfopLocaltime | Op::SvfopLocaltimeN => ("time", "localtime"),
        Op::SvfopLocaltimestamp | Op::SvfopLocaltimestampN => ("timestamp", "localtimestamp"),
        Op::SvfopCurrentRole => ("name", "current_role"),
        Op::SvfopCurrentUser => ("name", "current_user"),
        Op::SvfopUser => ("name", "user"),
        Op::SvfopSessionUser => ("name", "session_user"),
        Op::SvfopCurrentCatalog => ("name", "current_catalog"),
        Op::SvfopCurrentSchema => ("name", "current_schema"),
        Op::SqlvalueFunctionOpUndefined => return Typed::unknown(),
    };
    Typed::of(ty, false).named(name)
}
