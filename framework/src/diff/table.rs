//! A box-drawn text table with multi-line cells, for the IAM section.

use super::render::Style;

/// Renders `header` and `rows` (each with an optional style applied to its cells) as a table.
/// Widths count characters; cells may contain newlines.
pub fn table(header: &[&str], rows: &[(Vec<String>, Option<Style>)], style: impl Fn(Style, &str) -> String) -> String {
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for (cells, _) in rows {
        for (i, c) in cells.iter().enumerate().take(cols) {
            for line in c.split('\n') {
                widths[i] = widths[i].max(line.chars().count());
            }
        }
    }
    let rule = |l: &str, m: &str, r: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{l}{}{r}\n", parts.join(m))
    };
    let mut out = rule("┌", "┬", "┐");
    let header_cells: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    out.push_str(&row(&header_cells, &widths, None, &style));
    for (cells, st) in rows {
        out.push_str(&rule("├", "┼", "┤"));
        out.push_str(&row(cells, &widths, *st, &style));
    }
    out.push_str(&rule("└", "┴", "┘"));
    out
}

fn row(cells: &[String], widths: &[usize], st: Option<Style>, style: &impl Fn(Style, &str) -> String) -> String {
    let lines: Vec<Vec<&str>> = widths
        .iter()
        .enumerate()
        .map(|(i, _)| cells.get(i).map(|c| c.split('\n').collect()).unwrap_or_else(|| vec![""]))
        .collect();
    let height = lines.iter().map(Vec::len).max().unwrap_or(1);
    let mut out = String::new();
    for l in 0..height {
        out.push('│');
        for (i, w) in widths.iter().enumerate() {
            let text = lines[i].get(l).copied().unwrap_or("");
            let padded = format!("{text}{}", " ".repeat(w - text.chars().count()));
            let shown = match st {
                Some(s) => style(s, &padded),
                None => padded,
            };
            out.push_str(&format!(" {shown} │"));
        }
        out.push('\n');
    }
    out
}
