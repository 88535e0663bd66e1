fn main() {
    let _ = strata::query!("SELECT to_tsvector(handle) AS doc FROM accounts");
}
