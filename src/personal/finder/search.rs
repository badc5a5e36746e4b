//! The search: keeps the listener's favourite so far (A), proposes a challenger (B) from what
//! the choices have taught the model, and learns from each answer.
//!
//! Each proposal weighs many candidates by their expected improvement over A (a gain the
//! model is unsure of counts as much as a small one it is sure of). The candidates are: the
//! best settings of one to all knobs under the most likely utility and under utilities drawn
//! from the model's uncertainty (Thompson sampling), nearby variations of A (one to five knobs nudged or redrawn), and points anywhere
//! (so a taste the model has not imagined can still be found). After "neither", the next
//! proposal looks further afield.

use super::model::{Comparison, Model, Sample, expected_improvement};
use super::space::{Kind, Point, Space, random_value};
use crate::dsp::random::{RngExt, SeededRng, seeded};

/// The listener's answer to a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A, the favourite so far, stays.
    A,
    /// B, the proposal, becomes the favourite.
    B,
    /// Neither appeals: A stays, and the next proposal is further from it.
    Neither,
}

/// One answered pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The favourite when the pair was played.
    pub a: Point,
    /// The proposal.
    pub b: Point,
    /// What the listener picked.
    pub pick: Pick,
}

/// How proposals are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// From the model of the listener's taste (the finder).
    Model,
    /// Points drawn at random (the baseline the finder is measured against).
    Random,
}

/// How much a "neither" counts as evidence that A beats B (a pick counts 1).
const NEITHER_WEIGHT: f64 = 0.5;
/// How much a tingle moment counts as evidence that its settings beat the starting scene.
const EVIDENCE_WEIGHT: f64 = 1.0;
/// Utility draws per proposal.
const THOMPSON_DRAWS: usize = 4;
/// How many of a draw's most promising knobs a candidate moves (0 stands for all of them).
const THOMPSON_MOVES: [usize; 6] = [1, 2, 3, 5, 8, 0];
/// Steps of a knob's range at which a draw's best setting is looked for.
const GRID_STEPS: usize = 20;
/// Nearby variations of A per proposal.
const LOCAL_CANDIDATES: usize = 40;
/// Most knobs a nearby variation moves.
const MOST_LOCAL_MOVES: usize = 5;
/// Largest move of a knob in a nearby variation that nudges it (share of its range).
const LOCAL_REACH: f32 = 0.3;
/// Points drawn anywhere per proposal.
const GLOBAL_CANDIDATES: usize = 20;
/// Random draws a random proposal may take to find one the safety check accepts.
const RANDOM_TRIES: usize = 200;

/// A finder session over one [`Space`].
pub struct Finder {
    space: Space,
    strategy: Strategy,
    start: Point,
    best: Point,
    choices: Vec<Choice>,
    evidence: Vec<Point>,
    rng: SeededRng,
    proposal: Option<Point>,
}

impl Finder {
    /// A session starting from `start` (the current scene's point), proposing by `strategy`,
    /// its random choices seeded by `seed`.
    pub fn new(space: Space, start: Point, strategy: Strategy, seed: u64) -> Self {
        Self {
            space,
            strategy,
            best: start.clone(),
            start,
            choices: Vec::new(),
            evidence: Vec::new(),
            rng: seeded(seed),
            proposal: None,
        }
    }

    /// A session that carries on from earlier `choices` (the favourite is the last one's
    /// pick), with `evidence` from tingle logs.
    pub fn resume(
        space: Space,
        start: Point,
        choices: Vec<Choice>,
        evidence: Vec<Point>,
        seed: u64,
    ) -> Self {
        let mut finder = Self::new(space, start, Strategy::Model, seed);
        if let Some(last) = choices.last() {
            finder.best = match last.pick {
                Pick::B => last.b.clone(),
                Pick::A | Pick::Neither => last.a.clone(),
            };
        }
        finder.choices = choices;
        finder.evidence = evidence;
        finder
    }

    /// The searched space.
    pub fn space(&self) -> &Space {
        &self.space
    }

    /// Where the session started.
    pub fn start(&self) -> &Point {
        &self.start
    }

    /// The listener's favourite so far (A).
    pub fn best(&self) -> &Point {
        &self.best
    }

    /// Every answered pair, oldest first.
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    /// The settings of moments the listener marked with the tingle button.
    pub fn evidence(&self) -> &[Point] {
        &self.evidence
    }

    /// Counts `point` (settings that were sounding when the listener felt tingles) as evidence.
    pub fn add_evidence(&mut self, point: Point) {
        self.evidence.push(point);
    }

    /// The proposal waiting for an answer, if any.
    pub fn proposal(&self) -> Option<&Point> {
        self.proposal.as_ref()
    }

