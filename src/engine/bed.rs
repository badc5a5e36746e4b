//! The ambient bed: an optional soft noise around the listener (pink, brown, a slowly moving
//! "air", or the hiss of distant rain), off by default.
//!
//! **Around the listener, not inside the head.** Noise that is identical in both ears is heard
//! in the middle of the head. A diffuse field (sound from everywhere) reaches the two ears
//! with an interaural coherence of about sinc(2 pi f d / c) (d = 0.18 m between the ears):
//! nearly 1 in the bass, falling to 0 at about 950 Hz and staying small above. The bed makes
//! that cheaply from three white noises: a shared one through a Butterworth low-pass and one
//! per ear through the complementary high-pass at [`COHERENCE_CORNER_HZ`]. The two are power
//! complementary (|LP|² + |HP|² = 1), so each ear's spectrum stays white and the coherence
//! (the shared part's share of the power) is exactly |LP(f)|² = 1 / (1 + (f / fc)^4), which
//! follows the diffuse field's curve within about 0.1. Each kind then colours both ears with identical filters,
//! which leaves the coherence as it is. The shared part also carries everything below the
//! corner, so one high-pass on it at [`SUB_BASS_HZ`] keeps both ears free of rumble that
//! would only wobble the headphones and eat headroom. No HRTF is involved: a diffuse field has no
//! direction, and the bed costs a handful of filters per sample.
//!
//! **Level.** [`BedSettings::level_db`] reads as loudness: each kind is trimmed so that at a
//! level of L dB its loudness is L LUFS (within about 1 LU; the air wanders by ±3 dB around
//! it). The default, [`DEFAULT_BED_LEVEL_DB`], is well below a default trigger layer.
//!
//! **No clicks.** Level changes glide over [`LEVEL_GLIDE_S`]; switching on, off or to another
//! kind crossfades over [`FADE_S`] with an equal-power curve (the kinds are uncorrelated
//! noises), and the bed fades in after every reset. All modulations are smoothed random walks
//! of several seconds.

use crate::dsp::biquad::Biquad;
use crate::dsp::coherence::{DiffuseMix, DiffuseShape};
use crate::dsp::math::db_to_gain;
use crate::dsp::noise::{BrownFilter, PinkFilter, Wander, white_scale};
use crate::dsp::one_pole::OnePole;
use crate::dsp::ramp::Ramp;
use crate::dsp::random::{SeededRng, WHITE_POWER, seeded, white};
use crate::ranges;
use std::f32::consts::FRAC_1_SQRT_2;

/// Which bed sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BedKind {
    /// No bed.
    #[default]
    Off,
    /// Pink noise (-3 dB per octave): even, soft.
    Pink,
    /// Brown noise (-6 dB per octave): dark, like a distant roar.
    Brown,
    /// Air: pink noise through a low-pass whose corner and level wander slowly, like a
    /// breath of wind (no gusts: every change takes seconds).
    Air,
    /// Distant rain: a band of hiss with a soft high-mid emphasis and tiny dense fluctuations,
    /// no distinct drops.
    Rain,
}

impl BedKind {
    /// The kinds that sound, in the order of their state in [`Bed`].
    const SOUNDING: [BedKind; SOUNDING_KINDS] = {
        let mut kinds = [BedKind::Off; SOUNDING_KINDS];
        kinds[PINK] = BedKind::Pink;
        kinds[BROWN] = BedKind::Brown;
        kinds[AIR] = BedKind::Air;
        kinds[RAIN] = BedKind::Rain;
        kinds
    };

    /// Index among [`BedKind::SOUNDING`], `None` for [`BedKind::Off`].
    fn sounding_index(self) -> Option<usize> {
        Self::SOUNDING.iter().position(|&k| k == self)
    }
}

