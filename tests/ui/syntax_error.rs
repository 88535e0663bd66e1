fn main() {
    let _ = strata::query!("SELECT handle
        FORM accounts");
}
