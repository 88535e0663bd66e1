//! `SET [LOCAL] search_path`, `set_config('search_path', …)` and `RESET search_path` in a
//! migration: later statements of the same file resolve unqualified names with that path.
//!
//! strata's runner resets the session after each migration file (and a `SET LOCAL` ends with the
//! file's transaction), so the path never outlives the file it is set in: [`Catalog::apply_script`]
//! clears it at both ends. Queries typed by `query!` therefore see the default `"$user", public`.
//!
//! Rather than teach every statement handler about the path, a statement is rewritten before it is
//! applied: each unqualified name in a position the catalog reads (a CREATE target, an ALTER /
//! RENAME / DROP / index target, an FK target, a parent) gets the schema Postgres would resolve it
//! to. Relations read inside queries (views' FROM lists) go through [`Catalog::relation`], which
//! consults the path itself.

use pg_query::protobuf::{a_const, Node, RangeVar, VariableSetKind};
use pg_query::NodeEnum;

use super::{Catalog, Source, DEFAULT_SCHEMA};
use crate::Diagnostic;

impl Catalog {
    /// Recognizes a statement that changes the search path and records the new path.
    pub(crate) fn apply_search_path(&mut self, src: &Source<'_>) -> Option<()> {
        match &src.statement.node {
            NodeEnum::VariableSetStmt(s) if s.name == "search_path" => {
                match s.kind() {
                    VariableSetKind::VarSetValue => {
                        let schemas = s.args.iter().filter_map(const_string).map(str::to_string).collect();
                        self.search_path = Some(schemas);
                    }
                    VariableSetKind::VarSetDefault | VariableSetKind::VarReset => self.search_path = None,
                    _ => self.note_unsupported(src, "this form of SET search_path"),
                }
                Some(())
            }
            NodeEnum::VariableSetStmt(s) if s.kind() == VariableSetKind::VarResetAll => {
                self.search_path = None;
                Some(())
            }
            NodeEnum::SelectStmt(s) if s.from_clause.is_empty() && s.target_list.len() == 1 => {
                let Some(NodeEnum::ResTarget(t)) = &s.target_list[0].node else { return None };
                let Some(NodeEnum::FuncCall(f)) = t.val.as_deref().and_then(|v| v.node.as_ref()) else {
                    return None;
                };
                let name: Vec<&str> = f.funcname.iter().filter_map(super::string_value).collect();
                if !matches!(name.as_slice(), ["set_config"] | ["pg_catalog", "set_config"]) {
                    return None;
                }
                if f.args.first().and_then(const_string) != Some("search_path") {
                    return None;
                }
                match f.args.get(1).and_then(const_string) {
                    Some(value) => self.search_path = Some(split_identifiers(value)),
                    None => self.note_unsupported(src, "set_config('search_path', …) with a computed value"),
                }
                Some(())
            }
            _ => None,
        }
    }

    /// The schemas unqualified names are looked up in, in order (`"$user"` names no schema the
    /// analyzer can know of, so it is left out).
    fn path(&self) -> impl Iterator<Item = &str> {
        let set = self.search_path.as_deref().or_else(|| self.session_default_path());
        let path: &[String] = set.unwrap_or(&[]);
        let default = set.is_none().then_some(DEFAULT_SCHEMA);
        path.iter().map(String::as_str).chain(default).filter(|s| *s != "$user")
    }

    /// The schema an unqualified CREATE puts its object in: the first existing one of the path.
    fn creation_schema(&self) -> Option<&str> {
        self.path().find(|s| self.schemas.contains(*s))
    }

    /// The schema an unqualified relation name resolves to: the first schema of the path that
    /// has it, else where it would be created (so "does not exist" names a sensible schema).
    pub(crate) fn lookup_schema(&self, name: &str) -> String {
        let has = |schema: &str| {
            let key = (schema.to_string(), name.to_string());
            self.tables.contains_key(&key)
                || self.views.contains_key(&key)
                || self.other_relations.contains_key(&key)
        };
        self.path().find(|s| has(s)).or_else(|| self.creation_schema()).unwrap_or(DEFAULT_SCHEMA).to_string()
    }

