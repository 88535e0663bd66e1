fn main() {
    // `karma` is NOT NULL: None would fail at run time, so Option is refused here...
    let _ = strata::query!("UPDATE accounts SET karma = $1", Some(1));
    // ...and accepted where the target allows NULL.
    let _ = strata::query!("UPDATE accounts SET balance = $1", None::<i64>);
}
