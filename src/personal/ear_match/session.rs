//! One ear-match session: deals the taps stage by stage, takes the listener's answers, keeps
//! score.

use super::confusion::{Judgement, judge};
use super::plan::{Trial, deal};
use super::report::{Report, report};
use super::sphere::Heading;
use super::stages::{self, Stage};
use super::tap::{self, Tap};
use crate::binaural::hrtf::HrtfSet;
use crate::dsp::random::{SeededRng, seeded};
use std::fmt;

/// Fewest candidate sets a session compares.
pub const MIN_SETS: usize = 2;

/// Why a session cannot start.
#[derive(Debug, Clone, PartialEq)]
pub enum EarMatchError {
    /// Fewer than [`MIN_SETS`] candidate sets (the count given).
    TooFewSets(usize),
    /// Too few taps: the fewest the constructor accepts (per set for [`EarMatch::new`], in all
    /// for [`EarMatch::adaptive`]).
    TooFewTaps(usize),
}

impl fmt::Display for EarMatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewSets(n) => write!(
                f,
                "the ear match compares at least {MIN_SETS} HRTF sets, it was given {n}"
            ),
            Self::TooFewTaps(n) => write!(f, "the ear match needs at least {n} taps"),
        }
    }
}

impl std::error::Error for EarMatchError {}

/// An ear-match session: candidate HRTF sets, the trials dealt so far (module
/// [`super::plan`]), and the answers. Play [`EarMatch::next_trial`] (rendered by
/// [`EarMatch::tap`]), record where the listener heard it with [`EarMatch::answer`], repeat
/// until `next_trial` gives `None`, then read [`EarMatch::report`]. A listener needs some
/// seconds per tap: 30 taps take a few minutes.
#[derive(Debug, Clone)]
pub struct EarMatch {
    /// The candidate sets with their names.
    candidates: Vec<(String, HrtfSet)>,
    /// The session's stages (module [`super::stages`]).
    stages: Vec<Stage>,
    /// The stage being played (index into `stages`).
    stage: usize,
    /// Per candidate, the last stage it plays in.
    reached: Vec<usize>,
    /// The elevations every candidate measures (lowest, highest; degrees).
    elevation_range: (f32, f32),
    /// The taps dealt so far, in playing order.
    trials: Vec<Trial>,
    /// The judgement of each answered trial, in order (the first `len` trials are answered).
    judgements: Vec<Judgement>,
    /// Draws the later stages' trials.
    rng: SeededRng,
}

impl EarMatch {
    /// An even session comparing `candidates` (name and set each; at least [`MIN_SETS`]),
    /// playing `taps_per_set` taps of each (at least 1), dealt from `seed` (any value; the
    /// same seed deals the same taps). Targets stay within the elevations every set measures.
    pub fn new(
        candidates: Vec<(String, HrtfSet)>,
        taps_per_set: usize,
        seed: u64,
    ) -> Result<Self, EarMatchError> {
        check_count(&candidates)?;
        if taps_per_set == 0 {
            return Err(EarMatchError::TooFewTaps(1));
        }
        let stages = stages::even(candidates.len(), taps_per_set);
        Ok(Self::start(candidates, stages, seed))
    }

    /// An adaptive session comparing `candidates` (at least [`MIN_SETS`]) in stages that halve
    /// the field (module [`super::stages`]), playing `taps` taps in all (at least one per set
    /// and stage, 10 for five sets; one fewer when an odd number is left over for the last
    /// stage), dealt from `seed` (any value). With five sets, 30 taps found a simulated
    /// listener's own set in 98 % of sessions (`tests/ear_match.rs`).
    pub fn adaptive(
        candidates: Vec<(String, HrtfSet)>,
        taps: usize,
        seed: u64,
    ) -> Result<Self, EarMatchError> {
        check_count(&candidates)?;
        let sets = candidates.len();
        let stages = stages::adaptive(sets, taps).ok_or(EarMatchError::TooFewTaps(
            stages::fewest_adaptive_taps(sets),
        ))?;
        Ok(Self::start(candidates, stages, seed))
    }

