//! Numeric matching: `{"numeric": [">", 0, "<=", 5]}` and `{"numeric": ["=", 3.5]}`.

use framework::Value;

use crate::num::Num;

/// A comparison operator of a numeric matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
}

impl CmpOp {
    /// The operator as written in a pattern.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }

    /// Parses `=`, `>`, `>=`, `<`, `<=`.
    pub fn parse(s: &str) -> Option<CmpOp> {
        Some(match s {
            "=" => CmpOp::Eq,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            _ => return None,
        })
    }

    /// True for `>` and `>=`.
    pub fn is_lower(self) -> bool {
        matches!(self, CmpOp::Gt | CmpOp::Ge)
    }

    /// True for `<` and `<=`.
    pub fn is_upper(self) -> bool {
        matches!(self, CmpOp::Lt | CmpOp::Le)
    }

    /// Does `value op bound` hold?
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            CmpOp::Eq => value == bound,
            CmpOp::Gt => value > bound,
            CmpOp::Ge => value >= bound,
            CmpOp::Lt => value < bound,
            CmpOp::Le => value <= bound,
        }
    }
}

/// The terms of a numeric matcher, in pattern order: `[(">", 0), ("<=", 5)]`.
///
/// Build with [`Numeric::eq`], [`Numeric::gt`], [`Numeric::ge`], [`Numeric::lt`], [`Numeric::le`]
/// and chain the other bound: `Numeric::gt(0).le(5)`. Lower bounds are placed first, as EventBridge
/// requires. Whether the terms form a valid range is checked by pattern validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Numeric {
    pub(crate) terms: Vec<(CmpOp, Num)>,
}

impl Numeric {
    /// From raw terms, kept in the given order (used by import; validation checks them).
    pub fn from_terms(terms: Vec<(CmpOp, Num)>) -> Numeric {
        Numeric { terms }
    }
    /// `["=", n]`
    pub fn eq(n: impl Into<Num>) -> Numeric {
        Numeric { terms: vec![(CmpOp::Eq, n.into())] }
    }
    /// `[">", n]`
    pub fn gt(n: impl Into<Num>) -> Numeric {
        Numeric::from_terms(Vec::new()).and(CmpOp::Gt, n)
    }
    /// `[">=", n]`
    pub fn ge(n: impl Into<Num>) -> Numeric {
        Numeric::from_terms(Vec::new()).and(CmpOp::Ge, n)
    }
    /// `["<", n]`
    pub fn lt(n: impl Into<Num>) -> Numeric {
        Numeric::from_terms(Vec::new()).and(CmpOp::Lt, n)
    }
    /// `["<=", n]`
    pub fn le(n: impl Into<Num>) -> Numeric {
        Numeric::from_terms(Vec::new()).and(CmpOp::Le, n)
    }
    /// Adds a term; a lower bound goes before any upper bound.
    pub fn and(mut self, op: CmpOp, n: impl Into<Num>) -> Numeric {
        let term = (op, n.into());
        if op.is_lower() {
            let at = self.terms.iter().position(|(o, _)| o.is_upper()).unwrap_or(self.terms.len());
            self.terms.insert(at, term);
        } else {
            self.terms.push(term);
        }
        self
    }
    /// Adds `> n`.
    pub fn and_gt(self, n: impl Into<Num>) -> Numeric {
        self.and(CmpOp::Gt, n)
    }
    /// Adds `>= n`.
    pub fn and_ge(self, n: impl Into<Num>) -> Numeric {
        self.and(CmpOp::Ge, n)
    }
    /// Adds `< n`.
    pub fn and_lt(self, n: impl Into<Num>) -> Numeric {
        self.and(CmpOp::Lt, n)
    }
    /// Adds `<= n`.
    pub fn and_le(self, n: impl Into<Num>) -> Numeric {
        self.and(CmpOp::Le, n)
    }
    /// The terms, in pattern order.
    pub fn terms(&self) -> &[(CmpOp, Num)] {
        &self.terms
    }

    /// The `numeric` array: `[">", 0, "<=", 5]`.
    pub fn to_value(&self) -> Value {
        Value::List(self.terms.iter().flat_map(|(op, n)| [Value::from(op.symbol()), n.to_value()]).collect())
    }

    /// True when `value` satisfies every term.
    pub fn accepts(&self, value: f64) -> bool {
        !self.terms.is_empty() && self.terms.iter().all(|(op, n)| op.holds(value, n.as_f64()))
    }