/// Number of kinds that sound.
const SOUNDING_KINDS: usize = 4;
/// Index of each sounding kind's state (in [`BedKind::SOUNDING`] order).
const PINK: usize = 0;
/// See [`PINK`].
const BROWN: usize = 1;
/// See [`PINK`].
const AIR: usize = 2;
/// See [`PINK`].
const RAIN: usize = 3;

/// Default bed level (dB, read as LUFS; see [`ranges::BED_LEVEL_DB`]).
pub const DEFAULT_BED_LEVEL_DB: f32 = ranges::BED_LEVEL_DB.default;

/// The bed's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BedSettings {
    /// Which bed sounds ([`BedKind::Off`] by default).
    pub kind: BedKind,
    /// Its level in dB, -60 ..= -12, calibrated as loudness: L dB measures about L LUFS.
    pub level_db: f32,
}

impl Default for BedSettings {
    fn default() -> Self {
        Self {
            kind: BedKind::Off,
            level_db: DEFAULT_BED_LEVEL_DB,
        }
    }
}

/// Corner of the coherence low-pass (Hz): the bed's interaural coherence is 1 / (1 +
/// (f / 550 Hz)^4): 0.96 at 250 Hz, 0.59 at 500 Hz, 0.28 at 700 Hz, 0.09 at 1 kHz, against a
/// diffuse field's 0.89, 0.61, 0.32 and 0.05.
pub const COHERENCE_CORNER_HZ: f32 = crate::dsp::coherence::DEFAULT_CORNER_HZ;
/// Corner of the high-pass that keeps infrasound and deep rumble out of the bed (Hz).
pub const SUB_BASS_HZ: f32 = 25.0;
/// Crossfade when the bed is switched on, off or to another kind, and its fade-in after a
/// reset (s).
pub const FADE_S: f32 = 2.0;
/// Glide of level changes (s).
pub const LEVEL_GLIDE_S: f32 = 0.05;
/// Samples between updates of the slow modulations.
const CONTROL_STEP: usize = 32;
/// Trim of each sounding kind (dB, in [`BedKind::SOUNDING`] order) that makes its loudness at a
/// level of 0 dB read 0 LUFS (measured by the `bed_level_reads_as_loudness` test).
const TRIM_DB: [f32; SOUNDING_KINDS] = [5.97, 34.41, 12.43, 5.14];

/// Air: range of the low-pass corner (octaves above 1 Hz: 250 Hz ..= 1.2 kHz).
const AIR_CORNER_OCTAVES: (f32, f32) = (7.97, 10.23);
/// Air: quality of its low-pass (a soft corner, no whistle).
const AIR_Q: f32 = FRAC_1_SQRT_2;
/// Air: range of its wandering level (dB).
const AIR_LEVEL_DB: (f32, f32) = (-3.0, 3.0);
/// Air: time between new targets of the corner and the level (s, random in the range).
const AIR_HOLD_S: (f32, f32) = (3.0, 8.0);
/// Air: time constant of each of the two smoothing stages of its modulations (s).
const AIR_SMOOTH_S: f32 = 1.5;
/// Rain: corners of its band (Hz): a high-pass and a low-pass (the top of a distant rain's
/// hiss, dulled by the air on its way).
const RAIN_BAND_HZ: (f32, f32) = (500.0, 6000.0);
/// Rain: bandwidth of its dense fluctuations (Hz).
const RAIN_FLUTTER_HZ: f32 = 25.0;
/// Rain: depth of the fluctuations (standard deviation of the relative level; 0.15 is about
/// ±1.3 dB).
const RAIN_FLUTTER_DEPTH: f32 = 0.15;
/// Salt mixed into the engine's seed for the bed's randomness.
const BED_SEED_SALT: u64 = 0xBED0_5EED_A11B_1E55;

/// Equal-power crossfade curve for uncorrelated noises (within 0.5 dB): `a (2 - a)` of the
/// crossfade's progress `a` (0 ..= 1), without trigonometry.
#[inline]
fn fade_curve(a: f32) -> f32 {
    a * (2.0 - a)
}

