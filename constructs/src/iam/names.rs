//! Name rules shared by IAM resources.

use framework::StringRule;

fn iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

fn path_char(c: char) -> bool {
    ('\u{21}'..='\u{7e}').contains(&c)
}

fn description_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}')
}

/// Role names: 1-64 of `[\w+=,.@-]`.
pub const ROLE_NAME: StringRule = StringRule::new(1, 64).chars(iam_name_char, "letters, digits and _+=,.@-");
/// Policy names: 1-128 of `[\w+=,.@-]`.
pub const POLICY_NAME: StringRule = StringRule::new(1, 128).chars(iam_name_char, "letters, digits and _+=,.@-");
/// Paths: 1-512 printable ASCII characters.
pub const PATH: StringRule = StringRule::new(1, 512).chars(path_char, "printable ASCII characters");
/// Descriptions: up to 1000 characters of the IAM set.
pub const DESCRIPTION: StringRule =
    StringRule::new(0, 1000).chars(description_char, "printable characters (Latin-1), tab and newlines");

/// Problems with an IAM path: must begin and end with `/`.
pub fn path_shape_problem(path: &str) -> Option<String> {
    (!(path.starts_with('/') && path.ends_with('/')))
        .then(|| format!("Path {path:?} must begin and end with '/' (e.g. \"/service-role/\")"))
}
