//! Syntax checks for the strings inside a definition: JSONPath, reference paths, RFC 3339
//! timestamps, `StringMatches` patterns and intrinsic functions.

/// Why `path` is not a JSONPath the States Language accepts (`$`, `$.a.b`, `$..x`, `$.a[0]`,
/// `$.a[*]`, `$['k']`, `$.a[?(@.b > 1)]`, and context-object paths `$$.Execution.Id`).
pub fn json_path_problem(path: &str) -> Option<String> {
    path_problem(path, false).map(|why| format!("{path:?} is not a valid JSONPath: {why}"))
}

/// Why `path` is not a reference path (a JSONPath that selects a single node: no wildcards,
/// filters, slices, unions or `..`), as `ResultPath` and a Choice rule's `Variable` require.
pub fn reference_path_problem(path: &str) -> Option<String> {
    path_problem(path, true).map(|why| format!("{path:?} is not a valid reference path: {why}"))
}

fn path_problem(path: &str, reference: bool) -> Option<String> {
    let rest = if let Some(r) = path.strip_prefix("$$") {
        r
    } else if let Some(r) = path.strip_prefix('$') {
        r
    } else {
        return Some("it must start with `$`".into());
    };
    let chars: Vec<char> = rest.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                i += 1;
                if chars.get(i) == Some(&'.') {
                    if reference {
                        return Some("`..` (recursive descent) selects many nodes".into());
                    }
                    i += 1;
                    if chars.get(i) == Some(&'[') {
                        continue;
                    }
                }
                if chars.get(i) == Some(&'*') {
                    if reference {
                        return Some("`*` selects many nodes".into());
                    }
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() && !matches!(chars[i], '.' | '[') {
                    let c = chars[i];
                    if c == ']' || c.is_whitespace() || c.is_control() {
                        return Some(format!("unexpected {c:?} in a field name"));
                    }
                    i += 1;
                }
                if i == start {
                    return Some("a `.` must be followed by a field name".into());
                }
            }
            '[' => {
                let Some(len) = bracket_len(&chars[i..]) else {
                    return Some("unclosed `[`".into());
                };
                let inner: String = chars[i + 1..i + len - 1].iter().collect();
                if let Some(why) = bracket_problem(inner.trim(), reference) {
                    return Some(why);
                }
                i += len;
            }
            c => return Some(format!("unexpected {c:?}; expected `.` or `[`")),
        }
    }
    None
}

/// Length of the bracket expression starting at `chars[0] == '['`, including both brackets.
fn bracket_len(chars: &[char]) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                if c == '\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn is_int(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

fn is_quoted(s: &str) -> bool {
    s.len() >= 2 && ((s.starts_with('\'') && s.ends_with('\'')) || (s.starts_with('"') && s.ends_with('"')))
}

fn bracket_problem(inner: &str, reference: bool) -> Option<String> {
    if inner.is_empty() {
        return Some("empty `[]`".into());
    }
    if is_quoted(inner) || (is_int(inner) && !inner.starts_with('-')) {
        return None;
    }
    let many = |what: &str| Some(format!("`[{inner}]` ({what}) selects many nodes"));
    if inner == "*" {
        return if reference { many("wildcard") } else { None };
    }
    if inner.starts_with("?(") || inner.starts_with('(') {
        if !inner.ends_with(')') {
            return Some(format!("`[{inner}]`: an expression must end with `)`"));
        }
        return if reference { many("expression") } else { None };
    }
    if inner.contains(':') {
        let parts: Vec<&str> = inner.split(':').map(str::trim).collect();
        if parts.len() > 3 || parts.iter().any(|p| !p.is_empty() && !is_int(p)) {
            return Some(format!("`[{inner}]` is not a valid slice"));
        }
        return if reference { many("slice") } else { None };
    }
    if inner.contains(',') {
        let ok = inner.split(',').map(str::trim).all(|p| is_int(p) || is_quoted(p));
        if !ok {
            return Some(format!("`[{inner}]` is not a valid union"));
        }
        return if reference { many("union") } else { None };
    }
    if is_int(inner) {
        return if reference { Some(format!("negative index `[{inner}]`")) } else { None };
    }
    Some(format!("`[{inner}]` is not an index, quoted name, wildcard, slice, union or filter"))
}

