//! A user function's definition as text for comparing two histories: the return type as
//! declared, the attributes (defaults left out and sorted, so `VOLATILE` written or not and the
//! order of clauses do not matter) and the body (SQL bodies deparsed, others with whitespace
//! collapsed).

use pg_query::protobuf::{CreateFunctionStmt, DefElem, FunctionParameterMode, Node, TypeName};
use pg_query::NodeEnum;

use super::builtin::ProcSource;
use super::table::string_value;
use super::{normalize, types};

pub(crate) fn source(s: &CreateFunctionStmt) -> ProcSource {
    let options: Vec<&DefElem> = s
        .options
        .iter()
        .filter_map(|o| match &o.node {
            Some(NodeEnum::DefElem(d)) => Some(d.as_ref()),
            _ => None,
        })
        .collect();
    let language = options
        .iter()
        .find(|d| d.defname == "language")
        .and_then(|d| d.arg.as_deref().and_then(string_value))
        .unwrap_or("sql")
        .to_lowercase();
    let mut attributes: Vec<String> = options
        .iter()
        .filter(|d| d.defname != "as")
        .filter_map(|d| attribute(d, &language, returns_set(s)))
        .collect();
    attributes.sort();
    ProcSource {
        arguments: arguments(s),
        returns: returns(s),
        attributes,
        body: body(s, &options, &language),
    }
}

/// The parameters with their modes, names and defaults (a rename of a parameter or a new
/// default changes what callers may write, not the signature).
fn arguments(s: &CreateFunctionStmt) -> String {
    let parameters: Vec<String> = s
        .parameters
        .iter()
        .filter_map(|p| match &p.node {
            Some(NodeEnum::FunctionParameter(p)) if p.mode() != FunctionParameterMode::FuncParamTable => {
                Some(p)
            }
            _ => None,
        })
        .map(|p| {
            let mode = match p.mode() {
                FunctionParameterMode::FuncParamOut => "OUT ",
                FunctionParameterMode::FuncParamInout => "INOUT ",
                FunctionParameterMode::FuncParamVariadic => "VARIADIC ",
                _ => "",
            };
            let mut text = mode.to_string();
            if !p.name.is_empty() {
                text.push_str(&normalize::quote_ident(&p.name));
                text.push(' ');
            }
            text.push_str(&p.arg_type.as_ref().map(declared).unwrap_or_default());
            if let Some(default) = p.defexpr.as_deref() {
                text.push_str(&format!(" DEFAULT {}", normalize::expression(default)));
            }
            text
        })
        .collect();
    parameters.join(", ")
}

fn returns_set(s: &CreateFunctionStmt) -> bool {
    s.return_type.as_ref().is_some_and(|t| t.setof) || table_columns(s).is_some()
}

fn declared(t: &TypeName) -> String {
    let ty = types::from_type_name(t).ty;
    let array = if ty.array { "[]" } else { "" };
    format!("{}{}{array}", ty.name, normalize::type_modifiers(t))
}

/// `RETURNS TABLE (...)` parameters as `name type` pairs; `None` when there are none.
fn table_columns(s: &CreateFunctionStmt) -> Option<Vec<String>> {
    let columns: Vec<String> = s
        .parameters
        .iter()
        .filter_map(|p| match &p.node {
            Some(NodeEnum::FunctionParameter(p)) if p.mode() == FunctionParameterMode::FuncParamTable => {
                Some(format!("{} {}", normalize::quote_ident(&p.name), p.arg_type.as_ref().map(declared)?))
            }
            _ => None,
        })
        .collect();
    (!columns.is_empty()).then_some(columns)
}

fn returns(s: &CreateFunctionStmt) -> String {
    if let Some(columns) = table_columns(s) {
        return format!("TABLE({})", columns.join(", "));
    }
    match &s.return_type {
        Some(t) => format!("{}{}", if t.setof { "SETOF " } else { "" }, declared(t)),
        None => String::new(),
    }
}

