fn main() {
    let _ = strata::query_file!("queries/no_such_file.sql", 1);
}