/// The state of the air's slow movement.
#[derive(Debug, Clone, Copy)]
struct Air {
    /// Per ear: the moving low-pass.
    lowpass: [Biquad; 2],
    /// Corner of the low-pass (octaves above 1 Hz).
    corner: Wander,
    /// Level (dB).
    level: Wander,
    /// Current level (linear).
    gain: f32,
}

impl Air {
    fn new(sample_rate: f32) -> Self {
        let step_s = CONTROL_STEP as f32 / sample_rate;
        let corner = Wander::new(AIR_CORNER_OCTAVES, AIR_HOLD_S, AIR_SMOOTH_S, step_s);
        let level = Wander::new(AIR_LEVEL_DB, AIR_HOLD_S, AIR_SMOOTH_S, step_s);
        let mut air = Self {
            lowpass: [Biquad::default(); 2],
            corner,
            level,
            gain: 1.0,
        };
        air.reset(sample_rate);
        air
    }

    /// One control step: new corner and level.
    fn control(&mut self, rng: &mut SeededRng, sample_rate: f32) {
        let corner_hz = self.corner.next(rng).exp2();
        let tuned = Biquad::lowpass(corner_hz, AIR_Q, sample_rate);
        for lp in &mut self.lowpass {
            lp.retune(&tuned);
        }
        self.gain = db_to_gain(self.level.next(rng));
    }

    fn reset(&mut self, sample_rate: f32) {
        self.corner.reset();
        self.level.reset();
        let middle = 0.5 * (AIR_CORNER_OCTAVES.0 + AIR_CORNER_OCTAVES.1);
        self.lowpass = [Biquad::lowpass(middle.exp2(), AIR_Q, sample_rate); 2];
        self.gain = 1.0;
    }
}

/// The state of the rain.
#[derive(Debug, Clone, Copy)]
struct Rain {
    /// Per ear: the band's high-pass and low-pass.
    band: [[Biquad; 2]; 2],
    /// Per ear: the fluctuation's low-pass (independent per ear, so they stay diffuse).
    flutter: [OnePole; 2],
    /// Scale from the fluctuation filter's output to a relative level change.
    flutter_scale: f32,
}

impl Rain {
    fn new(sample_rate: f32) -> Self {
        let band = [
            Biquad::highpass(RAIN_BAND_HZ.0, FRAC_1_SQRT_2, sample_rate),
            Biquad::lowpass(RAIN_BAND_HZ.1, FRAC_1_SQRT_2, sample_rate),
        ];
        let k = OnePole::coefficient(RAIN_FLUTTER_HZ, sample_rate);
        let mut flutter = OnePole::default();
        flutter.set_coefficient(k);
        // A one-pole low-pass passes k / (2 - k) of white noise's power.
        let flutter_std = (WHITE_POWER * k / (2.0 - k)).sqrt();
        Self {
            band: [band; 2],
            flutter: [flutter; 2],
            flutter_scale: RAIN_FLUTTER_DEPTH / flutter_std,
        }
    }

    /// One ear's sample from its white noise `x` and the fluctuation's noise `w`.
    #[inline]
    fn process(&mut self, ear: usize, x: f32, w: f32) -> f32 {
        let [hp, lp] = &mut self.band[ear];
        let hiss = lp.process(hp.process(x));
        hiss * (1.0 + self.flutter_scale * self.flutter[ear].process(w))
    }

    fn reset(&mut self) {
        self.band.iter_mut().flatten().for_each(Biquad::reset);
        self.flutter.iter_mut().for_each(OnePole::reset);
    }
}