/// Why `ts` is not an RFC 3339 timestamp as the States Language requires (uppercase `T`
/// between date and time, `Z` or a numeric offset), e.g. `2016-03-14T01:59:00Z`.
pub fn timestamp_problem(ts: &str) -> Option<String> {
    let bad = |why: &str| Some(format!("{ts:?} is not an RFC 3339 timestamp (like 2016-03-14T01:59:00Z): {why}"));
    let b = ts.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let s = b.get(from..from + n)?;
        if s.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(s).ok()?.parse().ok()
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day)) = (digits(0, 4), digits(5, 2), digits(8, 2)) else {
        return bad("expected a date YYYY-MM-DD");
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return bad("expected a date YYYY-MM-DD");
    }
    if b.get(10) != Some(&b'T') {
        return bad("an uppercase `T` must separate date and time");
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11, 2), digits(14, 2), digits(17, 2)) else {
        return bad("expected a time hh:mm:ss");
    };
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return bad("expected a time hh:mm:ss");
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return bad("month out of range"),
    };
    if day == 0 || day > days {
        return bad("day out of range");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return bad("time out of range");
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return bad("expected digits after `.`");
        }
    }
    match b.get(i) {
        Some(b'Z') if i + 1 == b.len() => None,
        Some(b'+' | b'-') => {
            let (Some(oh), Some(om)) = (digits(i + 1, 2), digits(i + 4, 2)) else {
                return bad("expected an offset ±hh:mm");
            };
            if b.get(i + 3) != Some(&b':') || i + 6 != b.len() {
                return bad("expected an offset ±hh:mm");
            }
            if oh > 23 || om > 59 {
                return bad("offset out of range");
            }
            None
        }
        _ => bad("expected an uppercase `Z` or an offset ±hh:mm at the end"),
    }
}

/// Why `pattern` is not a valid `StringMatches` pattern: `*` is the only wildcard and a
/// backslash may only escape `*` or `\`.
pub fn string_matches_problem(pattern: &str) -> Option<String> {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('*' | '\\') => {}
                Some(other) => {
                    return Some(format!(
                        "StringMatches pattern {pattern:?} escapes {other:?}; only `\\*` and `\\\\` are escapes"
                    ))
                }
                None => return Some(format!("StringMatches pattern {pattern:?} ends with a lone `\\`")),
            }
        }
    }
    None
}

/// Why `s` is neither a JSONPath nor an intrinsic function call (what `.$` fields, `ErrorPath`
/// and `CausePath` accept).
pub fn path_or_intrinsic_problem(s: &str) -> Option<String> {
    if s.starts_with('$') {
        json_path_problem(s)
    } else if s.starts_with("States.") {
        intrinsic_problem(s)
    } else {
        Some(format!(
            "{s:?} is neither a path (starting with `$`) nor an intrinsic function call (States.Format(...), ...)"
        ))
    }
}

/// The intrinsic functions of the States Language.
pub const INTRINSIC_FUNCTIONS: &[&str] = &[
    "States.Format",
    "States.StringToJson",
    "States.JsonToString",
    "States.Array",
    "States.ArrayPartition",
    "States.ArrayContains",
    "States.ArrayRange",
    "States.ArrayGetItem",
    "States.ArrayLength",
    "States.ArrayUnique",
    "States.Base64Encode",
    "States.Base64Decode",
    "States.Hash",
    "States.JsonMerge",
    "States.MathRandom",
    "States.MathAdd",
    "States.StringSplit",
    "States.UUID",
];

