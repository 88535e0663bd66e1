fn main() {
    let _ = strata::query!("SELECT id FROM diary WHERE mood = 'happyy'");
    let _ = strata::query!("SELECT 'happyy'::mood AS m");
    let _ = strata::query!("INSERT INTO diary (mood) VALUES ('happyy')");
}
