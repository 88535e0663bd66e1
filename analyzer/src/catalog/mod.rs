//! The schema that a set of migrations builds, replayed statement by statement.
//!
//! One `apply` dispatch over statement kinds (as sqlc's catalog), one module per object kind.
//! Statements that change tables or columns in ways the catalog does not model yet are recorded
//! as [`Catalog::unsupported`] notes rather than skipped silently, so a query that trips over a
//! missing object can say why.

mod alter_table;
pub mod builtin;
mod column;
mod composites;
mod domains;
mod function_source;
mod functions;
pub mod index;
pub mod normalize;
mod opaque;
mod polymorphic;
mod relations;
pub mod resolve;
mod row_types;
mod search_path;
mod session_path;
mod table;
pub mod types;
mod typesys;
mod user_types;
mod views;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use pg_query::NodeEnum;

pub use column::{Column, Identity};
pub use domains::{DomainCheck, DomainDetails};
pub use relations::{OtherRelation, Relation, RelationKind};
pub(crate) use table::{column_from_def, string_value};
pub use types::SqlType;
pub use views::View;

use crate::migration::MigrationSet;
use crate::sql::Statement;
use crate::Diagnostic;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub schema: String,
    pub name: String,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Catalog {
    schemas: BTreeSet<String>,
    tables: BTreeMap<(String, String), Table>,
    /// Statements that may change the schema in ways not modelled yet, with where they are.
    pub unsupported: Vec<Diagnostic>,
    /// Partitions and inheritance children of each table, which its column changes reach.
    children: BTreeMap<(String, String), Vec<(String, String)>>,
    /// Views and materialized views, with the columns their queries produce.
    views: BTreeMap<(String, String), View>,
    /// Sequences, foreign tables, views over queries that cannot be typed ...: they exist,
    /// their columns are not modelled.
    other_relations: BTreeMap<(String, String), OtherRelation>,
    /// A DO block or an unknown statement ran: it may have created relations unseen.
    opaque_statements_seen: bool,
    /// Extensions created, with the schema their objects went to.
    pub extensions: BTreeMap<String, String>,
    /// Types the migrations create (enums, domains, composites, ranges), by the oid the
    /// catalog gives them.
    user_types: BTreeMap<builtin::Oid, builtin::TypeInfo>,
    user_type_names: BTreeMap<(String, String), builtin::Oid>,
    user_ranges: BTreeMap<builtin::Oid, (builtin::Oid, builtin::Oid)>,
    /// The constructor functions of each range type the migrations create (`floatrange(a, b)`);
    /// not among the user functions, which are what the migrations' CREATE FUNCTIONs made.
    range_constructors: BTreeMap<builtin::Oid, Vec<builtin::Proc>>,
    /// Functions the migrations create, by name.
    user_procs: BTreeMap<String, Vec<builtin::Proc>>,
    enum_labels: BTreeMap<builtin::Oid, Vec<String>>,
    /// A CREATE FUNCTION used a type the catalog does not know: calls are not checked.
    opaque_functions: bool,
    /// The defaults and CHECKs of domains the migrations create.
    domains: BTreeMap<builtin::Oid, DomainDetails>,
    /// The attributes of composite types the migrations create.
    composites: BTreeMap<builtin::Oid, Vec<Column>>,
    /// The row type of each table and view (see [`row_types`]).
    row_types: BTreeMap<(String, String), builtin::Oid>,
    next_oid: builtin::Oid,
    /// Indexes, constraints and declared type modifiers (see [`index`]).
    keys: index::Keys,
    /// The `search_path` a migration set for the rest of its file; `None` is the default
    /// `"$user", public` (see [`search_path`]).
    search_path: Option<Vec<String>>,
    /// The `search_path` new sessions start with, from `ALTER DATABASE ... SET search_path`
    /// (see [`session_path`]); `None` is the server default.
    session_search_path: Option<Vec<String>>,
    /// Inside [`Catalog::apply_script`]: names resolve as in the runner's session.
    replaying: bool,
    /// Relations a DO block may have changed: their NOT NULLs are not trusted (see [`opaque`]).
    doubts: BTreeMap<(String, String), opaque::Doubt>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            schemas: ["public".to_string()].into(),
            tables: BTreeMap::new(),
            views: BTreeMap::new(),
            children: BTreeMap::new(),
            unsupported: Vec::new(),
            other_relations: BTreeMap::new(),
            opaque_statements_seen: false,
            extensions: BTreeMap::new(),
            user_types: BTreeMap::new(),
            user_type_names: BTreeMap::new(),
            user_ranges: BTreeMap::new(),
            range_constructors: BTreeMap::new(),
            user_procs: BTreeMap::new(),
            enum_labels: BTreeMap::new(),
            opaque_functions: false,
            composites: BTreeMap::new(),
            row_types: BTreeMap::new(),
            domains: BTreeMap::new(),
            // Above any oid the built-ins or the extensions' dump use.
            next_oid: 1_000_000,
            keys: index::Keys::default(),
            search_path: None,
            session_search_path: None,
            replaying: false,
            doubts: BTreeMap::new(),
        }
    }
}

