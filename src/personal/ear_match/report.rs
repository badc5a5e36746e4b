//! Per set, how well the listener localised its taps, and which set fits best.
//!
//! The ranking score (degrees, lower is better) is a set's mean cost per answered tap: a tap
//! costs its great-circle error, except that a front-back or up-down confusion (or both)
//! costs [`CONFUSION_COST_DEG`] whatever its error. The localisation literature keeps the two
//! kinds of error apart (Middlebrooks 1999: local errors, and the rate of quadrant errors):
//! a confusion is a failure of the set's cues, heavier than a typical local error, but its
//! size says little (a sound behind heard in front is as wrong at 100 degrees as at 150), so
//! one wild answer does not outweigh several near misses. Equal scores go to the set with
//! fewer confusions, then to the earlier set. In an adaptive session a set that played a later
//! stage ranks above every set dropped before it.

use super::confusion::Judgement;

/// What a tap heard as a confusion costs in the score (degrees): about the error a set made
/// for another head gives a tap.
pub const CONFUSION_COST_DEG: f32 = 60.0;

/// How the listener did with one candidate set.
#[derive(Debug, Clone, PartialEq)]
pub struct SetResult {
    /// The set's name (its file name, for a set loaded from a folder).
    pub name: String,
    /// The last stage the set played in (0 = the first; always 0 in an even session).
    pub stage: usize,
    /// Taps of this set the listener answered.
    pub answered: usize,
    /// Mean great-circle angle between target and answer (degrees, 0 ..= 180); `None` before
    /// the first answer.
    pub mean_error_deg: Option<f32>,
    /// Share of front-back confusions (0 ..= 1) among the answered taps that count them;
    /// `None` if none does.
    pub front_back_rate: Option<f32>,
    /// Share of up-down confusions (0 ..= 1) among the answered taps that count them; `None`
    /// if none does.
    pub up_down_rate: Option<f32>,
    /// Front-back and up-down confusions together (count).
    pub confusions: usize,
    /// The ranking score (degrees, 0 ..= 180, lower is better; module documentation); `None`
    /// before the first answer.
    pub score: Option<f32>,
}

/// The outcome of a session so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Per candidate set, in the session's order.
    pub sets: Vec<SetResult>,
    /// Indices into `sets`, best first (module documentation); sets without answers last.
    pub ranking: Vec<usize>,
}

impl Report {
    /// Index of the best set; `None` before any answer.
    pub fn best(&self) -> Option<usize> {
        self.ranking
            .first()
            .copied()
            .filter(|&i| self.sets[i].score.is_some())
    }
}

/// Tallies of one set's judgements.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// Answered taps.
    answered: usize,
    /// Sum of their angular errors (degrees).
    error_sum_deg: f32,
    /// Sum of their costs (degrees; module documentation).
    cost_sum_deg: f32,
    /// (confusions, taps that count them), front-back.
    front_back: (usize, usize),
    /// (confusions, taps that count them), up-down.
    up_down: (usize, usize),
}

impl Tally {
    /// Counts one more answered tap.
    fn add(&mut self, judgement: &Judgement) {
        self.answered += 1;
        self.error_sum_deg += judgement.error_deg;
        let mut confused = false;
        for (count, verdict) in [
            (&mut self.front_back, judgement.front_back),
            (&mut self.up_down, judgement.up_down),
        ] {
            if let Some(this) = verdict {
                count.0 += usize::from(this);
                count.1 += 1;
                confused |= this;
            }
        }
        self.cost_sum_deg += if confused {
            CONFUSION_COST_DEG
        } else {
            judgement.error_deg
        };
    }

    /// The set's result under `name`, having played up to stage `stage`.
    fn result(&self, name: &str, stage: usize) -> SetResult {
        let rate = |(confused, counted): (usize, usize)| {
            (counted > 0).then(|| confused as f32 / counted as f32)
        };
        let mean = |sum: f32| (self.answered > 0).then(|| sum / self.answered as f32);
        SetResult {
            name: name.to_owned(),
            stage,
            answered: self.answered,
            mean_error_deg: mean(self.error_sum_deg),
            front_back_rate: rate(self.front_back),
            up_down_rate: rate(self.up_down),
            confusions: self.front_back.0 + self.up_down.0,
            score: mean(self.cost_sum_deg),
        }
    }
}

/// The report for the sets named `names`, each having played up to the stage in `stages`
/// (same order), from `judgements`: (set index, judgement) of every answered tap.
pub fn report<'a>(
    names: &[&str],
    stages: &[usize],
    judgements: impl IntoIterator<Item = (usize, &'a Judgement)>,
) -> Report {
    let mut tallies = vec![Tally::default(); names.len()];
    for (set, judgement) in judgements {
        tallies[set].add(judgement);
    }
    let sets: Vec<SetResult> = tallies
        .iter()
        .zip(names)
        .zip(stages)
        .map(|((tally, name), &stage)| tally.result(name, stage))
        .collect();
    let mut ranking: Vec<usize> = (0..sets.len()).collect();
    // A stable sort: full ties keep the sets' order.
    ranking.sort_by(|&a, &b| {
        let (a, b) = (&sets[a], &sets[b]);
        b.stage
            .cmp(&a.stage)
            .then(a.score.is_none().cmp(&b.score.is_none()))
            .then(
                a.score
                    .unwrap_or_default()
                    .total_cmp(&b.score.unwrap_or_default()),
            )
            .then(a.confusions.cmp(&b.confusions))
    });
    Report { sets, ranking }
}
