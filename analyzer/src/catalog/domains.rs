//! What a domain says besides its base type: its DEFAULT and its CHECK constraints (named as
//! Postgres names them, valid or NOT VALID), from CREATE DOMAIN and ALTER DOMAIN, which also sets
//! and drops NOT NULL.

use pg_query::protobuf::{AlterDomainStmt, ConstrType, Constraint as PgConstraint, CreateDomainStmt, Node};
use pg_query::NodeEnum;

use super::builtin::Oid;
use super::user_types::qualified_name;
use super::{normalize, Catalog, Source};
use crate::Diagnostic;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainDetails {
    /// The DEFAULT expression, deparsed.
    pub default: Option<String>,
    pub checks: Vec<DomainCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainCheck {
    pub name: String,
    /// The expression, deparsed (`VALUE ~ '@'`).
    pub expression: String,
    pub valid: bool,
}

impl Catalog {
    /// The default and CHECK constraints of a domain the migrations create.
    pub fn domain_details(&self, oid: Oid) -> Option<&DomainDetails> {
        self.domains.get(&oid)
    }

    /// Records CREATE DOMAIN's default and checks, for the domain `oid` just made.
    pub(crate) fn record_domain(&mut self, oid: Oid, s: &CreateDomainStmt) {
        let name = qualified_name(&s.domainname).1;
        let mut details = DomainDetails::default();
        for c in constraints(&s.constraints) {
            match c.contype() {
                ConstrType::ConstrDefault => {
                    details.default = c.raw_expr.as_deref().map(normalize::expression)
                }
                ConstrType::ConstrCheck => details.checks.push(check(&name, c, &details.checks)),
                _ => {}
            }
        }
        self.domains.insert(oid, details);
    }

    pub(crate) fn alter_domain(&mut self, src: &Source<'_>, s: &AlterDomainStmt) -> Result<(), Diagnostic> {
        let key = qualified_name(&s.type_name);
        let Some(oid) = self.user_type_names.get(&key).copied() else {
            if self.opaque_statements_seen {
                self.note_unsupported(src, "ALTER DOMAIN of a domain created where the analyzer cannot see");
                return Ok(());
            }
            return Err(src.error(-1, "42704", format!("type \"{}\" does not exist", key.1)));
        };
        let details = self.domains.entry(oid).or_default();
        // AlterDomainStmt.subtype, parsenodes.h: T default, N / O drop / set NOT NULL, C add
        // constraint, X drop constraint, V validate constraint.
        match s.subtype.as_str() {
            "T" => details.default = s.def.as_deref().map(normalize::expression),
            "C" => match s.def.as_deref().and_then(|d| d.node.as_ref()) {
                Some(NodeEnum::Constraint(c)) if c.contype() == ConstrType::ConstrCheck => {
                    let check = check(&key.1, c, &details.checks);
                    details.checks.push(check);
                }
                _ => self.note_unsupported(src, "ALTER DOMAIN ... ADD of a constraint other than CHECK"),
            },
            "X" => details.checks.retain(|c| c.name != s.name),
            "V" => details.checks.iter_mut().filter(|c| c.name == s.name).for_each(|c| c.valid = true),
            "N" | "O" => {
                if let Some(t) = self.user_types.get_mut(&oid) {
                    t.not_null = s.subtype == "O";
                }
            }
            _ => self.note_unsupported(src, "this ALTER DOMAIN"),
        }
        Ok(())
    }
}

fn constraints(nodes: &[Node]) -> impl Iterator<Item = &PgConstraint> {
    nodes.iter().filter_map(|n| match &n.node {
        Some(NodeEnum::Constraint(c)) => Some(c.as_ref()),
        _ => None,
    })
}

/// A CHECK of `domain`, named `<domain>_check` (then `<domain>_check1` ...) when unnamed.
fn check(domain: &str, c: &PgConstraint, existing: &[DomainCheck]) -> DomainCheck {
    let name = if c.conname.is_empty() {
        let taken = |n: &String| existing.iter().any(|e| e.name == *n);
        let base = format!("{domain}_check");
        std::iter::once(base.clone())
            .chain((1..).map(|i| format!("{base}{i}")))
            .find(|n| !taken(n))
            .unwrap_or(base)
    } else {
        c.conname.clone()
    };
    DomainCheck {
        name,
        expression: c.raw_expr.as_deref().map(normalize::expression).unwrap_or_default(),
        valid: !c.skip_validation,
    }
}
