//! `strata diff --since GIT_REF`: the schema change since a commit, from the files alone and from
//! real snapshots on the server.

use std::path::Path;
use std::process::Command;

use strata_e2e::{server_url, strata_bin, MigrationsDir};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn strata_diff(dir: &Path, url: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(strata_bin());
    command.arg("diff").args(args).arg("--dir").arg(dir).env_remove("DATABASE_URL");
    if let Some(url) = url {
        command.env("DATABASE_URL", url);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A repository whose `db/migrations` has users at tag v1, then a new index and a type change.
fn repo() -> MigrationsDir {
    let repo = MigrationsDir::new(&[]);
    let dir = repo.0.join("db/migrations");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("1_users.up.sql"), "CREATE TABLE users (id bigserial PRIMARY KEY, email text);")
        .unwrap();
    git(&repo.0, &["init", "-q"]);
    git(&repo.0, &["add", "."]);
    git(&repo.0, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "v1"]);
    git(&repo.0, &["tag", "v1"]);
    std::fs::write(
        dir.join("2_email.up.sql"),
        "ALTER TABLE users ALTER COLUMN email TYPE varchar(320);\nCREATE INDEX users_email ON users (email);",
    )
    .unwrap();
    repo
}

#[test]
fn markdown_from_the_files_alone() {
    let repo = repo();
    let (code, md, err) = strata_diff(&repo.0.join("db/migrations"), None, &["--since", "v1"]);
    assert_eq!(code, 0, "{err}");
    assert!(md.starts_with("### Schema changes since `v1`"), "{md}");
    assert!(md.contains("- New migration(s): `2_email`"), "{md}");
    assert!(md.contains("#### Schema objects (replayed from the files)"), "{md}");
    assert!(md.contains("- `column public.users.email: type: text → varchar(320)`"), "{md}");
    assert!(md.contains("- `index public.users_email added: ON public.users USING btree (email)`"), "{md}");
    assert!(!md.contains("Not modelled"), "every statement is modelled: {md}");
    assert!(
        md.contains(
            "| `2_email.up.sql:2` | `CREATE INDEX users_email ON users (email)` | `SHARE on public.users` |"
        ),
        "{md}"
    );
    assert!(md.contains("| `ACCESS EXCLUSIVE on public.users` |"), "the type change's lock: {md}");
    assert!(!md.contains("Every object"), "no database, no server section: {md}");
}

#[test]
fn json_with_real_snapshots() {
    let repo = repo();
    let url = server_url("postgres");
    let (code, out, err) =
        strata_diff(&repo.0.join("db/migrations"), Some(&url), &["--since", "v1", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["migrations"]["new"], serde_json::json!(["2_email"]));
    let statements = report["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(statements[1]["statement"], "CREATE INDEX users_email ON users (email)");
    // The lock each statement takes, from the lint's lock table.
    assert_eq!(statements[0]["lock"], "ACCESS EXCLUSIVE on public.users");
    assert_eq!(statements[1]["lock"], "SHARE on public.users");
    let objects = report["objects"].as_array().unwrap();
    let find = |identity: &str| objects.iter().find(|o| o["identity"] == identity).cloned();
    let column = find("public.users.email").expect("the column change");
    assert_eq!(column["change"], "changed");
    assert_eq!(column["fields"][0]["field"], "type");
    assert_eq!(column["fields"][0]["before"], "text");
    assert_eq!(column["fields"][0]["after"], "character varying(320)");
    let index = find("public.users_email").expect("the new index");
    assert_eq!(index["change"], "added");
    assert_eq!(objects.len(), 2, "{objects:#?}");
    // The replay, with no database, sees the same two objects, the type with its modifier.
    let offline = report["objects_offline"].as_array().unwrap();
    assert_eq!(offline.len(), 2, "{offline:#?}");
    assert_eq!(offline[0]["identity"], "public.users.email");
    assert_eq!(
        offline[0]["fields"][0],
        serde_json::json!({"field": "type", "before": "text", "after": "varchar(320)", "note": null})
    );
    assert_eq!(offline[1]["identity"], "public.users_email");
    assert_eq!(offline[1]["change"], "added");
    assert_eq!(offline[1]["summary"], "ON public.users USING btree (email)");

    let (code, _, err) = strata_diff(&repo.0.join("db/migrations"), None, &["--since", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("nope is not a commit of this repository"), "{err}");
}

/// A history whose second commit changes a default, adds a CHECK and a foreign key, replaces a
/// view, changes a function's body, adds an enum label, runs a DO block the replay cannot see
/// into, revokes privileges (which the replay does not compare) and alters the function's
/// settings (which the replay does not model).
fn orders_repo() -> MigrationsDir {
    let repo = MigrationsDir::new(&[]);
    let dir = repo.0.join("db/migrations");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("1_orders.up.sql"),
        "CREATE TYPE order_state AS ENUM ('new', 'paid');
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL,
    state order_state NOT NULL DEFAULT 'new',
    total numeric(10, 2) NOT NULL DEFAULT 0
);
CREATE VIEW open_orders AS SELECT id, customer_id FROM orders WHERE state = 'new';
CREATE FUNCTION order_total(o bigint) RETURNS numeric LANGUAGE sql STABLE
    AS $$ SELECT total FROM orders WHERE id = o $$;
",
    )
    .unwrap();
    git(&repo.0, &["init", "-q"]);
    git(&repo.0, &["add", "."]);
    git(&repo.0, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "v1"]);
    git(&repo.0, &["tag", "v1"]);
    std::fs::write(
        dir.join("2_review.up.sql"),
        "ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0.00;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
CREATE OR REPLACE VIEW open_orders AS SELECT id, customer_id, total FROM orders WHERE state = 'new';
CREATE OR REPLACE FUNCTION order_total(o bigint) RETURNS numeric LANGUAGE sql STABLE
    AS $$ SELECT coalesce(total, 0) FROM orders WHERE id = o $$;
ALTER TYPE order_state ADD VALUE 'shipped' AFTER 'paid';
DO $$ BEGIN RAISE NOTICE 'hello'; END $$;
REVOKE ALL ON orders FROM PUBLIC;
ALTER FUNCTION order_total(bigint) SET search_path = public;
",
    )
    .unwrap();
    repo
}

