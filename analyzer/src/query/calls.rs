//! The glue between expressions and the catalog's resolution rules: what type each argument
//! brings (`unknown` for literals, NULL and untyped parameters), the errors Postgres raises when
//! nothing matches, and what a chosen signature tells the arguments (parameter types, literal
//! values that cannot be read as the declared type).

use pg_query::protobuf::a_const::Val;
use pg_query::protobuf::{AExpr, Node};
use pg_query::NodeEnum;

use super::expr::Typed;
use super::scope::Scope;
use super::Analysis;
use crate::catalog::builtin::{oids, Oid};
use crate::catalog::resolve::{is_polymorphic, ResolveError};

/// The type an argument brings to resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Known(Oid),
    /// A string literal, NULL or an untyped parameter: Postgres's `unknown`.
    Unknown,
    /// A type the catalog does not know (not modelled, or after an error): no resolution.
    Opaque,
}

impl Input {
    pub fn oid(self) -> Option<Oid> {
        match self {
            Input::Known(o) => Some(o),
            _ => None,
        }
    }
}

impl Analysis<'_> {
    pub fn input_type(&self, node: &Node, typed: &Typed) -> Input {
        match &node.node {
            Some(NodeEnum::AConst(c)) if c.isnull || matches!(c.val, Some(Val::Sval(_))) => {
                return Input::Unknown
            }
            Some(NodeEnum::ParamRef(_)) if typed.ty.is_none() => return Input::Unknown,
            _ => {}
        }
        match &typed.ty {
            Some(ty) => self.catalog.type_oid(ty).map_or(Input::Opaque, Input::Known),
            None => Input::Opaque,
        }
    }

    /// Tells the arguments of a chosen signature their declared types: untyped parameters take
    /// them, string literals must read as them.
    pub fn apply_declared(&mut self, nodes: &[&Node], declared: &[Oid]) {
        for (node, &oid) in nodes.iter().zip(declared) {
            if oid == oids::ANY || is_polymorphic(oid) || oid == oids::UNKNOWN {
                continue;
            }
            let ty = self.catalog.sql_type(oid);
            match &node.node {
                Some(NodeEnum::ParamRef(_)) => self.infer(node, &ty),
                Some(NodeEnum::AConst(c)) => {
                    if let Some(Val::Sval(s)) = &c.val {
                        self.check_literal(&s.sval, oid, c.location);
                    }
                }
                _ => {}
            }
        }
    }

    /// A string literal where an enum value goes (`'x'::mood`, `INSERT ... VALUES ('x')` into an
    /// enum column, `SET m = 'x'`, `m IN ('x')`) must be one of its labels, as the server reads it.
    /// A string literal where a value of `expected` goes (INSERT VALUES, SET, a comparison, IN,
    /// BETWEEN) is read as that type, as the server reads it: 22P02 when it cannot be.
    pub fn check_typed_literal(&mut self, node: &Node, expected: &crate::catalog::SqlType) {
        let Some(NodeEnum::AConst(c)) = &node.node else { return };
        let (Some(Val::Sval(s)), false) = (&c.val, expected.array) else { return };
        let Some(oid) = self.catalog.type_oid(expected) else { return };
        self.check_literal(&s.sval, oid, c.location);
    }

    /// 22P02 for a literal the declared type cannot read, as the server reports it.
    pub fn check_literal(&mut self, text: &str, oid: Oid, location: i32) {
        let t = text.trim();
        let ok = match self.catalog.type_info(self.catalog.base_type(oid)).map(|t| t.name.as_str()) {
            Some("int2") => t.parse::<i16>().is_ok(),
            Some("int4") => t.parse::<i32>().is_ok(),
            Some("int8") => t.parse::<i64>().is_ok(),
            Some("numeric") => {
                t.parse::<f64>().is_ok() || t.eq_ignore_ascii_case("nan") || t.contains("inity")
            }
            Some("float4" | "float8") => t.parse::<f64>().is_ok(),
            Some("bool") => matches!(
                t.to_ascii_lowercase().as_str(),
                "t" | "true" | "f" | "false" | "y" | "yes" | "n" | "no" | "on" | "off" | "1" | "0"
            ),
            Some("uuid") => {
                let hex: String = t.trim_matches(['{', '}']).chars().filter(|c| *c != '-').collect();
                hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
            }
            // array_in: braces, or dimensions first (`[1:2]={a,b}`).
            Some(name) if name.starts_with('_') => t.starts_with(['{', '[']),
            _ => match self.catalog.enum_labels(oid) {
                Some(labels) => labels.iter().any(|l| l == text),
                None => true,
            },
        };
        if ok {
            return;
        }
        let shown = self.catalog.format_type(Some(oid));
        let msg = if self.catalog.enum_labels(oid).is_some() {
            format!("invalid input value for enum {shown}: \"{text}\"")
        } else if self.catalog.element_of(self.catalog.base_type(oid)).is_some() {
            format!("malformed array literal: \"{text}\"")
        } else {
            format!("invalid input syntax for type {shown}: \"{text}\"")
        };
        self.error_at(location, "22P02", &msg, None);
    }

    /// The server's error for a call or operator that does not resolve.
    pub fn resolve_error(&mut self, error: ResolveError, what: Unresolved<'_>, location: i32) {
        let (sqlstate, message, hint) = match (&error, what) {
            (ResolveError::Polymorphic(m), _) => ("42804", m.clone(), None),
            (ResolveError::NoMatch, Unresolved::Function(name, args)) => (
                "42883",
                format!("function {name}({}) does not exist", self.type_list(args)),
                Some("No function matches the given name and argument types. You might need to add explicit type casts."),
            ),
            (ResolveError::Ambiguous, Unresolved::Function(name, args)) => (
                "42725",
                format!("function {name}({}) is not unique", self.type_list(args)),
                Some("Could not choose a best candidate function. You might need to add explicit type casts."),
            ),
            (e, Unresolved::Operator(op, left, right)) => {
                let left = left.map(|l| format!("{} ", self.catalog.format_type(l))).unwrap_or_default();
                let right = self.catalog.format_type(right);
                if *e == ResolveError::Ambiguous {
                    (
                        "42725",
                        format!("operator is not unique: {left}{op} {right}"),
                        Some("Could not choose a best candidate operator. You might need to add explicit type casts."),
                    )
                } else {
                    (
                        "42883",
                        format!("operator does not exist: {left}{op} {right}"),
                        Some("No operator matches the given name and argument types. You might need to add explicit type casts."),
                    )
                }
            }
        };
        self.error_at(location, sqlstate, &message, hint);
    }

    /// `x op ANY (array)`: the operator between `x` and the array's element type.
    pub(super) fn any_all(
        &mut self,
        op: &str,
        location: i32,
        (left, typed_left): (Option<&Node>, &Typed),
        right: Option<&Node>,
        scope: &Scope<'_>,
    ) -> Option<Typed> {
        let (left, right) = (left?, right?);
        let typed_right = self.expr(right, scope);
        let left_input = self.input_type(left, typed_left);
        let elem = match self.input_type(right, &typed_right) {
            Input::Known(array) => self.catalog.element_of(array).map_or(Input::Opaque, Input::Known),
            other => other,
        };
        if left_input == Input::Opaque || elem == Input::Opaque {
            return None;
        }
        match self.catalog.resolve_operator(op, Some(left_input.oid()), elem.oid()) {
            Ok(m) => {
                self.apply_declared(&[left], &[m.left]);
                if let (Some(NodeEnum::ParamRef(_)), Some(array)) =
                    (&right.node, self.catalog.array_of(m.right))
                {
                    let ty = self.catalog.sql_type(array);
                    self.infer(right, &ty);
                }
                Some(Typed::of("bool", typed_left.nullable || typed_right.nullable || !m.op.strict))
            }
            Err(_) if self.catalog.operators(op).is_empty() && self.catalog.may_have_unseen_functions() => {
                None
            }
            Err(error) => {
                self.resolve_error(
                    error,
                    Unresolved::Operator(op, Some(left_input.oid()), elem.oid()),
                    location,
                );
                Some(Typed::of("bool", true))
            }
        }
    }

    /// `left op right` resolved against the catalog's operators; `None` when an operand's type
    /// is not one the catalog knows (the caller falls back to the common operators' rules).
    pub(super) fn resolved_operator(
        &mut self,
        e: &AExpr,
        op: &str,
        (left, typed_left): (Option<&Node>, &Typed),
        (right, typed_right): (Option<&Node>, &Typed),
    ) -> Option<Typed> {
        let right = right?;
        let left_input = left.map(|n| self.input_type(n, typed_left));
        let right_input = self.input_type(right, typed_right);
        if right_input == Input::Opaque || left_input == Some(Input::Opaque) {
            return None;
        }
        let left_oid = left_input.map(Input::oid);
        match self.catalog.resolve_operator(op, left_oid, right_input.oid()) {
            Ok(m) => {
                let nodes: Vec<&Node> = left.into_iter().chain([right]).collect();
                let declared = if left.is_some() { vec![m.left, m.right] } else { vec![m.right] };
                self.apply_declared(&nodes, &declared);
                // A missing key or path gives NULL whatever the operands.
                let nullable = (left.is_some() && typed_left.nullable)
                    || typed_right.nullable
                    || !m.op.strict
                    || matches!(op, "->" | "->>" | "#>" | "#>>");
                Some(Typed {
                    ty: Some(self.catalog.sql_type(m.result)),
                    nullable,
                    name: Some("?column?".into()),
                })
            }
            Err(_) if self.catalog.operators(op).is_empty() && self.catalog.may_have_unseen_functions() => {
                None
            }
            Err(error) => {
                self.resolve_error(error, Unresolved::Operator(op, left_oid, right_input.oid()), e.location);
                Some(Typed { ty: None, nullable: true, name: Some("?column?".into()) })
            }
        }
    }

    fn type_list(&self, args: &[Option<Oid>]) -> String {
        args.iter().map(|a| self.catalog.format_type(*a)).collect::<Vec<_>>().join(", ")
    }
}

/// What failed to resolve, for the message.
pub enum Unresolved<'a> {
    Function(&'a str, &'a [Option<Oid>]),
    Operator(&'a str, Option<Option<Oid>>, Option<Oid>),
}
