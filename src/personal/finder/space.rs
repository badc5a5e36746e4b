//! The searched space: the parameters the finder may change, each as one dimension, and points
//! in it.

use crate::dsp::random::{RngExt, SeededRng};

/// How a dimension's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A knob: any value in 0 ..= 1 (the knob's position within its safe range).
    Continuous,
    /// A list: one of this many entries, held as its index (a whole number, 0 ..= count - 1).
    Choice(usize),
}

/// One searched parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    /// The parameter's stable id with its layer suffix (`rate_2`, `sound_1`).
    pub id: String,
    /// How its value is read.
    pub kind: Kind,
}

/// A point in a [`Space`]: one value per dimension, in the dimensions' order (a continuous
/// value in 0 ..= 1, a choice's index as a whole number).
pub type Point = Vec<f32>;

/// The dimensions the finder searches, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    dimensions: Vec<Dimension>,
}

impl Space {
    /// A space of `dimensions`, in the order points list their values.
    pub fn new(dimensions: Vec<Dimension>) -> Self {
        Self { dimensions }
    }

    /// The dimensions in order.
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// A point drawn uniformly: every knob anywhere in its range, every list entry equally
    /// likely.
    pub fn random_point(&self, rng: &mut SeededRng) -> Point {
        self.dimensions
            .iter()
            .map(|d| random_value(d.kind, rng))
            .collect()
    }

    /// Why `point` is not a point of this space (the first offending dimension's id and
    /// value), or `None` if it is.
    pub fn check(&self, point: &[f32]) -> Option<String> {
        if point.len() != self.dimensions.len() {
            return Some(format!(
                "{} values for {} dimensions",
                point.len(),
                self.dimensions.len()
            ));
        }
        self.dimensions
            .iter()
            .zip(point)
            .find(|(d, v)| !d.kind.holds(**v))
            .map(|(d, v)| format!("{}: {v} is out of range", d.id))
    }
}

impl Kind {
    /// Whether `value` is a value of this kind.
    pub fn holds(self, value: f32) -> bool {
        match self {
            Kind::Continuous => (0.0..=1.0).contains(&value),
            Kind::Choice(count) => value.fract() == 0.0 && value >= 0.0 && value < count as f32,
        }
    }
}

/// A value of `kind` drawn uniformly.
pub fn random_value(kind: Kind, rng: &mut SeededRng) -> f32 {
    match kind {
        Kind::Continuous => rng.random::<f32>(),
        Kind::Choice(count) => rng.random_range(0..count) as f32,
    }
}
