//! Incremental schema snapshots against the real extension: after every migration of a history
//! full of renames, partitions, cascades and grants, the snapshot (which describes only what the
//! migration touched) equals a full description of the live schema, object by object and by
//! fingerprint, and only the migrations that must describe everything did.

use strata_e2e::{strata_url, MigrationsDir, TestDb, DEPLOYER};

/// (file, SQL): each one a case an incremental snapshot could get wrong.
const HISTORY: &[(&str, &str)] = &[
    (
        "1_base.up.sql",
        "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
         CREATE TABLE orders (id serial PRIMARY KEY, user_id bigint REFERENCES users (id), total numeric);",
    ),
    (
        "2_view.up.sql",
        "CREATE VIEW user_orders AS SELECT u.email, o.total FROM users u JOIN orders o ON o.user_id = u.id;",
    ),
    // The view's text names the column.
    ("3_rename_column.up.sql", "ALTER TABLE users RENAME COLUMN email TO mail;"),
    // The foreign key of orders, the view and the sequence's owner name the table.
    ("4_rename_table.up.sql", "ALTER TABLE users RENAME TO accounts;"),
    // The default of accounts.id names the sequence.
    ("5_rename_sequence.up.sql", "ALTER SEQUENCE users_id_seq RENAME TO accounts_id_seq;"),
    (
        "6_enum.up.sql",
        "CREATE TYPE status AS ENUM ('new', 'paid');
         ALTER TABLE orders ADD COLUMN status status DEFAULT 'new' CHECK (status <> 'paid');",
    ),
    // The default and the check of orders print the label.
    ("7_rename_label.up.sql", "ALTER TYPE status RENAME VALUE 'new' TO 'open';"),
    // The column's type prints the type's name.
    ("8_rename_type.up.sql", "ALTER TYPE status RENAME TO order_status;"),
    (
        "9_partitions.up.sql",
        "CREATE TABLE parts (id int, at date) PARTITION BY RANGE (at);
         CREATE TABLE parts_2024 PARTITION OF parts FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    ),
    // Reaches the partition.
    ("10_parent_column.up.sql", "ALTER TABLE parts ADD COLUMN note text;"),
    // Creates the partition's index too.
    ("11_parent_index.up.sql", "CREATE INDEX parts_at ON parts (at);"),
    (
        "12_trigger.up.sql",
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
         CREATE TRIGGER touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();",
    ),
    // The trigger's definition names the function.
    ("13_rename_function.up.sql", "ALTER FUNCTION touch() RENAME TO touch_row;"),
    // Drops the partition's index with it.
    ("14_drop_index.up.sql", "DROP INDEX parts_at;"),
    ("15_drop_view.up.sql", "DROP VIEW user_orders;"),
    // GRANT names no object to the event triggers.
    ("16_grant.up.sql", "GRANT SELECT ON accounts TO PUBLIC;"),
    ("17_comment.up.sql", "COMMENT ON TABLE orders IS 'what was bought';"),
    // Moves the owned sequence too.
    ("18_set_schema.up.sql", "CREATE SCHEMA app; ALTER TABLE orders SET SCHEMA app;"),
    // Every identity in the schema changes: described in full.
    ("19_rename_schema.up.sql", "ALTER SCHEMA app RENAME TO shop;"),
    (
        "20_domain.up.sql",
        "CREATE DOMAIN posint AS int CHECK (VALUE > 0);
         ALTER DOMAIN posint ADD CONSTRAINT small CHECK (VALUE < 1000);",
    ),
    ("21_matview.up.sql", "CREATE MATERIALIZED VIEW account_ids AS SELECT id FROM accounts;"),
    // The materialized view and shop.orders' foreign key name the column.
    ("22_rename_key.up.sql", "ALTER TABLE accounts RENAME COLUMN id TO account_id;"),
    ("23_drop_cascade.up.sql", "DROP TABLE shop.orders CASCADE;"),
    ("24_detach.up.sql", "ALTER TABLE parts DETACH PARTITION parts_2024;"),
    // A no-transaction migration: described in full.
    (
        "25_concurrent.up.sql",
        "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY accounts_mail ON accounts (mail);",
    ),
    ("26_default_privileges.up.sql", "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;"),
    ("27_inheritance.up.sql", "CREATE TABLE base (a int); CREATE TABLE derived (c int) INHERITS (base);"),
    // Reaches the child.
    ("28_parent_alter.up.sql", "ALTER TABLE base ADD COLUMN b int NOT NULL DEFAULT 0;"),
    // DDL run from a DO block fires the event triggers too.
    ("29_do_block.up.sql", "DO $$ BEGIN EXECUTE 'ALTER TABLE accounts ADD COLUMN via_do int'; END $$;"),
    (
        "30_extension_type.up.sql",
        "CREATE EXTENSION IF NOT EXISTS citext; ALTER TABLE accounts ALTER COLUMN mail TYPE citext;",
    ),
    // No event trigger reports CLUSTER, which marks the index: described in full.
    ("31_cluster.up.sql", "CLUSTER accounts USING users_pkey;"),
    // Renames the primary key's constraint with it, which the index row names.
    ("32_rename_key_index.up.sql", "ALTER INDEX users_pkey RENAME TO accounts_pkey;"),
    // Marks the index, which is not what the statement names.
    (
        "33_replica_identity.up.sql",
        "CREATE UNIQUE INDEX accounts_mail_key ON accounts (mail);
         ALTER TABLE accounts REPLICA IDENTITY USING INDEX accounts_mail_key;",
    ),
    // The sequence's owner changes.
    ("34_sequence_owner.up.sql", "CREATE SEQUENCE tickets; ALTER SEQUENCE tickets OWNED BY accounts.via_do;"),
];

