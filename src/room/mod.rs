//! A binaural room around the listener, which every layer and the input can send into.
//!
//! - **Early reflections** ([`early`], [`emitter`], [`geometry`]): each placed source's image
//!   sources in the preset's shoebox, first and second order, each reflection arriving after
//!   its own delay (to the sample), from its direction (the HRTF pair and interaural delay of
//!   the nearest of sixteen directions), weakened by the walls it
//!   touched per band and by the longer way. They follow every trigger's own position.
//! - **Late reverberation** ([`late`]): a 16-line feedback delay network with a decay time
//!   per octave band and the two ears' coherence of a diffuse field heard through the HRTF set
//!   in use.
//! - **Level** ([`design`]): the reflections fall with their paths and the tail has the
//!   reverberant energy of Sabine's theory, so with a room the direct-to-reverberant ratio falls
//!   with distance as in a real room; Room Level trims both.
//!
//! The direct sound is untouched, so the plugin's latency stays zero. The room runs at the
//! placement rate (the session's up to 50 kHz, half or a quarter above: see
//! [`crate::binaural::placer::placement_rate`]): the emitters halve their sources, the room
//! doubles its two ears back. Switching the preset fades the room out, empties it and fades
//! the new one in ([`SWITCH_FADE_S`]); Room Size and Damping glide. Once nothing has been sent
//! for longer than the longest reflection and the tail has fallen below -120 dB, the room
//! empties and rests (costing nothing).

pub mod design;
pub mod early;
pub mod emitter;
pub mod geometry;
pub mod late;

use crate::binaural::distance::air_corner_hz;
use crate::binaural::hrtf::HrtfSet;
use crate::binaural::placer::placement_factor;
use crate::dsp::coherence;
use crate::dsp::halfband::{self, Doubler};
use crate::dsp::math::db_to_gain;
use crate::dsp::octave;
use crate::dsp::one_pole::OnePole;
use crate::dsp::ramp::Ramp;
use crate::ranges;
pub use design::{RoomDesign, RoomKind, RoomSettings};
use early::{DIRECTION_COUNT, EARLY_TAPS, EarlyField, direction_vectors};
pub use emitter::Emitter;
use geometry::{MAX_REFLECTIONS, Reflection};
use late::Late;
use std::sync::Arc;

/// The early reflections' window (s after the direct sound): later reflections (of a far
/// source in a large room) are left to the late tail, which is dense by then.
pub const EARLY_WINDOW_S: f32 = 0.12;
/// Fade out and in when the preset changes (s): the room's output, then every source's
/// reflections and send into the emptied new room.
pub const SWITCH_FADE_S: f32 = 0.03;
/// How long a source's reflections and send fade in after the room was emptied (s): slower
/// than the output's fade, since the reflections of a sound already playing start one after
/// another over the early window.
pub const REFILL_FADE_S: f32 = 0.03;
/// Crossfade of a source's reflections when the room's size or damping (or the HRTF set)
/// changed (s): long enough that the old and new delays glide rather than flutter.
pub const DESIGN_FADE_S: f32 = 0.04;
/// Glide of Room Level (s).
const LEVEL_GLIDE_S: f32 = 0.02;
/// Time constant of Room Size's and Damping's glides (s).
const SHAPE_GLIDE_S: f32 = 0.1;
/// How close (relative) a gliding size or damping must come to its target to stop gliding.
const SHAPE_SETTLED: f32 = 1e-4;
/// Level below which the tail counts as silent (-130 dB: the half-band filters after it ring a
/// little, and what leaves the room stays under -120 dB).
const SILENT: f32 = 3e-7;
/// Corner (Hz) of the walls' one-pole shelves: between the 250 Hz and 4 kHz bands they are
/// fitted at.
const WALL_SHELF_HZ: f32 = 1000.0;
/// The bands the walls' shelves take their low and high gains from (250 Hz, 4 kHz).
const WALL_BANDS: (usize, usize) = (1, 5);

/// What every emitter reads while it writes: the room's design and what follows from it.
#[derive(Debug, Clone)]
pub struct Scene {
    design: Option<RoomDesign>,
    /// Counts the design's and the HRTF set's changes (emitters work their reflections out
    /// again when it moves).
    generation: u32,
    /// Counts the times the room was emptied for another preset (emitters fade in again).
    emptied: u32,
    /// [`REFILL_FADE_S`] and [`DESIGN_FADE_S`] in samples at the room's rate.
    switch_fade: usize,
    /// See `switch_fade`.
    design_fade: usize,
    /// Per order (one wall, two walls): the shelf's gain at low and at high frequencies.
    shelves: [(f32, f32); 2],
    /// The shelves' one-pole coefficient.
    shelf_k: f32,
    hrtf: Arc<HrtfSet>,
    /// The room's sample rate (Hz).
    rate: f32,
    /// Longest delay of a reflection (samples).
    max_delay: usize,
    directions: [[f32; 3]; DIRECTION_COUNT],
}

