// The UI cases build with both `decimal` and `bigdecimal` and no STRATA_NUMERIC: no silent pick.
fn main() {
    let row = strata::query!(r#"SELECT 1.5::numeric AS "n!""#);
    let _ = row;
}
