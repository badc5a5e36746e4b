//! Scratch and brush: a stylus (a fingernail, or the bristles of a brush) dragged back and
//! forth over a rough surface.
//!
//! Friction does not sound as a smooth noise band: a stylus on a rough surface sticks, is
//! dragged until the spring force breaks it free, slips, and sticks again, so the contact
//! force is a dense train of small impulses, one per slip, that excites the surface's modes
//! (Avanzini, Serafin & Rocchesso 2005, "Interactive simulation of rigid body interaction with
//! friction-induced sound generation", IEEE Trans. Speech and Audio Processing 13(5)). Where
//! the stylus follows a rough profile, the slips come once per surface grain crossed, so their
//! rate is the stroke speed over the grain spacing, and the impulses go through the object's
//! resonances (van den Doel, Kry & Pai 2001, "FoleyAutomatic: physically-based sound effects
//! for interactive simulation and animation", SIGGRAPH). A brush is many bristles slipping
//! independently: the same impulses at random times, a dense granular texture, like the
//! stochastic particles of Cook's PhISEM (Cook 2002, "Real Sound Synthesis for Interactive
//! Applications", ch. 12).
//!
//! The model per sample: a stick-slip phase advances at (bristles x speed / grain spacing),
//! jittered per sample (a nail's slips are fairly regular, a brush's bristles random); each
//! slip is an impulse of random sign and a heavy-tailed (lognormal) size, so a few grains
//! catch much harder than the rest. The impulses drive the surface modes (band-passes) and a
//! little of them passes dry; each impulse also releases a short burst of roughness noise (the
//! grain's scrape, a few milliseconds). A low-pass whose corner follows the speed from moment
//! to moment (a faster stylus crosses the surface's fine structure faster, so the contact force
//! is brighter; a heavier press damps it) and the variant's band shape the result. The corner's
//! sweep within each pass is what makes a stroke a swish rather than a steady band of noise.
//!
//! A stroke is a gesture of a few passes back and forth: each pass lands already moving,
//! accelerates, glides, decelerates and lifts for a moment before the hand turns; passes
//! differ a little in length and weight, and the surface modes sit slightly higher on the
//! passes going one way than the other. A faster hand makes shorter passes, so the Length of
//! the whole gesture holds more of them.
//!
//! A brush's slips are heard mostly through the bristles' own ring (each bristle flicked off a
//! grain rings at its bending modes), with little or none of the nail's roughness noise.
//!
//! Brush on mic: the grille is the surface, and a close capsule's proximity effect keeps more
//! of the low-mid band than the soft brush on a table has.

use super::{CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, TriggerSound};
use crate::dsp::biquad::Biquad;
use crate::dsp::math::{lerp, log_map, smoothstep, soft_clip};
use crate::dsp::one_pole::OnePole;
use crate::dsp::random::{RngExt, SeededRng, jitter, seeded, white};
use std::f32::consts::{FRAC_1_SQRT_2, TAU};

