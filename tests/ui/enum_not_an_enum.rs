#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "positive")]
enum Positive {
    One,
}

#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "moods")]
enum Moods {
    Sad,
}

#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "int4")]
enum Int {
    Zero,
}

fn main() {
    // No follow-on errors where the types are used.
    let _ = strata::query!(r#"SELECT mood AS "mood: Moods" FROM diary WHERE mood = $1"#, Moods::Sad);
}
