fn main() {
    let _ = strata::query!("SELECT now() - created_at AS age FROM accounts");
}
