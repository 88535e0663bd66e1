//! Repository code as a sqlx user writes it, moved to strata by changing only the import
//! (`use sqlx as db;` became `use strata as db;`) and the connection type: `query_as!` into
//! hand-written structs, `query_scalar!`, `query_file!`, sqlx's overrides (`AS "id!"`,
//! `AS "n: i64"`, `arg as _`), and a transaction. No database at compile time.
//!
//! Run after `strata-example` has migrated the database: `cargo run -p strata-example --bin moved_from_sqlx`.

use strata as db;

#[derive(Debug)]
struct Author {
    id: i64,
    name: String,
    bio: Option<String>,
}

#[derive(Debug)]
struct PostCount {
    name: String,
    posts: i64,
}

type Client = postgres::Client;

fn author_by_email(c: &mut Client, email: &str) -> Result<Option<Author>, db::Error> {
    db::query_as!(Author, "SELECT id, name, bio FROM authors WHERE email = $1", email).fetch_optional(c)
}

fn post_counts(c: &mut Client) -> Result<Vec<PostCount>, db::Error> {
    db::query_as!(
        PostCount,
        r#"SELECT a.name, count(p.id) AS "posts!: i64"
           FROM authors a LEFT JOIN posts p ON p.author_id = a.id
           GROUP BY a.id, a.name ORDER BY a.name"#
    )
    .fetch_all(c)
}

/// Runs on a client or inside a transaction, as sqlx's `impl Executor` functions do.
fn set_bio(c: &mut impl postgres::GenericClient, id: i64, bio: Option<&str>) -> Result<u64, db::Error> {
    db::query!("UPDATE authors SET bio = $1 WHERE id = $2", bio, id as _).execute(c)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "host=/var/run/postgresql user=root dbname=strata_example".to_string());
    let mut client = Client::connect(&url, postgres::NoTls)?;
    db::migrate!("migrations").run(&mut client)?;

    let mut tx = client.transaction()?;
    let id = db::query_scalar!(
        r#"INSERT INTO authors (name, email) VALUES ($1, $2)
           ON CONFLICT (email) DO UPDATE SET name = excluded.name RETURNING id AS "id!""#,
        "Grace Hopper",
        "grace@example.com"
    )
    .fetch_one(&mut tx)?;
    set_bio(&mut tx, id, Some("Wrote the first compiler."))?;
    tx.commit()?;

    let grace = author_by_email(&mut client, "grace@example.com")?.expect("just inserted");
    println!("{} (#{}): {}", grace.name, grace.id, grace.bio.as_deref().unwrap_or("-"));
    for row in db::query_file!("queries/posts_by_author.sql", grace.id).fetch_all(&mut client)? {
        println!("  post #{} {} published: {}", row.id, row.title, row.published_at.is_some());
    }
    for c in post_counts(&mut client)? {
        println!("{} has {} post(s)", c.name, c.posts);
    }
    Ok(())
}
