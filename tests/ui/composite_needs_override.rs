#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "place")]
struct Place {
    label: Option<String>,
    at: Option<Address>,
    tags: Option<Vec<String>>,
}

#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "address")]
struct Address {
    street: Option<String>,
    zip: Option<i32>,
    city: Option<String>,
}

fn main() {
    // A composite column needs a derived struct named in the query...
    let _ = strata::query!("SELECT home, past FROM contacts");
    // ...and the one derived for its type.
    let _ = strata::query!(r#"SELECT home AS "home: Place" FROM contacts"#);
    // A parameter of composite type takes only the struct derived for it.
    let _ = strata::query!("INSERT INTO contacts (home) VALUES ($1)", Place { label: None, at: None, tags: None });
    // Postgres types `home = $1` as record: the fix is a cast.
    let home = Address { street: None, zip: None, city: None };
    let _ = strata::query!("SELECT id FROM contacts WHERE home = $1", home);
}
