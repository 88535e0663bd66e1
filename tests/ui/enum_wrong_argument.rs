#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "weather", rename_all = "snake_case")]
enum Weather {
    Sunny,
    Rainy,
    #[strata(rename = "very cloudy")]
    Overcast,
}

fn main() {
    // A Rust enum derived for another Postgres enum than the parameter's.
    let _ = strata::query!("SELECT id FROM diary WHERE mood = $1", Weather::Sunny);
}
