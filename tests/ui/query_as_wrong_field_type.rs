struct Account {
    handle: String,
    karma: i64,
}

fn main() {
    let _ = strata::query_as!(Account, "SELECT handle, karma FROM accounts");
}