#[test]
fn every_object_kind_from_the_files_alone() {
    let repo = orders_repo();
    let (code, md, err) = strata_diff(&repo.0.join("db/migrations"), None, &["--since", "v1"]);
    assert_eq!(code, 0, "{err}");
    let section: Vec<&str> = md
        .split("#### Schema objects (replayed from the files)\n\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_else(|| panic!("no offline section: {md}"))
        .lines()
        .collect();
    assert_eq!(
        section,
        [
            "- `type public.order_state: labels: 'new', 'paid' → 'new', 'paid', 'shipped' (added 'shipped')`",
            "- `column public.orders.total: default: 0 → 0.00`",
            "- `constraint public.orders.orders_customer_fk added: FOREIGN KEY (customer_id) \
             REFERENCES public.customers(id) NOT VALID`",
            "- `constraint public.orders.orders_total_positive added: CHECK (total >= 0)`",
            "- `view public.open_orders: columns: id int8, customer_id int8 → id int8, customer_id int8, total numeric; \
             definition: SELECT id, customer_id FROM orders WHERE state = 'new' → \
             SELECT id, customer_id, total FROM orders WHERE state = 'new'`",
            "- `function public.order_total(int8): body: SELECT total FROM orders WHERE id = o → \
             SELECT COALESCE(total, 0) FROM orders WHERE id = o`",
        ],
        "{md}"
    );
    assert!(
        md.contains(
            "> **Not modelled** by the replay, so their changes are not listed above:\n\
             > - `2_review.up.sql:9`: a DO block\n\
             > - `2_review.up.sql:10`: REVOKE (not compared offline)\n\
             > - `2_review.up.sql:11`: ALTER FUNCTION order_total(bigint) SET search_path = public\n"
        ),
        "{md}"
    );
    // Each new statement with the lock it takes.
    assert!(
        md.contains("| `2_review.up.sql:2` | `ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0)` | `ACCESS EXCLUSIVE on public.orders` |"),
        "{md}"
    );
}

#[test]
fn offline_json_agrees_with_the_server() {
    let repo = orders_repo();
    let url = server_url("postgres");
    let (code, out, err) =
        strata_diff(&repo.0.join("db/migrations"), Some(&url), &["--since", "v1", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let offline = report["objects_offline"].as_array().unwrap();
    let find = |identity: &str| {
        offline
            .iter()
            .find(|o| o["identity"] == identity)
            .unwrap_or_else(|| panic!("{identity}: {offline:#?}"))
    };
    let labels = find("public.order_state");
    assert_eq!(labels["kind"], "type");
    assert_eq!(labels["fields"][0]["field"], "labels");
    assert_eq!(labels["fields"][0]["after"], "'new', 'paid', 'shipped'");
    assert_eq!(labels["fields"][0]["note"], "added 'shipped'");
    let default = find("public.orders.total");
    assert_eq!(
        default["fields"][0],
        serde_json::json!({"field": "default", "before": "0", "after": "0.00", "note": null})
    );
    let fk = find("public.orders.orders_customer_fk");
    assert_eq!(fk["change"], "added");
    let fields: Vec<(&str, &str)> = fk["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["after"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("type", "foreign key"),
            ("definition", "FOREIGN KEY (customer_id) REFERENCES public.customers(id)"),
            ("not valid", "true"),
        ]
    );
    assert_eq!(find("public.open_orders")["change"], "changed");
    assert_eq!(find("public.order_total(int8)")["fields"][0]["field"], "body");
    assert_eq!(
        report["not_modelled"]["changed"],
        serde_json::json!([
            {"at": "2_review.up.sql:9", "statement": "a DO block"},
            {"at": "2_review.up.sql:10", "statement": "REVOKE (not compared offline)"},
            {"at": "2_review.up.sql:11", "statement": "ALTER FUNCTION order_total(bigint) SET search_path = public"},
        ])
    );
    assert_eq!(report["not_modelled"]["earlier"], 0);

    // The server, applying both histories for real, sees the same objects change (functions
    // aside: the server names their arguments, the replay only their types).
    let kind_and_identity = |o: &serde_json::Value| {
        (
            o["kind"].as_str().unwrap().to_string(),
            o["identity"].as_str().unwrap().to_string(),
            o["change"].as_str().unwrap().to_string(),
        )
    };
    let mut server: Vec<_> = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] != "function")
        .map(kind_and_identity)
        .collect();
    let mut replayed: Vec<_> =
        offline.iter().filter(|o| o["kind"] != "function").map(kind_and_identity).collect();
    server.sort();
    replayed.sort();
    assert_eq!(replayed, server);
}
