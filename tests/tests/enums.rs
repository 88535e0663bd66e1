//! Postgres enums through the checked query macros on a real database: as `String` by default
//! and as a `#[derive(strata::Type)]` Rust enum, as parameters and columns, NULL, arrays and
//! renamed variants, sync and async.

use strata_e2e::PlainDb;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strata::Type)]
#[strata(type_name = "mood", rename_all = "lowercase")]
enum Mood {
    Sad,
    Ok,
    Happy,
}

/// Schema-qualified, with a variant whose label is not its name in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strata::Type)]
#[strata(type_name = "public.weather", rename_all = "snake_case")]
enum Weather {
    Sunny,
    Rainy,
    #[strata(rename = "very cloudy")]
    Overcast,
}

#[test]
fn enums_as_strings_by_default() {
    let db = PlainDb::new("enum_text");
    let mut client = db.client();
    let id = strata::query_scalar!(
        "INSERT INTO diary (mood, maybe, moods, weather) VALUES ($1, $2, $3, $4) RETURNING id",
        "happy",
        None::<&str>,
        vec!["sad", "ok"],
        Some("very cloudy".to_string())
    )
    .fetch_one(&mut client)
    .unwrap();
    let row = strata::query!("SELECT mood, maybe, moods, weather FROM diary WHERE id = $1", id)
        .fetch_one(&mut client)
        .unwrap();
    let (mood, maybe, moods, weather): (String, Option<String>, Vec<String>, Option<String>) =
        (row.mood, row.maybe, row.moods, row.weather);
    assert_eq!(
        (mood.as_str(), maybe, moods, weather.as_deref()),
        ("happy", None, vec!["sad".into(), "ok".into()], Some("very cloudy"))
    );

    // A text parameter compared with an enum column, and a text array with `= ANY`.
    let mood = String::from("happy");
    let n = strata::query_scalar!("SELECT count(*) FROM diary WHERE mood = $1", &mood)
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!(n, 1);
    let ids = strata::query_scalar!("SELECT id FROM diary WHERE mood = ANY($1)", &["sad", "happy"][..])
        .fetch_all(&mut client)
        .unwrap();
    assert_eq!(ids, [id]);
    // An enum array built by the query, and a label the database has that no variant covers
    // would be an error only for the derived type: text reads anything.
    let labels =
        strata::query_scalar!("SELECT enum_range(NULL::mood) AS \"labels!\"").fetch_one(&mut client).unwrap();
    assert_eq!(labels, ["sad", "ok", "happy"]);
}

#[test]
fn derived_enums_as_parameters_and_columns() {
    let db = PlainDb::new("enum_derived");
    let mut client = db.client();
    let id = strata::query_scalar!(
        "INSERT INTO diary (mood, maybe, moods, weather) VALUES ($1, $2, $3, $4) RETURNING id",
        Mood::Sad,
        Some(Mood::Ok),
        vec![Mood::Happy, Mood::Sad],
        Some(Weather::Overcast)
    )
    .fetch_one(&mut client)
    .unwrap();
    let mood = Mood::Sad;
    strata::query!("INSERT INTO diary (mood, maybe) VALUES ($1, $2)", &mood, None::<Mood>)
        .execute(&mut client)
        .unwrap();
    // Borrowed values: `Option<&Mood>` where NULL is allowed, `Vec<&Mood>` for an array.
    let ok = Mood::Ok;
    let n = strata::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM diary WHERE maybe IS NOT DISTINCT FROM $1 AND moods = $2"#,
        Some(&ok),
        vec![&Mood::Happy, &Mood::Sad]
    )
    .fetch_one(&mut client)
    .unwrap();
    assert_eq!(n, 1);

    let rows = strata::query!(
        r#"SELECT id, mood AS "mood: Mood", maybe AS "maybe: Mood", moods AS "moods: Vec<Mood>",
                  weather AS "weather: Weather", maybe AS "forced!: Mood", mood::text AS text
           FROM diary WHERE mood = $1 ORDER BY id"#,
        Mood::Sad
    )
    .fetch_all(&mut client);
    // `forced!` is NULL in the second row: reading it fails rather than inventing a value.
    assert!(rows.is_err(), "a NULL in a `!` column is an error");

    let rows = strata::query!(
        r#"SELECT id, mood AS "mood: Mood", maybe AS "maybe: Mood", moods AS "moods: Vec<Mood>",
                  weather AS "weather: Weather", mood::text AS text
           FROM diary WHERE mood = $1 ORDER BY id"#,
        Mood::Sad
    )
    .fetch_all(&mut client)
    .unwrap();
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    let (m, maybe, moods, weather): (Mood, Option<Mood>, Vec<Mood>, Option<Weather>) =
        (first.mood, first.maybe, first.moods.clone(), first.weather);
    assert_eq!(
        (first.id, m, maybe, moods, weather),
        (id, Mood::Sad, Some(Mood::Ok), vec![Mood::Happy, Mood::Sad], Some(Weather::Overcast))
    );
    assert_eq!(first.text, "sad");
    assert_eq!((rows[1].maybe, rows[1].moods.as_slice(), rows[1].weather), (None, &[][..], None));

    // `?` makes a NOT NULL enum column optional; the renamed label round-trips as text too.
    let w = strata::query_scalar!(r#"SELECT weather AS "w?: Weather" FROM diary WHERE id = $1"#, id)
        .fetch_one(&mut client)
        .unwrap();
    assert_eq!(w, Some(Weather::Overcast));
    let labels = strata::query_scalar!(
        r#"SELECT weather::text AS "w!" FROM diary WHERE weather = $1"#,
        Weather::Overcast
    )
    .fetch_all(&mut client)
    .unwrap();
    assert_eq!(labels, ["very cloudy"]);
    // Derived values and text mix in one query; an enum array parameter takes a slice.
    let n = strata::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM diary WHERE mood = ANY($1) AND weather IS NOT DISTINCT FROM $2"#,
        &[Mood::Sad, Mood::Happy][..],
        None::<&str>
    )
    .fetch_one(&mut client)
    .unwrap();
    assert_eq!(n, 1);
}

strata::query! {
    /// A named row type with a derived enum, as a repository function returns it.
    pub struct DiaryEntry = r#"SELECT id, mood AS "mood: Mood", weather AS "weather: Weather" FROM diary WHERE mood = $1"#;
}

#[test]
fn enums_async_and_in_named_rows() {
    let db = PlainDb::new("enum_async");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&db.url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        strata::query!(
            "INSERT INTO diary (mood, weather) VALUES ($1, $2)",
            Mood::Happy,
            Some(Weather::Rainy)
        )
        .execute(&client)
        .await
        .unwrap();
        strata::query!("UPDATE diary SET maybe = $1 WHERE mood = 'happy'", Some("ok"))
            .execute(&client)
            .await
            .unwrap();
        let entries = DiaryEntry::query(&Mood::Happy).fetch_all(&client).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!((entries[0].mood, entries[0].weather), (Mood::Happy, Some(Weather::Rainy)));
        let maybe = strata::query_scalar!("SELECT maybe FROM diary").fetch_one(&client).await.unwrap();
        assert_eq!(maybe.as_deref(), Some("ok"));
    });
}
