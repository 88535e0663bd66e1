fn main() {
    let _ = strata::query!("SELECT karma * 1.5 AS score FROM accounts");
}
