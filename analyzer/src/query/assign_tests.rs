//! 42804 for values no assignment coercion stores in their column, checked against Postgres 15.

use super::tests::{errors, shape};

#[test]
fn values_that_cannot_be_stored_in_their_column_are_rejected() {
    assert_eq!(
        errors("INSERT INTO events (id, data, at) VALUES (1, coalesce($1, '{}'), now())"),
        ["1:46: column \"data\" is of type jsonb but expression is of type text \
          [You will need to rewrite or cast the expression.]"]
    );
    assert_eq!(
        errors("UPDATE users SET age = now()"),
        ["1:24: column \"age\" is of type integer but expression is of type timestamp with time zone \
          [You will need to rewrite or cast the expression.]"]
    );
    assert_eq!(
        errors("INSERT INTO posts (author_id, title) SELECT email, 'x' FROM users"),
        ["1:45: column \"author_id\" is of type bigint but expression is of type text \
          [You will need to rewrite or cast the expression.]"]
    );
}

#[test]
fn assignment_casts_io_to_strings_and_unknown_literals_are_stored() {
    // int8 -> int4 is an assignment cast, anything -> text an I/O conversion, '5' unknown.
    shape("UPDATE users SET age = id, name = created_at, email = 5::numeric");
    shape("INSERT INTO users (email, age) SELECT 'x', '5'");
    shape("INSERT INTO posts (author_id, title, tags) VALUES (1::int2, 'x', ARRAY['a'::varchar])");
}
