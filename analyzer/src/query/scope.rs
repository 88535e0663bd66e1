//! Names visible to an expression: the FROM items of a query (tables, CTEs, sub-selects), with
//! the nullability an outer join adds, and the enclosing query's scope for correlated subqueries.

use pg_query::protobuf::{JoinType, Node, RangeVar};
use pg_query::NodeEnum;

use super::statements::rename_columns;
use super::{Analysis, Output};
use crate::catalog::SqlType;

/// A column as seen through a FROM item.
#[derive(Debug, Clone)]
pub struct ScopeColumn {
    pub name: String,
    pub ty: Option<SqlType>,
    /// Nullable in the schema (no NOT NULL) or as produced by a subquery.
    pub base_nullable: bool,
    /// A `JOIN ... USING` column of one side: unqualified, the name means the merged column.
    pub merged_away: bool,
    /// Why the schema's NOT NULL cannot be trusted (a DO block may have changed the table).
    pub doubt: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Source {
    /// The alias, or the table's name.
    pub name: String,
    pub columns: Vec<ScopeColumn>,
    /// On the optional side of an outer join: every column may be NULL whatever the schema says.
    pub nullable_from_join: bool,
    /// Stands for a relation that does not exist (already reported): it has every column.
    pub unresolved: bool,
    /// A table of the catalog: it also has the system columns (`tableoid`, `ctid`, `xmin`, ...).
    pub table: bool,
    /// A function in FROM returning one scalar column: its alias alone means that value.
    pub scalar: bool,
    /// A table's primary key columns (empty for anything else): grouping by them groups every
    /// column of the table (Postgres's functional dependency rule).
    pub primary_key: Vec<String>,
    /// A table's or view's row type: what its name alone means (`row_to_json(t)`); other
    /// FROM items' rows are `record`.
    pub row_type: Option<SqlType>,
}

/// The system columns every table has, with their types.
const SYSTEM_COLUMNS: &[(&str, &str)] = &[
    ("tableoid", "oid"),
    ("ctid", "tid"),
    ("xmin", "xid"),
    ("xmax", "xid"),
    ("cmin", "cid"),
    ("cmax", "cid"),
];

#[derive(Debug, Default)]
pub struct Scope<'p> {
    pub sources: Vec<Source>,
    pub parent: Option<&'p Scope<'p>>,
}

/// A resolved column reference.
pub struct Resolved {
    pub ty: Option<SqlType>,
    pub nullable: bool,
}

pub enum Lookup {
    Found(Resolved),
    /// Through a relation that does not exist.
    Unresolved,
    Ambiguous,
    Missing,
}

