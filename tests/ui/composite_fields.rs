// Every field must be an attribute, every attribute a field, and a field's type must fit.
#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "address")]
struct Address {
    street: String,
    zipcode: Option<i32>,
    city: Option<i64>,
}

/// A nested composite attribute needs the struct derived for its type.
#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "place")]
struct Place {
    label: Option<String>,
    at: Option<String>,
    tags: Option<Vec<String>>,
}

#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "place")]
struct WrongPlace {
    label: Option<String>,
    at: Option<Place>,
    tags: Vec<String>,
}

fn main() {
    // No follow-on errors where the type is used.
    let _ = strata::query!(r#"SELECT home AS "home: Address" FROM contacts WHERE home = $1::address"#, Address {
        street: String::new(),
        zipcode: None,
        city: None,
    });
}