/// Stroke speed (m/s); the Speed control maps onto it logarithmically.
const SPEED_RANGE_M_PER_S: (f32, f32) = (0.08, 0.4);
/// Stroke speed (m/s) at which a pass covers the variant's travel, the level is the
/// variant's nominal level and the roughness corner is the variant's.
const REFERENCE_SPEED_M_PER_S: f32 = 0.18;
/// A faster hand also reaches further: the travel of one pass grows as the speed to this
/// power, so a pass lasts (speed ^ (this - 1)).
const TRAVEL_SPEED_EXPONENT: f32 = 0.7;
/// Travel (m) of one pass at the reference speed: a pass lasts about 0.2 s.
const PASS_TRAVEL_M: f32 = 0.035;
/// Duration (s) of the whole gesture; the Length control maps onto it logarithmically.
const LENGTH_RANGE_S: (f32, f32) = (0.4, 2.0);
/// Time (s) the filters are given to ring out after the last pass.
const TAIL_S: f32 = 0.05;
/// Passes differ in duration by up to this share (±).
const PASS_SPREAD: f32 = 0.15;
/// The stylus lifts between passes for this share of a pass...
const LIFT_SHARE: f32 = 0.05;
/// ... give or take this share of the lift.
const LIFT_SPREAD: f32 = 0.5;
/// Passes differ in weight (level) by up to this share (±).
const PASS_LEVEL_SPREAD: f32 = 0.6;
/// Passes one way raise the surface modes by this ratio, passes the other way lower them.
const DIRECTION_TONE: f32 = 1.05;
/// Most passes in one gesture.
const MAX_PASSES: usize = 16;
/// Grain spacing relative to the variant's, from fine (Texture 0) to coarse (Texture 1).
const TEXTURE_SPACING: (f32, f32) = (0.7, 1.4);
/// Spread of the slip sizes relative to the variant's, from even (Texture 0) to gritty
/// (Texture 1).
const TEXTURE_TAIL: (f32, f32) = (0.6, 1.3);
/// Highest slip rate (per sample) the stick-slip phase may reach: at most one slip a sample.
const MAX_SLIP_RATE: f32 = 0.45;
/// Entries of the slip-size table (quantiles of the size distribution).
const SIZE_TABLE: usize = 256;
/// Tukey's lambda approximation of the unit normal quantile, z = scale (p^l - (1-p)^l)
/// (within 1 % of it out to 3 standard deviations): its exponent l ...
const NORMAL_QUANTILE_LAMBDA: f32 = 0.14;
/// ... and its scale.
const NORMAL_QUANTILE_SCALE: f32 = 4.91;
/// Decay time (s) of the roughness noise each slip releases.
const GRAIN_NOISE_S: f32 = 0.002;
/// The roughness corner rises as (speed / reference) to this power: in proportion, since a
/// surface's fine structure crossed faster reaches the contact at proportionally higher
/// frequencies (a spatial period of l metres crossed at v m/s sounds at v / l Hz). It follows
/// the speed within a pass as well as between strokes, so each pass brightens as the hand speeds
/// up and darkens as it slows to turn.
const SPEED_BRIGHTNESS: f32 = 1.0;
/// Level grows as (speed / reference) to this power (within a pass and between strokes).
const SPEED_LOUDNESS: f32 = 0.5;
/// Level from the lightest (Pressure 0) to the heaviest stroke (Pressure 1).
const PRESSURE_LEVEL: (f32, f32) = (0.5, 1.0);
/// A heavier press lowers the surface modes by up to this share (the stylus loads the
/// surface) ...
const PRESSURE_MODE_SHIFT: f32 = 0.3;
/// ... and the roughness corner by up to this share (it damps the fine slips).
const PRESSURE_DAMPING: f32 = 0.4;
/// Hand tremor: range of the speed wobble's rate (Hz).
const WOBBLE_HZ: (f32, f32) = (3.0, 7.0);
/// Hand tremor: depth of the speed wobble (± share of the speed).
const WOBBLE_DEPTH: f32 = 0.08;
/// Speed (share of the peak) at which the stylus touches down and lifts off: passes start
/// and end in motion.
const LANDING_SPEED: f32 = 0.1;
/// Accelerating share of a pass, and decelerating share.
const RAMP_SHARE: f32 = 0.3;
/// Random spread (± share) of a pass's accelerating and decelerating parts.
const GESTURE_SPREAD: f32 = 0.2;
/// How much slower (share) a pass is at its ends than in its middle.
const GLIDE_SAG: f32 = 0.3;
/// Share of a pass the stylus takes to touch down, and to lift off.
const CONTACT_SHARE: f32 = 0.1;

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Scratch",
    variants: &[
        "Nail scratch",
        "Soft brush",
        "Hair brushing",
        "Brush on mic",
    ],
    controls: [
        ControlInfo {
            name: "Speed",
            description: "Stroke speed: faster strokes slip more often, are brighter and louder, \
                          and turn more often.",
        },
        ControlInfo {
            name: "Length",
            description: "How long each back-and-forth gesture lasts, from 0.4 s to 2 s.",
        },
        ControlInfo {
            name: "Texture",
            description: "Roughness of the surface, from fine and even to coarse and gritty.",
        },
        ControlInfo {
            name: "Pressure",
            description: "How hard the stroke presses: heavier is louder and darker.",
        },
    ],
    sustained: true,
};

/// One resonance of the surface, a band-pass.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Mode {
    /// Centre (Hz).
    hz: f32,
    /// Quality (centre / bandwidth).
    q: f32,
    /// Mix level.
    gain: f32,
}

/// Most surface modes of a variant.
const MAX_MODES: usize = 3;

/// What a variant strokes with and on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    /// Contacts slipping independently (1 for a nail, more for the bristles of a brush).
    bristles: f32,
    /// Mean grain spacing of the surface (m).
    grain_m: f32,
    /// Per-sample jitter of the stick-slip phase (± share; 1 makes the slips random).
    jitter: f32,
    /// Spread of the slip sizes (the log-size's standard deviation).
    tail: f32,
    /// The surface's resonances (the first `mode_count` are used).
    modes: [Mode; MAX_MODES],
    /// Resonances used.
    mode_count: usize,
    /// Level of the unresonated slips.
    dry: f32,
    /// Level of the roughness noise the slips release.
    noise: f32,
    /// Roughness low-pass corner (Hz) at the reference speed.
    roughness_hz: f32,
    /// High-pass corner (Hz) of the variant's band.
    highpass_hz: f32,
    /// Low-pass corner (Hz) of the variant's band.
    lowpass_hz: f32,
    /// Overall level calibration.
    gain: f32,
}

