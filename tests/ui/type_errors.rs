fn main() {
    let _ = strata::query!("SELECT handle FROM accounts WHERE id = balance");
    let _ = strata::query!("SELECT handle FROM accounts WHERE id = 42");
    let _ = strata::query!("SELECT upper(id) AS u FROM accounts");
    let _ = strata::query!("INSERT INTO accounts (handle, karma) VALUES ('a', 1, 2)");
}
