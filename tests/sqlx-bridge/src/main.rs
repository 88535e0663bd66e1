//! A small sqlx app, as its authors wrote it: query!, query_as!, query_scalar!, overrides, an
//! enum, a transaction. It builds with SQLX_OFFLINE=true from the files strata wrote.

#[derive(Debug, sqlx::Type, PartialEq)]
#[sqlx(type_name = "mood", rename_all = "lowercase")]
enum Mood {
    Sad,
    Ok,
    Happy,
}

#[derive(Debug)]
struct Account {
    id: i64,
    handle: String,
    bio: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), sqlx::Error> {
    let pool = sqlx::PgPool::connect(&std::env::var("DATABASE_URL").expect("DATABASE_URL")).await?;
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO accounts (handle, mood) VALUES ($1, $2) RETURNING id",
        "ada",
        Mood::Happy as Mood
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!("INSERT INTO notes (account_id, body, tags) VALUES ($1, $2, $3)", id, "first", &["a".to_string()][..])
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    let account = sqlx::query_as!(Account, "SELECT id, handle, bio FROM accounts WHERE id = $1", id)
        .fetch_one(&pool)
        .await?;
    let row = sqlx::query!(
        r#"SELECT a.mood AS "mood: Mood", n.body, n.tags, count(*) OVER () AS "total!"
           FROM accounts a LEFT JOIN notes n ON n.account_id = a.id WHERE a.id = $1"#,
        id
    )
    .fetch_one(&pool)
    .await?;
    // Types the macros chose from the offline data: a LEFT JOIN makes body nullable.
    let body: Option<String> = row.body;
    let tags: Option<Vec<String>> = row.tags;
    let total: i64 = row.total;
    assert_eq!(row.mood, Mood::Happy);
    println!("{} {} {:?} {:?} {:?} {total}", account.id, account.handle, account.bio, body, tags);
    Ok(())
}
