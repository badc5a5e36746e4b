//! The host-independent real-time engine. The plugin, the standalone app, the offline renderer,
//! the tests and the benchmarks all drive this same type; it knows nothing of plugin formats.
//!
//! Per block: input gain -> mono downmix -> binaural placement (smoothed position + motion) ->
//! binaural/original mix -> output gain -> hearing-safety limiter.

pub mod placement;
pub mod tempo;

use crate::binaural::Position;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::motion::MotionSettings;
use crate::binaural::placer::Placer;
use crate::dsp::limiter::{DEFAULT_CEILING_DB, Limiter};
use crate::dsp::ramp::Ramp;
use placement::PlacementControl;
use std::sync::Arc;
use tempo::Transport;

/// Glide time of gain and mix changes (s).
const GAIN_GLIDE_S: f32 = 0.02;

/// Which main input channels carry audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputChannels {
    /// No input (an instrument track): the engine reads nothing.
    None,
    /// Mono input in the left buffer.
    Mono,
    /// Stereo input, downmixed to the placed source.
    Stereo,
}

/// Everything the engine's sound depends on, in plain units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineParams {
    /// Where the input is placed.
    pub position: Position,
    /// How it moves.
    pub motion: MotionSettings,
    /// Gain applied to the input (dB).
    pub input_gain_db: f32,
    /// Share of the binaural signal in the output, 0 (original) ..= 1 (binaural).
    pub mix: f32,
    /// Gain after the mix (dB).
    pub output_gain_db: f32,
    /// Whether the hearing-safety limiter runs (on by default).
    pub limiter: bool,
}

impl Default for EngineParams {
    fn default() -> Self {
        Self {
            position: Position::default(),
            motion: MotionSettings::default(),
            input_gain_db: 0.0,
            mix: 1.0,
            output_gain_db: 0.0,
            limiter: true,
        }
    }
}

/// The real-time engine. [`Engine::new`] allocates everything; nothing else does.
pub struct Engine {
    sample_rate: f32,
    max_block: usize,
    params: EngineParams,
    transport: Transport,
    /// Song position (quarter notes) at the current sample, while known.
    beats: Option<f64>,
    placement: PlacementControl,
    placer: Placer,
    input_gain: Ramp,
    mix: Ramp,
    output_gain: Ramp,
    limiter: Limiter,
    /// Mono source, one block.
    mono: Vec<f32>,
    /// Binaural output, one block each.
    wet: [Vec<f32>; 2],
}

impl Engine {
    /// An engine for `sample_rate` (Hz) and blocks of up to `max_block` samples (longer blocks
    /// are split), starting from [`EngineParams::default`]. To start at other settings without
    /// gliding from the defaults, call [`Engine::set_params`] and then [`Engine::reset`] before
    /// the first block. Allocates: call from `activate()`.
    pub fn new(sample_rate: f32, max_block: usize) -> Self {
        let hrtf = Arc::new(HrtfSet::kemar().resampled(sample_rate));
        let max_block = max_block.max(1);
        let glide = (GAIN_GLIDE_S * sample_rate) as u32;
        let params = EngineParams::default();
        Self {
            sample_rate,
            max_block,
            params,
            transport: Transport::default(),
            beats: None,
            placement: PlacementControl::default(),
            placer: Placer::new(hrtf),
            input_gain: Ramp::new(1.0, glide),
            mix: Ramp::new(params.mix, glide),
            output_gain: Ramp::new(1.0, glide),
            limiter: Limiter::new(sample_rate, DEFAULT_CEILING_DB),
            mono: vec![0.0; max_block],
            wet: [vec![0.0; max_block], vec![0.0; max_block]],
        }
    }

    /// The session sample rate (Hz).
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Sets new parameter values; every change glides.
    pub fn set_params(&mut self, params: &EngineParams) {
        self.params = *params;
        self.input_gain.set_target(db_to_gain(params.input_gain_db));
        self.mix.set_target(params.mix.clamp(0.0, 1.0));
        self.output_gain
            .set_target(db_to_gain(params.output_gain_db));
    }

    /// The transport at the start of the next block. Its song position replaces the one the
    /// engine keeps running between calls: hosts call this every block; an offline driver
    /// calls it once at the start and lets the engine advance the position.
    pub fn set_transport(&mut self, transport: &Transport) {
        self.transport = *transport;
        self.beats = transport.position_beats;
    }

    /// Current limiter gain reduction (dB, >= 0).
    pub fn limiter_reduction_db(&self) -> f32 {
        self.limiter.reduction_db()
    }

    /// Clears all signal state (filters, delays, glides) without allocating.
    pub fn reset(&mut self) {
        self.placer.reset();
        self.placement.reset();
        self.limiter.reset();
        self.input_gain.jump(self.input_gain.target());
        self.mix.jump(self.mix.target());
        self.output_gain.jump(self.output_gain.target());
    }

    /// Processes one block in place: `left` and `right` hold the input as `input` says and
    /// receive the output. Any block length works. Non-finite input silences the block and
    /// clears the filters, so one bad sample never sticks.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32], input: InputChannels) {
        let len = left.len().min(right.len());
        let mut start = 0;
        while start < len {
            let end = (start + self.max_block).min(len);
            self.process_chunk(&mut left[start..end], &mut right[start..end], input);
            start = end;
        }
    }

    fn process_chunk(&mut self, left: &mut [f32], right: &mut [f32], input: InputChannels) {
        let n = left.len();
        let finite = |s: &[f32]| s.iter().all(|v| v.is_finite());
        let input_ok = match input {
            InputChannels::None => true,
            InputChannels::Mono => finite(left),
            InputChannels::Stereo => finite(left) && finite(right),
        };
        if !input_ok {
            self.silence(left, right);
            return;
        }
        if input == InputChannels::None {
            left.fill(0.0);
            right.fill(0.0);
        }

        let mono = &mut self.mono[..n];
        for i in 0..n {
            let g = self.input_gain.advance();
            left[i] *= g;
            if input == InputChannels::Stereo {
                right[i] *= g;
                mono[i] = 0.5 * (left[i] + right[i]);
            } else {
                right[i] = left[i];
                mono[i] = left[i];
            }
        }

        let [wet_l, wet_r] = &mut self.wet;
        let (wet_l, wet_r) = (&mut wet_l[..n], &mut wet_r[..n]);
        wet_l.fill(0.0);
        wet_r.fill(0.0);
        let period_s = self.placer.control_period() as f64 / f64::from(self.sample_rate);
        let (params, transport) = (&self.params, &self.transport);
        let (placement, beats) = (&mut self.placement, &mut self.beats);
        let beats_per_second = transport.tempo_bpm / 60.0;
        self.placer.process_add(mono, wet_l, wet_r, || {
            *beats = beats.map(|b| b + period_s * beats_per_second);
            placement.step(
                period_s,
                &params.position,
                &params.motion,
                transport,
                *beats,
            )
        });

        for i in 0..n {
            let m = self.mix.advance();
            let g = self.output_gain.advance();
            left[i] = g * (left[i] + m * (wet_l[i] - left[i]));
            right[i] = g * (right[i] + m * (wet_r[i] - right[i]));
            if self.params.limiter {
                self.limiter.process(&mut left[i], &mut right[i]);
            }
        }
        if !(finite(left) && finite(right)) {
            self.silence(left, right);
        }
    }

    /// Outputs silence for this block and clears every filter.
    fn silence(&mut self, left: &mut [f32], right: &mut [f32]) {
        left.fill(0.0);
        right.fill(0.0);
        self.placer.reset();
        self.limiter.reset();
    }
}

/// Decibels to a linear gain.
pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}
