//! `<version>_<name>.up.sql` / `.down.sql` (the sqlx and golang-migrate convention; a plain
//! `<version>_<name>.sql` is an up migration, as in sqlx).

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
    if name.contains(['.', ' ', '\t', '\n']) {
        return Err(format!("the name part of \"{file_name}\" may not contain dots or spaces"));
    }
    Ok(Some(MigrationName { version, name: name.to_string(), direction }))
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
            ("1_a.b.up.sql", "dots"),
        ] {
            let err = parse(file).unwrap_err();
            assert!(err.contains(reason), "{file}: {err}");
        }
    }
}
