//! Matching the entries of a template section (resources, outputs, ...) and reporting the
//! closest candidates when none match.

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::matching::Outcome;
use super::render;

/// How many of the closest candidates a report shows.
const CLOSEST_SHOWN: usize = 3;
/// How many differences a report shows per candidate.
const DIFFERENCES_SHOWN: usize = 12;

/// The entries tested, split into matches and misses (both in template order).
pub(crate) struct SectionMatch<'a> {
    pub matches: Vec<(&'a str, &'a Json)>,
    pub misses: Vec<(&'a str, Outcome)>,
}

impl SectionMatch<'_> {
    /// Number of entries tested.
    pub fn analyzed(&self) -> usize {
        self.matches.len() + self.misses.len()
    }
}

/// Tests each entry with `probe`; captures of matching entries are recorded.
pub(crate) fn match_entries<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a Json)>,
    probe: impl Fn(&Json) -> Outcome,
) -> SectionMatch<'a> {
    let mut result = SectionMatch { matches: Vec::new(), misses: Vec::new() };
    for (id, entry) in entries {
        let outcome = probe(entry);
        if outcome.is_match() {
            outcome.commit_captures();
            result.matches.push((id, entry));
        } else {
            result.misses.push((id, outcome));
        }
    }
    result
}

/// The closest misses (fewest differences, then ID), each with where it differs.
pub(crate) fn closest(misses: &[(&str, Outcome)]) -> String {
    let mut ranked: Vec<&(&str, Outcome)> = misses.iter().collect();
    ranked.sort_by_key(|(id, o)| (o.cost(), *id));
    let mut out = String::new();
    for (id, outcome) in ranked.into_iter().take(CLOSEST_SHOWN) {
        out.push_str(&describe_miss(id, outcome));
    }
    if misses.len() > CLOSEST_SHOWN {
        let _ = writeln!(out, "  ({} more not shown)", misses.len() - CLOSEST_SHOWN);
    }
    out
}

/// Every miss in the given order, each with where it differs.
pub(crate) fn all(misses: &[(&str, Outcome)]) -> String {
    misses.iter().map(|(id, o)| describe_miss(id, o)).collect()
}

/// `  Role1ABCC5F0 (1 difference)` then one line per difference.
fn describe_miss(id: &str, outcome: &Outcome) -> String {
    let mut out = format!("  {id} ({})\n", render::count(outcome.cost(), "difference"));
    for f in outcome.failures.iter().take(DIFFERENCES_SHOWN) {
        let _ = writeln!(out, "    {}", f.render());
    }
    if outcome.failures.len() > DIFFERENCES_SHOWN {
        let _ = writeln!(out, "    ({} more not shown)", outcome.failures.len() - DIFFERENCES_SHOWN);
    }
    out
}

/// How many IDs a list in a report shows.
const IDS_SHOWN: usize = 20;

/// `A, B, C` (or `none`), cut after [`IDS_SHOWN`] IDs.
pub(crate) fn id_list<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.into_iter().collect();
    match ids.len() {
        0 => "none".into(),
        n if n > IDS_SHOWN => format!("{} and {} more", ids[..IDS_SHOWN].join(", "), n - IDS_SHOWN),
        _ => ids.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_are_cut() {
        assert_eq!(id_list([]), "none");
        assert_eq!(id_list(["A", "B"]), "A, B");
        let many: Vec<String> = (0..25).map(|i| format!("R{i}")).collect();
        let listed = id_list(many.iter().map(String::as_str));
        assert!(listed.starts_with("R0, R1, "), "{listed}");
        assert!(listed.ends_with("R19 and 5 more"), "{listed}");
    }
}
