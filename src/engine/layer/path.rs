//! A layer's path over one block: where the layer is (its set position, glides and motion) at
//! any point of the block, for the placers of its triggers.

use super::settings::LayerSettings;
use crate::binaural::Position;
use crate::engine::placement::PlacementControl;
use crate::engine::tempo::{Clock, Transport};

/// What the layer's placers need to follow the layer through one block.
pub struct BlockPath<'a> {
    /// The layer's settings (its position and motion).
    pub settings: &'a LayerSettings,
    /// The host's transport.
    pub transport: &'a Transport,
    /// The block's song position.
    pub clock: &'a Clock,
    /// Samples in the block.
    pub len: usize,
    /// The placers' control period (samples).
    pub period: usize,
    /// The placers' control period (s).
    pub period_s: f64,
}

impl BlockPath<'_> {
    /// The layer's placement `control` stepped on by one control period, to the position it
    /// reaches a period after `at` samples into the block.
    pub fn next_position(&self, control: &mut PlacementControl, at: usize) -> Position {
        control.step(
            self.period_s,
            &self.settings.position,
            &self.settings.motion,
            self.transport,
            self.clock.beats_at(at + self.period),
        )
    }
}