/// An unused mode slot.
const NO_MODE: Mode = Mode {
    hz: 1_000.0,
    q: 1.0,
    gain: 0.0,
};

/// A fingernail on a hard textured surface: one contact, fairly regular slips, the surface's
/// sharp resonances.
const NAIL: Style = Style {
    bristles: 1.0,
    grain_m: 5e-5,
    jitter: 0.5,
    tail: 0.8,
    modes: [
        Mode {
            hz: 1_900.0,
            q: 8.0,
            gain: 1.0,
        },
        Mode {
            hz: 4_300.0,
            q: 10.0,
            gain: 1.0,
        },
        Mode {
            hz: 7_000.0,
            q: 10.0,
            gain: 1.0,
        },
    ],
    mode_count: 3,
    dry: 0.5,
    noise: 2.6,
    roughness_hz: 1_200.0,
    highpass_hz: 500.0,
    lowpass_hz: 12_000.0,
    gain: 1.8,
};

/// A soft brush on a table: a few bristle tufts slipping at random. What rings is the bristles
/// themselves, each tuft flicked off a grain rings at its bending modes: three broad,
/// inharmonic resonances (never a vowel-like pair) and none of the broadband roughness noise a
/// nail releases (on a brush that hiss is heard as radio static). Long, fine bristles bend
/// easily, so their modes sit low, at 1.5-3.8 kHz: placed at 2.5-6.3 kHz (a stiff, short
/// brush) the strokes were heard as sanding or static more often than as a brush.
const SOFT_BRUSH: Style = Style {
    bristles: 4.0,
    grain_m: 6e-5,
    jitter: 1.0,
    tail: 0.6,
    modes: [
        Mode {
            hz: 1_500.0,
            q: 4.0,
            gain: 1.0,
        },
        Mode {
            hz: 2_400.0,
            q: 4.0,
            gain: 1.0,
        },
        Mode {
            hz: 3_800.0,
            q: 4.0,
            gain: 1.0,
        },
    ],
    mode_count: 3,
    dry: 0.0,
    noise: 0.0,
    roughness_hz: 7_500.0,
    highpass_hz: 600.0,
    lowpass_hz: 12_000.0,
    gain: 0.71,
};

/// Brushing hair: many fine bristles through many fine hairs, a silky high band: the bristles'
/// two bending modes and a trace of roughness.
const HAIR: Style = Style {
    bristles: 8.0,
    grain_m: 1.2e-4,
    jitter: 1.0,
    tail: 0.6,
    modes: [
        Mode {
            hz: 3_500.0,
            q: 6.0,
            gain: 1.0,
        },
        Mode {
            hz: 6_000.0,
            q: 6.0,
            gain: 1.0,
        },
        NO_MODE,
    ],
    mode_count: 2,
    dry: 0.0,
    noise: 0.2,
    roughness_hz: 9_000.0,
    highpass_hz: 800.0,
    lowpass_hz: 14_000.0,
    gain: 0.84,
};

/// A soft brush on the microphone's grille: the brush's slips, heard so close that the
/// capsule's proximity effect keeps the low mids a brush on a table loses, the grille's own
/// roughness is heard as a trace of noise, and the top is softer.
const MIC: Style = Style {
    noise: 0.2,
    highpass_hz: 300.0,
    lowpass_hz: 10_000.0,
    gain: 0.71,
    ..SOFT_BRUSH
};

/// The variants' styles, in the order of [`INFO`]'s variants.
const STYLES: [Style; 4] = [NAIL, SOFT_BRUSH, HAIR, MIC];
// One row per variant, in the variants' order (a missing row would not compile).
const _: () = assert!(STYLES.len() == INFO.variants.len());

/// One pass of the gesture: speed over the pass, as a share (0..1) of the peak speed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Pass {
    /// First sample of the pass.
    start: usize,
    /// Samples in the pass (at least 1).
    length: usize,
    /// Samples the stylus stays lifted after it.
    lift: usize,
    /// Accelerating share of the pass (0..1).
    attack: f32,
    /// Decelerating share of the pass (0..1).
    release: f32,
    /// Level of this pass relative to the stroke's.
    weight: f32,
}

impl Pass {
    /// Relative speed at `u`, the share of the pass played (0..1; 0 outside), with the hand's
    /// tremor `wobble` (± share) on top.
    fn speed(&self, u: f32, wobble: f32) -> f32 {
        if !(0.0..1.0).contains(&u) {
            return 0.0;
        }
        let centred = 2.0 * u - 1.0;
        let ramps = smoothstep(u / self.attack) * smoothstep((1.0 - u) / self.release);
        lerp(LANDING_SPEED, 1.0, ramps) * (1.0 - GLIDE_SAG * centred * centred) * (1.0 + wobble)
    }

