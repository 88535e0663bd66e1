//! `<version>_<name>.up.sql` / `.down.sql` (the sqlx and golang-migrate convention; a plain
//! `<version>_<name>.sql` is an up migration, as in sqlx), and diesel's directories
//! `<version>_<name>/up.sql`. As in sqlx and golang-migrate, the name part is free text: dots
//! and spaces included (`20240101000000_status_view.sql.up.sql` is version 20240101000000).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationName {
    pub version: i64,
    pub name: String,
    pub direction: Direction,
}

pub const NAME_HELP: &str = "name migration files <version>_<name>.up.sql (and optionally \
     <version>_<name>.down.sql), where <version> is an integer or a UTC timestamp YYYYMMDDHHMMSS, \
     e.g. 20240131093000_create_users.up.sql";

/// Parses a file name; `Ok(None)` for files that are not SQL and so not migrations at all.
pub fn parse(file_name: &str) -> Result<Option<MigrationName>, String> {
    let Some(stem) = file_name.strip_suffix(".sql") else {
        return Ok(None);
    };
    let (stem, direction) = if let Some(s) = stem.strip_suffix(".up") {
        (s, Direction::Up)
    } else if let Some(s) = stem.strip_suffix(".down") {
        (s, Direction::Down)
    } else {
        (stem, Direction::Up)
    };
    let Some((version, name)) = stem.split_once('_') else {
        return Err(format!("\"{file_name}\" has no \"_\" between version and name"));
    };
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("\"{file_name}\" does not start with a numeric version"));
    }
    let version: i64 = version
        .parse()
        .map_err(|_| format!("the version of \"{file_name}\" does not fit in a 64-bit integer"))?;
    if name.is_empty() {
        return Err(format!("\"{file_name}\" has an empty name after the version"));
    }
    if name.contains(['\n', '\r']) {
        return Err(format!("the name part of \"{file_name}\" contains a line break"));
    }
    Ok(Some(MigrationName { version, name: name.to_string(), direction }))
}

/// A diesel migration directory, `<version>_<name>` where the version may be written with
/// dashes or underscores between its digit groups, as `diesel migration generate` does
/// (`2024-01-31-093000_create_users`, `2024_01_31_093000_create_users`): the digits make the
/// version. `None` for directories that are not named like one.
pub fn parse_dir(dir_name: &str) -> Option<MigrationName> {
    // The version is the leading run of digits and separators that ends before the name.
    let bytes = dir_name.as_bytes();
    let mut end = 0;
    let mut version = String::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'0'..=b'9' => {
                version.push(bytes[i] as char);
                end = i + 1;
            }
            b'-' | b'_' if end == i && !version.is_empty() => {}
            _ => break,
        }
        i += 1;
    }
    let name = match dir_name.get(end..).and_then(|rest| rest.strip_prefix('_')) {
        Some(name) => name,
        // `1_2fa_setup`: the digits after the first `_` were the name's.
        None => {
            let (v, name) = dir_name.split_once('_')?;
            version = v.chars().filter(|c| *c != '-').collect();
            if !version.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            name
        }
    };
    if version.is_empty() || name.is_empty() {
        return None;
    }
    let version: i64 = version.parse().ok()?;
    Some(MigrationName { version, name: name.to_string(), direction: Direction::Up })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(file: &str) -> MigrationName {
        parse(file).unwrap().unwrap()
    }

    #[test]
    fn accepts_integers_and_timestamps() {
        assert_eq!(
            ok("0001_create_users.up.sql"),
            MigrationName { version: 1, name: "create_users".into(), direction: Direction::Up }
        );
        assert_eq!(ok("20240131093000_add-email.down.sql").version, 20240131093000);
        assert_eq!(ok("20240131093000_add-email.down.sql").direction, Direction::Down);
        assert_eq!(ok("7_plain.sql").direction, Direction::Up);
    }

    #[test]
    fn name_parts_may_have_dots_and_spaces_as_in_sqlx_and_golang_migrate() {
        let m = ok("20240101000000_status_view.sql.up.sql");
        assert_eq!((m.version, m.name.as_str()), (20240101000000, "status_view.sql"));
        assert_eq!(ok("3_add users table.sql").name, "add users table");
        assert_eq!(ok("4_v1.2.down.sql").direction, Direction::Down);
    }

    #[test]
    fn diesel_directories_name_the_version_with_separators() {
        let v = |d: &str| parse_dir(d).map(|m| (m.version, m.name));
        assert_eq!(v("2024-01-31-093000_create_users"), Some((20240131093000, "create_users".into())));
        assert_eq!(v("2024_01_31_093000_create_users"), Some((20240131093000, "create_users".into())));
        assert_eq!(v("00000000000000_diesel_initial_setup"), Some((0, "diesel_initial_setup".into())));
        assert_eq!(v("20240131093000_x"), Some((20240131093000, "x".into())));
        assert_eq!(v("1_2fa_setup"), Some((1, "2fa_setup".into())));
        assert_eq!(v("src"), None);
        assert_eq!(v("2024"), None);
    }

    #[test]
    fn ignores_files_that_are_not_sql() {
        assert_eq!(parse("README.md"), Ok(None));
        assert_eq!(parse(".gitkeep"), Ok(None));
    }

    #[test]
    fn rejects_bad_names_with_a_reason() {
        for (file, reason) in [
            ("create_users.up.sql", "numeric version"),
            ("12.up.sql", "no \"_\""),
            ("v1_users.up.sql", "numeric version"),
            ("1_.up.sql", "empty name"),
            ("99999999999999999999_x.up.sql", "64-bit"),
        ] {
            let err = parse(file).unwrap_err();
            assert!(err.contains(reason), "{file}: {err}");
        }
    }
}
