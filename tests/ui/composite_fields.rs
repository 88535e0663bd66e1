// Every field must be an attribute, every attribute a field, and a field's type must fit.
#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "address")]
struct Address {
    street: String,
    zipcode: Option<i32>,
    city: Option<i64>,
}

fn main() {
    // No follow-on errors where the type is used.
    let _ = strata::query!(r#"SELECT home AS "home: Address" FROM contacts WHERE home = $1::address"#, Address {
        street: String::new(),
        zipcode: None,
        city: None,
    });
}
