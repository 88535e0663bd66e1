//! Types the migrations create: enums (with ADD / RENAME VALUE), domains (their base type and
//! NOT NULL), composite types and range types; DROP, RENAME and SET SCHEMA of them. Each gets an
//! oid of the catalog's own and an array type, as on the server.

use pg_query::protobuf::{
    AlterEnumStmt, CompositeTypeStmt, ConstrType, CreateDomainStmt, CreateEnumStmt, CreateRangeStmt, Node,
};
use pg_query::NodeEnum;

use super::builtin::{self, Oid, TypeInfo};
use super::table::{column_from_def, string_value};
use super::{types, Catalog, Column, Source, SqlType, DEFAULT_SCHEMA};
use crate::Diagnostic;

/// `[schema.]name` from a list of name nodes.
pub(crate) fn qualified_name(names: &[Node]) -> (String, String) {
    let parts: Vec<&str> = names.iter().filter_map(string_value).collect();
    match parts.as_slice() {
        [.., schema, name] => (schema.to_string(), name.to_string()),
        [name] => (DEFAULT_SCHEMA.to_string(), name.to_string()),
        [] => (DEFAULT_SCHEMA.to_string(), String::new()),
    }
}

impl Catalog {
    /// Registers a type and its array type; returns the type's oid.
    fn add_type(
        &mut self,
        src: &Source<'_>,
        key: (String, String),
        typtype: u8,
        category: u8,
        base: Oid,
    ) -> Result<Oid, Diagnostic> {
        if !self.schemas.contains(&key.0) {
            return Err(src.error(-1, "3F000", format!("schema \"{}\" does not exist", key.0)));
        }
        if self.user_type_names.contains_key(&key) || self.tables.contains_key(&key) {
            return Err(src.error(-1, "42710", format!("type \"{}\" already exists", key.1)));
        }
        let (oid, array) = (self.next_oid, self.next_oid + 1);
        self.next_oid += 2;
        let info = TypeInfo {
            oid,
            name: key.1.clone(),
            schema: key.0.clone(),
            typtype,
            category,
            preferred: false,
            elem: 0,
            array,
            base,
            not_null: false,
        };
        let array_info = TypeInfo {
            oid: array,
            name: format!("_{}", key.1),
            typtype: b'b',
            category: b'A',
            elem: oid,
            array: 0,
            base: 0,
            ..info.clone()
        };
        self.user_types.insert(oid, info);
        self.user_types.insert(array, array_info);
        self.user_type_names.insert(key, oid);
        Ok(oid)
    }

    pub(crate) fn create_enum(&mut self, src: &Source<'_>, s: &CreateEnumStmt) -> Result<(), Diagnostic> {
        let oid = self.add_type(src, qualified_name(&s.type_name), b'e', b'E', 0)?;
        let labels = s.vals.iter().filter_map(string_value).map(str::to_string).collect();
        self.enum_labels.insert(oid, labels);
        Ok(())
    }

    pub(crate) fn alter_enum(&mut self, src: &Source<'_>, s: &AlterEnumStmt) -> Result<(), Diagnostic> {
        let key = qualified_name(&s.type_name);
        let Some(oid) = self.user_type_names.get(&key).copied() else {
            return Err(src.error(-1, "42704", format!("type \"{}\" does not exist", key.1)));
        };
        let labels = self.enum_labels.entry(oid).or_default();
        if !s.old_val.is_empty() {
            // RENAME VALUE
            match labels.iter_mut().find(|l| **l == s.old_val) {
                Some(label) => *label = s.new_val.clone(),
                None => {
                    return Err(src.error(
                        -1,
                        "22023",
                        format!("\"{}\" is not an existing enum label", s.old_val),
                    ))
                }
            }
            return Ok(());
        }
        if labels.contains(&s.new_val) {
            if s.skip_if_new_val_exists {
                return Ok(());
            }
            return Err(src.error(-1, "42710", format!("enum label \"{}\" already exists", s.new_val)));
        }
        let at = match labels.iter().position(|l| *l == s.new_val_neighbor) {
            Some(i) if s.new_val_is_after => i + 1,
            Some(i) => i,
            None => labels.len(),
        };
        labels.insert(at, s.new_val.clone());
        Ok(())
    }

    pub(crate) fn create_domain(&mut self, src: &Source<'_>, s: &CreateDomainStmt) -> Result<(), Diagnostic> {
        let Some(base) = s.type_name.as_ref().map(|t| types::from_type_name(t).ty) else { return Ok(()) };
        let Some(base_oid) = self.type_oid(&base) else {
            return Err(src.error(-1, "42704", format!("type \"{}\" does not exist", base.name)));
        };
        let category = self.category(base_oid);
        let oid = self.add_type(src, qualified_name(&s.domainname), b'd', category, base_oid)?;
        let not_null = s.constraints.iter().any(
            |c| matches!(&c.node, Some(NodeEnum::Constraint(c)) if c.contype() == ConstrType::ConstrNotnull),
        );
        if let Some(t) = self.user_types.get_mut(&oid) {
            t.not_null = not_null;
        }
        self.record_domain(oid, s);
        Ok(())
    }

