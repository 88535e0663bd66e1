fn main() {
    let _ = strata::query!("SELECT id, handel FROM accounts WHERE karma > $1", 3);
}
