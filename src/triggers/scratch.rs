//! Scratch and brush: a stylus (a nail, or each bristle of a brush) dragged over a rough
//! surface.
//!
//! The surface is a random height profile with grains a few tens of micrometres apart (their
//! spacing jittered, and a few gritty grains much higher than the rest). A stylus moving at
//! speed `v` crosses `v / spacing` grains per second; its vertical velocity, the slope of the
//! profile times `v`, is what sounds, so a faster stroke is both brighter and louder. A brush
//! is a handful of such styluses whose speeds differ a little. The sum is smoothed (a smooth
//! surface rounds the grains off), coloured by the surface's resonances and the variant's
//! band, and shaped by the stroke: the stylus lands already moving, accelerates, glides,
//! decelerates and lifts off. Strokes alternate up (odd seeds) and down (even seeds); going up
//! raises the tone by 6 %, going down lowers it as much.

use super::{
    CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, RngExt, TriggerRng, TriggerSound, jitter,
    lerp, log_map, seeded, smoothstep, soft_clip, white,
};
use crate::dsp::biquad::Biquad;
use crate::dsp::one_pole::OnePole;
use std::f32::consts::{FRAC_1_SQRT_2, TAU};

/// Peak stroke speed (m/s); the Speed control maps onto it logarithmically.
const SPEED_RANGE_M_PER_S: (f32, f32) = (0.04, 0.6);
/// Stroke speed (m/s) at which the level is the variant's nominal level.
const REFERENCE_SPEED_M_PER_S: f32 = 0.15;
/// Stroke duration (s); the Length control maps onto it logarithmically.
const LENGTH_RANGE_S: (f32, f32) = (0.15, 3.0);
/// Time (s) the filters are given to ring out after the stroke.
const TAIL_S: f32 = 0.05;
/// Grains differ in width: the rate at which the next one passes varies uniformly over this
/// range (times the mean rate).
const GRAIN_RATE_SPREAD: (f32, f32) = (0.6, 1.4);
/// Random bits per field of a grain drawn from one 64-bit random word (height, grit; the
/// width takes the remaining 16).
const GRAIN_FIELD_BITS: u32 = 24;
/// Highest grain rate (share of the sample rate) a stylus at the stroke's speed may reach.
const MAX_GRAIN_RATE: f32 = 0.45;
/// Smoothing low-pass corner relative to the grain rate, from smooth (Texture 0) to gritty
/// (Texture 1).
const SMOOTHING_RATIO: (f32, f32) = (0.5, 4.0);
/// Heavier pressure damps the stylus: at full Pressure the smoothing corner drops by this share.
const PRESSURE_DAMPING: f32 = 0.35;
/// Chance (per grain) of a gritty grain at full Texture; it grows with Texture squared.
const GRIT_CHANCE: f32 = 0.03;
/// Height of a gritty grain relative to an ordinary one.
const GRIT_HEIGHT: f32 = 4.0;
/// Level from the lightest (Pressure 0) to the heaviest stroke (Pressure 1).
const PRESSURE_LEVEL: (f32, f32) = (0.5, 1.0);
/// Low-mid weight (gain of the low-mid band) at full Pressure.
const PRESSURE_LOW_MID: f32 = 1.0;
/// Quality of the low-mid band.
const LOW_MID_Q: f32 = 0.8;
/// Up-strokes raise the grain rate and the surface resonances by this ratio, down-strokes
/// lower them by it.
const DIRECTION_TONE: f32 = 1.06;
/// Hand tremor: range of the speed wobble's rate (Hz).
const WOBBLE_HZ: (f32, f32) = (3.0, 7.0);
/// Hand tremor: depth of the speed wobble (± share of the speed).
const WOBBLE_DEPTH: f32 = 0.08;
/// Speed (share of the peak) at which the stylus touches down and lifts off: strokes start
/// and end in motion.
const LANDING_SPEED: f32 = 0.3;
/// Share of the stroke the stylus takes to touch down, and to lift off.
const CONTACT_SHARE: f32 = 0.1;
/// Random spread (± share) of the stroke's acceleration and deceleration parts.
const GESTURE_SPREAD: f32 = 0.2;
/// Most styluses (bristles) in one stroke.
const MAX_BRISTLES: usize = 8;
/// Corner (Hz) of the proximity low band (Brush on mic).
const LOW_BAND_HZ: f32 = 250.0;
/// Corner (Hz) of the handling rumble (Brush on mic).
const RUMBLE_HZ: f32 = 90.0;

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
            description: "Stroke speed: faster strokes are brighter and louder.",
        },
        ControlInfo {
            name: "Length",
            description: "How long each stroke lasts, from 0.15 s to 3 s.",
        },
        ControlInfo {
            name: "Texture",
            description: "Roughness of the surface, from smooth to gritty.",
        },
        ControlInfo {
            name: "Pressure",
            description: "How hard the stroke presses: heavier is louder, with more low-mid weight.",
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

/// What a variant strokes with and on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    /// Styluses (1 for a nail, a handful of bristles for a brush), at most [`MAX_BRISTLES`].
    bristles: usize,
    /// Bristle speed spread (± share of the stroke speed).
    jitter: f32,
    /// Mean grain spacing of the surface (m).
    grain_m: f32,
    /// Accelerating share of the stroke (0..1).
    attack: f32,
    /// Decelerating share of the stroke (0..1).
    release: f32,
    /// How much slower (share) the glide is at its ends than in its middle.
    sag: f32,
    /// The surface's resonances.
    modes: [Mode; 2],
    /// Level of the unresonated stylus signal.
    dry: f32,
    /// High-pass corner (Hz) of the variant's band.
    highpass_hz: f32,
    /// Low-pass corner (Hz) of the variant's band.
    lowpass_hz: f32,
    /// Centre (Hz) of the low-mid band that Pressure brings up.
    low_mid_hz: f32,
    /// Level of the proximity low band (close miking; 0 elsewhere).
    low_band: f32,
    /// Level of the handling rumble (close miking; 0 elsewhere).
    rumble: f32,
    /// Level grows as (speed / [`REFERENCE_SPEED_M_PER_S`]) to this power.
    loudness: f32,
    /// Overall level calibration.
    gain: f32,
}

