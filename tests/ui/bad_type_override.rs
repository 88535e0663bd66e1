fn main() {
    let _ = strata::query!(r#"SELECT karma AS "karma: not a type" FROM accounts"#);
}
