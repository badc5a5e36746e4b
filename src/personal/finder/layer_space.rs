//! One layer's parameters as the finder's space: which of them it searches, within which safe
//! ranges, how the layer's settings read as a point and how a point becomes parameter changes.
//!
//! The finder tunes one layer at a time (the listener picks which): its sound (any variant of
//! any family but Sample, whose files are the user's), its four character controls, rate and
//! timing jitter, distance and direction, motion and its rate, and scatter and its spread. A
//! knob's point value is its position within the finder's safe range (log for rates and
//! distance); a setting outside that range reads as the range's nearest end. Levels, intensity,
//! elevation, gentle mode and the limiter are never searched.

use super::space::{Dimension, Kind, Point, Space};
use crate::dsp::math::{log_map, log_unmap};
use crate::engine::layer::ScatterMode;
use crate::engine::motion::MotionMode;
use crate::params::{LayerParams, RhythmMode, SoundChoice, TingleParams};
use crate::ranges::{self, Range};
use crate::triggers::Family;
use nice_plug::prelude::*;

/// One searched parameter of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The sound: an index into [`searchable_sounds`].
    Sound,
    /// Character control 1 ..= 4 (its index 0 ..= 3).
    Character(usize),
    /// Free rate, log over the family's safe range.
    Rate,
    /// Timing jitter.
    Humanize,
    /// Distance, log over [`ranges::FINDER_DISTANCE_M`].
    Distance,
    /// Direction (azimuth) over its whole circle.
    Azimuth,
    /// Motion shape.
    Motion,
    /// Free motion rate, log over [`ranges::FINDER_MOTION_RATE_HZ`].
    MotionRate,
    /// Scatter mode.
    Scatter,
    /// Scatter's angular spread.
    Spread,
}

/// A parameter change: the parameter and its new normalized value (0 ..= 1, the host's).
pub struct Change {
    /// The parameter.
    pub param: ParamPtr,
    /// Its new normalized value.
    pub normalized: f32,
}

/// The finder's view of one layer.
#[derive(Debug, Clone)]
pub struct LayerSpace {
    /// The layer's index (0-based).
    layer: usize,
    slots: Vec<Slot>,
    space: Space,
}

/// Every sound the finder may choose: every variant of every family but Sample.
pub fn searchable_sounds() -> impl Iterator<Item = SoundChoice> {
    SoundChoice::all()
        .iter()
        .copied()
        .filter(|s| s.family != Family::Sample)
}

impl LayerSpace {
    /// The searched parameters of layer `layer` (0-based) as `params` set it up: a Sample layer
    /// keeps its sound, a layer not on a free rate keeps its rhythm, a layer whose motion
    /// follows the tempo keeps its motion rate.
    pub fn new(params: &TingleParams, layer: usize) -> Self {
        let p = &params.layers[layer];
        let mut slots = Vec::new();
        if p.sound.value().family != Family::Sample {
            slots.push(Slot::Sound);
        }
        slots.extend((0..4).map(Slot::Character));
        if p.rhythm_mode.value() == RhythmMode::Free {
            slots.push(Slot::Rate);
        }
        slots.extend([Slot::Humanize, Slot::Distance, Slot::Azimuth, Slot::Motion]);
        if !p.placement.motion_sync.value() {
            slots.push(Slot::MotionRate);
        }
        slots.extend([Slot::Scatter, Slot::Spread]);
        let dimensions = slots
            .iter()
            .map(|&slot| Dimension {
                id: format!("{}_{}", slot.param(p).1, layer + 1),
                kind: slot.kind(),
            })
            .collect();
        Self {
            layer,
            slots,
            space: Space::new(dimensions),
        }
    }

    /// The layer's index (0-based).
    pub fn layer(&self) -> usize {
        self.layer
    }

    /// The searched space.
    pub fn space(&self) -> &Space {
        &self.space
    }

    /// The layer's current settings as a point.
    pub fn point(&self, params: &TingleParams) -> Point {
        let p = &params.layers[self.layer];
        self.slots.iter().map(|slot| slot.read(p)).collect()
    }

    /// The parameter changes that turn the layer's current settings into `point`: one per
    /// dimension whose value differs from the current point (so a setting the finder leaves
    /// alone keeps its exact value, even outside the safe range).
    pub fn changes(&self, params: &TingleParams, point: &[f32]) -> Vec<Change> {
        let p = &params.layers[self.layer];
        let current = self.point(params);
        let (before, after) = (self.family_at(p, &current), self.family_at(p, point));
        // A rate's point value is its place in its family's range: a sound that moves to a
        // family with another range moves the rate along with it.
        let rate_moves = rate_range(before) != rate_range(after);
        self.slots
            .iter()
            .zip(point.iter().zip(&current))
            .filter(|(slot, (new, old))| new != old || (**slot == Slot::Rate && rate_moves))
            .map(|(slot, (&value, _))| slot.write(p, value, after))
            .collect()
    }

    /// Every searched parameter's value at `point`, as changes from nothing (to show a
    /// point's settings; [`LayerSpace::changes`] gives only those that differ).
    pub fn settings(&self, params: &TingleParams, point: &[f32]) -> Vec<Change> {
        let p = &params.layers[self.layer];
        let family = self.family_at(p, point);
        self.slots
            .iter()
            .zip(point)
            .map(|(slot, &value)| slot.write(p, value, family))
            .collect()
    }

    /// The family `point` plays on layer `p` (its own, where the sound is not searched).
    fn family_at(&self, p: &LayerParams, point: &[f32]) -> Family {
        self.slots
            .iter()
            .position(|&s| s == Slot::Sound)
            .and_then(|i| searchable_sounds().nth(point[i] as usize))
            .map_or(p.sound.value().family, |s| s.family)
    }
}

