//! The README's reference tables say what the code says: every row of the parameter table names
//! a parameter by its display name with the range the plugin shows, and every row of the family
//! table lists the family's variants and character controls in order. The parameters and the
//! families' `INFO` blocks are the source of truth; this keeps the user's documentation from
//! drifting away from them.

use nice_plug::prelude::{ParamPtr, Params};
use tingle::params::TingleParams;
use tingle::triggers::Family;

/// The README, as committed.
const README: &str = include_str!("../README.md");
/// Relative tolerance of a documented range end against the displayed one (display rounding).
const RANGE_TOLERANCE: f64 = 1e-3;

/// The rows of the table under the heading `heading`: each row's cells, trimmed.
fn table(heading: &str) -> Vec<Vec<String>> {
    let section = README
        .split(&format!("\n{heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("README has no section {heading}"));
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // header and separator
        .map(|row| {
            row.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect()
}

/// Lower case without spaces, hyphens and markup, for comparing names.
fn folded(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == '/' || *c == '.')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The numbers in `text` ("-48..+24 dB" -> [-48, 24]).
fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .flat_map(|t| t.split(".."))
        .filter_map(|t| t.trim_start_matches('+').parse().ok())
        .collect()
}

/// The parameter whose display name is `name`.
fn parameter(params: &TingleParams, name: &str) -> ParamPtr {
    params
        .param_map()
        .into_iter()
        .map(|(_, ptr, _)| ptr)
        // SAFETY: the pointers point into `params`, alive for this call.
        .find(|ptr| unsafe { ptr.name() } == name)
        .unwrap_or_else(|| panic!("README names a parameter \"{name}\" the plugin does not have"))
}

/// Checks a table row: the parameter `name` has the choices or range `range` says.
fn check_row(params: &TingleParams, name: &str, range: &str) {
    let ptr = parameter(params, name);
    // SAFETY (all calls on `ptr`): it points into `params`, alive for this test.
    let shown = |normalized: f32| unsafe { ptr.normalized_value_to_string(normalized, true) };
    match ptr {
        ParamPtr::BoolParam(_) => assert_eq!(range, "on/off", "{name}"),
        ParamPtr::EnumParam(_) => {
            let steps = unsafe { ptr.step_count() }.expect("an enum has steps");
            let choices: Vec<String> = (0..=steps)
                .map(|k| folded(&shown(k as f32 / steps as f32)))
                .collect();
            let documented: Vec<String> = range.split(", ").map(folded).collect();
            if numbers(range).is_empty() {
                assert_eq!(documented, choices, "{name}: the choices");
            } else {
                // A range of note values: its ends.
                let ends = range.split(',').next().unwrap_or_default();
                let (first, last) = ends.split_once("..").expect("a range");
                assert_eq!(folded(first), choices[0], "{name}: first choice");
                assert_eq!(folded(last), choices[steps], "{name}: last choice");
            }
        }
        _ => {
            let documented = numbers(range);
            assert!(documented.len() >= 2, "{name}: a range in \"{range}\"");
            for (end, normalized) in [(documented[0], 0.0), (documented[1], 1.0)] {
                let text = shown(normalized);
                let value = numbers(&text)[0];
                assert!(
                    (value - end).abs() <= RANGE_TOLERANCE * end.abs().max(1.0),
                    "{name}: README says {end}, the plugin shows {text}"
                );
            }
        }
    }
}

#[test]
fn the_parameter_table_matches_the_parameters() {
    let params = TingleParams::default();
    let rows = table("## Parameters");
    assert!(
        rows.len() >= 15,
        "the table was found ({} rows)",
        rows.len()
    );
    for row in rows {
        check_row(&params, &row[0], &row[1]);
    }
}

/// The layer table names layer 1's parameters (the host shows them as "L1 ...") with their
/// ranges and choices.
#[test]
fn the_layer_table_matches_the_layer_parameters() {
    let params = TingleParams::default();
    let rows = table("### Layer parameters");
    assert!(
        rows.len() >= 20,
        "the table was found ({} rows)",
        rows.len()
    );
    for row in rows {
        check_row(&params, &format!("L1 {}", row[0]), &row[1]);
    }
}

#[test]
fn the_family_table_matches_the_families() {
    let rows = table("## Trigger layers");
    assert_eq!(rows.len(), Family::ALL.len(), "one row per family");
    for (row, family) in rows.iter().zip(Family::ALL) {
        let info = family.info();
        assert_eq!(row[0], info.name, "families in order");
        // Notes in brackets explain; the names are what is outside them.
        let names = |cell: &str| -> Vec<String> {
            let mut depth = 0;
            let plain: String = cell
                .chars()
                .filter(|&c| {
                    depth += i32::from(c == '(') - i32::from(c == ')');
                    depth == 0 && c != ')'
                })
                .collect();
            plain.split(", ").map(folded).collect()
        };
        let variants: Vec<String> = info.variants.iter().map(|v| folded(v)).collect();
        assert_eq!(names(&row[1]), variants, "{}: variants", info.name);
        let controls: Vec<String> = info.controls.iter().map(|c| folded(c.name)).collect();
        assert_eq!(names(&row[2]), controls, "{}: controls", info.name);
    }
}
