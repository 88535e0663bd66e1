fn main() {
    let _ = strata::query!("SELECT handle FROM accounts WHERE karma = $1", "ten");
}
