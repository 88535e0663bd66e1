//! sqlx's `rename_all` values: how a variant's name becomes its label.

/// The cases `rename_all` accepts, as sqlx spells them.
pub const CASES: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "camelCase",
    "PascalCase",
];

/// `name` in `case` (one of [`CASES`]); `None` for an unknown case.
pub fn rename(name: &str, case: &str) -> Option<String> {
    let words = words(name);
    let capitalized = || words.iter().map(|w| capitalize(w)).collect::<String>();
    Some(match case {
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "snake_case" => words.join("_"),
        "SCREAMING_SNAKE_CASE" => words.join("_").to_uppercase(),
        "kebab-case" => words.join("-"),
        "PascalCase" => capitalized(),
        "camelCase" => {
            let pascal = capitalized();
            let mut chars = pascal.chars();
            chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
        }
        _ => return None,
    })
}

/// The lower-case words of an identifier, split as heck (which sqlx uses) splits them: at `_`,
/// before an upper-case letter that follows a lower-case one or a digit, and before the last
/// capital of an acronym (`HTTPServer` is `http`, `server`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        // Spaces and hyphens only occur in labels (for which a variant name is suggested).
        if matches!(c, '_' | ' ' | '-') {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && !word.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase) && next.is_some_and(char::is_lowercase)));
        if boundary {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sqlx_case() {
        let all = |name: &str| CASES.iter().map(|c| rename(name, c).unwrap()).collect::<Vec<_>>();
        assert_eq!(
            all("VeryHappy"),
            ["veryhappy", "VERYHAPPY", "very_happy", "VERY_HAPPY", "very-happy", "veryHappy", "VeryHappy"]
        );
        assert_eq!(all("Ok"), ["ok", "OK", "ok", "OK", "ok", "ok", "Ok"]);
        assert_eq!(rename("HTTPServer", "snake_case").unwrap(), "http_server");
        assert_eq!(rename("Level2Cache", "kebab-case").unwrap(), "level2-cache");
        assert_eq!(rename("Happy", "Title Case"), None);
        assert_eq!(rename("very cloudy", "PascalCase").unwrap(), "VeryCloudy");
    }
}
