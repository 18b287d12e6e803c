//! The `pattern!` macro: JSON-shaped patterns with matchers inside.

/// Builds a [`Matcher`](crate::assertions::Matcher) with JSON syntax, where any value may be a
/// matcher (or anything converting into one: strings, numbers, `json!(..)`, a `Capture`).
///
/// `{...}` and `[...]` are literal objects and arrays, matched like JSON literals (object-like
/// at the top of an assertion); `null` is JSON null. Keys are string literals, or any
/// expression in parentheses.
///
/// ```
/// use framework::assertions::{Capture, Match, Template};
/// use framework::pattern;
/// use serde_json::json;
///
/// let template = Template::from_json(json!({"Resources": {"Policy": {
///     "Type": "AWS::IAM::Policy",
///     "Properties": {"PolicyDocument": {"Statement": [
///         {"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": "SM"}}
///     ]}}
/// }}}));
/// let resource = Capture::new();
/// template.has_resource_properties("AWS::IAM::Policy", pattern!({
///     "PolicyDocument": {
///         "Statement": Match::array_with([pattern!({
///             "Action": "states:StartExecution",
///             "Effect": "Allow",
///             "Resource": &resource,
///         })]),
///     },
///     "Roles": Match::absent(),
/// }));
/// assert_eq!(resource.value(), json!({"Ref": "SM"}));
/// ```
#[macro_export]
macro_rules! pattern {
    // ---- entry points ----
    ({ $($body:tt)* }) => {
        $crate::assertions::Matcher::object(
            $crate::pattern!(@object [] $($body)*)
        )
    };
    ([ $($body:tt)* ]) => {
        $crate::assertions::Matcher::array(
            $crate::pattern!(@array [] $($body)*)
        )
    };
    (null) => { $crate::assertions::Matcher::from(()) };

    // ---- object entries: munch `key: value,` pairs into [(key, matcher),*] ----
    (@object [$($out:tt)*]) => {
        ::std::vec![$($out)*] as ::std::vec::Vec<(::std::string::String, $crate::assertions::Matcher)>
    };
    (@object [$($out:tt)*] $key:literal : $($rest:tt)*) => {
        $crate::pattern!(@value object [$($out)*] (::std::string::String::from($key)) $($rest)*)
    };
    (@object [$($out:tt)*] ($key:expr) : $($rest:tt)*) => {
        $crate::pattern!(@value object [$($out)*] (::std::string::String::from($key)) $($rest)*)
    };

    // ---- array items ----
    (@array [$($out:tt)*]) => {
        ::std::vec![$($out)*] as ::std::vec::Vec<$crate::assertions::Matcher>
    };
    (@array [$($out:tt)*] $($rest:tt)+) => {
        $crate::pattern!(@value array [$($out)*] () $($rest)*)
    };

    // ---- one value, then back to the object or array muncher ----
    (@value $ctx:ident [$($out:tt)*] ($($key:tt)*) { $($v:tt)* } $(, $($rest:tt)*)?) => {
        $crate::pattern!(@push $ctx [$($out)*] ($($key)*) ($crate::pattern!({ $($v)* })) $($($rest)*)?)
    };
    (@value $ctx:ident [$($out:tt)*] ($($key:tt)*) [ $($v:tt)* ] $(, $($rest:tt)*)?) => {
        $crate::pattern!(@push $ctx [$($out)*] ($($key)*) ($crate::pattern!([ $($v)* ])) $($($rest)*)?)
    };
    (@value $ctx:ident [$($out:tt)*] ($($key:tt)*) null $(, $($rest:tt)*)?) => {
        $crate::pattern!(@push $ctx [$($out)*] ($($key)*) ($crate::assertions::Matcher::from(())) $($($rest)*)?)
    };
    (@value $ctx:ident [$($out:tt)*] ($($key:tt)*) $v:expr $(, $($rest:tt)*)?) => {
        $crate::pattern!(@push $ctx [$($out)*] ($($key)*) ($crate::assertions::Matcher::from($v)) $($($rest)*)?)
    };

    (@push object [$($out:tt)*] ($key:expr) ($value:expr) $($rest:tt)*) => {
        $crate::pattern!(@object [$($out)* ($key, $value),] $($rest)*)
    };
    (@push array [$($out:tt)*] () ($value:expr) $($rest:tt)*) => {
        $crate::pattern!(@array [$($out)* $value,] $($rest)*)
    };

    // ---- anything else is an expression ----
    ($other:expr) => { $crate::assertions::Matcher::from($other) };
}

#[cfg(test)]
mod tests {
    use crate::assertions::{Capture, Match, Matcher};
    use serde_json::json;

    #[test]
    fn builds_nested_patterns_with_matchers() {
        let cap = Capture::new();
        let key = String::from("Dynamic");
        let m: Matcher = pattern!({
            "A": "x",
            "B": 3,
            "C": null,
            "D": [1, "two", {"E": Match::absent()}, [true]],
            "F": { "G": Match::any_value(), },
            "H": &cap,
            (key): json!({"I": -1}),
            "J": [],
            "K": {},
        });
        assert_eq!(
            m.describe(),
            r#"{"A": "x", "B": 3, "C": null, "D": [1, "two", {"E": absent()}, [true]], "F": {"G": any_value()}, "H": capture(), "Dynamic": {"I": -1}, "J": [], "K": {}}"#
        );
    }

    #[test]
    fn top_level_forms() {
        assert_eq!(pattern!(null).describe(), "null");
        assert_eq!(pattern!([1, 2]).describe(), "[1, 2]");
        assert_eq!(pattern!("s").describe(), r#""s""#);
        assert_eq!(pattern!(Match::not(1)).describe(), "not(1)");
        assert_eq!(pattern!({}).describe(), "{}");
    }
}