    /// Contact (0..1) at pass share `u`: the stylus touches down and lifts off.
    fn contact(u: f32) -> f32 {
        smoothstep(u / CONTACT_SHARE) * smoothstep((1.0 - u) / CONTACT_SHARE)
    }
}

/// A scratch / brush sound (all four variants).
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// The stroke's random variation (seeded by the excitation).
    rng: SeededRng,
    /// The variant being played.
    style: Style,
    /// Samples played since the start.
    played: usize,
    /// Sample at which the last pass has rung out (`usize::MAX` until the last pass starts).
    end: usize,
    /// The pass being played (or the lift after it).
    pass: Pass,
    /// Passes started so far.
    passes_started: usize,
    /// Passes in the gesture.
    passes: usize,
    /// Mean samples per pass.
    pass_samples: f32,
    /// Whether the first pass raises the modes (the seed's direction).
    first_up: bool,
    /// Tremor phase (radians).
    wobble_phase: f32,
    /// Tremor phase step per sample (radians).
    wobble_step: f32,
    /// Slips per sample at the peak speed of a pass.
    peak_slips: f32,
    /// Level at the peak speed of a pass.
    peak_level: f32,
    /// Slips per sample now.
    slips: f32,
    /// Per-sample step of `slips` in this control block.
    slips_step: f32,
    /// Output level now.
    level: f32,
    /// Per-sample step of `level` in this control block.
    level_step: f32,
    /// Stick-slip phase (a slip when it reaches 1).
    phase: f32,
    /// Slip sizes: quantiles of the heavy-tailed size distribution, normalised to unit RMS.
    sizes: [f32; SIZE_TABLE],
    /// Roughness noise envelope (follows the slips).
    grain: f32,
    /// Per-sample decay of `grain`.
    grain_fall: f32,
    /// The surface modes' centres (Hz) for this stroke (before the direction).
    mode_hz: [f32; MAX_MODES],
    /// The surface's resonances.
    modes: [Biquad; MAX_MODES],
    /// Roughness low-pass.
    roughness: OnePole,
    /// Roughness low-pass corner (Hz) at a pass's peak speed.
    roughness_hz: f32,
    /// The variant's band: high-pass.
    highpass: Biquad,
    /// The variant's band: low-pass.
    lowpass: Biquad,
}

impl Scratch {
    /// Starts the next pass at the current sample: its length, lift, gesture, weight and
    /// direction.
    fn next_pass(&mut self) {
        let fs = self.sample_rate;
        let rng = &mut self.rng;
        let length = (self.pass_samples * (1.0 + jitter(rng, PASS_SPREAD))).max(1.0) as usize;
        let lift = length as f32 * LIFT_SHARE * (1.0 + jitter(rng, LIFT_SPREAD));
        self.pass = Pass {
            start: self.played,
            length,
            lift: lift as usize,
            attack: RAMP_SHARE * (1.0 + jitter(rng, GESTURE_SPREAD)),
            release: RAMP_SHARE * (1.0 + jitter(rng, GESTURE_SPREAD)),
            weight: 1.0 + jitter(rng, PASS_LEVEL_SPREAD),
        };
        let up = self.first_up == self.passes_started.is_multiple_of(2);
        let tone = if up {
            DIRECTION_TONE
        } else {
            DIRECTION_TONE.recip()
        };
        let style = self.style;
        for ((filter, mode), hz) in self.modes.iter_mut().zip(&style.modes).zip(self.mode_hz) {
            filter.retune(&Biquad::bandpass(hz * tone, mode.q, fs));
        }
        self.passes_started += 1;
        if self.passes_started == self.passes {
            self.end = self.played + length + (TAIL_S * fs) as usize;
        }
    }

    /// Control-rate update for the next [`CONTROL_BLOCK`] samples: passes, speed and level.
    fn control(&mut self) {
        let block = CONTROL_BLOCK as f32;
        let pass = self.pass;
        if self.played >= pass.start + pass.length + pass.lift && self.passes_started < self.passes
        {
            self.next_pass();
        }
        self.wobble_phase = (self.wobble_phase + self.wobble_step * block) % TAU;
        let pass = self.pass;
        let u = (self.played + CONTROL_BLOCK - pass.start) as f32 / pass.length as f32;
        let speed = pass.speed(u, WOBBLE_DEPTH * self.wobble_phase.sin());
        let slips = (self.peak_slips * speed).min(MAX_SLIP_RATE);
        let level = self.peak_level * pass.weight * Pass::contact(u) * speed.powf(SPEED_LOUDNESS);
        self.follow_speed(speed);
        self.slips_step = (slips - self.slips) / block;
        self.level_step = (level - self.level) / block;
    }

