// Every mistake in the attribute is reported, each at its place.
const NAME: &str = "users";

#[strata::test(fixture("users"), migrations = 1)]
fn unknown_key_and_bad_migrations(client: &mut postgres::Client) {
    let _ = client;
}

#[strata::test(fixtures(NAME, "missing"))]
fn fixture_not_a_literal_and_a_missing_file(client: &mut postgres::Client) {
    let _ = client;
}

fn main() {}
