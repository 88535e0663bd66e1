//! `migrate!`: the directory's migrations as a `strata::Migrator` literal, loaded with the same
//! analyzer code the CLI uses. `include_bytes!` per file makes an edit rebuild the crate.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::input::MigrateInput;
use crate::migrations;

pub fn expand(input: &MigrateInput) -> syn::Result<TokenStream> {
    let span = input.dir.as_ref().map_or_else(Span::call_site, |d| d.span());
    let dir = migrations::resolve_dir(input.dir.as_ref().map(|d| d.value()).as_deref());
    let loaded = migrations::load(&dir);
    let loaded = loaded
        .as_ref()
        .as_ref()
        .map_err(|errors| syn::Error::new(span, migrations::describe_errors(&dir, errors)))?;
    let migrations = loaded.set.migrations.iter().map(|m| {
        let version = m.version;
        let name = &m.name;
        let path =
            m.up.path.canonicalize().unwrap_or_else(|_| m.up.path.clone()).to_string_lossy().into_owned();
        let checksum = m.checksum.iter();
        let text = &m.up.text;
        let transactional = !m.directives.no_transaction;
        // Statement texts: run one by one without a transaction, and used to locate a failure.
        let statements: Vec<&str> = m.up.statements.iter().map(|s| s.text(&m.up.text)).collect();
        // `-- strata:allow RULE reason` comments, recorded in the ledger when it is applied.
        let lines = strata_analyzer::LineIndex::new(text);
        let allows = strata_analyzer::lint::allow::parse(text).into_iter().map(|a| {
            let (rule, reason) = (a.rule, a.reason);
            let line = u32::try_from(lines.line_column(a.offset).0).unwrap_or(u32::MAX);
            quote! {
                ::strata::migrate::Allow {
                    rule: ::std::borrow::Cow::Borrowed(#rule),
                    reason: ::std::borrow::Cow::Borrowed(#reason),
                    line: #line,
                }
            }
        });
        let locks = strata_analyzer::lint::runtime_locks(&m.up).into_iter().map(|l| {
            let mode = match l.mode {
                Some(mode) => {
                    let mode = syn::Ident::new(&format!("{mode:?}"), Span::call_site());
                    quote!(::std::option::Option::Some(::strata::migrate::LockMode::#mode))
                }
                None => quote!(::std::option::Option::None),
            };
            let (tables, concurrently) = (l.tables, l.concurrently);
            quote! {
                ::strata::migrate::StatementLock {
                    mode: #mode,
                    tables: ::std::borrow::Cow::Borrowed(&[#(::std::borrow::Cow::Borrowed(#tables)),*]),
                    concurrently: #concurrently,
                }
            }
        });
        let millis = |d: Option<std::time::Duration>| match d {
            Some(d) => {
                let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
                quote!(::std::option::Option::Some(::std::time::Duration::from_millis(#ms)))
            }
            None => quote!(::std::option::Option::None),
        };
        let (lock_timeout, statement_timeout) =
            (millis(m.directives.lock_timeout), millis(m.directives.statement_timeout));
        quote! {
            ::strata::Migration {
                version: #version,
                name: ::std::borrow::Cow::Borrowed(#name),
                sql: ::std::borrow::Cow::Borrowed({
                    // Rebuild when the file changes; the text itself comes without a BOM.
                    const _: &[u8] = include_bytes!(#path);
                    #text
                }),
                checksum: [#(#checksum),*],
                transactional: #transactional,
                statements: ::std::borrow::Cow::Borrowed(&[#(::std::borrow::Cow::Borrowed(#statements)),*]),
                allows: ::std::borrow::Cow::Borrowed(&[#(#allows),*]),
                locks: ::std::borrow::Cow::Borrowed(&[#(#locks),*]),
                timeouts: ::strata::migrate::Timeouts { lock: #lock_timeout, statement: #statement_timeout },
            }
        }
    });
    Ok(quote! {{
        static MIGRATIONS: &[::strata::Migration] = &[#(#migrations),*];
        ::strata::Migrator::from_static(MIGRATIONS)
    }})
}