impl<'p> Scope<'p> {
    pub fn child(parent: &'p Scope<'p>) -> Scope<'p> {
        Scope { sources: Vec::new(), parent: Some(parent) }
    }

    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name).or_else(|| self.parent.and_then(|p| p.source(name)))
    }

    /// Resolves `column` or `qualifier.column`, innermost scope first.
    pub fn lookup(&self, qualifier: Option<&str>, column: &str) -> Lookup {
        let mut found = None;
        for source in &self.sources {
            if qualifier.is_some_and(|q| q != source.name) {
                continue;
            }
            if source.unresolved {
                return Lookup::Unresolved;
            }
            let visible = |c: &&ScopeColumn| c.name == column && (qualifier.is_some() || !c.merged_away);
            if let Some(c) = source.columns.iter().find(visible) {
                if found.is_some() {
                    return Lookup::Ambiguous;
                }
                found = Some(Resolved {
                    ty: c.ty.clone(),
                    nullable: c.base_nullable || source.nullable_from_join,
                });
            }
        }
        if found.is_none() {
            found = self.special_column(qualifier, column);
        }
        match (found, self.parent) {
            (Some(r), _) => Lookup::Found(r),
            (None, Some(parent)) => parent.lookup(qualifier, column),
            (None, None) => Lookup::Missing,
        }
    }

    /// Why `qualifier.column` may be NULL, in words for `strata describe`.
    pub fn why_nullable(&self, qualifier: Option<&str>, column: &str) -> Option<String> {
        for source in &self.sources {
            if qualifier.is_some_and(|q| q != source.name) {
                continue;
            }
            let Some(c) = source.columns.iter().find(|c| c.name == column) else { continue };
            let shown = if source.name.is_empty() { "the join" } else { source.name.as_str() };
            if source.nullable_from_join {
                return Some(format!("\"{shown}\" is on the nullable side of an outer join"));
            }
            if let Some(doubt) = c.doubt.as_ref().filter(|_| c.base_nullable) {
                return Some(format!(
                    "column \"{column}\" of \"{shown}\" may have been changed by {doubt}, which the analyzer cannot follow"
                ));
            }
            if c.base_nullable {
                return Some(match (source.table, c.ty.is_some()) {
                    (true, _) => format!("column \"{column}\" of \"{shown}\" allows NULL (no NOT NULL)"),
                    _ => format!("\"{shown}\".\"{column}\" may be NULL where it comes from"),
                });
            }
        }
        self.parent.and_then(|p| p.why_nullable(qualifier, column))
    }

    /// A system column of a table, or the alias of a scalar function in FROM.
    fn special_column(&self, qualifier: Option<&str>, column: &str) -> Option<Resolved> {
        let named = |s: &&Source| qualifier.is_none_or(|q| q == s.name);
        if let Some((_, ty)) = SYSTEM_COLUMNS.iter().find(|(n, _)| *n == column) {
            if self.sources.iter().filter(named).any(|s| s.table) {
                return Some(Resolved { ty: Some(SqlType::new(ty)), nullable: false });
            }
        }
        if qualifier.is_some() {
            return None;
        }
        let source = self.sources.iter().find(|s| s.name == column && !s.unresolved && !s.name.is_empty())?;
        if !source.scalar {
            // A whole-row reference: the row, NULL on the optional side of an outer join.
            let ty = source.row_type.clone().unwrap_or_else(|| SqlType::new("record"));
            return Some(Resolved { ty: Some(ty), nullable: source.nullable_from_join });
        }
        let c = source.columns.first()?;
        Some(Resolved { ty: c.ty.clone(), nullable: c.base_nullable || source.nullable_from_join })
    }

    /// Every column name in scope, for "did you mean" hints.
    pub fn column_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> =
            self.sources.iter().flat_map(|s| s.columns.iter().map(|c| c.name.as_str())).collect();
        if let Some(parent) = self.parent {
            names.extend(parent.column_names());
        }
        names
    }
}