    pub(crate) fn create_composite(
        &mut self,
        src: &Source<'_>,
        s: &CompositeTypeStmt,
    ) -> Result<(), Diagnostic> {
        let Some(rv) = &s.typevar else { return Ok(()) };
        let key = super::table::key(rv);
        let oid = self.add_type(src, key, b'c', b'C', 0)?;
        let columns: Vec<Column> = s
            .coldeflist
            .iter()
            .filter_map(|d| match &d.node {
                Some(NodeEnum::ColumnDef(def)) => {
                    Some(Column { not_null: false, ..column_from_def(def, None) })
                }
                _ => None,
            })
            .collect();
        self.composites.insert(oid, columns);
        Ok(())
    }

    pub(crate) fn create_range(&mut self, src: &Source<'_>, s: &CreateRangeStmt) -> Result<(), Diagnostic> {
        let subtype = s.params.iter().find_map(|p| match &p.node {
            Some(NodeEnum::DefElem(d)) if d.defname == "subtype" => {
                match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::TypeName(t)) => Some(types::from_type_name(t).ty),
                    _ => None,
                }
            }
            _ => None,
        });
        let subtype = subtype.and_then(|t| self.type_oid(&t)).unwrap_or(0);
        let key = qualified_name(&s.type_name);
        let oid = self.add_type(src, key.clone(), b'r', b'R', 0)?;
        // DefineRange: the multirange type (`multirange_type_name`, else the name with "range"
        // made "multirange", else with "_multirange" appended) and the constructors.
        let multirange_name = s
            .params
            .iter()
            .find_map(|p| match &p.node {
                Some(NodeEnum::DefElem(d)) if d.defname == "multirange_type_name" => {
                    match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                        Some(NodeEnum::TypeName(t)) => Some(qualified_name(&t.names)),
                        _ => None,
                    }
                }
                _ => None,
            })
            .unwrap_or_else(|| {
                let name = match key.1.find("range") {
                    Some(at) => format!("{}multi{}", &key.1[..at], &key.1[at..]),
                    None => format!("{}_multirange", key.1),
                };
                (key.0.clone(), name)
            });
        let multirange = self.add_type(src, multirange_name, b'm', b'R', 0)?;
        self.user_ranges.insert(oid, (subtype, multirange));
        if subtype != 0 {
            let constructor = |args: Vec<Oid>| builtin::Proc {
                name: key.1.clone(),
                schema: key.0.clone(),
                kind: b'f',
                retset: false,
                ret: oid,
                args,
                variadic: 0,
                ndefaults: 0,
                strict: false,
                all_args: Vec::new(),
                modes: Vec::new(),
                arg_names: Vec::new(),
                source: None,
            };
            let text = builtin::oids::TEXT;
            let procs = vec![constructor(vec![subtype, subtype]), constructor(vec![subtype, subtype, text])];
            self.range_constructors.insert(oid, procs);
        }
        Ok(())
    }

    /// Values of a NOT NULL domain are never NULL in a table (the column itself has no NOT NULL).
    pub fn domain_not_null(&self, ty: &SqlType) -> bool {
        !ty.array
            && self
                .type_oid(ty)
                .and_then(|o| self.type_info(o))
                .is_some_and(|t| t.typtype == b'd' && t.not_null)
    }

    /// DROP TYPE / DROP DOMAIN.
    pub(crate) fn drop_type(&mut self, key: &(String, String)) -> bool {
        let Some(oid) = self.user_type_names.remove(key) else { return false };
        if let Some(t) = self.user_types.remove(&oid) {
            self.user_types.remove(&t.array);
        }
        self.enum_labels.remove(&oid);
        self.composites.remove(&oid);
        self.domains.remove(&oid);
        if let Some((_, multirange)) = self.user_ranges.remove(&oid) {
            if let Some(m) = self.user_types.remove(&multirange) {
                self.user_types.remove(&m.array);
                self.user_type_names.retain(|_, o| *o != multirange);
            }
        }
        self.range_constructors.remove(&oid);
        true
    }

    /// ALTER TYPE / DOMAIN ... RENAME TO: the columns of that type follow.
    pub(crate) fn rename_type(&mut self, key: &(String, String), new_name: &str) -> bool {
        let Some(oid) = self.user_type_names.remove(key) else { return false };
        self.user_type_names.insert((key.0.clone(), new_name.to_string()), oid);
        if let Some(t) = self.user_types.get_mut(&oid) {
            t.name = new_name.to_string();
            let array = t.array;
            if let Some(a) = self.user_types.get_mut(&array) {
                a.name = format!("_{new_name}");
            }
        }
        let renamed = SqlType::new(new_name).name;
        for column in self
            .tables
            .values_mut()
            .chain(self.views.values_mut().map(|v| &mut v.relation))
            .flat_map(|t| t.columns.iter_mut())
            .chain(self.composites.values_mut().flatten())
        {
            if column.ty.name == key.1 {
                column.ty.name = renamed.clone();
            }
        }
        true
    }

    /// ALTER TYPE / DOMAIN ... SET SCHEMA.
    pub(crate) fn set_type_schema(&mut self, key: &(String, String), schema: &str) -> bool {
        let Some(oid) = self.user_type_names.remove(key) else { return false };
        self.user_type_names.insert((schema.to_string(), key.1.clone()), oid);
        if let Some(t) = self.user_types.get_mut(&oid) {
            t.schema = schema.to_string();
        }
        true
    }
}
