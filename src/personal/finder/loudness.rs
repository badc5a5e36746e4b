//! The finder's safety check: no proposal may be louder than the scene the session started
//! from by more than [`MOST_LOUDER_LU`]. Closeness, rate and character all change loudness (a
//! trigger at 0.15 m is 16 dB louder than at 1 m), and the listener may be a client in
//! therapy: a proposal is measured before it is played, by rendering the scene with it.

use super::layer_space::{LayerSpace, apply_unannounced};
use crate::engine::{Engine, InputChannels};
use crate::params::TingleParams;
use crate::scene::{self, SceneInfo};
use ebur128::{EbuR128, Mode};

/// How much louder than the starting scene a proposal may be (LU).
pub const MOST_LOUDER_LU: f64 = 3.0;
/// Length of the render a loudness is measured on (s): long enough for a few events of a
/// slow layer.
const RENDER_S: f32 = 10.0;
/// Sample rate of the render (Hz).
const RENDER_RATE_HZ: u32 = 48_000;
/// Block length of the render (samples).
const RENDER_BLOCK: usize = 512;
/// Stereo.
const CHANNELS: u32 = 2;

/// Measures scenes against the loudness of the scene a session started from.
pub struct LoudnessGate {
    /// Integrated loudness of the starting scene (LUFS).
    reference_lufs: f64,
}

impl LoudnessGate {
    /// A gate for a session starting from `params`.
    pub fn new(params: &TingleParams) -> Self {
        Self {
            reference_lufs: scene_loudness(params),
        }
    }

    /// Integrated loudness of the starting scene (LUFS).
    pub fn reference_lufs(&self) -> f64 {
        self.reference_lufs
    }

    /// Whether `params` with `layer`'s settings moved to `point` are at most
    /// [`MOST_LOUDER_LU`] louder than the starting scene.
    pub fn accepts(&self, params: &TingleParams, layer: &LayerSpace, point: &[f32]) -> bool {
        let loudness = loudness_at(params, layer, point);
        !loudness.is_nan() && loudness <= self.reference_lufs + MOST_LOUDER_LU
    }
}

/// Integrated loudness (LUFS, -inf for silence) of `params` with `layer`'s settings moved to
/// `point`, measured on a copy so that `params` stay as they are.
pub fn loudness_at(params: &TingleParams, layer: &LayerSpace, point: &[f32]) -> f64 {
    let copy = copy_of(params);
    // SAFETY: the copy's parameters are alive and used by nothing else.
    unsafe { apply_unannounced(&layer.changes(&copy, point)) };
    scene_loudness(&copy)
}

/// Integrated loudness (LUFS, -inf for silence) of a render of `params`.
pub fn scene_loudness(params: &TingleParams) -> f64 {
    let mut engine = Engine::new(RENDER_RATE_HZ as f32, RENDER_BLOCK);
    engine.set_settings(&params.engine_settings());
    engine.reset();
    let mut meter = EbuR128::new(CHANNELS, RENDER_RATE_HZ, Mode::I)
        .expect("stereo at 48 kHz is a supported measurement");
    let (mut left, mut right) = (vec![0.0; RENDER_BLOCK], vec![0.0; RENDER_BLOCK]);
    let blocks = (RENDER_S * RENDER_RATE_HZ as f32) as usize / RENDER_BLOCK;
    for _ in 0..blocks {
        engine.process(&mut left, &mut right, InputChannels::None);
        meter
            .add_frames_planar_f32(&[&left, &right])
            .expect("blocks of the meter's channel count");
    }
    meter.loudness_global().unwrap_or(f64::NEG_INFINITY)
}

/// A separate copy of `params` (through a scene, which keeps every value exactly).
pub fn copy_of(params: &TingleParams) -> TingleParams {
    scene::load(&scene::write(params, &SceneInfo::default()))
        .expect("a written scene reads back (tests/scenes.rs checks)")
}