impl Analysis<'_> {
    /// Adds the FROM items to `scope`, typing join conditions as it goes.
    pub(super) fn add_from_items(&mut self, items: &[Node], scope: &mut Scope<'_>) {
        for item in items {
            let sources = self.range_item(item, scope);
            scope.sources.extend(sources);
        }
    }

    fn range_item(&mut self, item: &Node, outer: &Scope<'_>) -> Vec<Source> {
        match &item.node {
            Some(NodeEnum::RangeVar(rv)) => self.relation(rv).into_iter().collect(),
            Some(NodeEnum::JoinExpr(join)) => {
                let mut left = join.larg.as_deref().map(|n| self.range_item(n, outer)).unwrap_or_default();
                // The right side sees the left (needed by LATERAL; Postgres rejects the rest).
                let left_scope = Scope { sources: left.clone(), parent: Some(outer) };
                let mut right =
                    join.rarg.as_deref().map(|n| self.range_item(n, &left_scope)).unwrap_or_default();
                let (left_optional, right_optional) = match join.jointype() {
                    JoinType::JoinLeft => (false, true),
                    JoinType::JoinRight => (true, false),
                    JoinType::JoinFull => (true, true),
                    _ => (false, false),
                };
                left.iter_mut().for_each(|s| s.nullable_from_join |= left_optional);
                right.iter_mut().for_each(|s| s.nullable_from_join |= right_optional);
                let merged = self.merge_using(join, &mut left, &mut right);
                let mut sources: Vec<Source> = merged.into_iter().collect();
                sources.append(&mut left);
                sources.append(&mut right);
                if let Some(quals) = &join.quals {
                    let mut scope = Scope { sources, parent: Some(outer) };
                    self.condition(quals, &scope);
                    // An inner join's ON filters like WHERE; an outer join's ON only decides
                    // which rows match, so it narrows nothing in its output.
                    if join.jointype() == JoinType::JoinInner {
                        self.narrow(quals, &mut scope);
                    }
                    return scope.sources;
                }
                sources
            }
            Some(NodeEnum::RangeSubselect(sub)) => {
                let Some(query) = sub.subquery.as_deref() else {
                    return vec![];
                };
                let Some(alias) = &sub.alias else {
                    self.error_at(
                        self.opening_paren(query),
                        "42601",
                        "subquery in FROM must have an alias",
                        Some("add one, e.g. (SELECT ...) AS s (optional only from PostgreSQL 16 on)"),
                    );
                    let unresolved = Source {
                        name: String::new(),
                        columns: vec![],
                        nullable_from_join: false,
                        unresolved: true,
                        table: false,
                        scalar: false,
                        primary_key: Vec::new(),
                        row_type: None,
                    };
                    return vec![unresolved];
                };
                let mut columns = self.subquery_columns(query, outer);
                if let Some(NodeEnum::SelectStmt(select)) = &query.node {
                    self.unknown_outputs_as_text(select, &mut columns);
                }
                rename_columns(columns.iter_mut().map(|c| &mut c.name), &alias.colnames);
                let name = alias.aliasname.clone();
                vec![Source {
                    name,
                    columns: to_scope_columns(columns),
                    nullable_from_join: false,
                    unresolved: false,
                    table: false,
                    scalar: false,
                    primary_key: Vec::new(),
                    row_type: None,
                }]
            }
            Some(NodeEnum::RangeFunction(rf)) => vec![self.range_function(rf, outer)],
            // `t TABLESAMPLE method (args) [REPEATABLE (seed)]`: t's rows, some of them.
            Some(NodeEnum::RangeTableSample(ts)) => {
                let plain = Scope::child(outer);
                for arg in &ts.args {
                    self.expr_expecting(arg, &plain, &SqlType::new("float4"));
                }
                if let Some(seed) = ts.repeatable.as_deref() {
                    self.expr_expecting(seed, &plain, &SqlType::new("float8"));
                }
                ts.relation.as_deref().map(|r| self.range_item(r, outer)).unwrap_or_default()
            }
            Some(_) => {
                self.error_at(
                    super::node_location(item),
                    "0A000",
                    "this kind of FROM item is not supported by the strata analyzer yet",
                    Some("use a table, a join, a CTE or a subquery; or open an issue with the query"),
                );
                vec![]
            }
            None => vec![],
        }
    }

    /// A table or CTE named in FROM, UPDATE, INSERT INTO or DELETE FROM, with its column aliases.
    pub(super) fn relation(&mut self, rv: &RangeVar) -> Option<Source> {
        let mut source = self.named_relation(rv)?;
        if let Some(alias) = &rv.alias {
            rename_columns(source.columns.iter_mut().map(|c| &mut c.name), &alias.colnames);
        }
        Some(source)
    }

    fn named_relation(&mut self, rv: &RangeVar) -> Option<Source> {
        let name = rv.alias.as_ref().map_or_else(|| rv.relname.clone(), |a| a.aliasname.clone());
        if rv.schemaname.is_empty() {
            if let Some(columns) =
                self.ctes.iter().rev().find(|(n, _)| *n == rv.relname).map(|(_, c)| c.clone())
            {
                return Some(Source {
                    name,
                    columns: to_scope_columns(columns),
                    nullable_from_join: false,
                    unresolved: false,
                    table: false,
                    scalar: false,
                    primary_key: Vec::new(),
                    row_type: None,
                });
            }
        }
        let schema = (!rv.schemaname.is_empty()).then_some(rv.schemaname.as_str());
        let Some(relation) = self.catalog.relation(schema, &rv.relname) else {
            let shown = schema.map_or_else(|| rv.relname.clone(), |s| format!("{s}.{}", rv.relname));
            if self.catalog.is_unmodelled(schema, &rv.relname) {
                let msg = format!("\"{shown}\" is a view or a table made by CREATE TABLE AS, which the strata analyzer does not model yet");
                self.error_at(
                    rv.location,
                    "0A000",
                    &msg,
                    Some("query the underlying tables, or open an issue"),
                );
                return Some(Source {
                    name,
                    columns: vec![],
                    nullable_from_join: false,
                    unresolved: true,
                    table: false,
                    scalar: false,
                    primary_key: Vec::new(),
                    row_type: None,
                });
            }
            let known: Vec<&str> = self.catalog.tables().map(|t| t.name.as_str()).collect();
            let hint = match super::closest(&rv.relname, &known) {
                Some(similar) => format!("did you mean \"{similar}\"?"),
                None => self.missing_relation_hint(),
            };
            self.error_at(rv.location, "42P01", &format!("relation \"{shown}\" does not exist"), Some(&hint));
            return Some(Source {
                name,
                columns: vec![],
                nullable_from_join: false,
                unresolved: true,
                table: false,
                scalar: false,
                primary_key: Vec::new(),
                row_type: None,
            });
        };
        let key = self.catalog.relation_key(schema, &rv.relname);
        let columns = relation
            .columns
            .iter()
            .map(|c| {
                let doubt = self.catalog.doubt(&key, &c.name).map(str::to_string);
                ScopeColumn {
                    name: c.name.clone(),
                    ty: Some(c.ty.clone()),
                    base_nullable: (!c.not_null && !self.catalog.domain_not_null(&c.ty)) || doubt.is_some(),
                    merged_away: false,
                    doubt,
                }
            })
            .collect();
        Some(Source {
            name,
            columns,
            nullable_from_join: false,
            unresolved: false,
            table: relation.is_table,
            scalar: false,
            primary_key: if relation.is_table { self.catalog.primary_key(&key) } else { Vec::new() },
            row_type: self.catalog.row_type(&key).map(|oid| self.catalog.sql_type(oid)),
        })
    }

    fn missing_relation_hint(&self) -> String {
        match self.catalog.unsupported.first() {
            Some(note) => format!(
                "no migration creates it; note that {} statement(s) could not be replayed, the first at {}:{}:{}",
                self.catalog.unsupported.len(),
                note.file.as_deref().map(|f| f.display().to_string()).unwrap_or_default(),
                note.line,
                note.column
            ),
            None => "no migration creates it: check the name, or add a migration".to_string(),
        }
    }
}

pub fn to_scope_columns(columns: Vec<Output>) -> Vec<ScopeColumn> {
    columns
        .into_iter()
        .map(|c| ScopeColumn {
            name: c.name,
            ty: c.ty,
            base_nullable: c.nullable,
            merged_away: false,
            doubt: None,
        })
        .collect()
}

impl Analysis<'_> {
    /// Where a parenthesised subquery starts: a SELECT has no location of its own, its targets do.
    fn opening_paren(&self, query: &Node) -> i32 {
        let first_target = match &query.node {
            Some(NodeEnum::SelectStmt(s)) => s.target_list.first().map(super::node_location),
            _ => None,
        };
        let before = usize::try_from(first_target.unwrap_or(-1)).unwrap_or(0);
        self.sql.get(..before).and_then(|t| t.rfind('(')).map_or(-1, |i| i as i32)
    }
}