/// Sets `changes` without telling any host: on a copy being rendered, or on the live
/// parameters while the editor auditions a proposal (the host keeps the values it was last
/// told; the editor tells it the favourite as one gesture when the listener answers).
///
/// # Safety
/// Every change's parameter must belong to a live parameter set. Values are atomics, set as
/// the host wrappers set them.
pub unsafe fn apply_unannounced(changes: &[Change]) {
    for c in changes {
        // SAFETY: guaranteed by the caller.
        unsafe { c.param._internal_set_normalized_value(c.normalized) };
    }
}

impl Slot {
    fn kind(self) -> Kind {
        match self {
            Slot::Sound => Kind::Choice(searchable_sounds().count()),
            Slot::Motion => Kind::Choice(MotionMode::variants().len()),
            Slot::Scatter => Kind::Choice(ScatterMode::variants().len()),
            _ => Kind::Continuous,
        }
    }

    /// The parameter this slot searches, with its id (without the layer suffix).
    fn param(self, p: &LayerParams) -> (ParamPtr, &'static str) {
        match self {
            Slot::Sound => (p.sound.as_ptr(), "sound"),
            Slot::Character(0) => (p.character_1.as_ptr(), "c1"),
            Slot::Character(1) => (p.character_2.as_ptr(), "c2"),
            Slot::Character(2) => (p.character_3.as_ptr(), "c3"),
            Slot::Character(_) => (p.character_4.as_ptr(), "c4"),
            Slot::Rate => (p.rate.as_ptr(), "rate"),
            Slot::Humanize => (p.humanize.as_ptr(), "human"),
            Slot::Distance => (p.placement.distance.as_ptr(), "dist"),
            Slot::Azimuth => (p.placement.azimuth.as_ptr(), "az"),
            Slot::Motion => (p.placement.motion.as_ptr(), "motion"),
            Slot::MotionRate => (p.placement.motion_rate.as_ptr(), "mrate"),
            Slot::Scatter => (p.scatter.as_ptr(), "scatter"),
            Slot::Spread => (p.spread.as_ptr(), "spread"),
        }
    }

    /// The point value of the layer's current setting.
    fn read(self, p: &LayerParams) -> f32 {
        let knob = |value: f32, range: Range<f32>| {
            ((range.clamp(value) - range.min) / (range.max - range.min)).clamp(0.0, 1.0)
        };
        let log_knob =
            |value: f32, range: Range<f32>| log_unmap(range.clamp(value), (range.min, range.max));
        match self {
            Slot::Sound => {
                let sound = p.sound.value();
                searchable_sounds().position(|s| s == sound).unwrap_or(0) as f32
            }
            Slot::Character(k) => knob(character(p, k).value(), ranges::CHARACTER),
            Slot::Rate => log_knob(p.rate.value(), rate_range(p.sound.value().family)),
            Slot::Humanize => knob(p.humanize.value(), ranges::HUMANIZE),
            Slot::Distance => log_knob(p.placement.distance_m(), ranges::FINDER_DISTANCE_M),
            Slot::Azimuth => knob(p.placement.azimuth.value(), ranges::AZIMUTH_DEG),
            Slot::Motion => p.placement.motion.value().to_index() as f32,
            Slot::MotionRate => log_knob(
                p.placement.motion_rate.value(),
                ranges::FINDER_MOTION_RATE_HZ,
            ),
            Slot::Scatter => p.scatter.value().to_index() as f32,
            Slot::Spread => knob(p.spread.value(), ranges::SPREAD_DEG),
        }
    }

    /// The change that sets the slot's parameter to point value `value`, for a layer that
    /// will play `family`.
    fn write(self, p: &LayerParams, value: f32, family: Family) -> Change {
        let between = |range: Range<f32>| range.min + value * (range.max - range.min);
        let log_between = |range: Range<f32>| log_map(value, (range.min, range.max));
        let normalized = match self {
            Slot::Sound => {
                let sound = searchable_sounds()
                    .nth(value as usize)
                    .unwrap_or_else(|| p.sound.value());
                p.sound.preview_normalized(sound)
            }
            Slot::Character(k) => character(p, k).preview_normalized(between(ranges::CHARACTER)),
            Slot::Rate => p.rate.preview_normalized(log_between(rate_range(family))),
            Slot::Humanize => p.humanize.preview_normalized(between(ranges::HUMANIZE)),
            Slot::Distance => p
                .placement
                .distance
                .preview_normalized(log_between(ranges::FINDER_DISTANCE_M).log10()),
            Slot::Azimuth => p
                .placement
                .azimuth
                .preview_normalized(between(ranges::AZIMUTH_DEG)),
            Slot::Motion => p
                .placement
                .motion
                .preview_normalized(MotionMode::from_index(value as usize)),
            Slot::MotionRate => p
                .placement
                .motion_rate
                .preview_normalized(log_between(ranges::FINDER_MOTION_RATE_HZ)),
            Slot::Scatter => p
                .scatter
                .preview_normalized(ScatterMode::from_index(value as usize)),
            Slot::Spread => p.spread.preview_normalized(between(ranges::SPREAD_DEG)),
        };
        Change {
            param: self.param(p).0,
            normalized,
        }
    }
}

/// Character control `k` (0 ..= 3) of layer `p`.
fn character(p: &LayerParams, k: usize) -> &FloatParam {
    [
        &p.character_1,
        &p.character_2,
        &p.character_3,
        &p.character_4,
    ][k]
}

/// The finder's rate range for a layer of `family`.
fn rate_range(family: Family) -> Range<f32> {
    if family.info().sustained {
        ranges::FINDER_SUSTAINED_RATE_PER_S
    } else {
        ranges::FINDER_RATE_PER_S
    }
}