    /// Problems with the range (operators, order, bounds, number range), as messages.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.terms.is_empty() {
            out.push("numeric needs at least one operator and number".to_string());
            return out;
        }
        for (_, n) in &self.terms {
            if let Some(p) = number_problem(*n) {
                out.push(p);
            }
        }
        let has_eq = self.terms.iter().any(|(op, _)| *op == CmpOp::Eq);
        if has_eq {
            if self.terms.len() > 1 {
                out.push("numeric \"=\" must be the only term (write [\"=\", n])".to_string());
            }
            return out;
        }
        let lowers: Vec<&(CmpOp, Num)> = self.terms.iter().filter(|(op, _)| op.is_lower()).collect();
        let uppers: Vec<&(CmpOp, Num)> = self.terms.iter().filter(|(op, _)| op.is_upper()).collect();
        if lowers.len() > 1 {
            out.push("numeric has more than one lower bound (\">\" / \">=\")".to_string());
        }
        if uppers.len() > 1 {
            out.push("numeric has more than one upper bound (\"<\" / \"<=\")".to_string());
        }
        if let (Some(first), true) = (self.terms.first(), self.terms.len() == 2) {
            if first.0.is_upper() && self.terms[1].0.is_lower() {
                out.push("numeric lower bound (\">\" / \">=\") must come before the upper bound".to_string());
            }
        }
        if let (Some(lo), Some(hi)) = (lowers.first(), uppers.first()) {
            if lo.1.as_f64() >= hi.1.as_f64() {
                out.push(format!(
                    "numeric range is empty: lower bound {} must be less than upper bound {}",
                    lo.1, hi.1
                ));
            }
        }
        out
    }
}

/// Largest magnitude EventBridge documents for numeric matching.
pub const NUMERIC_LIMIT: f64 = 5.0e9;
/// Most digits EventBridge keeps to the right of the decimal point.
pub const NUMERIC_MAX_DECIMALS: usize = 6;

/// Why a number cannot be used in numeric matching, if it cannot.
pub(crate) fn number_problem(n: Num) -> Option<String> {
    if let Some(why) = n.problem() {
        return Some(format!("numeric value {why}"));
    }
    if n.as_f64().abs() > NUMERIC_LIMIT {
        return Some(format!("numeric value {n} is outside EventBridge's range -5.0e9 to 5.0e9"));
    }
    if let Num::Float(x) = n {
        let decimals = decimal_places(x);
        if decimals > NUMERIC_MAX_DECIMALS {
            return Some(format!(
                "numeric value {n} has {decimals} digits after the decimal point; EventBridge keeps at most 6"
            ));
        }
    }
    None
}

/// Digits after the decimal point in the shortest representation of `x`.
fn decimal_places(x: f64) -> usize {
    let text = format!("{x:e}"); // e.g. 1.2345e-3
    let (mantissa, exp) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let frac_digits = mantissa.split_once('.').map(|(_, f)| f.len() as i64).unwrap_or(0);
    (frac_digits - exp).max(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_lower_bound_first() {
        let n = Numeric::le(5).and_gt(0);
        assert_eq!(n.to_value(), Value::list([Value::from(">"), 0.into(), "<=".into(), 5.into()]));
        assert!(n.problems().is_empty());
        assert!(n.accepts(5.0) && n.accepts(0.5) && !n.accepts(0.0) && !n.accepts(5.1));
    }

    #[test]
    fn range_problems() {
        assert!(Numeric::gt(5).and_lt(1).problems()[0].contains("lower bound 5 must be less than upper bound 1"));
        assert!(Numeric::gt(1).and_ge(2).problems()[0].contains("more than one lower bound"));
        assert!(Numeric::lt(1).and_le(2).problems()[0].contains("more than one upper bound"));
        assert!(Numeric::eq(1).and_lt(2).problems()[0].contains("\"=\" must be the only term"));
        let upper_first = Numeric::from_terms(vec![(CmpOp::Lt, Num::Int(5)), (CmpOp::Gt, Num::Int(0))]);
        assert!(upper_first.problems()[0].contains("must come before"));
        assert!(Numeric::from_terms(vec![]).problems()[0].contains("at least one"));
    }

    #[test]
    fn number_limits() {
        assert!(number_problem(Num::Float(5.0e9)).is_none());
        assert!(number_problem(Num::Int(5_000_000_001)).unwrap().contains("outside"));
        assert!(number_problem(Num::Float(-6e9)).unwrap().contains("outside"));
        assert!(number_problem(Num::Float(0.123456)).is_none());
        assert!(number_problem(Num::Float(0.1234567)).unwrap().contains("7 digits"));
        assert!(number_problem(Num::Float(f64::NAN)).unwrap().contains("not a finite"));
        assert_eq!(decimal_places(301.8), 1);
        assert_eq!(decimal_places(3e-6), 6);
    }
}