pub const DEFAULT_SCHEMA: &str = "public";

/// Where a statement being applied came from, for error positions.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub file: &'a Path,
    pub statement: &'a Statement,
}

impl Source<'_> {
    /// An error at a node's `location` (a byte offset into the file), or at the statement.
    pub fn error(&self, location: i32, sqlstate: &'static str, message: String) -> Diagnostic {
        let offset = usize::try_from(location).unwrap_or(self.statement.offset);
        Diagnostic::error(message).in_file(self.file).at(self.text, offset).sqlstate(sqlstate)
    }
}

impl Catalog {
    /// Replays every up migration in order. Stops at the first statement that would fail on a
    /// real server, as applying the migrations would.
    pub fn from_migrations(set: &MigrationSet) -> Result<Catalog, Diagnostic> {
        let mut catalog = Catalog::default();
        for migration in &set.migrations {
            catalog.apply_script(&migration.up.text, &migration.up.path, &migration.up.statements)?;
        }
        Ok(catalog)
    }

    pub fn apply_script(
        &mut self,
        text: &str,
        file: &Path,
        statements: &[Statement],
    ) -> Result<(), Diagnostic> {
        // Each file starts and ends with the default path: the runner resets the session after
        // every migration file, so a SET search_path never reaches the next one.
        self.search_path = None;
        self.replaying = true;
        let applied = self.apply_statements(text, file, statements);
        self.replaying = false;
        self.search_path = None;
        applied
    }

    fn apply_statements(
        &mut self,
        text: &str,
        file: &Path,
        statements: &[Statement],
    ) -> Result<(), Diagnostic> {
        for statement in statements {
            let src = Source { text, file, statement };
            if self.apply_search_path(&src).is_some() || self.apply_session_setting(&src).is_some() {
                continue;
            }
            let qualified = self.qualify_names(&src)?.map(|node| Statement { node, ..*statement });
            let src = Source { text, file, statement: qualified.as_ref().unwrap_or(statement) };
            self.apply(&src)?;
            self.doubt_routine_calls(&src);
            self.settle_doubts(&src.statement.node);
            index::apply(self, &src);
        }
        Ok(())
    }

    fn apply(&mut self, src: &Source<'_>) -> Result<(), Diagnostic> {
        match &src.statement.node {
            NodeEnum::CreateStmt(s) => self.create_table(src, s),
            NodeEnum::AlterTableStmt(s) => self.alter_table(src, s),
            NodeEnum::RenameStmt(s) => self.rename(src, s),
            NodeEnum::DropStmt(s) => self.drop(src, s),
            NodeEnum::CreateSchemaStmt(s) => self.create_schema(src, s),
            NodeEnum::AlterObjectSchemaStmt(s) => self.set_schema(src, s),
            NodeEnum::CreateExtensionStmt(s) => self.create_extension(src, s),
            NodeEnum::CreateEnumStmt(s) => self.create_enum(src, s),
            NodeEnum::AlterEnumStmt(s) => self.alter_enum(src, s),
            NodeEnum::CreateDomainStmt(s) => self.create_domain(src, s),
            NodeEnum::AlterDomainStmt(s) => self.alter_domain(src, s),
            NodeEnum::CompositeTypeStmt(s) => self.create_composite(src, s),
            NodeEnum::CreateRangeStmt(s) => self.create_range(src, s),
            NodeEnum::CreateFunctionStmt(s) => self.create_function(src, s),
            NodeEnum::DoStmt(s) => {
                self.apply_do_block(src, s);
                Ok(())
            }
            NodeEnum::ViewStmt(v) => {
                let query = v.query.as_deref();
                self.create_from_query(src, v.view.as_ref(), query, &v.aliases, views::Made::View, v.replace)
            }
            NodeEnum::CreateTableAsStmt(c) => {
                let into = c.into.as_deref();
                let rel = into.and_then(|i| i.rel.as_ref());
                let aliases = into.map_or(&[][..], |i| i.col_names.as_slice());
                let made = Catalog::made_by(c.objtype());
                self.create_from_query(src, rel, c.query.as_deref(), aliases, made, c.if_not_exists)
            }
            NodeEnum::SelectStmt(s) if s.into_clause.is_some() => {
                let into = s.into_clause.as_deref();
                let rel = into.and_then(|i| i.rel.as_ref());
                let aliases = into.map_or(&[][..], |i| i.col_names.as_slice());
                let node = pg_query::protobuf::Node { node: Some(src.statement.node.clone()) };
                self.create_from_query(src, rel, Some(&node), aliases, views::Made::Table, false)
            }
            node if self.apply_other(src, node).is_some() => Ok(()),
            node if has_no_effect_on_tables(node) => Ok(()),
            node => {
                self.opaque_statements_seen |=
                    matches!(node, NodeEnum::DoStmt(_)) || statement_kind(node) == "this statement";
                self.note_unsupported(src, statement_kind(node));
                Ok(())
            }
        }
    }

