//! The trial plan: which set plays each tap and from where.
//!
//! Every set plays the same target directions (a paired comparison: no set is favoured by
//! easier targets), each set in its own shuffled order. The targets spread evenly over the
//! four quadrants front-low, back-high, front-high, back-low (in that cycle, so any number of
//! them stays as balanced as it can be), alternating left and right, so that front-back and
//! up-down confusions can be counted on every one: each lies at most
//! [`TARGET_LATERAL_MAX_DEG`] from the median plane (well clear of the ears, where front and
//! back meet) and [`TARGET_ELEVATION_DEG`] above or below ear height (clear of the confusion
//! margin; higher up, heads differ less in their cues, and the taps there would tell the sets
//! apart less well). The taps come in rounds, each playing every set once in shuffled order,
//! and no set plays twice in a row, so the listener cannot settle into one set. A session
//! deals each of its stages ([`super::stages`]) this way.

use super::sphere::Heading;
use crate::dsp::random::{RngExt, SeededRng};
use rand::seq::SliceRandom;

/// Largest angle of a target from the median plane (degrees), front or back.
pub const TARGET_LATERAL_MAX_DEG: f32 = 60.0;
/// Smallest and largest elevation of a target above or below ear height (degrees), within
/// the sets' common measured range.
pub const TARGET_ELEVATION_DEG: (f32, f32) = (20.0, 40.0);
/// Half a turn (degrees): the azimuth behind.
const BEHIND_DEG: f32 = 180.0;
/// The quadrants (behind, above) the targets cycle through.
const QUADRANTS: [(bool, bool); 4] = [(false, false), (true, true), (false, true), (true, false)];

/// One tap to play.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trial {
    /// Index of the candidate set that renders it (into the session's candidates).
    pub set: usize,
    /// Where it plays (hidden from the listener).
    pub target: Heading,
    /// Seed of its noise bursts (any value), for [`super::tap::render`].
    pub noise_seed: u64,
}

/// Deals one stage: each of `sets` (candidate indices, at least 2) plays `per_set` taps, at
/// the targets numbered `first_target` onwards (continuing the quadrant cycle of earlier
/// stages) within `elevation_range` (lowest, highest; degrees: the range every set measures),
/// never starting with `after` (the set that played last, if any); drawing from `rng`.
pub fn deal(
    sets: &[usize],
    per_set: usize,
    first_target: usize,
    after: Option<usize>,
    elevation_range: (f32, f32),
    rng: &mut SeededRng,
) -> Vec<Trial> {
    let targets: Vec<Heading> = (first_target..first_target + per_set)
        .map(|i| target(i, elevation_range, rng))
        .collect();
    let orders: Vec<Vec<usize>> = sets
        .iter()
        .map(|_| {
            let mut order: Vec<usize> = (0..per_set).collect();
            order.shuffle(rng);
            order
        })
        .collect();
    let mut trials: Vec<Trial> = Vec::with_capacity(sets.len() * per_set);
    for round in 0..per_set {
        let mut playing: Vec<usize> = (0..sets.len()).collect();
        playing.shuffle(rng);
        let last = trials.last().map(|t| t.set).or(after);
        if last == playing.first().map(|&i| sets[i]) {
            playing.swap(0, rng.random_range(1..sets.len()));
        }
        for i in playing {
            trials.push(Trial {
                set: sets[i],
                target: targets[orders[i][round]],
                noise_seed: rng.random(),
            });
        }
    }
    trials
}

/// The `index`-th target: its quadrant from the cycle, its side alternating (both sides of
/// each quadrant within eight targets), its distance from the median plane and its height
/// drawn from `rng` within `elevation_range` (lowest, highest; degrees).
fn target(index: usize, elevation_range: (f32, f32), rng: &mut SeededRng) -> Heading {
    let (behind, above) = QUADRANTS[index % QUADRANTS.len()];
    let right = (index + index / QUADRANTS.len()).is_multiple_of(2);
    let lateral = rng.random_range(0.0..=TARGET_LATERAL_MAX_DEG);
    let azimuth = if behind {
        BEHIND_DEG - lateral
    } else {
        lateral
    };
    let (lowest, highest) = elevation_range;
    let room = if above { highest } else { -lowest };
    let top = TARGET_ELEVATION_DEG.1.min(room);
    let height = rng.random_range(TARGET_ELEVATION_DEG.0.min(top)..=top);
    Heading::new(
        if right { azimuth } else { -azimuth },
        if above { height } else { -height },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::random::seeded;

    /// Every set plays the same targets once each, the quadrants balance, and no set plays
    /// twice in a row (nor first after the set that played last).
    #[test]
    fn plan_is_paired_balanced_and_interleaved() {
        let (sets, per_set) = (5, 8);
        let all: Vec<usize> = (0..sets).collect();
        let trials = deal(&all, per_set, 0, Some(0), (-40.0, 90.0), &mut seeded(7));
        assert_ne!(trials[0].set, 0);
        assert_eq!(trials.len(), sets * per_set);
        assert!(trials.windows(2).all(|w| w[0].set != w[1].set));
        let targets_of = |set: usize| {
            let mut t: Vec<(f32, f32)> = trials
                .iter()
                .filter(|t| t.set == set)
                .map(|t| (t.target.azimuth_deg, t.target.elevation_deg))
                .collect();
            t.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
            t
        };
        for set in 1..sets {
            assert_eq!(targets_of(set), targets_of(0));
        }
        let count = |f: &dyn Fn(&Heading) -> bool| {
            trials.iter().filter(|t| t.set == 0 && f(&t.target)).count()
        };
        assert_eq!(count(&|h| h.azimuth_deg.abs() > 90.0), per_set / 2);
        assert_eq!(count(&|h| h.elevation_deg > 0.0), per_set / 2);
        assert_eq!(count(&|h| h.azimuth_deg > 0.0), per_set / 2);
    }
}