impl Scene {
    /// The index of the early field's direction nearest to the unit vector `unit`.
    fn nearest_direction(&self, unit: [f32; 3]) -> usize {
        let mut best = (0, f32::NEG_INFINITY);
        for (i, d) in self.directions.iter().enumerate() {
            let dot = d[0] * unit[0] + d[1] * unit[1] + d[2] * unit[2];
            if dot > best.1 {
                best = (i, dot);
            }
        }
        best.0
    }

    /// Takes a new design (or none) and works out the walls' shelves.
    fn set_design(&mut self, design: Option<RoomDesign>) {
        self.design = design;
        self.generation = self.generation.wrapping_add(1);
        let Some(design) = design else {
            return;
        };
        // The typical path of each order, for a source an arm's length ahead.
        let mut found = [Reflection::default(); MAX_REFLECTIONS];
        let count = geometry::reflections(&design, Default::default(), &mut found);
        let high_hz = octave::CENTRES_HZ[WALL_BANDS.1];
        let measured_at = self.hrtf.measurement_distance_m();
        self.shelves = std::array::from_fn(|o| {
            let order = o as u8 + 1;
            let paths = found[..count].iter().filter(|r| r.order == order);
            let (sum, n) = paths.fold((0.0, 0), |(s, n), r| (s + r.path_m, n + 1));
            let mean_path = if n > 0 { sum / n as f32 } else { 1.0 };
            let air =
                1.0 / (1.0 + (high_hz / air_corner_hz(mean_path, measured_at)).powi(2)).sqrt();
            (
                design.reflection_gain[WALL_BANDS.0].powi(i32::from(order)),
                design.reflection_gain[WALL_BANDS.1].powi(i32::from(order)) * air,
            )
        });
    }
}

/// Where emitters write: the early field's lines and the tail's send, with the scene they
/// read. Owned by the [`Room`]; handed to the sources while they play a block.
#[derive(Debug)]
pub struct RoomFeed {
    scene: Scene,
    early: EarlyField,
    /// The tail's send (mono), one block at the room's rate.
    late_in: Vec<f32>,
    /// Work buffers of the emitters: the source at the room's rate and its two wall-filtered
    /// copies.
    scratch: [Vec<f32>; 3],
    /// Room-rate samples in this block.
    block_len: usize,
    /// Session samples before this block.
    session_start: u64,
    /// Room-rate samples before this block.
    low_start: u64,
    /// By how much the session's rate is divided for the room.
    factor: usize,
    /// Whether a source sent anything this block.
    written: bool,
}

impl RoomFeed {
    /// Where the session sample `start` samples into the block falls in the room's block.
    fn low_offset(&self, start: usize) -> usize {
        ((self.session_start + start as u64) / self.factor as u64).saturating_sub(self.low_start)
            as usize
    }
}

/// The room. Allocates only in [`Room::new`].
#[derive(Debug)]
pub struct Room {
    feed: RoomFeed,
    late: Late,
    /// The two ears at the room's rate, one block.
    ears: [Vec<f32>; 2],
    /// Doubling stages back to the session's rate (the first doubles into the session's rate),
    /// with each stage's output at its rate.
    doublers: Vec<[Doubler; 2]>,
    stage_ears: Vec<[Vec<f32>; 2]>,
    /// The settings asked for.
    target: RoomSettings,
    /// The settings the room sounds with (size and damping glide towards the target's).
    applied: RoomSettings,
    /// Room Level (linear).
    level: Ramp,
    /// The fade out and in when switching presets (0 ..= 1).
    fade: Ramp,
    /// Whether the room is fading out to switch to the target's preset.
    switching: bool,
    /// Room-rate samples since a source last sent anything.
    quiet: usize,
    /// Whether the room may still sound.
    sounding: bool,
}

