fn main() {
    let mut client = postgres::Client::connect("", postgres::NoTls).unwrap();
    let row = strata::query!("SELECT handle, bio FROM accounts LIMIT 1").fetch_one(&mut client).unwrap();
    let _handle: String = row.handle;
    let _bio: String = row.bio;
}