/// One clause as Postgres words it, or `None` when it says what the default already is.
fn attribute(d: &DefElem, language: &str, set_returning: bool) -> Option<String> {
    let arg = d.arg.as_deref().and_then(|a| a.node.as_ref());
    let flag = matches!(arg, Some(NodeEnum::Boolean(b)) if b.boolval);
    let word = arg.and_then(|a| match a {
        NodeEnum::String(s) => Some(s.sval.to_lowercase()),
        NodeEnum::Integer(i) => Some(i.ival.to_string()),
        NodeEnum::Float(f) => Some(f.fval.clone()),
        _ => None,
    });
    let word = word.unwrap_or_default();
    Some(match d.defname.as_str() {
        "language" => format!("LANGUAGE {word}"),
        "volatility" if word == "volatile" => return None,
        "volatility" => word.to_uppercase(),
        "strict" if flag => "STRICT".to_string(),
        "security" if flag => "SECURITY DEFINER".to_string(),
        "leakproof" if flag => "LEAKPROOF".to_string(),
        "strict" | "security" | "leakproof" => return None,
        "parallel" if word == "unsafe" => return None,
        "parallel" => format!("PARALLEL {}", word.to_uppercase()),
        // pg_proc's defaults: cost 1 for C and internal functions, 100 for the rest.
        "cost" if word == if matches!(language, "c" | "internal") { "1" } else { "100" } => return None,
        "rows" if !set_returning || word == "1000" => return None,
        "cost" | "rows" => format!("{} {word}", d.defname.to_uppercase()),
        "set" => match arg {
            Some(node) => normalize::statement(node)?,
            None => return None,
        },
        "window" => "WINDOW".to_string(),
        "support" => format!("SUPPORT {}", names(arg)),
        other => format!("{} {word}", other.to_uppercase()).trim_end().to_string(),
    })
}

fn names(arg: Option<&NodeEnum>) -> String {
    match arg {
        Some(NodeEnum::List(l)) => l.items.iter().filter_map(string_value).collect::<Vec<_>>().join("."),
        Some(NodeEnum::String(s)) => s.sval.clone(),
        _ => String::new(),
    }
}

fn body(s: &CreateFunctionStmt, options: &[&DefElem], language: &str) -> String {
    if let Some(sql_body) = &s.sql_body {
        return sql_body_text(sql_body);
    }
    let strings: Vec<&str> = options
        .iter()
        .filter(|d| d.defname == "as")
        .flat_map(|d| match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
            Some(NodeEnum::List(l)) => l.items.iter().filter_map(string_value).collect(),
            Some(NodeEnum::String(s)) => vec![s.sval.as_str()],
            _ => vec![],
        })
        .collect();
    match (language, strings.as_slice()) {
        ("sql", [text]) => sql_text(text),
        _ => strings.iter().map(|t| normalize::collapse_whitespace(t)).collect::<Vec<_>>().join(", "),
    }
}

/// A `LANGUAGE sql` body given as a string: each statement deparsed when it parses.
fn sql_text(text: &str) -> String {
    let Ok(parsed) = pg_query::parse(text, 0) else { return normalize::collapse_whitespace(text) };
    let statements: Option<Vec<String>> = parsed
        .protobuf
        .stmts
        .iter()
        .map(|raw| raw.stmt.as_ref().and_then(|n| n.node.as_ref()).and_then(normalize::statement))
        .collect();
    statements.map_or_else(|| normalize::collapse_whitespace(text), |s| s.join("; "))
}

/// `RETURN expr` or `BEGIN ATOMIC ... END`: the statements, deparsed.
fn sql_body_text(node: &Node) -> String {
    let mut statements = Vec::new();
    let mut pending = vec![node];
    while let Some(n) = pending.pop() {
        match &n.node {
            Some(NodeEnum::List(l)) => pending.extend(l.items.iter().rev()),
            Some(NodeEnum::ReturnStmt(r)) => {
                let value = r.returnval.as_deref().map(normalize::expression).unwrap_or_default();
                statements.push(format!("RETURN {value}"));
            }
            Some(other) => {
                statements.push(normalize::statement(other).unwrap_or_else(|| format!("{other:?}")))
            }
            None => {}
        }
    }
    statements.join("; ")
}
