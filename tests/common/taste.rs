//! A simulated listener for the finder: a hidden taste over the finder's dimensions, drawn at
//! random, and noisy answers to pairs.
//!
//! The taste adds one smooth bump per knob (peaking at a random ideal setting, width
//! [`BUMP_WIDTH`] of the range) and one random liking per list entry (the best entry liked
//! fully), weighted by importances drawn from a Dirichlet distribution (concentration
//! [`CONCENTRATION`]: a few parameters matter more than the rest, as listeners report). The
//! best possible score is 1. The listener answers like a person: the bigger the difference,
//! the surer the pick (logistic, [`ANSWER_NOISE`]).

use tingle::dsp::random::{RngExt, SeededRng, normal};
use tingle::personal::finder::{Kind, Pick, Space};

/// Width of a knob's bump (standard deviation, share of the range).
pub const BUMP_WIDTH: f64 = 0.25;
/// Concentration of the importances' Dirichlet distribution (1 = any split equally likely,
/// lower = a few parameters dominate).
pub const CONCENTRATION: f64 = 0.5;
/// Score difference at which the listener picks the better one 73 % of the time.
pub const ANSWER_NOISE: f64 = 0.03;

/// One simulated listener.
pub struct Listener {
    importance: Vec<f64>,
    /// Per dimension: the ideal knob setting, or the liking of each list entry.
    taste: Vec<Taste>,
}

enum Taste {
    Knob(f64),
    List(Vec<f64>),
}

impl Listener {
    /// A listener with a taste drawn at random over `space`.
    pub fn new(space: &Space, rng: &mut SeededRng) -> Self {
        let mut importance: Vec<f64> = space
            .dimensions()
            .iter()
            .map(|_| gamma(CONCENTRATION, rng))
            .collect();
        let total: f64 = importance.iter().sum();
        importance.iter_mut().for_each(|w| *w /= total);
        let taste = space
            .dimensions()
            .iter()
            .map(|d| match d.kind {
                Kind::Continuous => Taste::Knob(rng.random::<f64>()),
                Kind::Choice(count) => {
                    let mut liking: Vec<f64> = (0..count).map(|_| rng.random::<f64>()).collect();
                    let best = liking.iter().cloned().fold(0.0, f64::max);
                    liking.iter_mut().for_each(|l| *l /= best);
                    Taste::List(liking)
                }
            })
            .collect();
        Self { importance, taste }
    }

    /// How much the listener likes `point`, 0 ..= 1 (1 is the best possible).
    pub fn score(&self, point: &[f32]) -> f64 {
        self.importance
            .iter()
            .zip(&self.taste)
            .zip(point)
            .map(|((w, t), &v)| {
                w * match t {
                    Taste::Knob(ideal) => {
                        let off = (f64::from(v) - ideal) / BUMP_WIDTH;
                        (-0.5 * off * off).exp()
                    }
                    Taste::List(liking) => liking[v as usize],
                }
            })
            .sum()
    }

    /// The listener's pick between the favourite `a` and the proposal `b`.
    pub fn answer(&self, a: &[f32], b: &[f32], rng: &mut SeededRng) -> Pick {
        let lean = (self.score(b) - self.score(a)) / ANSWER_NOISE;
        if rng.random::<f64>() < 1.0 / (1.0 + (-lean).exp()) {
            Pick::B
        } else {
            Pick::A
        }
    }
}

/// A Gamma(`shape`, 1) draw (Marsaglia and Tsang; shapes below 1 by the boost U^(1/shape)).
fn gamma(shape: f64, rng: &mut SeededRng) -> f64 {
    if shape < 1.0 {
        return gamma(shape + 1.0, rng) * rng.random::<f64>().powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u: f64 = rng.random();
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}
