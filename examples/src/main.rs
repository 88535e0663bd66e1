//! A small blog using strata: migrations embedded and applied at start-up, checked queries.
//!
//! `DATABASE_URL` picks the database (default: the local socket, database `strata_example`).

use std::error::Error;

/// The Postgres enum `author_role`; its variants are checked against the migrations' labels.
#[derive(Debug, Clone, Copy, PartialEq, strata::Type)]
#[strata(type_name = "author_role", rename_all = "lowercase")]
enum Role {
    Writer,
    Editor,
}

fn main() -> Result<(), Box<dyn Error>> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "host=/var/run/postgresql user=root dbname=strata_example".to_string());
    let mut client = postgres::Client::connect(&url, postgres::NoTls)?;

    // Idempotent: applies only what the database does not have yet.
    let applied = strata::migrate!("migrations").run(&mut client)?;
    println!("migrations: {} applied at start-up", applied.len());

    let author = strata::query!(
        r#"INSERT INTO authors (name, email, bio, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role
         RETURNING id, name, created_at, role AS "role: Role""#,
        "Ada Lovelace",
        "ada@example.com",
        None::<&str>,
        Some(Role::Writer)
    )
    .fetch_one(&mut client)?;
    println!(
        "author #{}: {} (since {}, {:?})",
        author.id,
        author.name,
        author.created_at.date(),
        author.role
    );

    let post = strata::query!(
        "INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) RETURNING id, published_at",
        author.id,
        "Notes on the Analytical Engine",
        "It might act upon other things besides number."
    )
    .fetch_one(&mut client)?;
    println!("post #{} created, published: {:?}", post.id, post.published_at);

    let published =
        strata::query!("UPDATE posts SET published_at = now() WHERE id = $1 RETURNING published_at", post.id)
            .fetch_one(&mut client)?;
    println!("post #{} published at {:?}", post.id, published.published_at.map(|t| t.time()));

    let rows = strata::query!(
        "SELECT a.name, a.bio, p.title, p.published_at
         FROM posts p JOIN authors a ON a.id = p.author_id
         WHERE a.email = $1 ORDER BY p.id DESC LIMIT $2",
        "ada@example.com",
        3_i64
    )
    .fetch_all(&mut client)?;
    for row in &rows {
        let bio = row.bio.as_deref().unwrap_or("(no bio)");
        println!("  {} by {} {bio}: published {}", row.title, row.name, row.published_at.is_some());
    }

    let counts = strata::query!(
        "SELECT a.name, count(p.id) AS posts FROM authors a LEFT JOIN posts p ON p.author_id = a.id
         GROUP BY a.id, a.name ORDER BY a.name"
    )
    .fetch_all(&mut client)?;
    for c in counts {
        println!("{} has {} post(s)", c.name, c.posts);
    }
    Ok(())
}
