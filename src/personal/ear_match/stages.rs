//! How a session spends its taps: in stages, each playing some of the sets an equal number of
//! taps. An even session is one stage of every set. An adaptive one halves the field after
//! each stage (rounding up, down to the last two): the sets that did best so far play the
//! next stage, so the later taps go to the sets still in contention. Five sets play in stages
//! of five, three and two sets, the same taps each, ten shares in all (30 taps: 3 per set and
//! stage).

/// Sets that play the last stage of an adaptive session.
const FINALISTS: usize = 2;

/// One stage of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    /// How many sets play in it (the best ones so far, after the first stage).
    pub sets: usize,
    /// Taps each of them plays.
    pub taps_per_set: usize,
}

/// One stage: all `sets` sets play `taps_per_set` taps each.
pub fn even(sets: usize, taps_per_set: usize) -> Vec<Stage> {
    vec![Stage { sets, taps_per_set }]
}

/// The taps of all `stages` together.
pub fn total(stages: &[Stage]) -> usize {
    stages.iter().map(|s| s.sets * s.taps_per_set).sum()
}

/// The sets playing each stage of an adaptive session of `sets` sets (at least
/// [`FINALISTS`]).
fn fields(sets: usize) -> Vec<usize> {
    let mut fields = vec![sets];
    while let Some(&last) = fields.last().filter(|&&n| n > FINALISTS) {
        fields.push(last.div_ceil(2).max(FINALISTS));
    }
    fields
}

/// The fewest taps an adaptive session of `sets` sets can play: one per set and stage.
pub fn fewest_adaptive_taps(sets: usize) -> usize {
    fields(sets).iter().sum()
}

/// The stages of an adaptive session of `sets` sets (at least 2) playing `taps` taps in all:
/// every stage gets the same taps per set, and what does not divide evenly goes to the last
/// stage (so the session plays `taps`, or one fewer when an odd number is left over for the
/// two finalists). `None` if `taps` is below [`fewest_adaptive_taps`].
pub fn adaptive(sets: usize, taps: usize) -> Option<Vec<Stage>> {
    let fields = fields(sets);
    let shares: usize = fields.iter().sum();
    let per_stage = taps / shares;
    if per_stage == 0 {
        return None;
    }
    let extra_for_last = (taps - per_stage * shares) / FINALISTS;
    let last = fields.len() - 1;
    Some(
        fields
            .iter()
            .enumerate()
            .map(|(i, &sets)| Stage {
                sets,
                taps_per_set: per_stage + if i == last { extra_for_last } else { 0 },
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_stages_halve_the_field_and_spend_the_taps() {
        let five = adaptive(5, 30).expect("enough taps");
        assert_eq!(
            five.iter()
                .map(|s| (s.sets, s.taps_per_set))
                .collect::<Vec<_>>(),
            [(5, 3), (3, 3), (2, 3)]
        );
        assert_eq!(fields(2), [2]);
        assert_eq!(fields(9), [9, 5, 3, 2]);
        for (sets, taps) in [(2, 7), (3, 20), (6, 30), (8, 41)] {
            let stages = adaptive(sets, taps).expect("enough taps");
            assert!(
                taps - total(&stages) < FINALISTS,
                "{sets} sets, {taps} taps"
            );
        }
        assert_eq!(fewest_adaptive_taps(5), 10);
        assert!(adaptive(5, 9).is_none());
    }
}