/// The ambient bed generator. [`Bed::new`] allocates nothing on the heap; it is sized for any
/// block.
pub struct Bed {
    sample_rate: f32,
    rng: SeededRng,
    /// Scale of the white noises (same power density at every sample rate).
    white_scale: f32,
    /// The diffuse pair: the shared part (high-passed at [`SUB_BASS_HZ`], then low-passed)
    /// and each ear's own high-passed part.
    sub_bass: Biquad,
    diffuse: DiffuseMix,
    pink: [PinkFilter; 2],
    brown: [BrownFilter; 2],
    air: Air,
    rain: Rain,
    /// Per sounding kind: crossfade progress 0 (silent) ..= 1 (fully in).
    fades: [Ramp; SOUNDING_KINDS],
    /// Per sounding kind: the last crossfade progress (0 with a target of 0: not computed).
    fade_now: [f32; SOUNDING_KINDS],
    /// Per sounding kind: its trim (linear).
    trims: [f32; SOUNDING_KINDS],
    /// Level (linear).
    level: Ramp,
    /// Samples to the next control step.
    control_countdown: usize,
}

impl Bed {
    /// A silent bed at `sample_rate` (Hz) seeded with `seed`.
    pub fn new(sample_rate: f32, seed: u64) -> Self {
        let fade = Ramp::new(0.0, (FADE_S * sample_rate) as u32);
        Self {
            sample_rate,
            rng: seeded(seed ^ BED_SEED_SALT),
            white_scale: white_scale(sample_rate),
            sub_bass: Biquad::highpass(SUB_BASS_HZ, FRAC_1_SQRT_2, sample_rate),
            diffuse: DiffuseMix::new(DiffuseShape::butterworth(COHERENCE_CORNER_HZ), sample_rate),
            pink: [PinkFilter::new(sample_rate); 2],
            brown: [BrownFilter::new(sample_rate); 2],
            air: Air::new(sample_rate),
            rain: Rain::new(sample_rate),
            fades: [fade; SOUNDING_KINDS],
            fade_now: [0.0; SOUNDING_KINDS],
            trims: TRIM_DB.map(db_to_gain),
            level: Ramp::new(
                db_to_gain(DEFAULT_BED_LEVEL_DB),
                (LEVEL_GLIDE_S * sample_rate) as u32,
            ),
            control_countdown: 0,
        }
    }

    /// Takes new settings: a new kind crossfades, a new level glides.
    pub fn set(&mut self, settings: &BedSettings) {
        let on = settings.kind.sounding_index();
        for (i, fade) in self.fades.iter_mut().enumerate() {
            fade.set_target(if on == Some(i) { 1.0 } else { 0.0 });
        }
        self.level.set_target(db_to_gain(settings.level_db));
    }

    /// Draws the noise from `seed` from now on (the filters keep their state: no click).
    pub fn reseed(&mut self, seed: u64) {
        self.rng = seeded(seed ^ BED_SEED_SALT);
    }

    /// Restarts from silence with the randomness of `seed`: filters cleared, level at its
    /// target, and the current kind fading in over [`FADE_S`].
    pub fn reset(&mut self, seed: u64) {
        self.reseed(seed);
        self.sub_bass.reset();
        self.diffuse.reset();
        self.pink.iter_mut().for_each(PinkFilter::reset);
        self.brown.iter_mut().for_each(BrownFilter::reset);
        self.air.reset(self.sample_rate);
        self.rain.reset();
        for fade in &mut self.fades {
            let target = fade.target();
            fade.jump(0.0);
            fade.set_target(target);
        }
        self.fade_now = [0.0; SOUNDING_KINDS];
        self.level.jump(self.level.target());
        self.control_countdown = 0;
    }

    /// Whether the bed sounds or is about to (not both off and faded out): else there is
    /// nothing to compute.
    pub fn is_sounding(&self) -> bool {
        !self
            .fades
            .iter()
            .zip(&self.fade_now)
            .all(|(fade, &now)| now == 0.0 && fade.target() == 0.0)
    }

