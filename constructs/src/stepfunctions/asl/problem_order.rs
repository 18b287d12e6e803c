//! The order in which a definition's problems are reported, pinned: a definition with something
//! wrong in every field of every state type, read (`testdata/problem_order_parse.*`) and checked
//! (`testdata/problem_order_check.*`). The expected lists were recorded from the states before
//! their shared fields moved into one struct (`states/common.rs`), whose steps each state type
//! calls in this order; a change here changes what `synth` prints for a broken app.

use super::Definition;

fn problems(definition: &str) -> Vec<String> {
    match Definition::from_json_str(definition) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems,
    }
}

fn expected(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

#[test]
fn reading_reports_problems_in_field_order() {
    assert_eq!(
        problems(include_str!("testdata/problem_order_parse.asl.json")),
        expected(include_str!("testdata/problem_order_parse.txt"))
    );
}

#[test]
fn checking_reports_problems_in_the_order_each_state_type_always_had() {
    assert_eq!(
        problems(include_str!("testdata/problem_order_check.asl.json")),
        expected(include_str!("testdata/problem_order_check.txt"))
    );
}
