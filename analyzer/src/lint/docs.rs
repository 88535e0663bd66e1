//! The docs pages `docs/rules/<id>.md` and their overview, rendered from the rules themselves so
//! they cannot drift: the test below fails when a page is stale (`STRATA_UPDATE_DOCS=1` rewrites).

use super::{rules, Rule};
use crate::Severity;

pub fn page(rule: &Rule) -> String {
    let level = match rule.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "# {id}\n\n{summary}. Default level: **{level}**.\n\n## Why it hurts\n\n{why}\n\n## Instead\n\n\
         {help}.\n\n```sql\n-- flagged\n{bad}\n```\n\n```sql\n-- safe\n{good}\n```\n\n## Silencing\n\n\
         When it is safe here (say the table is known to be small), put this on the line before the \
         statement; the reason is kept in the migration file for reviewers:\n\n\
         ```sql\n-- strata:allow {id} <why it is safe>\n```\n",
        id = rule.id,
        summary = capitalise(rule.summary),
        why = rule.why,
        help = capitalise(rule.help),
        bad = rule.bad,
        good = rule.good,
    )
}

pub fn overview() -> String {
    let mut out = String::from(
        "# strata lint rules\n\nEach rule is judged with the schema replayed from every earlier migration: \
         a table created in the same migration, or in one not applied yet, is new and empty, so it \
         has no lock hazards. `strata lint --database-url` adds each table's live size to the message.\n\n\
         | rule | level | flags |\n| --- | --- | --- |\n",
    );
    for rule in rules::ALL {
        let level = if rule.severity == Severity::Error { "error" } else { "warning" };
        out.push_str(&format!("| [{id}]({id}.md) | {level} | {} |\n", rule.summary, id = rule.id));
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_pages_match_the_rules() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
        let mut pages: Vec<(String, String)> =
            rules::ALL.iter().map(|r| (format!("{}.md", r.id), page(r))).collect();
        pages.push(("README.md".into(), overview()));
        let update = std::env::var_os("STRATA_UPDATE_DOCS").is_some();
        for (name, text) in pages {
            let path = dir.join(&name);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == text,
                "{} is stale: run STRATA_UPDATE_DOCS=1 cargo test -p strata-analyzer docs",
                path.display()
            );
        }
    }

    /// The docs' examples are a corpus: every `bad` one is flagged by its rule, no `good` one is.
    #[test]
    fn every_rule_flags_its_bad_example_and_not_its_good_one() {
        use crate::lint::test_utils::{lint_with, render};
        let history = "CREATE TABLE orgs (id bigint PRIMARY KEY, name text);
            CREATE TYPE mood AS ENUM ('happy', 'sad');
            CREATE TABLE users (id int PRIMARY KEY, email varchar(50), org_id bigint, status text, mood mood);
            CREATE INDEX users_email ON users (email);
            CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);";
        let queries = ["SELECT email FROM users WHERE id = $1"];
        for rule in rules::ALL {
            let bad_queries: &[&str] = if rule.id == "breaks-checked-query" { &queries } else { &[] };
            let bad = lint_with(history, rule.bad, bad_queries);
            assert!(!bad.iter().any(|v| v.rule == crate::lint::REPLAY), "{}: {bad:?}", rule.id);
            assert_ne!(render(&bad, rule.id), "", "{} does not flag its bad example", rule.id);
            // "-- next migration" splits a good example in two: the first part is applied already.
            let (before, good) = match rule.good.split_once("-- next migration") {
                Some((before, after)) => {
                    (format!("{history}\n{before}"), after.split_once('\n').map_or("", |x| x.1))
                }
                None => (history.to_string(), rule.good),
            };
            let good = lint_with(&before, good, &["SELECT id, name FROM orgs"]);
            assert!(!good.iter().any(|v| v.rule == crate::lint::REPLAY), "{}: {good:?}", rule.id);
            assert_eq!(render(&good, rule.id), "", "{} flags its good example", rule.id);
        }
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut ids: Vec<&str> = rules::ALL.iter().map(|r| r.id).collect();
        assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), rules::ALL.len());
    }
}