/// Why `call` is not a well-formed intrinsic function call (`States.Format('{}', $.a)`).
pub fn intrinsic_problem(call: &str) -> Option<String> {
    let Some(open) = call.find('(') else {
        return Some(format!("{call:?} is not an intrinsic function call: missing `(`"));
    };
    let name = call[..open].trim();
    if !INTRINSIC_FUNCTIONS.contains(&name) {
        return Some(format!("{call:?} calls unknown intrinsic function {name:?}"));
    }
    let mut depth = 0i32;
    let mut quoted = false;
    let mut escaped = false;
    let mut closed_at = None;
    for (i, c) in call.char_indices().skip(open) {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '\'' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' => quoted = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    closed_at = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    match closed_at {
        Some(i) if call[i + 1..].trim().is_empty() => None,
        Some(_) => Some(format!("{call:?} has text after the closing `)`")),
        None => Some(format!("{call:?} has unbalanced parentheses or quotes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths() {
        for ok in [
            "$",
            "$.a",
            "$.detail.Path",
            "$..x",
            "$.a[0]",
            "$.a[*]",
            "$['k'].b",
            "$.a[1:3]",
            "$.a[?(@.b > 1)]",
            "$$.Execution.Id",
            "$.a.*",
            "$.detail-type",
            "$.a[0,1]",
        ] {
            assert_eq!(json_path_problem(ok), None, "{ok}");
        }
        assert!(json_path_problem("detail.Path").unwrap().contains("must start with `$`"));
        assert!(json_path_problem("$.").unwrap().contains("followed by a field name"));
        assert!(json_path_problem("$.a[0").unwrap().contains("unclosed"));
        assert!(json_path_problem("$a").unwrap().contains("unexpected 'a'"));
        assert!(json_path_problem("$.a b").unwrap().contains("unexpected ' '"));
        assert!(json_path_problem("$.a[x]").unwrap().contains("is not an index"));
        assert!(json_path_problem("$.a[]").unwrap().contains("empty"));
    }

    #[test]
    fn reference_paths() {
        assert_eq!(reference_path_problem("$.a.b[0]['c']"), None);
        assert!(reference_path_problem("$.a[*]").unwrap().contains("selects many nodes"));
        assert!(reference_path_problem("$..a").unwrap().contains("recursive descent"));
        assert!(reference_path_problem("$.a[?(@.x)]").unwrap().contains("expression"));
        assert!(reference_path_problem("$.a[1:2]").unwrap().contains("slice"));
    }

    #[test]
    fn timestamps() {
        for ok in
            ["2016-03-14T01:59:00Z", "2016-03-14T01:59:00.123Z", "2016-03-14T01:59:00+02:00", "2024-02-29T00:00:00Z"]
        {
            assert_eq!(timestamp_problem(ok), None, "{ok}");
        }
        assert!(timestamp_problem("2016-03-14t01:59:00Z").unwrap().contains("uppercase `T`"));
        assert!(timestamp_problem("2016-03-14T01:59:00z").unwrap().contains("uppercase `Z`"));
        assert!(timestamp_problem("2023-02-29T00:00:00Z").unwrap().contains("day out of range"));
        assert!(timestamp_problem("2016-13-14T01:59:00Z").unwrap().contains("month"));
        assert!(timestamp_problem("2016-03-14T25:59:00Z").unwrap().contains("time out of range"));
        assert!(timestamp_problem("yesterday").unwrap().contains("RFC 3339"));
        assert!(timestamp_problem("2016-03-14T01:59:00+2").unwrap().contains("offset"));
    }

    #[test]
    fn string_matches() {
        assert_eq!(string_matches_problem("log-*.txt"), None);
        assert_eq!(string_matches_problem("a\\*b\\\\"), None);
        assert!(string_matches_problem("a\\b").unwrap().contains("escapes 'b'"));
        assert!(string_matches_problem("a\\").unwrap().contains("lone"));
    }

    #[test]
    fn odd_inputs_never_panic() {
        let odd = [
            "",
            "$",
            "$$",
            "$[",
            "$..",
            "$.[",
            "$['",
            "$[']",
            "$[\"a\\\"]",
            "[]",
            "é(",
            "$.é",
            "$[é]",
            "$[1:é]",
            "$[?(",
            "$[(é)]",
            "States.Format(é)",
            "States.Format('",
            "States.Format(')",
            "States.UUID(((",
            "\\",
            "*\\",
            "2020-",
            "2020-01-01T",
            "2020-01-01T00:00:00+",
            "2020-01-01T00:00:00.",
            "éééé-éé-ééTéé:éé:ééZ",
        ];
        for s in odd {
            let _ = json_path_problem(s);
            let _ = reference_path_problem(s);
            let _ = timestamp_problem(s);
            let _ = string_matches_problem(s);
            let _ = intrinsic_problem(s);
            let _ = path_or_intrinsic_problem(s);
        }
        assert!(timestamp_problem("éééé-éé-ééTéé:éé:ééZ").is_some());
        assert!(json_path_problem("$[").is_some());
        assert!(intrinsic_problem("States.Format('").is_some());
    }

    #[test]
    fn intrinsics() {
        assert_eq!(intrinsic_problem("States.Format('Hello {}', $.name)"), None);
        assert_eq!(intrinsic_problem("States.Format('a(b', States.UUID())"), None);
        assert!(intrinsic_problem("States.Nope($.a)").unwrap().contains("unknown intrinsic"));
        assert!(intrinsic_problem("States.Format('x'").unwrap().contains("unbalanced"));
        assert!(intrinsic_problem("States.UUID() x").unwrap().contains("after the closing"));
    }
}
