fn main() {
    let _ = strata::query!("SELECT id FROM acounts");
}
