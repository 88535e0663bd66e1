#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "mood")]
struct Mood {
    label: String,
}

#[derive(Debug, Clone, strata::Type)]
#[strata(type_name = "adress")]
struct Address {
    street: String,
}

#[derive(Debug, Clone, strata::Type)]
struct Unnamed(i32);

fn main() {
    let _ = strata::query!(r#"SELECT home AS "home: Address" FROM contacts WHERE id = $1"#, 1_i64);
}