/// A fingernail on a textured surface: one stylus, fine grains, bright resonances.
const NAIL: Style = Style {
    bristles: 1,
    jitter: 0.0,
    grain_m: 45e-6,
    attack: 0.15,
    release: 0.2,
    sag: 0.35,
    modes: [
        Mode {
            hz: 1_900.0,
            q: 5.0,
            gain: 0.8,
        },
        Mode {
            hz: 4_300.0,
            q: 6.0,
            gain: 0.6,
        },
    ],
    dry: 0.7,
    highpass_hz: 600.0,
    lowpass_hz: 16_000.0,
    low_mid_hz: 700.0,
    low_band: 0.0,
    rumble: 0.0,
    loudness: 0.5,
    gain: 0.11,
};

/// A soft brush on a surface: several bristles, coarser grains, a mellow band.
const SOFT_BRUSH: Style = Style {
    bristles: 6,
    jitter: 0.3,
    grain_m: 90e-6,
    attack: 0.25,
    release: 0.3,
    sag: 0.3,
    modes: [
        Mode {
            hz: 900.0,
            q: 2.0,
            gain: 0.6,
        },
        Mode {
            hz: 3_200.0,
            q: 2.5,
            gain: 0.5,
        },
    ],
    dry: 0.8,
    highpass_hz: 250.0,
    lowpass_hz: 9_000.0,
    low_mid_hz: 450.0,
    low_band: 0.0,
    rumble: 0.0,
    loudness: 0.5,
    gain: 0.15,
};