    /// Proposes B, the challenger to the favourite: the most promising candidate that `safe`
    /// accepts (`None` if it accepts none). It waits for [`Finder::answer`]; asking again
    /// before an answer replaces it.
    pub fn propose(&mut self, mut safe: impl FnMut(&[f32]) -> bool) -> Option<&Point> {
        self.proposal = match self.strategy {
            Strategy::Random => (0..RANDOM_TRIES)
                .map(|_| self.space.random_point(&mut self.rng))
                .find(|p| *p != self.best && safe(p)),
            Strategy::Model => self
                .ranked_candidates()
                .into_iter()
                .map(|(_, p)| p)
                .find(|p| safe(p)),
        };
        self.proposal.as_ref()
    }

    /// Records the listener's answer to the waiting proposal (ignored without one).
    pub fn answer(&mut self, pick: Pick) {
        let Some(b) = self.proposal.take() else {
            return;
        };
        let a = self.best.clone();
        if pick == Pick::B {
            self.best = b.clone();
        }
        self.choices.push(Choice { a, b, pick });
    }

    /// Every candidate with its expected improvement over the favourite, best first.
    fn ranked_candidates(&mut self) -> Vec<(f64, Point)> {
        let model = Model::fit(&self.space, &self.comparisons());
        let widen = self.choices.last().is_some_and(|c| c.pick == Pick::Neither);
        let mut candidates = self.drawn_bests(&model.most_likely(), &THOMPSON_MOVES);
        for _ in 0..THOMPSON_DRAWS {
            let sample = model.sample(&mut self.rng);
            let moves: &[usize] = if widen { &[0] } else { &THOMPSON_MOVES };
            candidates.extend(self.drawn_bests(&sample, moves));
        }
        if !widen {
            for _ in 0..LOCAL_CANDIDATES {
                candidates.push(self.nearby());
            }
        }
        for _ in 0..GLOBAL_CANDIDATES {
            candidates.push(self.space.random_point(&mut self.rng));
        }
        candidates.extend(self.evidence.iter().cloned());
        let mut ranked: Vec<(f64, Point)> = candidates
            .into_iter()
            .filter(|p| *p != self.best)
            .map(|p| {
                let (mean, variance) = model.gap(&p, &self.best);
                (expected_improvement(mean, variance), p)
            })
            .collect();
        ranked.sort_by(|x, y| y.0.total_cmp(&x.0));
        ranked
    }

    /// The choices and tingle moments as evidence for the model.
    fn comparisons(&self) -> Vec<Comparison<'_>> {
        let picks = self.choices.iter().map(|c| match c.pick {
            Pick::A => Comparison {
                winner: &c.a,
                loser: &c.b,
                weight: 1.0,
            },
            Pick::B => Comparison {
                winner: &c.b,
                loser: &c.a,
                weight: 1.0,
            },
            Pick::Neither => Comparison {
                winner: &c.a,
                loser: &c.b,
                weight: NEITHER_WEIGHT,
            },
        });
        let moments = self.evidence.iter().map(|e| Comparison {
            winner: e,
            loser: &self.start,
            weight: EVIDENCE_WEIGHT,
        });
        picks.chain(moments).collect()
    }

    /// The favourite with the knobs that gain most under `sample` set to their best, for
    /// each count of knobs in `moves` (0 = all that gain).
    fn drawn_bests(&self, sample: &Sample, moves: &[usize]) -> Vec<Point> {
        let mut gains: Vec<(f64, usize, f32)> = self
            .space
            .dimensions()
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (value, utility) = values(d.kind)
                    .map(|v| (v, sample.utility(i, v)))
                    .max_by(|x, y| x.1.total_cmp(&y.1))
                    .expect("every dimension has values");
                (utility - sample.utility(i, self.best[i]), i, value)
            })
            .collect();
        gains.sort_by(|x, y| y.0.total_cmp(&x.0));
        moves
            .iter()
            .map(|&count| {
                let count = if count == 0 { gains.len() } else { count };
                let mut point = self.best.clone();
                for &(gain, i, value) in gains.iter().take(count) {
                    if gain > 0.0 {
                        point[i] = value;
                    }
                }
                point
            })
            .collect()
    }

    /// The favourite with one to [`MOST_LOCAL_MOVES`] knobs or lists moved.
    fn nearby(&mut self) -> Point {
        let mut point = self.best.clone();
        let count = self.rng.random_range(1..=MOST_LOCAL_MOVES);
        for _ in 0..count {
            let i = self.rng.random_range(0..point.len());
            let kind = self.space.dimensions()[i].kind;
            point[i] = match kind {
                Kind::Continuous if self.rng.random::<bool>() => {
                    let step = LOCAL_REACH * (self.rng.random::<f32>() * 2.0 - 1.0);
                    (point[i] + step).clamp(0.0, 1.0)
                }
                _ => random_value(kind, &mut self.rng),
            };
        }
        point
    }
}

/// The values at which a dimension's best setting is looked for.
fn values(kind: Kind) -> impl Iterator<Item = f32> {
    let count = match kind {
        Kind::Continuous => GRID_STEPS + 1,
        Kind::Choice(count) => count,
    };
    (0..count).map(move |k| match kind {
        Kind::Continuous => k as f32 / GRID_STEPS as f32,
        Kind::Choice(_) => k as f32,
    })
}