    /// Sets the roughness corner for `speed`, the share of the pass's peak speed (0..1, a few
    /// percent more with the hand's tremor): the corner never falls below the touch-down
    /// speed's, so the filter keeps moving while the stylus is lifted.
    fn follow_speed(&mut self, speed: f32) {
        let hz = self.roughness_hz * speed.max(LANDING_SPEED).powf(SPEED_BRIGHTNESS);
        self.roughness
            .set_coefficient(OnePole::coefficient(hz, self.sample_rate));
    }

    /// Fills the slip-size table for a size spread `tail`: lognormal quantiles exp(tail z),
    /// z the normal quantiles, scaled to unit RMS.
    fn fill_sizes(&mut self, tail: f32) {
        let mut power = 0.0;
        for (k, size) in self.sizes.iter_mut().enumerate() {
            let p = (k as f32 + 0.5) / SIZE_TABLE as f32;
            let z = NORMAL_QUANTILE_SCALE
                * (p.powf(NORMAL_QUANTILE_LAMBDA) - (1.0 - p).powf(NORMAL_QUANTILE_LAMBDA));
            *size = (tail * z).exp();
            power += *size * *size;
        }
        let norm = (power / SIZE_TABLE as f32).sqrt().recip();
        for size in &mut self.sizes {
            *size *= norm;
        }
    }
}

impl TriggerSound for Scratch {
    fn stacks(&self) -> bool {
        true
    }

