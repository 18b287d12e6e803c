//! Parsing the value under `Match::serialized_json`: JSON text, or an `Fn::Join` of JSON text and
//! tokens (how a definition referencing other resources is synthesized).

use serde_json::{json, Map, Value as Json};

use super::render;

/// The parsed value, with a note for failure reports when tokens were involved.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub value: Json,
    pub note: Option<String>,
}

/// Marks where a token stood in the joined text: private-use characters, valid inside JSON
/// strings and absent from real definitions.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Parses a string of JSON text, or the text of an `Fn::Join` with each token standing in for the
/// string it produces (see [`Match::serialized_json`](super::Match::serialized_json)).
pub(crate) fn parse(actual: &Json) -> Result<Parsed, String> {
    if let Some(text) = actual.as_str() {
        return serde_json::from_str(text).map(|value| Parsed { value, note: None }).map_err(|e| {
            format!("expected a string of JSON text, got a string that is not JSON ({e}): {}", render::value(actual))
        });
    }
    if let Some((delimiter, parts)) = join_parts(actual) {
        return parse_join(delimiter, parts);
    }
    let hint = match render::intrinsic_name(actual) {
        Some(_) => "; serialized_json matches a string of JSON text or an Fn::Join of JSON text and tokens",
        None => "",
    };
    Err(format!("expected a string of JSON text, got {}{hint}", render::value_with_kind(actual)))
}

fn join_parts(actual: &Json) -> Option<(&str, &Vec<Json>)> {
    let args = actual.as_object().filter(|o| o.len() == 1)?.get("Fn::Join")?.as_array()?;
    match args.as_slice() {
        [Json::String(delimiter), Json::Array(parts)] => Some((delimiter, parts)),
        _ => None,
    }
}

fn parse_join(delimiter: &str, parts: &[Json]) -> Result<Parsed, String> {
    let mut text = String::new();
    let mut tokens: Vec<&Json> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            text.push_str(delimiter);
        }
        match part.as_str() {
            Some(s) => text.push_str(s),
            None => {
                text.push(OPEN);
                text.push_str(&tokens.len().to_string());
                text.push(CLOSE);
                tokens.push(part);
            }
        }
    }
    let listed = || {
        let list: Vec<String> = tokens.iter().map(|t| render::value(t)).collect();
        render::truncate(&list.join(", "), 2 * render::MAX_VALUE_CHARS)
    };
    let parsed: Json = serde_json::from_str(&text).map_err(|e| {
        format!(
            "expected a string of JSON text, got an Fn::Join of text and {} ({}) whose text does not parse as JSON with each token as a string: {e}",
            render::count(tokens.len(), "token"),
            listed()
        )
    })?;
    let note = (!tokens.is_empty()).then(|| {
        format!(
            "the value is an Fn::Join with {} ({}); each token is matched as its intrinsic object",
            render::count(tokens.len(), "token"),
            listed()
        )
    });
    Ok(Parsed { value: substitute(parsed, &tokens), note })
}

/// Puts the tokens back where their markers are: a string that is only a marker becomes the
/// token; a string with text around markers becomes an `Fn::Join` of the pieces.
fn substitute(value: Json, tokens: &[&Json]) -> Json {
    match value {
        Json::String(s) if s.contains(OPEN) => {
            let pieces = split_markers(&s, tokens);
            match pieces.as_slice() {
                [single] if !single.is_string() => single.clone(),
                _ => json!({ "Fn::Join": ["", pieces] }),
            }
        }
        Json::Array(items) => Json::Array(items.into_iter().map(|v| substitute(v, tokens)).collect()),
        Json::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = if k.contains(OPEN) { key_text(&k, tokens) } else { k };
                out.insert(key, substitute(v, tokens));
            }
            Json::Object(out)
        }
        other => other,
    }
}

/// Literal pieces and tokens of a string with markers, in order (empty pieces dropped).
fn split_markers(s: &str, tokens: &[&Json]) -> Vec<Json> {
    let mut pieces = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        let token = after[..end].parse::<usize>().ok().and_then(|i| tokens.get(i));
        let Some(token) = token else { break };
        if start > 0 {
            pieces.push(Json::String(rest[..start].to_string()));
        }
        pieces.push((*token).clone());
        rest = &after[end + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        pieces.push(Json::String(rest.to_string()));
    }
    pieces
}

/// A key cannot hold an object: tokens in keys are written as their JSON text.
fn key_text(k: &str, tokens: &[&Json]) -> String {
    split_markers(k, tokens).iter().map(|p| p.as_str().map(str::to_string).unwrap_or_else(|| p.to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_json_text() {
        let parsed = parse(&json!(r#"{"StartAt":"A","States":{}}"#)).unwrap();
        assert_eq!(parsed.value, json!({"StartAt": "A", "States": {}}));
        assert!(parsed.note.is_none());
    }

    #[test]
    fn reports_text_that_is_not_json() {
        let err = parse(&json!("{not json")).unwrap_err();
        assert!(err.starts_with("expected a string of JSON text, got a string that is not JSON ("), "{err}");
        assert!(err.ends_with(r#": "{not json""#), "{err}");
    }

    #[test]
    fn reports_non_strings_and_other_intrinsics() {
        assert_eq!(parse(&json!(3)).unwrap_err(), "expected a string of JSON text, got 3 (a number)");
        let err = parse(&json!({"Fn::Sub": "${X}"})).unwrap_err();
        assert_eq!(
            err,
            r#"expected a string of JSON text, got {"Fn::Sub":"${X}"} (a Fn::Sub intrinsic); serialized_json matches a string of JSON text or an Fn::Join of JSON text and tokens"#
        );
    }

    #[test]
    fn a_join_parses_with_tokens_in_place_of_strings() {
        let join = json!({"Fn::Join": ["", [
            "{\"States\":{\"T\":{\"Resource\":\"",
            {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
            "\",\"Arn\":\"arn:",
            {"Ref": "AWS::Partition"},
            ":states\"}}}"
        ]]});
        let parsed = parse(&join).unwrap();
        assert_eq!(
            parsed.value,
            json!({"States": {"T": {
                "Resource": {"Fn::GetAtt": ["Fn9270CBC0", "Arn"]},
                "Arn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":states"]]}
            }}})
        );
        let note = parsed.note.unwrap();
        assert!(note.starts_with("the value is an Fn::Join with 2 tokens ({\"Fn::GetAtt\""), "{note}");
    }

    #[test]
    fn a_join_with_a_delimiter_and_token_keys() {
        let join = json!({"Fn::Join": [",", ["[\"a\"", "\"", {"Ref": "X"}, "\"]"]]});
        // text: ["a","<token>"]  (delimiter inserted between parts)
        let parsed = parse(&join).unwrap();
        assert_eq!(parsed.value, json!(["a", {"Fn::Join": ["", [",", {"Ref": "X"}, ","]]}]));
        let keyed = json!({"Fn::Join": ["", ["{\"", {"Ref": "K"}, "\":1}"]]});
        assert_eq!(parse(&keyed).unwrap().value, json!({r#"{"Ref":"K"}"#: 1}));
    }

    #[test]
    fn a_join_with_a_token_outside_a_string_says_so() {
        let join = json!({"Fn::Join": ["", ["{\"Count\":", {"Ref": "N"}, "}"]]});
        let err = parse(&join).unwrap_err();
        assert!(
            err.starts_with(r#"expected a string of JSON text, got an Fn::Join of text and 1 token ({"Ref":"N"}) whose text does not parse as JSON"#),
            "{err}"
        );
    }
}
