struct Account {
    handle: String,
}

fn main() {
    let _ = strata::query_as!(Account, "SELECT handle, karma FROM accounts");
}
