//! Every host-visible parameter. The `#[id]` strings are stable forever: saved sessions,
//! presets and automation refer to them. Layer parameters carry the layer number as a suffix
//! (`az_1` .. `az_8`).

mod enums;
mod layer;
mod placement;
mod units;

pub use layer::{LayerParams, parse_variant};
pub use placement::PlacementParams;

use crate::engine::{EngineParams, LAYERS};
use nice_plug::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

/// Largest seed value.
const MAX_SEED: i32 = 999_999;

/// Tingle's parameters.
#[derive(Params)]
pub struct TingleParams {
    /// Placement of the track's input (ids without prefix: `az`, `el`, `dist`, `motion`, ...).
    #[nested(group = "Input")]
    pub input: PlacementParams,
    /// Input gain in dB, -48 ..= +24.
    #[id = "ingain"]
    pub input_gain: FloatParam,
    /// Binaural/original mix of the input, 0 (original) ..= 1 (binaural), shown in percent.
    #[id = "mix"]
    pub mix: FloatParam,
    /// Output gain in dB, -48 ..= +12.
    #[id = "outgain"]
    pub output_gain: FloatParam,
    /// The hearing-safety limiter (ceiling -1 dBFS). On by default and not automatable, so no
    /// stray automation lane can switch it off.
    #[id = "limiter"]
    pub limiter: BoolParam,
    /// Seed of all random variation, 0 ..= 999999: the same seed and settings give the same
    /// sound.
    #[id = "seed"]
    pub seed: IntParam,
    /// The eight trigger layers.
    #[nested(array, group = "Layer")]
    pub layers: [LayerParams; LAYERS],
    /// The editor's solo, a monitoring switch: bit n solos layer n + 1. While any bit is set
    /// only the soloed layers sound. Neither a parameter nor saved, so a session saved while
    /// soloing keeps its layers.
    pub solo: Arc<AtomicU8>,
    /// The scene last loaded ([`crate::scene::Source::key`], empty if none), so the editor can
    /// show its name and whether it was changed. Not a parameter: saved with the session.
    #[persist = "scene"]
    pub scene: Arc<RwLock<String>>,
    /// Whether the instance has made its first-sound choice (see [`crate::Tingle`]); saved
    /// with the session, so a reopened session is never replaced by the default scene.
    #[persist = "first_sound"]
    pub first_sound_done: Arc<AtomicBool>,
}

impl Default for TingleParams {
    fn default() -> Self {
        Self {
            input: PlacementParams::new(""),
            input_gain: units::decibels("Input Gain", 0.0, -48.0, 24.0),
            mix: units::percent("Mix", 1.0),
            output_gain: units::decibels("Output Gain", 0.0, -48.0, 12.0),
            limiter: BoolParam::new("Safety Limiter", true).non_automatable(),
            seed: IntParam::new(
                "Seed",
                1,
                IntRange::Linear {
                    min: 0,
                    max: MAX_SEED,
                },
            ),
            layers: std::array::from_fn(LayerParams::new),
            solo: Arc::new(AtomicU8::new(0)),
            scene: Arc::new(RwLock::new(String::new())),
            first_sound_done: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl TingleParams {
    /// Whether layer `index` (0-based) is soloed.
    pub fn is_soloed(&self, index: usize) -> bool {
        self.solo.load(Ordering::Relaxed) & (1 << index) != 0
    }

    /// Solos layer `index` (0-based), or releases its solo.
    pub fn toggle_solo(&self, index: usize) {
        self.solo.fetch_xor(1 << index, Ordering::Relaxed);
    }

    /// Releases every solo.
    pub fn clear_solo(&self) {
        self.solo.store(0, Ordering::Relaxed);
    }

    /// The engine's view of the current values.
    pub fn engine_params(&self) -> EngineParams {
        let solo = self.solo.load(Ordering::Relaxed);
        EngineParams {
            position: self.input.position(),
            motion: self.input.motion(),
            input_gain_db: self.input_gain.value(),
            mix: self.mix.value(),
            output_gain_db: self.output_gain.value(),
            limiter: self.limiter.value(),
            layers: std::array::from_fn(|i| {
                let mut layer = self.layers[i].engine_params();
                if solo != 0 {
                    layer.enabled = solo & (1 << i) != 0;
                }
                layer
            }),
            seed: self.seed.value() as u64,
        }
    }
}