/// Brushing hair: many fine bristles, long soft strokes, a silky high band.
const HAIR: Style = Style {
    bristles: 8,
    jitter: 0.25,
    grain_m: 35e-6,
    attack: 0.35,
    release: 0.4,
    sag: 0.25,
    modes: [
        Mode {
            hz: 5_500.0,
            q: 1.5,
            gain: 0.7,
        },
        Mode {
            hz: 9_000.0,
            q: 2.0,
            gain: 0.5,
        },
    ],
    dry: 0.5,
    highpass_hz: 1_500.0,
    lowpass_hz: 14_000.0,
    low_mid_hz: 600.0,
    low_band: 0.0,
    rumble: 0.0,
    loudness: 0.5,
    gain: 0.35,
};

/// A brush on the microphone: close, soft and bass-rich.
const MIC: Style = Style {
    bristles: 6,
    jitter: 0.3,
    grain_m: 110e-6,
    attack: 0.25,
    release: 0.3,
    sag: 0.3,
    modes: [
        Mode {
            hz: 350.0,
            q: 1.5,
            gain: 0.6,
        },
        Mode {
            hz: 2_600.0,
            q: 2.0,
            gain: 0.4,
        },
    ],
    dry: 0.6,
    highpass_hz: 30.0,
    lowpass_hz: 5_000.0,
    low_mid_hz: 400.0,
    low_band: 2.0,
    rumble: 0.6,
    loudness: 1.0,
    gain: 0.145,
};

/// The variants' styles, in the order of [`INFO`]'s variants.
const STYLES: [Style; 4] = [NAIL, SOFT_BRUSH, HAIR, MIC];

/// One stylus following the surface.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Bristle {
    /// Position within the current grain (0..1).
    phase: f32,
    /// Rate (relative to the stroke's mean grain rate) at which this bristle crosses the
    /// current grain: its speed times the grain's rate spread.
    pace: f32,
    /// Speed relative to the stroke.
    speed: f32,
    /// Height of the grain being crossed (relative; gritty grains reach [`GRIT_HEIGHT`]).
    height: f32,
    /// Slope up to it from the previous grain: what the stylus plays while crossing it.
    slope: f32,
    /// Mix weight.
    weight: f32,
}

impl Bristle {
    /// Moves on to the next grain, drawn from the random word `bits`: its height, whether it
    /// is gritty (with chance `grit`, 0..1) and its width.
    #[inline]
    fn next_grain(&mut self, bits: u64, grit: f32) {
        let field = |k: u32| {
            let mask = (1u64 << GRAIN_FIELD_BITS) - 1;
            ((bits >> (k * GRAIN_FIELD_BITS)) & mask) as f32 / (1u64 << GRAIN_FIELD_BITS) as f32
        };
        let scale = if field(1) < grit { GRIT_HEIGHT } else { 1.0 };
        let height = scale * (2.0 * field(0) - 1.0);
        self.slope = height - self.height;
        self.height = height;
        let width_bits = u64::BITS - 2 * GRAIN_FIELD_BITS;
        let rate = (bits >> (2 * GRAIN_FIELD_BITS)) as f32 / (1u64 << width_bits) as f32;
        self.pace = self.speed * lerp(GRAIN_RATE_SPREAD.0, GRAIN_RATE_SPREAD.1, rate);
    }
}

/// The stroke gesture: speed over the stroke, as a share (0..1) of the peak speed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Stroke {
    /// Accelerating share of the stroke (0..1).
    attack: f32,
    /// Decelerating share of the stroke (0..1).
    release: f32,
    /// Glide sag (see [`Style::sag`]).
    sag: f32,
    /// Tremor phase (radians).
    wobble_phase: f32,
    /// Tremor phase step per sample (radians).
    wobble_step: f32,
}

