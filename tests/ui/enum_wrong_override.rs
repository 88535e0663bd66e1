#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "mood", rename_all = "lowercase")]
enum Mood {
    Sad,
    Ok,
    Happy,
}

fn main() {
    let _ = strata::query!(r#"SELECT weather AS "weather: Mood" FROM diary"#);
    // The right enum, and text for any enum: no error.
    let _ = strata::query!(r#"SELECT mood AS "mood: Mood", weather AS "w: String" FROM diary"#);
}
