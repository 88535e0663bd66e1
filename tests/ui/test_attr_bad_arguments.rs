// What a test takes: one client (sync or async as the fn is) or a TestDb.
#[strata::test]
fn two_arguments(client: &mut postgres::Client, other: &mut postgres::Client) {
    let _ = (client, other);
}

#[strata::test]
fn async_client_in_a_sync_test(client: tokio_postgres::Client) {
    let _ = client;
}

#[strata::test]
async fn sync_client_in_an_async_test(client: &mut postgres::Client) {
    let _ = client;
}

#[strata::test]
fn not_a_client(id: i64) {
    let _ = id;
}

fn main() {}
