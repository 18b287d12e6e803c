//! [`Num`], the one number type of the library: States Language numbers (`NumericEquals`,
//! `BackoffRate`, `ToleratedFailurePercentage`) and event-pattern numbers (`numeric`,
//! `anything-but`). Re-exported as `stepfunctions::asl::Num` and `events::Num`.

use framework::Value;

/// A number in a definition or a pattern: an integer or a float. Integers render without a
/// decimal point, floats with one (`2` and `2.0` stay as written). A float that is NaN or
/// infinite cannot appear in JSON: it renders as `null`, and validation reports it.
///
/// ```
/// use constructs::events::Num;
/// assert_eq!(Num::from(3), Num::Int(3));
/// assert_eq!(Num::from(1.5).to_string(), "1.5");
/// assert_eq!(Num::from(2.0).to_string(), "2.0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// An integer (rendered without a decimal point).
    Int(i64),
    /// A float (must be finite).
    Float(f64),
}

impl Num {
    /// The value as `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// The JSON number (`None` for NaN / infinities).
    pub fn to_json(self) -> Option<serde_json::Number> {
        match self {
            Num::Int(i) => Some(i.into()),
            Num::Float(f) => serde_json::Number::from_f64(f),
        }
    }

    /// From a JSON number: an integer when it is one that fits `i64`, else a float.
    pub fn from_json(n: &serde_json::Number) -> Num {
        match n.as_i64() {
            Some(i) => Num::Int(i),
            None => Num::Float(n.as_f64().unwrap_or(f64::NAN)),
        }
    }

    /// The template value (`Value::Null` when not representable).
    pub fn to_value(self) -> Value {
        self.to_json().map(Value::Number).unwrap_or(Value::Null)
    }

    /// Why this number cannot appear in JSON (NaN or infinite), if it cannot.
    pub(crate) fn problem(self) -> Option<String> {
        let f = self.as_f64();
        (!f.is_finite()).then(|| format!("{f} is not a finite number"))
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_json() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "{:?}", self.as_f64()),
        }
    }
}

macro_rules! num_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Num {
            fn from(n: $t) -> Num { Num::Int(n.into()) }
        }
    )*};
}
num_from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<u64> for Num {
    /// An integer; one above `i64::MAX` becomes the nearest float.
    fn from(n: u64) -> Num {
        i64::try_from(n).map(Num::Int).unwrap_or(Num::Float(n as f64))
    }
}

impl From<f64> for Num {
    fn from(n: f64) -> Num {
        Num::Float(n)
    }
}

impl From<f32> for Num {
    fn from(n: f32) -> Num {
        Num::Float(n as f64)
    }
}

impl From<serde_json::Number> for Num {
    fn from(n: serde_json::Number) -> Num {
        Num::from_json(&n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_as_json() {
        assert_eq!(Num::from(3).to_value(), Value::from(3));
        assert_eq!(Num::from(1.5).to_value(), Value::from(1.5));
        assert_eq!(serde_json::to_string(&Num::from(2.0).to_json()).unwrap(), "2.0");
        assert_eq!(serde_json::to_string(&Num::from(2).to_json()).unwrap(), "2");
        assert_eq!(Num::from(f64::NAN).to_value(), Value::Null);
        assert_eq!(Num::from(f64::INFINITY).to_json(), None);
    }

    #[test]
    fn non_finite_numbers_are_problems() {
        assert!(Num::from(f64::NAN).problem().unwrap().contains("not a finite number"));
        assert_eq!(Num::from(f64::NEG_INFINITY).problem().unwrap(), "-inf is not a finite number");
        assert_eq!(Num::from(-7).problem(), None);
        assert_eq!(Num::from(1e300).problem(), None);
    }

    #[test]
    fn json_numbers_keep_their_kind() {
        let read = |text: &str| Num::from(serde_json::from_str::<serde_json::Number>(text).unwrap());
        assert_eq!(read("5"), Num::Int(5));
        assert_eq!(read("-5"), Num::Int(-5));
        assert_eq!(read("5.0"), Num::Float(5.0));
        assert_eq!(read("1e2"), Num::Float(100.0));
        for text in ["5", "-5", "5.0", "0.25", "1e2"] {
            let n = read(text);
            assert_eq!(Num::from_json(&n.to_json().unwrap()), n, "{text}");
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(Num::from(u64::from(u32::MAX)), Num::Int(4_294_967_295));
        assert_eq!(Num::from(u64::MAX), Num::Float(u64::MAX as f64));
        assert_eq!(Num::from(0.5f32), Num::Float(0.5));
        assert_eq!(Num::from(i64::MIN).to_string(), i64::MIN.to_string());
        assert_eq!(Num::from(f64::NAN).to_string(), "NaN");
    }
}