    /// `[schema.]name` of a relation, an unqualified name resolved through the search path.
    pub(crate) fn relation_key(&self, schema: Option<&str>, name: &str) -> (String, String) {
        let schema = match schema {
            Some(s) => s.to_string(),
            None => self.lookup_schema(name),
        };
        (schema, name.to_string())
    }

    /// The schema an unqualified type name resolves to, as for relations.
    fn type_lookup_schema(&self, name: &str) -> String {
        let has = |schema: &str| self.user_type_names.contains_key(&(schema.to_string(), name.to_string()));
        self.path().find(|s| has(s)).or_else(|| self.creation_schema()).unwrap_or(DEFAULT_SCHEMA).to_string()
    }

    /// The statement with its unqualified names qualified by the current path, or `None` when
    /// the default path is in force (the handlers' own default is the same).
    pub(crate) fn qualify_names(&self, src: &Source<'_>) -> Result<Option<NodeEnum>, Diagnostic> {
        if self.search_path.is_none() {
            return Ok(None);
        }
        let mut node = src.statement.node.clone();
        let creation = self.creation_schema().map(str::to_string);
        let create = |rv: &mut RangeVar| -> Result<(), Diagnostic> {
            if rv.schemaname.is_empty() && rv.relpersistence != "t" {
                let Some(schema) = &creation else {
                    return Err(src.error(
                        rv.location,
                        "3F000",
                        "no schema has been selected to create in".into(),
                    ));
                };
                rv.schemaname = schema.clone();
            }
            Ok(())
        };
        let lookup = |rv: &mut RangeVar| {
            if rv.schemaname.is_empty() {
                rv.schemaname = self.lookup_schema(&rv.relname);
            }
        };
        let create_type = |names: &mut Vec<Node>| -> Result<(), Diagnostic> {
            if names.len() == 1 {
                let Some(schema) = &creation else {
                    return Err(src.error(-1, "3F000", "no schema has been selected to create in".into()));
                };
                names.insert(0, string_node(schema));
            }
            Ok(())
        };
        match &mut node {
            NodeEnum::CreateStmt(s) => {
                if let Some(rv) = s.relation.as_mut() {
                    create(rv)?;
                }
                for parent in &mut s.inh_relations {
                    if let Some(NodeEnum::RangeVar(rv)) = parent.node.as_mut() {
                        lookup(rv);
                    }
                }
                for elt in &mut s.table_elts {
                    match elt.node.as_mut() {
                        Some(NodeEnum::Constraint(c)) => qualify_fk(c, &lookup),
                        Some(NodeEnum::ColumnDef(d)) => d.constraints.iter_mut().for_each(|c| {
                            if let Some(NodeEnum::Constraint(c)) = c.node.as_mut() {
                                qualify_fk(c, &lookup);
                            }
                        }),
                        _ => {}
                    }
                }
            }
            NodeEnum::ViewStmt(s) => {
                if let Some(rv) = s.view.as_mut() {
                    create(rv)?;
                }
            }
            NodeEnum::CreateTableAsStmt(s) => {
                if let Some(rv) = s.into.as_mut().and_then(|i| i.rel.as_mut()) {
                    create(rv)?;
                }
            }
            NodeEnum::SelectStmt(s) => {
                if let Some(rv) = s.into_clause.as_mut().and_then(|i| i.rel.as_mut()) {
                    create(rv)?;
                }
            }
            NodeEnum::CreateSeqStmt(s) => {
                if let Some(rv) = s.sequence.as_mut() {
                    create(rv)?;
                }
            }
            NodeEnum::CompositeTypeStmt(s) => {
                if let Some(rv) = s.typevar.as_mut() {
                    create(rv)?;
                }
            }
            // An extension without SCHEMA goes to the creation schema too.
            NodeEnum::CreateExtensionStmt(s) => {
                let has_schema = s
                    .options
                    .iter()
                    .any(|o| matches!(&o.node, Some(NodeEnum::DefElem(d)) if d.defname == "schema"));
                if let (false, Some(schema)) = (has_schema, &creation) {
                    let option = pg_query::protobuf::DefElem {
                        defname: "schema".into(),
                        arg: Some(Box::new(string_node(schema))),
                        ..Default::default()
                    };
                    s.options.push(Node { node: Some(NodeEnum::DefElem(Box::new(option))) });
                }
            }
            NodeEnum::CreateEnumStmt(s) => create_type(&mut s.type_name)?,
            NodeEnum::CreateRangeStmt(s) => create_type(&mut s.type_name)?,
            NodeEnum::CreateDomainStmt(s) => create_type(&mut s.domainname)?,
            NodeEnum::CreateFunctionStmt(s) => create_type(&mut s.funcname)?,
            NodeEnum::AlterTableStmt(s) => {
                if let Some(rv) = s.relation.as_mut() {
                    lookup(rv);
                }
                for cmd in &mut s.cmds {
                    let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_mut() else { continue };
                    match cmd.def.as_mut().and_then(|d| d.node.as_mut()) {
                        Some(NodeEnum::Constraint(c)) => qualify_fk(c, &lookup),
                        Some(NodeEnum::PartitionCmd(p)) => {
                            if let Some(rv) = p.name.as_mut() {
                                lookup(rv);
                            }
                        }
                        _ => {}
                    }
                }
            }
            NodeEnum::IndexStmt(s) => {
                if let Some(rv) = s.relation.as_mut() {
                    lookup(rv);
                }
            }
            NodeEnum::RenameStmt(s) => {
                if let Some(rv) = s.relation.as_mut() {
                    lookup(rv);
                }
                self.qualify_type_object(s.object.as_deref_mut());
            }
            NodeEnum::AlterObjectSchemaStmt(s) => {
                if let Some(rv) = s.relation.as_mut() {
                    lookup(rv);
                }
                self.qualify_type_object(s.object.as_deref_mut());
            }
            NodeEnum::AlterEnumStmt(s) => self.qualify_type_names(&mut s.type_name),
            NodeEnum::AlterDomainStmt(s) => self.qualify_type_names(&mut s.type_name),
            NodeEnum::DropStmt(s) => {
                for object in &mut s.objects {
                    self.qualify_type_object(Some(object));
                    if let Some(NodeEnum::List(list)) = object.node.as_mut() {
                        if let [only] = list.items.as_slice() {
                            if let Some(name) = super::string_value(only) {
                                let schema = self.lookup_schema(name);
                                list.items.insert(0, string_node(&schema));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(Some(node))
    }

    /// A type named in a DROP TYPE / ALTER TYPE / RENAME (a TypeName, or a name list).
    fn qualify_type_object(&self, object: Option<&mut Node>) {
        match object.and_then(|o| o.node.as_mut()) {
            Some(NodeEnum::TypeName(t)) => self.qualify_type_names(&mut t.names),
            Some(NodeEnum::List(l)) if l.items.len() == 1 => {
                let is_type = super::string_value(&l.items[0]).is_some_and(|n| {
                    self.path().any(|s| self.user_type_names.contains_key(&(s.into(), n.into())))
                });
                if is_type {
                    self.qualify_type_names(&mut l.items);
                }
            }
            _ => {}
        }
    }

    fn qualify_type_names(&self, names: &mut Vec<Node>) {
        if let [only] = names.as_slice() {
            if let Some(name) = super::string_value(only) {
                let schema = self.type_lookup_schema(name);
                names.insert(0, string_node(&schema));
            }
        }
    }
}

fn qualify_fk(c: &mut pg_query::protobuf::Constraint, lookup: &impl Fn(&mut RangeVar)) {
    if let Some(rv) = c.pktable.as_mut() {
        lookup(rv);
    }
}

fn string_node(s: &str) -> Node {
    Node { node: Some(NodeEnum::String(pg_query::protobuf::String { sval: s.to_string() })) }
}

pub(super) fn const_string(node: &Node) -> Option<&str> {
    match &node.node {
        Some(NodeEnum::AConst(c)) => match &c.val {
            Some(a_const::Val::Sval(s)) => Some(s.sval.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// A `search_path` value as `set_config` takes it: comma-separated identifiers, unquoted ones
/// folded to lower case, `"quoted"` ones kept (SplitIdentifierString).
fn split_identifiers(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut name = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        name.push('"');
                    } else {
                        break;
                    }
                } else {
                    name.push(c);
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                name.extend(c.to_lowercase());
                chars.next();
            }
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if !name.is_empty() {
            out.push(name);
        }
        if chars.next().is_none() {
            return out;
        }
    }
}