    pub(crate) fn note_unsupported(&mut self, src: &Source<'_>, what: &str) {
        self.unsupported.push(
            Diagnostic::warning(format!("{what} is not modelled by the strata analyzer yet"))
                .in_file(src.file)
                .at(src.text, src.statement.offset)
                .hint("queries that use objects created or changed here cannot be checked"),
        );
    }

    pub fn table(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.tables.get(&self.relation_key(schema, name))
    }

    /// A view, sequence, CREATE TABLE AS ...: it exists but its columns are not modelled.
    pub fn is_unmodelled(&self, schema: Option<&str>, name: &str) -> bool {
        self.other_relations.contains_key(&self.relation_key(schema, name))
    }

    /// A view or materialized view, with the columns its query produces.
    pub fn view(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.views.get(&self.relation_key(schema, name)).map(|v| &v.relation)
    }

    pub fn views(&self) -> impl Iterator<Item = &Table> {
        self.views.values().map(|v| &v.relation)
    }

    /// Views and materialized views with how they were made.
    pub fn view_definitions(&self) -> impl Iterator<Item = &View> {
        self.views.values()
    }

    /// Relations whose columns are not modelled (sequences, foreign tables, views over queries
    /// that cannot be typed), by `(schema, name)`.
    pub fn unmodelled_relations(&self) -> impl Iterator<Item = (&(String, String), &OtherRelation)> {
        self.other_relations.iter()
    }

    pub fn schemas(&self) -> impl Iterator<Item = &str> {
        self.schemas.iter().map(String::as_str)
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values()
    }

    /// A DO block, an unknown statement or an extension the analyzer has no dump of ran: it
    /// may have created functions and operators unseen, so "does not exist" cannot be said.
    pub fn may_have_unseen_functions(&self) -> bool {
        self.opaque_statements_seen
            || self
                .extensions
                .keys()
                .any(|e| e != "plpgsql" && !builtin::builtins().extensions.contains_key(e))
    }

    /// The labels of an enum type, in order.
    pub fn enum_labels(&self, oid: builtin::Oid) -> Option<&[String]> {
        self.enum_labels.get(&oid).map(Vec::as_slice)
    }

    /// The attributes of a composite type.
    pub fn composite_columns(&self, oid: builtin::Oid) -> Option<&[Column]> {
        self.composites.get(&oid).map(Vec::as_slice).or_else(|| self.row_type_columns(oid))
    }

    /// The types the migrations create (not their array types), by `(schema, name)`.
    pub fn user_types(&self) -> impl Iterator<Item = (&(String, String), &builtin::TypeInfo)> {
        self.user_type_names.iter().filter_map(|(k, oid)| Some((k, self.user_types.get(oid)?)))
    }

    /// The functions and procedures the migrations create.
    pub fn user_functions(&self) -> impl Iterator<Item = &builtin::Proc> {
        self.user_procs.values().flatten()
    }

    pub fn has_schema(&self, schema: &str) -> bool {
        self.schemas.contains(schema)
    }

