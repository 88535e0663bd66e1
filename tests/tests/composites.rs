//! Composite types through `#[derive(strata::Type)]` structs and the checked query macros on a
//! real database: columns (`AS "col: Address"`) and parameters, NULL attributes and NULL
//! values, arrays of composites, a composite nested in another, renamed fields, sync and async.

use strata_e2e::PlainDb;

#[derive(Debug, Clone, PartialEq, strata::Type)]
#[strata(type_name = "address")]
struct Address {
    street: String,
    zip: Option<i32>,
    city: Option<String>,
}

/// Fields in another order than the attributes, one renamed, and a nested composite.
#[derive(Debug, Clone, PartialEq, strata::Type)]
#[strata(type_name = "public.place", rename_all = "snake_case")]
struct Place {
    tags: Option<Vec<String>>,
    #[strata(rename = "at")]
    address: Option<Address>,
    label: String,
}

fn home() -> Address {
    Address { street: "1 Main St".into(), zip: Some(12345), city: None }
}

#[test]
fn composites_as_columns_and_parameters() {
    let db = PlainDb::new("composite_values");
    let mut client = db.client();
    let work = Address { street: "Dock 4".into(), zip: None, city: Some("Hull".into()) };
    let place = Place { tags: Some(vec!["cafe".into()]), address: Some(work.clone()), label: "lunch".into() };
    let id = strata::query_scalar!(
        "INSERT INTO contacts (home, work, past, favourite) VALUES ($1, $2, $3, $4) RETURNING id",
        home(),
        Some(&work),
        vec![work.clone(), home()],
        Some(place.clone())
    )
    .fetch_one(&mut client)
    .unwrap();
    let row = strata::query!(
        r#"SELECT home AS "home: Address", work AS "work: Address", past AS "past: Vec<Address>",
                  favourite AS "favourite: Place", (home).zip AS zip
           FROM contacts WHERE id = $1"#,
        id
    )
    .fetch_one(&mut client)
    .unwrap();
    let typed: (Address, Option<Address>, Vec<Address>, Option<Place>) =
        (row.home, row.work, row.past, row.favourite);
    assert_eq!(typed, (home(), Some(work.clone()), vec![work.clone(), home()], Some(place)));
    assert_eq!(row.zip, Some(12345));

    // The server sees the attributes: field access and comparison with a composite parameter.
    let texts = strata::query!(
        r#"SELECT (work).city AS city, home::text AS "text!" FROM contacts WHERE home = $1::address"#,
        &home()
    )
    .fetch_all(&mut client)
    .unwrap();
    assert_eq!(texts.len(), 1);
    assert_eq!((texts[0].city.as_deref(), texts[0].text.as_str()), (Some("Hull"), "(\"1 Main St\",12345,)"));
    // A row built by the query, cast to the type.
    let built = strata::query_scalar!(
        r#"SELECT ROW($1::text, NULL, 'Oslo')::address AS "a!: Address""#,
        "Storgata 1"
    )
    .fetch_one(&mut client)
    .unwrap();
    assert_eq!(built, Address { street: "Storgata 1".into(), zip: None, city: Some("Oslo".into()) });
}

#[test]
fn null_composites_and_null_attributes() {
    let db = PlainDb::new("composite_nulls");
    let mut client = db.client();
    strata::query!("INSERT INTO contacts (home, work) VALUES ($1, $2)", &home(), None::<Address>)
        .execute(&mut client)
        .unwrap();
    strata::query!("UPDATE contacts SET favourite = ROW('x', NULL, NULL)").execute(&mut client).unwrap();
    let row = strata::query!(
        r#"SELECT work AS "work: Address", past AS "past: Vec<Address>", favourite AS "f: Place" FROM contacts"#
    )
    .fetch_one(&mut client)
    .unwrap();
    assert_eq!((row.work, row.past), (None, vec![]));
    assert_eq!(row.f, Some(Place { tags: None, address: None, label: "x".into() }));
    // A NULL attribute read into a non-Option field is an error that names the attribute.
    strata::query!("UPDATE contacts SET home = ROW(NULL, 1, NULL)").execute(&mut client).unwrap();
    let err = strata::query_scalar!(r#"SELECT home AS "home: Address" FROM contacts"#)
        .fetch_one(&mut client)
        .unwrap_err();
    assert!(format!("{err:?}").contains("street"), "{err:?}");
}

strata::query! {
    /// A named row type with a composite, as a repository function returns it.
    pub struct ContactHome = r#"SELECT id, home AS "home: Address" FROM contacts WHERE home = $1::address"#;
}

#[test]
fn composites_async_and_in_named_rows() {
    let db = PlainDb::new("composite_async");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&db.url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        strata::query!("INSERT INTO contacts (home) VALUES ($1)", home()).execute(&client).await.unwrap();
        let found = ContactHome::query(&home()).fetch_all(&client).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].home, home());
    });
}