impl Room {
    /// An empty room (off) in a session at `sample_rate` (Hz) for blocks of up to `max_block`
    /// samples, rendering its reflections with `hrtf` (at the placement rate, as the placers'
    /// set). Allocates.
    pub fn new(sample_rate: f32, max_block: usize, hrtf: &Arc<HrtfSet>) -> Self {
        let factor = placement_factor(sample_rate);
        let rate = sample_rate / factor as f32;
        let max_low = max_block.div_ceil(factor) + 1;
        let max_delay = ((EARLY_WINDOW_S + hrtf.max_itd()) * rate).ceil() as usize + EARLY_TAPS;
        let coefficients = halfband::design(halfband::TRANSITION);
        let stages = factor.trailing_zeros() as usize;
        let settings = RoomSettings::default();
        Self {
            feed: RoomFeed {
                scene: Scene {
                    design: None,
                    generation: 0,
                    emptied: 0,
                    switch_fade: (REFILL_FADE_S * rate) as usize,
                    design_fade: (DESIGN_FADE_S * rate) as usize,
                    shelves: [(1.0, 1.0); 2],
                    shelf_k: OnePole::coefficient(WALL_SHELF_HZ, rate),
                    hrtf: hrtf.clone(),
                    rate,
                    max_delay,
                    directions: direction_vectors(),
                },
                early: EarlyField::new(hrtf, max_delay, max_low),
                late_in: vec![0.0; max_low],
                scratch: std::array::from_fn(|_| vec![0.0; max_block + 1]),
                block_len: 0,
                session_start: 0,
                low_start: 0,
                factor,
                written: false,
            },
            late: {
                let mut late = Late::new(rate, design::longest_late_line_s(), max_low);
                if let Some(c) = hrtf.known_diffuse_coherence() {
                    late.set_coherence(coherence::fit(&c));
                }
                late
            },
            ears: [vec![0.0; max_low], vec![0.0; max_low]],
            doublers: (0..stages)
                .map(|_| [Doubler::new(coefficients), Doubler::new(coefficients)])
                .collect(),
            stage_ears: (0..stages)
                .map(|s| {
                    let len = max_block.div_ceil(1 << s) + 1;
                    [vec![0.0; len], vec![0.0; len]]
                })
                .collect(),
            target: settings,
            applied: settings,
            level: Ramp::new(db_to_gain(settings.level_db), (LEVEL_GLIDE_S * rate) as u32),
            fade: Ramp::new(1.0, (SWITCH_FADE_S * rate) as u32),
            switching: false,
            quiet: 0,
            sounding: false,
        }
    }

    /// Takes new settings: a new preset fades the room out and the new one in; size and
    /// damping glide; the level glides.
    pub fn set(&mut self, settings: &RoomSettings) {
        self.target = *settings;
        self.level
            .set_target(db_to_gain(ranges::ROOM_LEVEL_DB.clamp(settings.level_db)));
        if settings.kind != self.applied.kind {
            if self.is_sounding() {
                self.switching = true;
                self.fade.set_target(0.0);
            } else {
                self.apply_preset();
            }
        }
    }

    /// Takes the target's preset at once (the room is silent or faded out), empty.
    fn apply_preset(&mut self) {
        self.applied = self.target;
        self.switching = false;
        self.late.clear();
        self.feed.early.clear();
        self.feed.scene.emptied = self.feed.scene.emptied.wrapping_add(1);
        self.redesign();
        self.fade.set_target(1.0);
    }

    /// Works out the design of the applied settings for the scene and the tail.
    fn redesign(&mut self) {
        let design = RoomDesign::new(&self.applied);
        self.feed.scene.set_design(design);
        self.late.set_design(design.as_ref());
    }

