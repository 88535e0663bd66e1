fn main() {
    let _ = strata::query!("SELECT handle FROM accounts WHERE karma = $1 AND handle = $2", 10);
}
