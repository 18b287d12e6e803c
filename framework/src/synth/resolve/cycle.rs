//! Cycles in the stack dependency graph: stacks that would each have to deploy first.

use std::collections::BTreeSet;

/// A cycle in the stack dependency graph, if any (as stack indexes, first repeated at the end).
/// `edges` are `(dependent, dependency)`; the search visits stacks and edges in index order, so
/// the cycle reported is always the same one.
pub(crate) fn find_cycle(n: usize, edges: &BTreeSet<(usize, usize)>) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(
        v: usize,
        edges: &BTreeSet<(usize, usize)>,
        marks: &mut [Mark],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        marks[v] = Mark::Active;
        stack.push(v);
        for &(_, w) in edges.range((v, 0)..=(v, usize::MAX)) {
            match marks[w] {
                Mark::Active => {
                    let start = stack.iter().position(|x| *x == w).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(w);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(w, edges, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks[v] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; n];
    for v in 0..n {
        if marks[v] == Mark::New {
            if let Some(c) = visit(v, edges, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}