    /// The passes still to come are counted at their mean length (each is drawn as it starts).
    fn samples_left(&self) -> usize {
        if self.end != usize::MAX {
            return self.end.saturating_sub(self.played);
        }
        let pass_end = self.pass.start + self.pass.length + self.pass.lift;
        let passes_to_come = self.passes.saturating_sub(self.passes_started) as f32;
        pass_end.saturating_sub(self.played) + (passes_to_come * self.pass_samples) as usize
    }

    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            rng: seeded(0),
            style: NAIL,
            played: 0,
            end: 0,
            pass: Pass::default(),
            passes_started: 0,
            passes: 0,
            pass_samples: 1.0,
            first_up: true,
            wobble_phase: 0.0,
            wobble_step: 0.0,
            peak_slips: 0.0,
            peak_level: 0.0,
            slips: 0.0,
            slips_step: 0.0,
            level: 0.0,
            level_step: 0.0,
            phase: 0.0,
            sizes: [0.0; SIZE_TABLE],
            grain: 0.0,
            grain_fall: 0.0,
            mode_hz: [0.0; MAX_MODES],
            modes: [Biquad::default(); MAX_MODES],
            roughness: OnePole::default(),
            roughness_hz: 0.0,
            highpass: Biquad::default(),
            lowpass: Biquad::default(),
        }
    }

    fn start(&mut self, e: &Excitation) {
        let fs = self.sample_rate;
        let [speed, length, texture, pressure] = e.character.map(|c| c.clamp(0.0, 1.0));
        self.rng = seeded(e.seed);
        self.style = STYLES.get(e.variant).copied().unwrap_or(NAIL);
        let style = self.style;
        let speed_m_per_s = log_map(speed, SPEED_RANGE_M_PER_S);
        let relative_speed = speed_m_per_s / REFERENCE_SPEED_M_PER_S;
        // A pass covers the travel (which grows with the speed) at the stroke's speed.
        let pass_s = PASS_TRAVEL_M * relative_speed.powf(TRAVEL_SPEED_EXPONENT) / speed_m_per_s;
        let gesture_s = log_map(length, LENGTH_RANGE_S);
        self.passes = ((gesture_s / pass_s).round() as usize).clamp(1, MAX_PASSES);
        self.pass_samples = gesture_s * fs / self.passes as f32;
        self.passes_started = 0;
        self.played = 0;
        self.end = usize::MAX;
        self.first_up = e.seed % 2 == 1;
        self.wobble_phase = self.rng.random::<f32>() * TAU;
        self.wobble_step = TAU * lerp(WOBBLE_HZ.0, WOBBLE_HZ.1, self.rng.random::<f32>()) / fs;
        let grain_m = style.grain_m * log_map(texture, TEXTURE_SPACING);
        self.peak_slips = style.bristles * speed_m_per_s / (grain_m * fs);
        self.peak_level = e.intensity.clamp(0.0, 1.0)
            * style.gain
            * lerp(PRESSURE_LEVEL.0, PRESSURE_LEVEL.1, pressure)
            * relative_speed.powf(SPEED_LOUDNESS);
        self.slips = 0.0;
        self.level = 0.0;
        self.phase = self.rng.random::<f32>();
        self.fill_sizes(style.tail * lerp(TEXTURE_TAIL.0, TEXTURE_TAIL.1, texture));
        self.grain = 0.0;
        self.grain_fall = (-1.0 / (GRAIN_NOISE_S * fs)).exp();
        let load = 1.0 - PRESSURE_MODE_SHIFT * pressure;
        for ((hz, filter), mode) in self
            .mode_hz
            .iter_mut()
            .zip(&mut self.modes)
            .zip(&style.modes)
        {
            *hz = mode.hz * load;
            filter.reset();
        }
        self.roughness_hz = style.roughness_hz
            * relative_speed.powf(SPEED_BRIGHTNESS)
            * (1.0 - PRESSURE_DAMPING * pressure);
        self.follow_speed(LANDING_SPEED);
        self.roughness.reset();
        self.highpass = Biquad::highpass(style.highpass_hz, FRAC_1_SQRT_2, fs);
        self.lowpass = Biquad::lowpass(style.lowpass_hz, FRAC_1_SQRT_2, fs);
        self.next_pass();
    }

    fn add_to(&mut self, out: &mut [f32]) -> bool {
        let style = self.style;
        let modes = style.mode_count.min(MAX_MODES);
        for o in out.iter_mut() {
            if self.played >= self.end {
                return false;
            }
            if self.played.is_multiple_of(CONTROL_BLOCK) {
                self.control();
            }
            self.slips += self.slips_step;
            self.level += self.level_step;
            // Stick-slip: the phase creeps with the speed; a slip when it reaches 1.
            self.phase += self.slips * (1.0 + style.jitter * white(&mut self.rng));
            let mut slip = 0.0;
            if self.phase >= 1.0 {
                self.phase -= 1.0;
                let bits: u32 = self.rng.random();
                let size = self.sizes[(bits as usize >> 1) % SIZE_TABLE];
                slip = if bits & 1 == 0 { size } else { -size };
                self.grain += (1.0 - self.grain_fall) * size;
            }
            self.grain *= self.grain_fall;
            let mut y = style.dry * slip + style.noise * self.grain * white(&mut self.rng);
            for (filter, mode) in self.modes[..modes].iter_mut().zip(&style.modes) {
                y += mode.gain * filter.process(slip);
            }
            y = self.roughness.process(y);
            y = self.lowpass.process(self.highpass.process(y));
            *o += soft_clip(self.level * y);
            self.played += 1;
        }
        self.played < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{self, FS, excitation, peak};
    use super::*;

    /// Longest a gesture at Length `length` may last (s): passes may run long and lift.
    fn longest_s(length: f32) -> f32 {
        log_map(length, LENGTH_RANGE_S) * (1.0 + PASS_SPREAD + LIFT_SHARE * (1.0 + LIFT_SPREAD))
    }

    /// Renders one gesture of `variant` with `character` (and a little silence after it).
    fn stroke(variant: usize, character: [f32; 4], seed: u64) -> Vec<f32> {
        let seconds = longest_s(character[1]) + 2.0 * TAIL_S;
        testkit::render::<Scratch>(FS, &excitation(variant, character, seed), seconds)
    }

    /// Gesture duration (s) at Length `length`.
    fn gesture_s(length: f32) -> f32 {
        log_map(length, LENGTH_RANGE_S)
    }

    /// Passes in a gesture at `character`, as the model plans them.
    fn planned_passes(character: [f32; 4]) -> usize {
        let speed = log_map(character[0], SPEED_RANGE_M_PER_S);
        let relative = speed / REFERENCE_SPEED_M_PER_S;
        let pass_s = PASS_TRAVEL_M * relative.powf(TRAVEL_SPEED_EXPONENT) / speed;
        ((gesture_s(character[1]) / pass_s).round() as usize).clamp(1, MAX_PASSES)
    }

    /// The middle half of a gesture's render.
    fn glide(x: &[f32], length: f32) -> &[f32] {
        let n = (gesture_s(length) * FS) as usize;
        &x[n / 4..3 * n / 4]
    }

    /// Spectral centroid of the middle half of the gesture, averaged over two seeds (the
    /// passes' directions swap between them).
    fn glide_centroid(variant: usize, character: [f32; 4]) -> f32 {
        [1, 2]
            .iter()
            .map(|&seed| {
                let x = stroke(variant, character, seed);
                testkit::spectral_centroid(glide(&x, character[1]), FS)
            })
            .sum::<f32>()
            / 2.0
    }

    #[test]
    fn centroid_rises_with_stroke_speed() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            let centroids: Vec<f32> = [0.0, 0.33, 0.67, 1.0]
                .iter()
                .map(|&speed| glide_centroid(variant, [speed, 0.4, 0.5, 0.5]))
                .collect();
            println!("{name}: centroid by speed {centroids:.0?} Hz");
            assert!(
                centroids.windows(2).all(|w| w[1] > w[0]),
                "{name}: {centroids:?}"
            );
        }
    }

    /// Least ratio of a pass's centroid at full speed to its centroid while it lands and lifts
    /// (1.03-1.18 here; 0.98-1.01 with a corner fixed for the whole stroke).
    const PASS_SWEEP_RATIO: f32 = 1.025;

    /// Frames (s) over which a pass's brightness is followed.
    const SWEEP_FRAME_S: f32 = 0.02;

    /// Mean spectral centroid (Hz) of the frames of `x` whose RMS lies within `levels`
    /// (shares of the loudest frame's RMS).
    fn centroid_at_levels(x: &[f32], levels: (f32, f32)) -> f32 {
        let frames: Vec<&[f32]> = x.chunks_exact((SWEEP_FRAME_S * FS) as usize).collect();
        let loudest = frames.iter().map(|f| testkit::rms(f)).fold(0.0, f32::max);
        let centroids: Vec<f32> = frames
            .iter()
            .filter(|f| (levels.0..levels.1).contains(&(testkit::rms(f) / loudest)))
            .map(|f| testkit::spectral_centroid(f, FS))
            .collect();
        centroids.iter().sum::<f32>() / centroids.len() as f32
    }

    #[test]
    fn each_pass_brightens_as_the_hand_speeds_up_and_darkens_as_it_turns() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            for seed in [1, 2] {
                // Slow, long passes: each lasts about a quarter of a second.
                let x = stroke(variant, [0.0, 1.0, 0.5, 0.5], seed);
                let gliding = centroid_at_levels(&x, (0.6, 1.01));
                let turning = centroid_at_levels(&x, (0.05, 0.3));
                println!("{name} seed {seed}: {gliding:.0} Hz gliding, {turning:.0} Hz turning");
                assert!(
                    gliding > PASS_SWEEP_RATIO * turning,
                    "{name}: {gliding} Hz gliding, {turning} Hz turning"
                );
            }
        }
    }

    /// Kurtosis (fourth moment over squared second) of `x`: 3 for Gaussian noise, far more
    /// for a train of impulses.
    fn kurtosis(x: &[f32]) -> f32 {
        let n = x.len() as f64;
        let m2 = x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / n;
        let m4 = x.iter().map(|&v| f64::from(v).powi(4)).sum::<f64>() / n;
        (m4 / (m2 * m2)) as f32
    }

    #[test]
    fn friction_is_a_grainy_train_of_slips_not_smooth_noise() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            for texture in [0.0, 0.5, 1.0] {
                let character = [0.5, 0.5, texture, 0.5];
                let x = stroke(variant, character, 3);
                let k = kurtosis(glide(&x, character[1]));
                println!("{name} texture {texture}: kurtosis {k:.1}");
                assert!(k > 4.0, "{name} texture {texture}: kurtosis {k}");
            }
        }
    }

    #[test]
    fn gesture_is_passes_back_and_forth() {
        let hop = (FS / 200.0) as usize;
        for (variant, name) in INFO.variants.iter().enumerate() {
            for (speed, length) in [(0.2, 0.9), (0.8, 0.9), (0.5, 0.5)] {
                let character = [speed, length, 0.5, 0.5];
                let planned = planned_passes(character);
                let x = stroke(variant, character, 4);
                // Passes: runs of the 25 ms RMS envelope (in 5 ms hops) above 0.3 of its mean
                // over the gesture, with dips between them.
                let fine = testkit::envelope(&x, hop);
                let env: Vec<f32> = (0..fine.len())
                    .map(|i| {
                        let near = &fine[i.saturating_sub(2)..(i + 3).min(fine.len())];
                        (near.iter().map(|v| v * v).sum::<f32>() / near.len() as f32).sqrt()
                    })
                    .collect();
                let gesture = &env[..(gesture_s(length) * FS) as usize / hop];
                let floor = 0.3 * gesture.iter().sum::<f32>() / gesture.len() as f32;
                let mut runs = 0usize;
                let mut above = false;
                for &v in &env {
                    if v > floor && !above {
                        runs += 1;
                    }
                    above = v > floor;
                }
                let on = env.iter().position(|&v| v > floor).unwrap();
                let off = env.iter().rposition(|&v| v > floor).unwrap();
                let sounding = (off + 1 - on) as f32 * hop as f32 / FS;
                let seconds = gesture_s(length);
                println!(
                    "{name} speed {speed} length {length}: {runs} passes heard of {planned}, \
                     sounds {sounding:.2} s of {seconds:.2} s"
                );
                assert!(runs.abs_diff(planned) <= 1, "{name}: {runs} vs {planned}");
                assert!(
                    (sounding / seconds - 1.0).abs() < 0.25,
                    "{name}: {sounding} s of {seconds} s"
                );
            }
        }
        // A faster hand turns more often.
        assert!(planned_passes([0.9, 0.9, 0.5, 0.5]) > planned_passes([0.1, 0.9, 0.5, 0.5]));
    }

    #[test]
    fn brush_on_mic_keeps_more_low_mids_than_soft_brush() {
        let character = [0.5, 0.5, 0.5, 0.5];
        let share = |variant| testkit::band_share(&stroke(variant, character, 1), FS, 0.0, 600.0);
        let (brush, mic) = (share(1), share(3));
        println!("below 600 Hz: soft brush {brush:.4}, brush on mic {mic:.4}");
        assert!(mic > 3.0 * brush, "{mic} vs {brush}");
    }

    #[test]
    fn direction_shifts_the_tone_slightly() {
        // The first pass of a gesture goes up for odd seeds, down for even ones: the middle of
        // it (passes vary in length by a few tenths).
        let character = [0.5, 0.0, 0.5, 0.5];
        let first_pass = (gesture_s(character[1]) * FS) as usize / planned_passes(character);
        let strokes = 16;
        for (variant, name) in INFO.variants.iter().enumerate() {
            let mean_centroid = |parity: u64| {
                (0..strokes)
                    .map(|k| {
                        let x = stroke(variant, character, 2 * k + parity);
                        let middle = &x[3 * first_pass / 10..7 * first_pass / 10];
                        testkit::spectral_centroid(middle, FS)
                    })
                    .sum::<f32>()
                    / strokes as f32
            };
            let (up, down) = (mean_centroid(1), mean_centroid(0));
            println!("{name}: up-strokes {up:.0} Hz, down-strokes {down:.0} Hz");
            assert!(up > down && up < 1.3 * down, "{name}: {up} vs {down}");
        }
    }

    #[test]
    fn pressure_adds_level_and_darkens() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            let measure = |pressure: f32| {
                let character = [0.5, 0.3, 0.5, pressure];
                let x = stroke(variant, character, 1);
                (
                    testkit::rms(&x),
                    testkit::spectral_centroid(glide(&x, character[1]), FS),
                )
            };
            let ((light, light_centroid), (heavy, heavy_centroid)) = (measure(0.0), measure(1.0));
            println!(
                "{name}: RMS {light:.3} -> {heavy:.3}, centroid {light_centroid:.0} -> \
                 {heavy_centroid:.0} Hz"
            );
            assert!(heavy > 1.3 * light, "{name}");
            assert!(heavy_centroid < 0.9 * light_centroid, "{name}");
        }
    }

    #[test]
    fn texture_makes_the_surface_grittier() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            // Grit shows as a peakier signal: a higher crest factor over the glide.
            let crest = |texture: f32| {
                let character = [0.5, 0.5, texture, 0.5];
                let x = stroke(variant, character, 1);
                let glide = glide(&x, character[1]);
                peak(glide) / testkit::rms(glide)
            };
            let (smooth, gritty) = (crest(0.0), crest(1.0));
            println!("{name}: crest factor smooth {smooth:.1}, gritty {gritty:.1}");
            assert!(gritty > smooth, "{name}");
        }
    }

    #[test]
    fn seeds_differ_and_repeat() {
        for variant in 0..INFO.variants.len() {
            let character = [0.5, 0.2, 0.5, 0.5];
            let seconds = longest_s(character[1]) + 2.0 * TAIL_S;
            let e = excitation(variant, character, 7);
            let (a, b) = testkit::assert_deterministic::<Scratch>(&e, seconds, 37);
            let c = stroke(variant, character, 9);
            assert!(a != c && b != c);
        }
    }

    #[test]
    fn levels_and_ending() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            let peaks: Vec<f32> = (0..4)
                .map(|seed| peak(&stroke(variant, [0.5; 4], seed)))
                .collect();
            let rms: Vec<f32> = (0..4)
                .map(|seed| testkit::rms(&stroke(variant, [0.5; 4], seed)))
                .collect();
            println!("{name}: peaks {peaks:.2?}, RMS {rms:.3?}");
            assert!(
                peaks.iter().all(|p| (0.25..=0.8).contains(p)),
                "{name}: {peaks:?}"
            );
            for character in [[1.0; 4], [0.0; 4], [1.0, 0.0, 1.0, 1.0]] {
                let x = stroke(variant, character, 5);
                assert!(
                    x.iter().all(|v| v.is_finite()) && peak(&x) <= 1.0,
                    "{name} {character:?}: {}",
                    peak(&x)
                );
            }
            let e = excitation(variant, [0.5, 0.0, 0.5, 0.5], 6);
            let longest = longest_s(0.0) + TAIL_S + 64.0 / FS;
            testkit::assert_finishes_silent::<Scratch>(&e, longest, 64);
        }
    }
}