    /// A session of `candidates` played in `stages`, its first stage dealt from `seed`.
    fn start(candidates: Vec<(String, HrtfSet)>, stages: Vec<Stage>, seed: u64) -> Self {
        let elevation_range = candidates
            .iter()
            .map(|(_, set)| set.elevation_range())
            .fold((f32::MIN, f32::MAX), |(low, high), (lowest, highest)| {
                (low.max(lowest), high.min(highest))
            });
        let total = stages::total(&stages);
        let mut session = Self {
            reached: vec![0; candidates.len()],
            candidates,
            stages,
            stage: 0,
            elevation_range,
            trials: Vec::with_capacity(total),
            judgements: Vec::with_capacity(total),
            rng: seeded(seed),
        };
        session.deal_stage(&(0..session.candidates.len()).collect::<Vec<_>>());
        session
    }

    /// Deals the current stage to `sets` (candidate indices).
    fn deal_stage(&mut self, sets: &[usize]) {
        let first_target = self.stages[..self.stage]
            .iter()
            .map(|s| s.taps_per_set)
            .sum();
        for &set in sets {
            self.reached[set] = self.stage;
        }
        let after = self.trials.last().map(|t| t.set);
        let trials = deal(
            sets,
            self.stages[self.stage].taps_per_set,
            first_target,
            after,
            self.elevation_range,
            &mut self.rng,
        );
        self.trials.extend(trials);
    }

    /// The candidate sets with their names, in the order given.
    pub fn candidates(&self) -> &[(String, HrtfSet)] {
        &self.candidates
    }

    /// The tap to play now; `None` once every tap is answered.
    pub fn next_trial(&self) -> Option<Trial> {
        self.trials.get(self.judgements.len()).copied()
    }

    /// The sound of [`EarMatch::next_trial`], rendered through its set (at the set's sample
    /// rate; see [`tap::render`]); `None` once every tap is answered. Allocates: call it off
    /// the audio thread.
    pub fn tap(&self) -> Option<Tap> {
        self.next_trial().map(|trial| {
            tap::render(
                &self.candidates[trial.set].1,
                trial.target,
                trial.noise_seed,
            )
        })
    }

    /// Records where the listener heard the current tap: `azimuth_deg` (degrees, any value,
    /// wrapped; 0 = front, positive to the right) and `elevation_deg` (degrees, positive up;
    /// clamped to -90 ..= 90), and moves on to the next (after a stage's last tap, the best
    /// sets so far go on to the next stage). Returns false, recording nothing, when every tap
    /// is answered already.
    pub fn answer(&mut self, azimuth_deg: f32, elevation_deg: f32) -> bool {
        let Some(trial) = self.next_trial() else {
            return false;
        };
        self.judgements.push(judge(
            trial.target,
            Heading::new(azimuth_deg, elevation_deg),
        ));
        if self.judgements.len() == self.trials.len() && self.stage + 1 < self.stages.len() {
            let ranking = self.report().ranking;
            self.stage += 1;
            self.deal_stage(&ranking[..self.stages[self.stage].sets]);
        }
        true
    }

    /// (Taps answered, taps in the whole session).
    pub fn progress(&self) -> (usize, usize) {
        (self.judgements.len(), stages::total(&self.stages))
    }

    /// The scores from the answers so far (final once [`EarMatch::next_trial`] is `None`).
    pub fn report(&self) -> Report {
        let names: Vec<&str> = self.candidates.iter().map(|(n, _)| n.as_str()).collect();
        report(
            &names,
            &self.reached,
            self.trials
                .iter()
                .zip(&self.judgements)
                .map(|(trial, judgement)| (trial.set, judgement)),
        )
    }

    /// Ends the session keeping candidate `index` (as [`Report::best`] names it): its name
    /// and set. `None` for an index past the candidates.
    pub fn into_candidate(self, index: usize) -> Option<(String, HrtfSet)> {
        self.candidates.into_iter().nth(index)
    }
}

/// Fails unless there are at least [`MIN_SETS`] `candidates`.
fn check_count(candidates: &[(String, HrtfSet)]) -> Result<(), EarMatchError> {
    if candidates.len() < MIN_SETS {
        return Err(EarMatchError::TooFewSets(candidates.len()));
    }
    Ok(())
}