    /// Adds the bed to `left` and `right`.
    pub fn add_to(&mut self, left: &mut [f32], right: &mut [f32]) {
        if !self.is_sounding() {
            return;
        }
        let active: [bool; SOUNDING_KINDS] =
            std::array::from_fn(|i| self.fade_now[i] > 0.0 || self.fades[i].target() > 0.0);
        let [pink, brown, air, rain] = [PINK, BROWN, AIR, RAIN].map(|i| active[i]);
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            if self.control_countdown == 0 {
                if air {
                    self.air.control(&mut self.rng, self.sample_rate);
                }
                self.control_countdown = CONTROL_STEP;
            }
            self.control_countdown -= 1;

            let scale = self.white_scale;
            let deep = self.sub_bass.process(scale * white(&mut self.rng));
            let own_left = scale * white(&mut self.rng);
            let own_right = scale * white(&mut self.rng);
            // The bed's shape has no dip: nothing is opposed.
            let (left_ear, right_ear) = self.diffuse.process(deep, own_left, own_right, 0.0);
            let ears = [left_ear, right_ear];
            let mut fades = [0.0; SOUNDING_KINDS];
            for (i, fade) in fades.iter_mut().enumerate() {
                if active[i] {
                    self.fade_now[i] = self.fades[i].advance();
                    *fade = fade_curve(self.fade_now[i]) * self.trims[i];
                }
            }
            let mut out = [0.0f32; 2];
            let flutter = if rain {
                [white(&mut self.rng), white(&mut self.rng)]
            } else {
                [0.0; 2]
            };
            for (e, (o, &x)) in out.iter_mut().zip(&ears).enumerate() {
                if pink || air {
                    let p = self.pink[e].process(x);
                    *o += fades[PINK] * p;
                    if air {
                        *o += fades[AIR] * self.air.gain * self.air.lowpass[e].process(p);
                    }
                }
                if brown {
                    *o += fades[BROWN] * self.brown[e].process(x);
                }
                if rain {
                    *o += fades[RAIN] * self.rain.process(e, x, flutter[e]);
                }
            }
            let level = self.level.advance();
            *l += level * out[0];
            *r += level * out[1];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `seconds` of `bed` at 48 kHz in blocks of 256.
    fn render(bed: &mut Bed, seconds: f32) -> (Vec<f32>, Vec<f32>) {
        let n = (seconds * 48_000.0) as usize;
        let (mut l, mut r) = (vec![0.0; n], vec![0.0; n]);
        for (a, b) in l.chunks_mut(256).zip(r.chunks_mut(256)) {
            bed.add_to(a, b);
        }
        (l, r)
    }

    /// Off by default and after switching off (once faded): nothing is added or computed.
    #[test]
    fn off_adds_nothing() {
        let mut bed = Bed::new(48_000.0, 1);
        bed.set(&BedSettings::default());
        assert!(!bed.is_sounding());
        let (l, r) = render(&mut bed, 0.1);
        assert!(l.iter().chain(&r).all(|&v| v == 0.0));
        bed.set(&BedSettings {
            kind: BedKind::Pink,
            ..BedSettings::default()
        });
        render(&mut bed, 1.0);
        assert!(bed.is_sounding());
        bed.set(&BedSettings::default());
        render(&mut bed, FADE_S + 0.01);
        assert!(!bed.is_sounding());
    }

    /// The crossfade gains change by no more than one step of a linear glide over the fade
    /// time per sample, and the two crossing kinds keep their summed power within 0.5 dB.
    #[test]
    fn crossfades_are_smooth_and_keep_the_power() {
        let steps = 1000;
        let mut worst_db = 0.0f32;
        let mut steepest = 0.0f32;
        let mut last = fade_curve(0.0);
        for i in 0..=steps {
            let a = i as f32 / steps as f32;
            let power = fade_curve(a).powi(2) + fade_curve(1.0 - a).powi(2);
            worst_db = worst_db.max((10.0 * power.log10()).abs());
            steepest = steepest.max((fade_curve(a) - last).abs() * steps as f32);
            last = fade_curve(a);
        }
        assert!(worst_db < 0.52, "power off by {worst_db} dB");
        assert!(steepest <= 2.0 + 1e-3, "slope {steepest}");
    }
}
