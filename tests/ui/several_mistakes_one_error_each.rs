#[allow(unreachable_code)]
fn main() {
    let mut client: postgres::Client = unimplemented!();
    // Two mistakes, two errors; the fallback row still has every column the code reads.
    let row = strata::query!("SELECT handel, karma, nmae FROM accounts WHERE karma > $1", 1)
        .fetch_one(&mut client)
        .unwrap();
    let handle: String = row.handel;
    let karma: i32 = row.karma;
    println!("{handle} {karma} {}", row.nmae.len());
    // An unknown table: one error, not one per column.
    let rows = strata::query!("SELECT id, handle FROM acounts").fetch_all(&mut client).unwrap();
    for r in rows {
        let _: String = r.handle;
        let _: uuid::Uuid = r.id;
    }
    // A wrong argument: one error at the argument; the row is still typed.
    let r = strata::query!("SELECT handle FROM accounts WHERE karma = $1", "ten").fetch_one(&mut client).unwrap();
    let _: String = r.handle;
    // query_as! and query_scalar! keep their types too.
    struct Handle {
        handle: String,
    }
    let h = strata::query_as!(Handle, "SELECT handle FROM acounts").fetch_one(&mut client).unwrap();
    let _: String = h.handle;
    let n = strata::query_scalar!("SELECT count(*) FROM acounts").fetch_one(&mut client).unwrap();
    let _: i64 = n;
}
