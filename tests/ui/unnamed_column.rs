fn main() {
    let _ = strata::query!("SELECT karma + 1 FROM accounts");
}