    fn create_extension(
        &mut self,
        src: &Source<'_>,
        s: &pg_query::protobuf::CreateExtensionStmt,
    ) -> Result<(), Diagnostic> {
        if self.extensions.contains_key(&s.extname) {
            if s.if_not_exists {
                return Ok(());
            }
            return Err(src.error(-1, "42710", format!("extension \"{}\" already exists", s.extname)));
        }
        let schema = s
            .options
            .iter()
            .filter_map(|o| match &o.node {
                Some(NodeEnum::DefElem(d)) if d.defname == "schema" => {
                    d.arg.as_deref().and_then(table::string_value)
                }
                _ => None,
            })
            .next()
            .unwrap_or(DEFAULT_SCHEMA)
            .to_string();
        if !builtin::builtins().extensions.contains_key(&s.extname) && s.extname != "plpgsql" {
            self.note_unsupported(
                src,
                &format!("CREATE EXTENSION \"{}\" (its types and functions)", s.extname),
            );
        }
        self.extensions.insert(s.extname.clone(), schema);
        Ok(())
    }

    fn create_schema(
        &mut self,
        src: &Source<'_>,
        s: &pg_query::protobuf::CreateSchemaStmt,
    ) -> Result<(), Diagnostic> {
        // `CREATE SCHEMA AUTHORIZATION joe` names the schema after the role.
        let name = match (&s.schemaname, &s.authrole) {
            (n, Some(role)) if n.is_empty() => role.rolename.clone(),
            (n, _) => n.clone(),
        };
        if !self.schemas.insert(name.clone()) && !s.if_not_exists {
            return Err(src.error(-1, "42P06", format!("schema \"{name}\" already exists")));
        }
        if !s.schema_elts.is_empty() {
            self.note_unsupported(src, "CREATE SCHEMA with schema elements");
        }
        Ok(())
    }
}

/// Statement kinds that cannot add, remove or retype a table column.
fn has_no_effect_on_tables(node: &NodeEnum) -> bool {
    matches!(
        node,
        NodeEnum::IndexStmt(_)
            | NodeEnum::CommentStmt(_)
            | NodeEnum::GrantStmt(_)
            | NodeEnum::GrantRoleStmt(_)
            | NodeEnum::CreateRoleStmt(_)
            | NodeEnum::AlterRoleStmt(_)
            | NodeEnum::InsertStmt(_)
            | NodeEnum::UpdateStmt(_)
            | NodeEnum::DeleteStmt(_)
            | NodeEnum::SelectStmt(_)
            | NodeEnum::AlterSeqStmt(_)
            | NodeEnum::CreateTrigStmt(_)
            | NodeEnum::CreatePolicyStmt(_)
            | NodeEnum::AlterPolicyStmt(_)
            | NodeEnum::TransactionStmt(_)
            | NodeEnum::VariableSetStmt(_)
            | NodeEnum::LockStmt(_)
            | NodeEnum::TruncateStmt(_)
            | NodeEnum::ClusterStmt(_)
            | NodeEnum::VacuumStmt(_)
            | NodeEnum::ReindexStmt(_)
            | NodeEnum::AlterOwnerStmt(_)
            | NodeEnum::AlterDefaultPrivilegesStmt(_)
            | NodeEnum::CreateStatsStmt(_)
            | NodeEnum::RuleStmt(_)
            | NodeEnum::NotifyStmt(_)
    )
}

fn statement_kind(node: &NodeEnum) -> &'static str {
    match node {
        NodeEnum::ViewStmt(_) => "CREATE VIEW",
        NodeEnum::CreateTableAsStmt(_) => "CREATE TABLE AS / CREATE MATERIALIZED VIEW",
        NodeEnum::CreateEnumStmt(_) => "CREATE TYPE ... AS ENUM",
        NodeEnum::CompositeTypeStmt(_) => "CREATE TYPE ... AS (composite)",
        NodeEnum::CreateDomainStmt(_) => "CREATE DOMAIN",
        NodeEnum::CreateFunctionStmt(_) => "CREATE FUNCTION",
        NodeEnum::DoStmt(_) => "a DO block",
        NodeEnum::AlterEnumStmt(_) => "ALTER TYPE ... ADD VALUE",
        NodeEnum::CreateForeignTableStmt(_) => "CREATE FOREIGN TABLE",
        _ => "this statement",
    }
}

#[cfg(test)]
mod tests;
