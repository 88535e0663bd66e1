#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "mood", rename_all = "lowercase")]
enum Mood {
    Sad,
    Ok,
    Happy,
    Happyy,
    Angry,
}

fn main() {
    // The type still works: no follow-on errors here.
    let _ = strata::query!(r#"SELECT mood AS "mood: Mood" FROM diary WHERE maybe IS NOT DISTINCT FROM $1"#, Some(Mood::Sad));
}
