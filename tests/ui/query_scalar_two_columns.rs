fn main() {
    let _ = strata::query_scalar!("SELECT handle, karma FROM accounts");
}