/// Versions whose snapshot has to describe everything: the first (nothing to build on), the
/// schema rename, the no-transaction migration and CLUSTER.
const DESCRIBED_IN_FULL: &[i64] = &[1, 19, 25, 31];

fn differences(client: &mut postgres::Client) -> Vec<String> {
    client
        .query("SELECT concat_ws(' ', kind, identity, change, field, before, after) FROM strata.drift()", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The fingerprint of a full description of the live schema, computed from scratch.
const LIVE_FINGERPRINT: &str = "
    SELECT strata.bits_hash(bit_xor(strata.hash_bits(strata.object_hash(d.kind, d.identity, d.definition))))
    FROM strata.describe() d";

#[test]
fn every_incremental_snapshot_equals_a_full_description() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[]);
    let mut root = db.client();
    // Migration 18 creates a schema.
    root.batch_execute(&format!("GRANT CREATE ON DATABASE {} TO {DEPLOYER}", db.name)).unwrap();
    for (file, sql) in HISTORY {
        dir.write(file, sql);
        let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
        assert_eq!(run.code, 0, "{file}: {}{}", run.stdout, run.stderr);
        assert_eq!(differences(&mut root), Vec::<String>::new(), "after {file}");
        let row = root
            .query_one(
                &format!(
                    "SELECT s.fingerprint, ({LIVE_FINGERPRINT}), s.objects,
                            (SELECT count(*)::int FROM strata.describe())
                     FROM strata.snapshots s ORDER BY s.seq DESC LIMIT 1"
                ),
                &[],
            )
            .unwrap();
        let (kept, live): (Vec<u8>, Vec<u8>) = (row.get(0), row.get(1));
        assert_eq!(kept, live, "fingerprint after {file}");
        let (objects, described): (i32, i32) = (row.get(2), row.get(3));
        assert_eq!(objects, described, "object count after {file}");
    }
    let full: Vec<i64> = root
        .query("SELECT version FROM strata.snapshots WHERE NOT incremental ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(full, DESCRIBED_IN_FULL);
    // Nothing is left noted for a later snapshot.
    let scope: i64 = root.query_one("SELECT count(*) FROM strata.snapshot_scope", &[]).unwrap().get(0);
    assert_eq!(scope, 0);
}

#[test]
fn a_constraint_index_is_named_by_its_constraint_and_any_other_index_by_its_definition() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&[(
        "1_t.up.sql",
        "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, UNIQUE (a) WITH (fillfactor = 70));
         CREATE INDEX t_a_id ON t (a DESC, id) WHERE a > 0;
         ALTER TABLE t REPLICA IDENTITY USING INDEX t_a_key;",
    )]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let rows: Vec<(String, String)> = db
        .client()
        .query(
            "SELECT identity, definition::text FROM strata.describe() WHERE kind = 'index' ORDER BY identity",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "public.t_a_id".to_string(),
                r#"{"table": "public.t", "definition": "CREATE INDEX t_a_id ON public.t USING btree (a DESC, id) WHERE (a > 0)"}"#
                    .to_string()
            ),
            (
                "public.t_a_key".to_string(),
                r#"{"table": "public.t", "options": "fillfactor=70", "constraint": "public.t.t_a_key", "replica identity": true}"#
                    .to_string()
            ),
            ("public.t_pkey".to_string(), r#"{"table": "public.t", "constraint": "public.t.t_pkey"}"#.to_string()),
        ]
    );
}

#[test]
fn a_restored_database_describes_everything_once_then_goes_on_incrementally() {
    let db = TestDb::new();
    let dir = MigrationsDir::new(&HISTORY[..4]);
    let run = strata_url(&db.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // A copy whose objects (and strata's own) have other OIDs than the stored roots.
    let copy = db.restored_copy();
    let mut client = copy.client();
    // The restore's own writes to the ledger are changes outside the API: acknowledged as a DBA
    // does after a restore (pg_ext/README.md).
    client.batch_execute("SELECT strata.repair(NULL, 'accept', 'restored from a dump')").unwrap();
    for (file, sql) in &HISTORY[4..8] {
        dir.write(file, sql);
    }
    let run = strata_url(&copy.url_as(DEPLOYER), &dir, &["up"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(differences(&mut client), Vec::<String>::new());
    let incremental: Vec<bool> = client
        .query("SELECT incremental FROM strata.snapshots WHERE version > 4 ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(incremental, [false, true, true, true], "the first after the restore is full");
}