impl Stroke {
    /// Advances the tremor by `samples` and returns the relative speed at `u`, the share of
    /// the stroke played (0..1; 0 outside).
    fn speed(&mut self, u: f32, samples: usize) -> f32 {
        self.wobble_phase = (self.wobble_phase + self.wobble_step * samples as f32) % TAU;
        if !(0.0..1.0).contains(&u) {
            return 0.0;
        }
        let centred = 2.0 * u - 1.0;
        let ramps = smoothstep(u / self.attack) * smoothstep((1.0 - u) / self.release);
        lerp(LANDING_SPEED, 1.0, ramps)
            * (1.0 - self.sag * centred * centred)
            * (1.0 + WOBBLE_DEPTH * self.wobble_phase.sin())
    }

    /// Contact (0..1) at stroke share `u`: the stylus touches down and lifts off.
    fn contact(u: f32) -> f32 {
        smoothstep(u / CONTACT_SHARE) * smoothstep((1.0 - u) / CONTACT_SHARE)
    }
}

/// A scratch / brush voice (all four variants).
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// The stroke's random variation (seeded by the excitation).
    rng: TriggerRng,
    /// The variant being played.
    style: Style,
    /// The stroke's speed gesture.
    stroke: Stroke,
    /// Samples played since the start.
    played: usize,
    /// Samples in the stroke (at least 1).
    length: usize,
    /// Sample at which the stroke's tail has rung out (0 when idle).
    end: usize,
    /// Grains crossed per sample at the peak stroke speed (for a bristle of relative speed 1).
    peak_grains: f32,
    /// Level at the peak stroke speed.
    peak_level: f32,
    /// Grains crossed per sample now.
    grains: f32,
    /// Per-sample step of `grains` in this control block.
    grains_step: f32,
    /// Output level now.
    level: f32,
    /// Per-sample step of `level` in this control block.
    level_step: f32,
    /// Chance (per grain, 0..1) of a gritty grain.
    grit: f32,
    /// Smoothing corner relative to the grain rate.
    smoothing: f32,
    /// The styluses; the style's count of them play.
    bristles: [Bristle; MAX_BRISTLES],
    /// 1 / RMS of the bristle weights.
    bristle_norm: f32,
    /// Smoothing low-pass (how rounded the grains are).
    smooth: OnePole,
    /// The surface's resonances.
    modes: [Biquad; 2],
    /// Low-mid band that Pressure brings up.
    low_mid: Biquad,
    /// Level of the low-mid band.
    low_mid_gain: f32,
    /// The variant's band: high-pass.
    highpass: Biquad,
    /// The variant's band: low-pass.
    lowpass: Biquad,
    /// Proximity low band (Brush on mic).
    low_band: Biquad,
    /// Handling rumble filter (Brush on mic).
    rumble: Biquad,
}

impl Scratch {
    /// Control-rate update for the next [`CONTROL_BLOCK`] samples: stroke speed, level and
    /// smoothing.
    fn control(&mut self) {
        let block = CONTROL_BLOCK as f32;
        let u = (self.played + CONTROL_BLOCK) as f32 / self.length as f32;
        let speed = self.stroke.speed(u, CONTROL_BLOCK);
        let grains = (self.peak_grains * speed).min(MAX_GRAIN_RATE);
        let level = self.peak_level * Stroke::contact(u) * speed.powf(self.style.loudness);
        self.grains_step = (grains - self.grains) / block;
        self.level_step = (level - self.level) / block;
        let corner_hz = self.smoothing * grains * self.sample_rate;
        self.smooth
            .set_coefficient(OnePole::coefficient(corner_hz, self.sample_rate));
    }
}