    /// Renders with `hrtf` from now on (at the same rate as the set before): the reflections'
    /// filters and delays, and the tail's coherence (if the set's was worked out: see
    /// [`HrtfSet::diffuse_coherence`]). Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &Arc<HrtfSet>) {
        self.feed.early.set_hrtf(hrtf);
        if let Some(c) = hrtf.known_diffuse_coherence() {
            self.late.set_coherence(coherence::fit(&c));
        }
        self.feed.scene.hrtf = hrtf.clone();
        self.feed.scene.generation = self.feed.scene.generation.wrapping_add(1);
    }

    /// Whether the room may still sound (a source sent something, or its reflections or its
    /// tail have not died away yet).
    pub fn is_sounding(&self) -> bool {
        self.sounding || self.feed.written
    }

    /// Starts a block of `n` session samples: the sources may feed it from now on.
    pub fn begin(&mut self, n: usize) -> &mut RoomFeed {
        let mut count = n as u64;
        let mut before = self.feed.session_start;
        for _ in 0..self.doublers.len() {
            count = (before + count) / 2 - before / 2;
            before /= 2;
        }
        let len = count as usize;
        self.feed.block_len = len;
        self.feed.late_in[..len].fill(0.0);
        self.feed.written = false;
        self.glide(len);
        &mut self.feed
    }

    /// Moves a gliding size or damping on by `n` room samples.
    fn glide(&mut self, n: usize) {
        let settled = |a: f32, b: f32| (a - b).abs() <= SHAPE_SETTLED;
        if self.switching
            || self.applied.kind != self.target.kind
            || (settled(self.applied.size, self.target.size)
                && settled(self.applied.damping, self.target.damping))
        {
            // Nothing glides (the usual case): no work at all.
            return;
        }
        let k = 1.0 - (-(n as f32) / (SHAPE_GLIDE_S * self.feed.scene.rate)).exp();
        let mut changed = false;
        for (applied, target) in [
            (&mut self.applied.size, self.target.size),
            (&mut self.applied.damping, self.target.damping),
        ] {
            if (*applied - target).abs() > SHAPE_SETTLED {
                *applied += k * (target - *applied);
                if (*applied - target).abs() <= SHAPE_SETTLED {
                    *applied = target;
                }
                changed = true;
            }
        }
        if changed {
            self.redesign();
        }
    }

    /// Renders the block begun by [`Room::begin`] (after every source fed it) and adds the
    /// two ears to `left` and `right` (the block's session-rate length).
    pub fn add_to(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = self.feed.block_len;
        let written = self.feed.written;
        if self.sounding || written {
            if !self.sounding {
                // Waking: the doublers take up the stream where it is.
                for (s, pair) in self.doublers.iter_mut().enumerate() {
                    pair.iter_mut()
                        .for_each(|d| d.reset_at(self.feed.session_start >> s));
                }
            }
            self.sounding = true;
            let [el, er] = &mut self.ears;
            let (el, er) = (&mut el[..n], &mut er[..n]);
            el.fill(0.0);
            er.fill(0.0);
            self.feed.early.add_to(el, er);
            let tail_peak = self.late.add_to(&self.feed.late_in[..n], el, er);
            for (l, r) in el.iter_mut().zip(er.iter_mut()) {
                let g = self.level.advance() * self.fade.advance();
                *l *= g;
                *r *= g;
            }
            self.double_into(left, right);
            self.quiet = if written { 0 } else { self.quiet + n };
            if self.quiet > self.feed.scene.max_delay + EARLY_TAPS && tail_peak < SILENT {
                self.silence();
            }
        } else {
            self.level.skip(n);
            self.fade.skip(n);
        }
        if self.switching && self.fade.is_settled() {
            self.apply_preset();
        }
        self.feed.session_start += left.len() as u64;
        self.feed.low_start += n as u64;
    }

    /// Doubles the room-rate ears back to the session's rate and adds them to `left` and
    /// `right`.
    fn double_into(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = self.feed.block_len;
        if self.doublers.is_empty() {
            for (o, &v) in left.iter_mut().zip(&self.ears[0][..n]) {
                *o += v;
            }
            for (o, &v) in right.iter_mut().zip(&self.ears[1][..n]) {
                *o += v;
            }
            return;
        }
        // Stage s doubles from its input rate into the rate above; the last stage starts
        // from the room's ears, the first ends in the session's.
        let mut input_len = n;
        for s in (0..self.doublers.len()).rev() {
            let (higher, this) = self.stage_ears.split_at_mut(s);
            let out_len = if s == 0 {
                left.len()
            } else {
                // The higher stage's length this block.
                let mut count = left.len() as u64;
                let mut before = self.feed.session_start;
                for _ in 0..s {
                    count = (before + count) / 2 - before / 2;
                    before /= 2;
                }
                count as usize
            };
            let source: [&[f32]; 2] = if s + 1 == self.doublers.len() {
                [&self.ears[0][..input_len], &self.ears[1][..input_len]]
            } else {
                [&this[0][0][..input_len], &this[0][1][..input_len]]
            };
            let outputs: [&mut [f32]; 2] = if s == 0 {
                [&mut *left, &mut *right]
            } else {
                let [l, r] = &mut higher[s - 1];
                l[..out_len].fill(0.0);
                r[..out_len].fill(0.0);
                [&mut l[..out_len], &mut r[..out_len]]
            };
            for ((doubler, input), out) in self.doublers[s].iter_mut().zip(source).zip(outputs) {
                doubler.add_to(input, out);
            }
            input_len = out_len;
        }
    }

    /// Empties the room at once (after non-finite audio, or once it has died away).
    pub fn silence(&mut self) {
        self.late.clear();
        self.feed.early.clear();
        self.sounding = false;
        self.quiet = 0;
    }
}
