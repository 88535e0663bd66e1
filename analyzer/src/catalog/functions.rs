//! CREATE [OR REPLACE] FUNCTION / PROCEDURE, DROP and RENAME of them: the signature (IN, OUT,
//! INOUT, VARIADIC and TABLE parameters, defaults), the return type (`SETOF`, `RETURNS TABLE`)
//! and strictness, so queries resolve calls to them as the server does. The body is not run,
//! only kept as text for comparing histories ([`super::function_source`]).

use pg_query::protobuf::{CreateFunctionStmt, FunctionParameter, FunctionParameterMode, ObjectWithArgs};
use pg_query::NodeEnum;

use super::builtin::{oids, Oid, Proc};
use super::table::string_value;
use super::user_types::qualified_name;
use super::{types, Catalog, Source};
use crate::Diagnostic;

impl Catalog {
    pub(crate) fn create_function(
        &mut self,
        src: &Source<'_>,
        s: &CreateFunctionStmt,
    ) -> Result<(), Diagnostic> {
        let (schema, name) = qualified_name(&s.funcname);
        let mut proc = Proc {
            name: name.clone(),
            schema,
            kind: if s.is_procedure { b'p' } else { b'f' },
            retset: false,
            ret: oids::VOID,
            args: vec![],
            variadic: 0,
            ndefaults: 0,
            strict: false,
            all_args: vec![],
            modes: vec![],
            arg_names: vec![],
            source: Some(Box::new(super::function_source::source(s))),
        };
        let mut outputs = Vec::new();
        for p in &s.parameters {
            let Some(NodeEnum::FunctionParameter(p)) = &p.node else { continue };
            let Some(oid) = self.parameter_type(p) else {
                return self.unmodelled_function(src);
            };
            let mode = match p.mode() {
                FunctionParameterMode::FuncParamOut => b'o',
                FunctionParameterMode::FuncParamInout => b'b',
                FunctionParameterMode::FuncParamVariadic => b'v',
                FunctionParameterMode::FuncParamTable => b't',
                _ => b'i',
            };
            if matches!(mode, b'i' | b'b' | b'v') {
                proc.args.push(oid);
                proc.ndefaults += usize::from(p.defexpr.is_some());
            }
            if mode == b'v' {
                proc.variadic = self.element_of(oid).unwrap_or(oid);
            }
            if matches!(mode, b'o' | b'b' | b't') {
                outputs.push(oid);
            }
            proc.all_args.push(oid);
            proc.modes.push(mode);
            proc.arg_names.push(p.name.clone());
        }
        if proc.modes.iter().all(|m| *m == b'i') {
            proc.all_args.clear();
            proc.modes.clear();
        }
        if let Some(ret) = &s.return_type {
            proc.retset = ret.setof;
            let declared = types::from_type_name(ret).ty;
            match self.type_oid(&declared) {
                Some(oid) => proc.ret = oid,
                None if declared.name == "record" => proc.ret = oids::RECORD,
                None => return self.unmodelled_function(src),
            }
        }
        // OUT / TABLE parameters make the result: one is its type, several a record.
        match outputs.as_slice() {
            [] => {}
            [one] => proc.ret = *one,
            _ => proc.ret = oids::RECORD,
        }
        if proc.modes.contains(&b't') {
            proc.retset = true;
        }
        proc.strict = s.options.iter().any(|o| match &o.node {
            Some(NodeEnum::DefElem(d)) if d.defname == "strict" => {
                matches!(d.arg.as_deref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if b.boolval)
            }
            _ => false,
        });
        let existing = self.user_procs.entry(name.clone()).or_default();
        if let Some(i) = existing.iter().position(|p| p.args == proc.args && p.schema == proc.schema) {
            if !s.replace {
                let what = if s.is_procedure { "procedure" } else { "function" };
                return Err(src.error(
                    -1,
                    "42723",
                    format!("{what} \"{name}\" already exists with same argument types"),
                ));
            }
            existing[i] = proc;
        } else {
            existing.push(proc);
        }
        Ok(())
    }

    fn parameter_type(&self, p: &FunctionParameter) -> Option<Oid> {
        let ty = types::from_type_name(p.arg_type.as_ref()?).ty;
        self.type_oid(&ty).or((ty.name == "record").then_some(oids::RECORD))
    }

    /// A function whose types the catalog does not know: calls to that name are not checked.
    fn unmodelled_function(&mut self, src: &Source<'_>) -> Result<(), Diagnostic> {
        self.opaque_functions = true;
        self.note_unsupported(src, "CREATE FUNCTION with a type the analyzer does not know");
        Ok(())
    }

    pub(crate) fn drop_function(
        &mut self,
        src: &Source<'_>,
        f: &ObjectWithArgs,
        missing_ok: bool,
    ) -> Result<(), Diagnostic> {
        let (_, name) = qualified_name(&f.objname);
        let args: Option<Vec<Oid>> = (!f.args_unspecified).then(|| {
            f.objargs
                .iter()
                .filter_map(|a| match &a.node {
                    Some(NodeEnum::TypeName(t)) => self.type_oid(&types::from_type_name(t).ty),
                    _ => None,
                })
                .collect()
        });
        let removed = match self.user_procs.get_mut(&name) {
            Some(procs) => {
                let before = procs.len();
                procs.retain(|p| args.as_ref().is_some_and(|a| *a != p.args));
                before != procs.len()
            }
            None => false,
        };
        let builtin = !self.procs(&name).is_empty();
        if !removed && !missing_ok && !builtin && !self.may_have_unseen_functions() {
            return Err(src.error(-1, "42883", format!("function {name} does not exist")));
        }
        Ok(())
    }

    pub(crate) fn rename_function(&mut self, f: &ObjectWithArgs, new_name: &str) {
        let name = f.objname.iter().filter_map(string_value).next_back().unwrap_or("").to_string();
        if let Some(procs) = self.user_procs.remove(&name) {
            let renamed = procs.into_iter().map(|p| Proc { name: new_name.to_string(), ..p });
            self.user_procs.entry(new_name.to_string()).or_default().extend(renamed);
        }
    }
}