impl TriggerSound for Scratch {
    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            rng: seeded(0),
            style: NAIL,
            stroke: Stroke::default(),
            played: 0,
            length: 1,
            end: 0,
            peak_grains: 0.0,
            peak_level: 0.0,
            grains: 0.0,
            grains_step: 0.0,
            level: 0.0,
            level_step: 0.0,
            grit: 0.0,
            smoothing: 1.0,
            bristles: [Bristle::default(); MAX_BRISTLES],
            bristle_norm: 1.0,
            smooth: OnePole::default(),
            modes: [Biquad::default(); 2],
            low_mid: Biquad::default(),
            low_mid_gain: 0.0,
            highpass: Biquad::default(),
            lowpass: Biquad::default(),
            low_band: Biquad::default(),
            rumble: Biquad::default(),
        }
    }

    fn start(&mut self, e: &Excitation) {
        let fs = self.sample_rate;
        let [speed, length, texture, pressure] = e.character.map(|c| c.clamp(0.0, 1.0));
        self.rng = seeded(e.seed);
        self.style = STYLES.get(e.variant).copied().unwrap_or(NAIL);
        let style = self.style;
        let rng = &mut self.rng;
        // Strokes alternate up and down with the seed; the direction shifts the tone.
        let tone = if e.seed % 2 == 1 {
            DIRECTION_TONE
        } else {
            DIRECTION_TONE.recip()
        };
        let mut spread = || 1.0 + jitter(rng, GESTURE_SPREAD);
        self.stroke = Stroke {
            attack: style.attack * spread(),
            release: style.release * spread(),
            sag: style.sag,
            wobble_phase: rng.random::<f32>() * TAU,
            wobble_step: TAU * lerp(WOBBLE_HZ.0, WOBBLE_HZ.1, rng.random::<f32>()) / fs,
        };
        self.played = 0;
        self.length = ((log_map(length, LENGTH_RANGE_S) * fs) as usize).max(1);
        self.end = self.length + (TAIL_S * fs) as usize;
        let peak_speed = log_map(speed, SPEED_RANGE_M_PER_S);
        self.peak_grains = peak_speed * tone / (style.grain_m * fs);
        self.peak_level = e.intensity.clamp(0.0, 1.0)
            * style.gain
            * lerp(PRESSURE_LEVEL.0, PRESSURE_LEVEL.1, pressure)
            * (peak_speed / REFERENCE_SPEED_M_PER_S).powf(style.loudness);
        self.grains = 0.0;
        self.level = 0.0;
        self.grit = GRIT_CHANCE * texture * texture;
        self.smoothing = log_map(texture, SMOOTHING_RATIO) * (1.0 - PRESSURE_DAMPING * pressure);
        let count = style.bristles.clamp(1, MAX_BRISTLES);
        let mut weights = 0.0;
        for (k, b) in self.bristles.iter_mut().enumerate() {
            let weight = if k < count {
                rng.random_range(0.5..1.0)
            } else {
                0.0
            };
            weights += weight * weight;
            let speed = 1.0 + style.jitter * rng.random_range(-1.0..1.0);
            *b = Bristle {
                phase: rng.random::<f32>(),
                pace: speed,
                speed,
                height: white(rng),
                slope: 0.0,
                weight,
            };
        }
        self.bristle_norm = weights.sqrt().recip();
        self.smooth.reset();
        for (filter, mode) in self.modes.iter_mut().zip(&style.modes) {
            *filter = Biquad::bandpass(mode.hz * tone, mode.q, fs);
        }
        self.low_mid = Biquad::bandpass(style.low_mid_hz, LOW_MID_Q, fs);
        self.low_mid_gain = PRESSURE_LOW_MID * pressure;
        self.highpass = Biquad::highpass(style.highpass_hz, FRAC_1_SQRT_2, fs);
        self.lowpass = Biquad::lowpass(style.lowpass_hz, FRAC_1_SQRT_2, fs);
        self.low_band = Biquad::lowpass(LOW_BAND_HZ, FRAC_1_SQRT_2, fs);
        self.rumble = Biquad::lowpass(RUMBLE_HZ, FRAC_1_SQRT_2, fs);
    }

    fn render(&mut self, out: &mut [f32]) -> bool {
        let style = self.style;
        let count = style.bristles.clamp(1, MAX_BRISTLES);
        for o in out.iter_mut() {
            if self.played >= self.end {
                return false;
            }
            if self.played.is_multiple_of(CONTROL_BLOCK) {
                self.control();
            }
            self.grains += self.grains_step;
            self.level += self.level_step;
            let mut stylus = 0.0;
            for b in &mut self.bristles[..count] {
                b.phase += self.grains * b.pace;
                if b.phase >= 1.0 {
                    b.phase -= 1.0;
                    b.next_grain(self.rng.random(), self.grit);
                }
                stylus += b.weight * b.slope;
            }
            let s = self.smooth.process(stylus * self.bristle_norm);
            let mut y = style.dry * s + self.low_mid_gain * self.low_mid.process(s);
            for (filter, mode) in self.modes.iter_mut().zip(&style.modes) {
                y += mode.gain * filter.process(s);
            }
            y = self.lowpass.process(self.highpass.process(y));
            if style.low_band > 0.0 {
                y += style.low_band * self.low_band.process(s)
                    + style.rumble * self.rumble.process(white(&mut self.rng));
            }
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

    /// Renders one stroke of `variant` with `character` (and a little silence after it).
    fn stroke(variant: usize, character: [f32; 4], seed: u64) -> Vec<f32> {
        let seconds = log_map(character[1], LENGTH_RANGE_S) + 2.0 * TAIL_S;
        testkit::render::<Scratch>(FS, &excitation(variant, character, seed), seconds)
    }

    /// Share of the energy of `x` below 300 Hz.
    fn low_band_share(x: &[f32]) -> f64 {
        testkit::band_share(x, FS, 0.0, 300.0)
    }

    /// Stroke duration (s) at Length `length`.
    fn stroke_s(length: f32) -> f32 {
        log_map(length, LENGTH_RANGE_S)
    }

    /// Spectral centroid of the middle half of the stroke, averaged over an up and a down
    /// stroke.
    fn glide_centroid(variant: usize, character: [f32; 4]) -> f32 {
        let n = (stroke_s(character[1]) * FS) as usize;
        [1, 2]
            .iter()
            .map(|&seed| {
                let x = stroke(variant, character, seed);
                testkit::spectral_centroid(&x[n / 4..3 * n / 4], FS)
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

    /// Points of the stroke envelope.
    const ENVELOPE_POINTS: usize = 20;

    /// RMS envelope in hops of `hop` samples of a stroke at Length `length` (and its tail),
    /// the energy averaged over several strokes.
    fn mean_envelope(variant: usize, length: f32, hop: usize) -> Vec<f32> {
        let seeds = 8;
        let mut energy = Vec::new();
        for seed in 0..seeds {
            let env = testkit::envelope(&stroke(variant, [0.5, length, 0.5, 0.5], seed), hop);
            energy.resize(env.len(), 0.0);
            for (e, v) in energy.iter_mut().zip(env) {
                *e += v * v / seeds as f32;
            }
        }
        energy.iter().map(|e| e.sqrt()).collect()
    }

    #[test]
    fn level_follows_the_stroke_gesture() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            for length in [0.1, 0.5, 0.9] {
                let seconds = stroke_s(length);
                let raw = mean_envelope(variant, length, (seconds * FS) as usize / ENVELOPE_POINTS);
                // Smoothed over three points, to find where the gesture peaks.
                let env: Vec<f32> = (0..raw.len())
                    .map(|i| {
                        let near = &raw[i.saturating_sub(1)..(i + 2).min(raw.len())];
                        near.iter().sum::<f32>() / near.len() as f32
                    })
                    .collect();
                let peak = env.iter().fold(0.0f32, |m, &v| m.max(v));
                let peak_share =
                    env.iter().position(|&v| v == peak).unwrap() as f32 / ENVELOPE_POINTS as f32;
                let raw_peak = raw.iter().fold(0.0f32, |m, &v| m.max(v));
                let (first, last) = (raw[0] / raw_peak, raw[ENVELOPE_POINTS - 1] / raw_peak);
                // Duration: where the 5 ms envelope is within 30 dB of its peak.
                let fine = mean_envelope(variant, length, (FS / 200.0) as usize);
                let floor = fine.iter().fold(0.0f32, |m, &v| m.max(v)) * 10f32.powf(-30.0 / 20.0);
                let on = fine.iter().position(|&v| v > floor).unwrap();
                let off = fine.iter().rposition(|&v| v > floor).unwrap();
                let sounding = (off + 1 - on) as f32 / 200.0;
                println!(
                    "{name} {seconds:.2} s: peak at {peak_share:.2} of the stroke, first and \
                     last twentieth {first:.2} / {last:.2} of it, sounds {sounding:.2} s"
                );
                assert!(
                    (0.25..=0.75).contains(&peak_share),
                    "{name}: peak at {peak_share}"
                );
                assert!(first < 0.3 && last < 0.3, "{name}: ends {first} {last}");
                assert!(
                    (sounding / seconds - 1.0).abs() < 0.2,
                    "{name}: {sounding} s of {seconds} s"
                );
            }
        }
    }

    #[test]
    fn brush_on_mic_is_darker_than_nail() {
        let character = [0.5, 0.4, 0.5, 0.5];
        let nail = glide_centroid(0, character);
        let mic = glide_centroid(3, character);
        let low_nail = low_band_share(&stroke(0, character, 1));
        let low_mic = low_band_share(&stroke(3, character, 1));
        println!(
            "centroid nail {nail:.0} Hz, mic {mic:.0} Hz; below 300 Hz {low_nail:.4} / {low_mic:.3}"
        );
        assert!(mic < 0.5 * nail, "{mic} vs {nail}");
        assert!(low_mic > 0.2 && low_mic > 20.0 * low_nail);
    }

    #[test]
    fn direction_shifts_the_tone_slightly() {
        let character = [0.5, 0.2, 0.5, 0.5];
        let strokes = 16;
        for (variant, name) in INFO.variants.iter().enumerate() {
            let n = (stroke_s(character[1]) * FS) as usize;
            // Odd seeds stroke up, even ones down.
            let mean_centroid = |parity: u64| {
                (0..strokes)
                    .map(|k| {
                        let x = stroke(variant, character, 2 * k + parity);
                        testkit::spectral_centroid(&x[n / 4..3 * n / 4], FS)
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
    fn pressure_adds_level_and_low_mid_weight() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            let measure = |pressure: f32| {
                let x = stroke(variant, [0.5, 0.3, 0.5, pressure], 1);
                let band = |low, high| testkit::band_power(&x, FS, low, high);
                (testkit::rms(&x), band(200.0, 800.0) / band(0.0, FS / 2.0))
            };
            let ((light, light_low_mid), (heavy, heavy_low_mid)) = (measure(0.0), measure(1.0));
            println!(
                "{name}: RMS {light:.3} -> {heavy:.3}, 200-800 Hz share {light_low_mid:.3} -> \
                 {heavy_low_mid:.3}"
            );
            assert!(
                heavy > 1.3 * light && heavy_low_mid > light_low_mid,
                "{name}"
            );
        }
    }

    #[test]
    fn texture_makes_the_surface_grittier() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            // Grit shows as a peakier signal: a higher crest factor over the glide.
            let crest = |texture: f32| {
                let x = stroke(variant, [0.5, 0.5, texture, 0.5], 1);
                let n = (stroke_s(0.5) * FS) as usize;
                let glide = &x[n / 4..3 * n / 4];
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
            let seconds = stroke_s(character[1]) + 2.0 * TAIL_S;
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
            println!("{name}: peaks {peaks:.2?}");
            assert!(
                peaks.iter().all(|p| (0.25..=0.65).contains(p)),
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
            let longest = stroke_s(0.0) + TAIL_S + 64.0 / FS;
            testkit::assert_finishes_silent::<Scratch>(&e, longest, 64);
        }
    }
}
