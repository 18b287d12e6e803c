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
        $crate::assertions::Matcher::object($crate::pattern!(@object [] $($body)*))
    };
    ([ $($body:tt)* ]) => {
        $crate::assertions::Matcher::array($crate::pattern!(@array [] $($body)*))
    };
    (null) => { $crate::assertions::Matcher::from(()) };

    // ---- object entries, one macro level per entry: `key: value,` -> (String, Matcher) ----
    // A key is one token tree: a string literal or a parenthesized expression.
    (@object [$($out:tt)*]) => {
        ::std::vec![$($out)*] as ::std::vec::Vec<(::std::string::String, $crate::assertions::Matcher)>
    };
    (@object [$($out:tt)*] $key:tt : { $($v:tt)* } $(, $($rest:tt)*)?) => {
        $crate::pattern!(@object [$($out)* (::std::string::String::from($key), $crate::pattern!({ $($v)* })),] $($($rest)*)?)
    };
    (@object [$($out:tt)*] $key:tt : [ $($v:tt)* ] $(, $($rest:tt)*)?) => {
        $crate::pattern!(@object [$($out)* (::std::string::String::from($key), $crate::pattern!([ $($v)* ])),] $($($rest)*)?)
    };
    (@object [$($out:tt)*] $key:tt : null $(, $($rest:tt)*)?) => {
        $crate::pattern!(@object [$($out)* (::std::string::String::from($key), $crate::assertions::Matcher::from(())),] $($($rest)*)?)
    };
    (@object [$($out:tt)*] $key:tt : $v:expr $(, $($rest:tt)*)?) => {
        $crate::pattern!(@object [$($out)* (::std::string::String::from($key), $crate::assertions::Matcher::from($v)),] $($($rest)*)?)
    };

    // ---- array items, one macro level per item ----
    (@array [$($out:tt)*]) => {
        ::std::vec![$($out)*] as ::std::vec::Vec<$crate::assertions::Matcher>
    };
    (@array [$($out:tt)*] { $($v:tt)* } $(, $($rest:tt)*)?) => {
        $crate::pattern!(@array [$($out)* $crate::pattern!({ $($v)* }),] $($($rest)*)?)
    };
    (@array [$($out:tt)*] [ $($v:tt)* ] $(, $($rest:tt)*)?) => {
        $crate::pattern!(@array [$($out)* $crate::pattern!([ $($v)* ]),] $($($rest)*)?)
    };
    (@array [$($out:tt)*] null $(, $($rest:tt)*)?) => {
        $crate::pattern!(@array [$($out)* $crate::assertions::Matcher::from(()),] $($($rest)*)?)
    };
    (@array [$($out:tt)*] $v:expr $(, $($rest:tt)*)?) => {
        $crate::pattern!(@array [$($out)* $crate::assertions::Matcher::from($v),] $($($rest)*)?)
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
            "L": [null, {"M": -1}, [Match::absent()], -2.5],
            "H": &cap,
            (key): json!({"I": -1}),
            "J": [],
            "K": {},
        });
        assert_eq!(
            m.describe(),
            r#"{"A": "x", "B": 3, "C": null, "D": [1, "two", {"E": absent()}, [true]], "F": {"G": any_value()}, "L": [null, {"M": -1}, [absent()], -2.5], "H": capture(), "Dynamic": {"I": -1}, "J": [], "K": {}}"#
        );
    }

    #[test]
    fn large_patterns_stay_within_the_recursion_limit() {
        let m = pattern!({
            "k00": 0, "k01": 1, "k02": 2, "k03": 3, "k04": 4, "k05": 5, "k06": 6, "k07": 7, "k08": 8, "k09": 9,
            "k10": 0, "k11": 1, "k12": 2, "k13": 3, "k14": 4, "k15": 5, "k16": 6, "k17": 7, "k18": 8, "k19": 9,
            "k20": 0, "k21": 1, "k22": 2, "k23": 3, "k24": 4, "k25": 5, "k26": 6, "k27": 7, "k28": 8, "k29": 9,
            "k30": 0, "k31": 1, "k32": 2, "k33": 3, "k34": 4, "k35": 5, "k36": 6, "k37": 7, "k38": 8, "k39": 9,
            "k40": 0, "k41": 1, "k42": 2, "k43": 3, "k44": 4, "k45": 5, "k46": 6, "k47": 7, "k48": 8, "k49": 9,
            "k50": 0, "k51": 1, "k52": 2, "k53": 3, "k54": 4, "k55": 5, "k56": 6, "k57": 7, "k58": 8, "k59": 9,
            "k60": 0, "k61": 1, "k62": 2, "k63": 3, "k64": 4, "k65": 5, "k66": 6, "k67": 7, "k68": 8, "k69": 9,
        });
        assert!(m.describe().ends_with(r#""k69": 9}"#));
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
