#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "mood", rename_all = "lowercase")]
enum Mood {
    Sad,
    Happy,
}

#[derive(Debug, Clone, Copy, strata::Type)]
#[strata(type_name = "public.weather", rename_all = "snake_case")]
enum Weather {
    Sunny,
    Rainy,
}

fn main() {}
