//! Water: drops and rain as impacts first, bubbles second.
//!
//! A drop hitting a surface makes an impact: a broadband tick a few milliseconds long, coloured
//! by what it hits (leaf, ground, roof, puddle). Only some impacts on water also trap a bubble,
//! which rings like a damped sine at Minnaert's `f0 = 3 / r` (r the radius in metres), decays at
//! `d = 0.13 / r + 0.0072 r^-1.5` per second and rises in pitch, `f0 (1 + sigma d t)`
//! (van den Doel 2005, "Physically based models for liquid sounds", ACM TAP 2(4); Pumphrey,
//! Crum & Bjørnø 1989, "Underwater sound produced by individual drop impacts and rainfall",
//! JASA 85(4): the impact is always there, the bubble only for some drops). Rain on a surface is
//! a dense Poisson stream of such impacts of many sizes, thousands a second, with a heavy-tailed
//! (here lognormal) level spread: Miklavcic, Zita & Arvidsson 2004, "Computational real-time
//! sound synthesis of rain" (DAFx-04); Farnell 2010, "Designing Sound", ch. "Rain" (rain as
//! shaped noise clicks with a chosen distribution of width and level, and resonators driven by
//! the drops).
//!
//! Model. An [`ImpactStream`] is shot noise: a one-pole envelope kicked by lognormal impulses at
//! Poisson times gates white noise, which a band-pass colours. Overlapping impacts share the
//! noise and the envelope, so thousands a second cost one noise sample, one multiply and one
//! biquad. Three such streams make the fine grain of rain (small, short, bright impacts to
//! larger, longer, darker ones, 0.3-12 kHz, decays of 1.5-5 ms); a fourth carries the distinct
//! heavier drops the Density control counts, and a fifth of those also ring a bubble.
//! - Droplet: one drop: an impact tick and usually a short rising bubble "plink", then the
//!   tiny bubbles of its splash falling back, over a faint drizzle of the wet surroundings (the
//!   same grain, far below the drip). The surroundings are
//!   one place however many drips fall in it: once a few newer droplets of the layer sound,
//!   a droplet's drizzle hands over to the newest, which carries it on more densely (see
//!   [`TriggerSound::make_way`]).
//! - Rain: the grain plus the heavy drops and their few bubbles, for one stretch of Length.
//! - Rain bed: a band-limited noise wash (the distant, unresolved rain) with the grain over it
//!   and a quarter of the heavy drops.
//!
//! Every stretch fades in and out and lasts at least 1.5 s, so at the layer's default rate of one
//! trigger a second successive stretches overlap into continuous rain. The family is marked
//! sustained (rain lasts and should follow its layer's motion); a droplet is short but is treated
//! the same way, as the layer handles a family uniformly.

mod bubbles;

use super::{ControlInfo, Excitation, FamilyInfo, TriggerSound};
use crate::dsp::biquad::Biquad;
use crate::dsp::math::{db_to_gain, log_map, log_unmap, smoothstep, soft_clip};
use crate::dsp::random::{RngExt, SeededRng, WHITE_POWER, exponential, seeded, white};
use bubbles::{Bubble, Bubbles, damping};
use std::f32::consts::{FRAC_1_SQRT_2, TAU};

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Water",
    variants: &["Droplet", "Rain", "Rain bed"],
    controls: [
        ControlInfo {
            name: "Drop size",
            description: "Size of the drops: small drops tick brightly and plink high, large ones land with a duller, longer thud and a lower bloop (bubbles of 1 to 5 mm in rain, 1.8 to 4 mm for a droplet).",
        },
        ControlInfo {
            name: "Density",
            description: "How many distinct drops fall per second, from 1 to 400, with the fine drizzle under them growing along (a quarter of the drops over the rain bed; around a droplet only the drizzle).",
        },
        ControlInfo {
            name: "Length",
            description: "How long each stretch of rain lasts, from 1.5 s to 8 s (longer stretches overlap into heavier rain), or a droplet's faint drizzle, from 0.8 s to 2 s (handed over sooner when three more droplets follow).",
        },
        ControlInfo {
            name: "Brightness",
            description: "Brighter: more weight on the small, high impacts, a hissier rain bed and a crisper drip.",
        },
    ],
    sustained: true,
};

/// Rain bubble radius (m) at Drop size 0 and 1; Drop size maps between them logarithmically.
const RADIUS_M: (f32, f32) = (0.001, 0.005);
/// A droplet's bubble radius (m) at Drop size 0 and 1 (logarithmic): a drip from a tap or a
/// ceiling is a large drop, and its bubble rings long enough to be heard as a plink.
const DROPLET_RADIUS_M: (f32, f32) = (0.0018, 0.004);
/// Delay (s) from a drop's impact to its bubble's ring: the bubble pinches off the crater a few
/// milliseconds after the drop lands.
const BUBBLE_DELAY_S: f32 = 0.003;
/// Heavy drops per second at Density 0 and 1; Density maps between them logarithmically.
const DENSITY_PER_S: (f32, f32) = (1.0, 400.0);
/// Stretch length (s) at Length 0 and 1 (logarithmic in between). The shortest still spans the
/// second between two triggers at the layer's default rate, with room for both fades.
const LENGTH_S: (f32, f32) = (1.5, 8.0);
/// A droplet's length (s) at Length 0 and 1 (logarithmic in between): its drizzle is only the
/// wet air around one drip, about a second at the default, where two drips a second apart just
/// meet. Short, because droplets are often scattered, every one through a placer of its own;
/// sparser drips keep their drizzle until the next one's has faded in (up to the longest
/// stretch of rain), so the surroundings stay wet between them instead of hissing on and off.
const DROPLET_LENGTH_S: (f32, f32) = (0.8, 2.0);
/// Fade (s) in and out of every stretch of grain and wash (at most half the stretch).
const FADE_S: f32 = 0.25;
/// Crossfade (s) of a droplet's drizzle into the newer droplet's that takes it over: short, so
/// that even at several drips a second few sounds sound.
const DRIZZLE_HANDOVER_S: f32 = 0.05;
/// Most droplets' drizzles of a layer sounding at once, from as many places: with fewer, the
/// judge hears dense droplets (6 a second) as plops, no longer as raindrops.
const DRIZZLES_AT_ONCE: usize = 3;
/// Mixed into a trigger's seed to seed each impact stream's own generator (the grain's three,
/// then the heavy drops'): arbitrary odd 64-bit constants, so no two streams share a sequence.
const STREAM_SEEDS: [u64; 4] = [
    0x9e37_79b9_7f4a_7c15,
    0xc2b2_ae3d_27d4_eb4f,
    0x1656_67b1_9e37_79f9,
    0x27d4_eb2f_1656_67c5,
];
/// Random spread of a rain bubble's radius around the Drop size (octaves, both ways;
/// triangular).
const RAIN_RADIUS_SPREAD: f32 = 0.5;
/// Random spread of a droplet's radius (octaves, both ways; triangular): each differs slightly.
const DROPLET_RADIUS_SPREAD: f32 = 0.15;
/// Grain impacts per second with the fewest heavy drops: the drizzle landing all around.
const DRIZZLE_BASE_PER_S: f32 = 2500.0;
/// Extra grain impacts per second for each heavy drop per second (heavier rain, finer grain).
const DRIZZLE_PER_DROP: f32 = 15.0;
/// Spread of grain impact levels: standard deviation of the natural log of their amplitudes
/// (8.7 dB).
const GRAIN_LEVEL_SIGMA: f32 = 1.0;
/// Spread of heavy drop levels: standard deviation of the natural log of their amplitudes.
const DROP_LEVEL_SIGMA: f32 = 0.7;
/// Spread of bubble levels: standard deviation of the natural log of their amplitudes.
const BUBBLE_LEVEL_SIGMA: f32 = 0.5;

/// How one kind of impact sounds: its decay and the band it is heard through.
#[derive(Debug, Clone, Copy)]
struct Impact {
    /// Decay time constant (s).
    decay_s: f32,
    /// Centre (Hz) of the band.
    centre_hz: f32,
    /// Quality of the band (centre / bandwidth).
    q: f32,
}

/// One size class of the grain: small drops tick short and bright, large ones longer and darker.
#[derive(Debug, Clone, Copy)]
struct GrainClass {
    /// How its impacts sound.
    impact: Impact,
    /// Share of the grain's impacts in this class.
    share: f32,
    /// RMS weight of the class at middle Brightness and Drop size.
    weight: f32,
    /// Direction the class moves with Brightness (+1 louder when bright) and against Drop size.
    tilt: f32,
}

/// The grain's classes, smallest drops first: bands about 3-12 kHz, 1.2-6 kHz and 0.3-2.5 kHz,
/// decays of 1.5, 3 and 5 ms.
const GRAIN: [GrainClass; 3] = [
    GrainClass {
        impact: Impact {
            decay_s: 0.0015,
            centre_hz: 6000.0,
            q: 0.67,
        },
        share: 0.5,
        weight: 1.0,
        tilt: 1.0,
    },
    GrainClass {
        impact: Impact {
            decay_s: 0.003,
            centre_hz: 2700.0,
            q: 0.56,
        },
        share: 0.3,
        weight: 0.8,
        tilt: 0.0,
    },
    GrainClass {
        impact: Impact {
            decay_s: 0.005,
            centre_hz: 870.0,
            q: 0.4,
        },
        share: 0.2,
        weight: 0.6,
        tilt: -1.0,
    },
];
/// The grain class a droplet's drizzle is made of (the middle one, 1.2-6 kHz).
const DRIZZLE_CLASS: usize = 1;
/// Level change (dB) of the outer grain classes from Brightness 0 to 1 (the bright class up,
/// the dark one down).
const BRIGHTNESS_TILT_DB: f32 = 12.0;
/// Level change (dB) of the outer grain classes from Drop size 0 to 1 (the dark class up).
const SIZE_TILT_DB: f32 = 8.0;
/// Decay time constant (s) of a heavy drop's impact at Drop size 0 and 1 (logarithmic).
const DROP_DECAY_S: (f32, f32) = (0.0015, 0.006);
/// Centre (Hz) of a heavy drop's impact band at Drop size 0 and 1 (logarithmic).
const DROP_CENTRE_HZ: (f32, f32) = (4000.0, 1200.0);
/// Quality of a heavy drop's impact band: wide, a thud with a little body.
const DROP_Q: f32 = 0.5;
/// RMS of the heavy drops relative to the grain's when they fall at [`DROP_REFERENCE_PER_S`];
/// it grows with the square root of their rate.
const DROP_SHARE: f32 = 0.35;
/// Heavy drops per second at which their RMS is [`DROP_SHARE`] of the grain's.
const DROP_REFERENCE_PER_S: f32 = 20.0;
/// Chance that a heavy rain drop also rings a bubble (it lands in a puddle).
const RAIN_BUBBLE_CHANCE: f32 = 0.2;
/// RMS of the rain's bubbles relative to its heavy drops': a minor part.
const BUBBLE_SHARE: f32 = 0.6;
/// RMS of the rain at intensity 1 and middle Density.
const RAIN_RMS: f32 = 0.042;
/// Loudness change (dB) of the rain from Density 0 to 1 (heavier rain is louder).
const DENSITY_LOUDNESS_DB: f32 = 8.0;
/// Share of the Density's heavy drops that fall over the rain bed (it is distant rain).
const BED_DROP_SHARE: f32 = 0.25;
/// RMS of the rain bed's wash relative to its grain.
const WASH_SHARE: f32 = 0.8;
/// Low-pass corner (Hz) of the wash at Brightness 0 and 1 (logarithmic in between).
const BED_CUTOFF_HZ: (f32, f32) = (1200.0, 8000.0);
/// High-pass corner (Hz) of the wash: rain hiss has little rumble.
const BED_HIGHPASS_HZ: f32 = 250.0;
/// Peak of a droplet's bubble at intensity 1.
const DROP_LEVEL: f32 = 0.36;
/// Random level variation of a droplet (dB below the loudest; uniform).
const DROPLET_LEVEL_SPREAD_DB: f32 = 1.5;
/// Chance that a droplet rings a bubble (otherwise it only ticks).
const DROPLET_BUBBLE_CHANCE: f32 = 0.9;
/// RMS at the onset of a droplet's impact tick, relative to its bubble's peak, at Brightness 0
/// and 1 (logarithmic).
const TICK_LEVEL: (f32, f32) = (0.6, 1.2);
/// Decay time constant (s) of a droplet's impact tick: one small drop on a hard, wet surface.
const TICK_DECAY_S: f32 = 0.0008;
/// RMS of a droplet's drizzle relative to its drip spread over a second (the layer's default
/// rate): the wet surroundings, well below the drip. (At 0.25 a lone drip every few seconds
/// was heard as a plop over radio static; the wetter surroundings are heard as water.)
const DRIZZLE_UNDER_DRIP: f32 = 0.4;
/// Secondary droplets a drip throws up: its crown and jet break into small drops that fall
/// back a moment later, each trapping a tiny bubble (Prosperetti & Oguz 1993).
const SPLASH_DROPS: usize = 4;
/// Their bubbles' radius, as a share of the drip's (uniform between the two).
const SPLASH_RADIUS: (f32, f32) = (0.25, 0.45);
/// Their bubbles' peak, as a share of the drip's (uniform between the two).
const SPLASH_LEVEL: (f32, f32) = (0.06, 0.2);
/// When they fall back (s after the drip; uniform between the two).
const SPLASH_WAIT_S: (f32, f32) = (0.015, 0.15);
/// Offset (amplitude) added to the impact envelopes so that they never decay into subnormals.
const ANTI_DENORMAL: f32 = 1e-20;
/// Most drips struck again on a droplet (see [`TriggerSound::strike_again`]) that may wait
/// for their sample at once: the drips of one layer's densest bursts (8 drips 10 ms apart)
/// within a block of up to about 1700 samples at 48 kHz; past that the layer steals a voice
/// as it would without it.
const DRIPS_DUE: usize = 8;
/// Samples mixed at a time on the stack before the sound's soft saturation ([`soft_clip`]
/// rounds off the loudest impacts of a downpour instead of letting them clip); chunks follow a
/// fixed grid from the sound's start.
const MIX_CHUNK: usize = 64;
/// Level (amplitude) below which a heavy drop's impact has died away: -90 dB.
const SILENCE: f32 = 3.2e-5;

/// A random factor `2^o` with `o` triangular in `-octaves..octaves` (most values near 1).
fn spread(rng: &mut SeededRng, octaves: f32) -> f32 {
    let o = (rng.random::<f32>() + rng.random::<f32>() - 1.0) * octaves;
    o.exp2()
}

/// A random amplitude factor between `-spread_db` dB and 0 dB (uniform in dB).
fn level_variation(rng: &mut SeededRng, spread_db: f32) -> f32 {
    db_to_gain(-rng.random::<f32>() * spread_db)
}

/// A lognormal amplitude factor with median 1: `exp(sigma n)`, `n` nearly standard normal but
/// bounded to ±3 (the sum of three uniforms, scaled to unit variance), so no impact startles.
fn lognormal(rng: &mut SeededRng, sigma: f32) -> f32 {
    /// Scale turning the sum of three uniforms (variance 1/4) into unit variance.
    const UNIT_VARIANCE: f32 = 2.0;
    let sum: f32 = (0..3).map(|_| rng.random::<f32>()).sum();
    (sigma * (sum - 1.5) * UNIT_VARIANCE).exp()
}

/// Mean square and mean of a [`lognormal`] factor of spread `sigma`: its exponent is the sum of
/// three uniforms in `-sigma..sigma`, whose moment generating function at `t` is
/// `(sinh(t sigma) / (t sigma))^3`.
fn lognormal_moments(sigma: f32) -> (f32, f32) {
    let mgf = |t: f32| {
        let x = t * sigma;
        if x == 0.0 {
            1.0
        } else {
            (x.sinh() / x).powi(3)
        }
    };
    (mgf(2.0), mgf(1.0))
}

/// Share of white noise power the band-pass [`Biquad::bandpass`] of centre `centre_hz` (Hz) and
/// quality `q` lets through at `sample_rate` (Hz): the sum of its squared impulse response,
/// which for that section is exactly `alpha / (1 + alpha)`, `alpha = sin(w) / (2 q)`.
fn band_fraction(centre_hz: f32, q: f32, sample_rate: f32) -> f32 {
    let alpha = (TAU * centre_hz / sample_rate).sin() / (2.0 * q);
    (alpha / (1.0 + alpha)).clamp(f32::EPSILON, 1.0)
}

/// A stream of small impacts (shot noise): white noise gated by a one-pole envelope that
/// lognormal impulses kick at Poisson times (or when struck), through a band-pass: any number
/// of overlapping impacts for the cost of one.
#[derive(Debug, Clone, Copy, Default)]
struct ImpactStream {
    /// The summed envelope of the impacts still ringing.
    envelope: f32,
    /// Per-sample envelope factor `exp(-1 / (decay fs))`.
    fall: f32,
    /// Scale (samples) of the exponential waits between impacts, whose whole part is the wait:
    /// `1 / ln(1 + rate / fs)`, so that the waits average `fs / rate` samples (a whole part
    /// of waits of mean `fs / rate` would average about half a sample less, and dense streams
    /// would sound up to 2 dB too loud). Infinite: the stream only sounds when struck.
    gap: f32,
    /// Samples until the next impact.
    until: u32,
    /// Median impulse amplitude.
    median: f32,
    /// Level spread of the impulses (see [`lognormal`]).
    sigma: f32,
    /// The band every impact is heard through.
    filter: Biquad,
}

impl ImpactStream {
    /// A stream of `impact`s with level spread `sigma` whose output has RMS `rms` when they fall
    /// at `rate` (1/s) at `sample_rate` (Hz). It times its own impacts when `timed`, else it
    /// sounds only when struck (its wait is then `u32::MAX` samples, 24 h at 48 kHz).
    fn new(impact: Impact, sigma: f32, rate: f32, timed: bool, rms: f32, sample_rate: f32) -> Self {
        let fall = (-1.0 / (impact.decay_s * sample_rate)).exp();
        // Shot noise of `p` impulses per sample: the envelope's mean square is
        // `p E[a^2] / (1 - fall^2) + (p E[a] / (1 - fall))^2`.
        let per_sample = rate / sample_rate;
        let (square, mean) = lognormal_moments(sigma);
        let envelope_power =
            per_sample * square / (1.0 - fall * fall) + (per_sample * mean / (1.0 - fall)).powi(2);
        let band = band_fraction(impact.centre_hz, impact.q, sample_rate);
        let power = envelope_power * WHITE_POWER * band;
        let timed = timed && rate > 0.0;
        Self {
            envelope: 0.0,
            fall,
            gap: if timed {
                1.0 / (rate / sample_rate).ln_1p()
            } else {
                f32::INFINITY
            },
            until: if timed { 0 } else { u32::MAX },
            median: rms / power.max(f32::MIN_POSITIVE).sqrt(),
            sigma,
            filter: Biquad::bandpass(impact.centre_hz, impact.q, sample_rate),
        }
    }

    /// RMS at the onset of a lone impulse of amplitude 1 (white noise through the band).
    fn onset_rms(impact: Impact, sample_rate: f32) -> f32 {
        (WHITE_POWER * band_fraction(impact.centre_hz, impact.q, sample_rate)).sqrt()
    }

    /// Draws the wait until the next impact.
    fn draw_wait(&mut self, rng: &mut SeededRng) {
        self.until = (exponential(rng) * self.gap) as u32;
    }

    /// The impacts due now, and the wait until the next (kept out of the sample loop).
    #[inline(never)]
    fn impacts(&mut self, rng: &mut SeededRng) {
        while self.until == 0 {
            self.strike(1.0, rng);
            self.draw_wait(rng);
        }
    }

    /// One impact of `level` times a random lognormal factor around the stream's median.
    fn strike(&mut self, level: f32, rng: &mut SeededRng) {
        self.envelope += level * self.median * lognormal(rng, self.sigma);
    }

    /// Adds the stream's next `out.len()` samples to `out`, drawing its noise and impacts from
    /// `rng` (the stream's own, so that the result does not depend on how blocks are split).
    /// The state is copied into local variables, and the samples up to each impact run in a
    /// loop free of calls, so that it stays in registers.
    #[inline(always)]
    fn add_run(&mut self, out: &mut [f32], rng: &mut SeededRng) {
        let mut stream = *self;
        let mut noise = rng.clone();
        let mut done = 0;
        while done < out.len() {
            if stream.until == 0 {
                stream.impacts(&mut noise);
            }
            let run = (stream.until as usize).min(out.len() - done);
            let (mut envelope, fall, mut filter) = (stream.envelope, stream.fall, stream.filter);
            for o in &mut out[done..done + run] {
                *o += filter.process(envelope * white(&mut noise));
                envelope = envelope * fall + ANTI_DENORMAL;
            }
            (stream.envelope, stream.filter) = (envelope, filter);
            // `run` is at most `until`, a `u32`.
            stream.until -= run as u32;
            done += run;
        }
        *self = stream;
        *rng = noise;
    }
}

/// The variants, in [`INFO`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One drop over a faint drizzle.
    Droplet,
    /// Grain, heavy drops and a few bubbles.
    Rain,
    /// A noise wash under the grain and sparse heavy drops.
    RainBed,
}

impl Kind {
    /// The variant at `index` in [`INFO`] (the last for out-of-range indices).
    fn from_index(index: usize) -> Self {
        match index {
            0 => Self::Droplet,
            1 => Self::Rain,
            _ => Self::RainBed,
        }
    }
}

/// Number of [`Kind`]s.
const KINDS: usize = 3;
// One kind per variant (a new variant needs its own kind, or this does not compile).
const _: () = assert!(KINDS == INFO.variants.len());

/// The Density control value (0 ..= 1) that gives `per_second` heavy drops per second
/// (1 ..= 400).
pub fn density_control(per_second: f32) -> f32 {
    log_unmap(per_second, DENSITY_PER_S)
}

/// A water sound: a stretch of grain (three impact streams) and wash, heavy drops (a fourth
/// stream) and up to [`bubbles::LANES`] ringing bubbles.
#[derive(Debug, Clone)]
pub struct Water {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// This trigger's random variation.
    rng: SeededRng,
    /// The grain's impact streams, one per [`GRAIN`] class.
    grain: [ImpactStream; GRAIN.len()],
    /// Each grain stream's generator (its noise and impacts).
    grain_rngs: [SeededRng; GRAIN.len()],
    /// The heavy drops' generator (their noise; their impacts are drawn from `rng`).
    drops_rng: SeededRng,
    /// Whether the heavy drops (or a droplet's tick) sound in this chunk.
    drops_sounding: bool,
    /// How many of `grain` sound: all three in rain; one in a droplet, whose drizzle is far
    /// below its drip (and droplets are often many at once, each through its own placer).
    grain_streams: usize,
    /// The heavy drops' impacts (and a droplet's tick).
    drops: ImpactStream,
    /// The ringing bubbles.
    bubbles: Bubbles,
    /// The wash's filters: low-pass (tone) then high-pass.
    wash_filters: [Biquad; 2],
    /// Gain turning white noise into the wash's level (0 = no wash).
    wash_gain: f32,
    /// Mean bubble radius (m).
    radius_m: f32,
    /// Spread of bubble radii (octaves, both ways).
    radius_spread: f32,
    /// Median peak of a rain bubble (a droplet's drips draw their own).
    bubble_level: f32,
    /// Mean heavy drops per sample.
    drops_per_sample: f32,
    /// Samples until the next heavy drop.
    until_drop: usize,
    /// Length of the stretch of grain and wash (samples).
    length: usize,
    /// Length of its fade in (samples, >= 1).
    fade_in: usize,
    /// Length of its fade out, ending at `length` (samples, >= 1).
    fade_out: usize,
    /// Samples rendered since the start.
    elapsed: usize,
    /// Whether its stretches add up with the layer's newer ones into heavier rain (rain; not
    /// a droplet, whose drip is its sound: see [`TriggerSound::stacks`]).
    stacks: bool,
    /// Whether a newer trigger of the layer is still to take the stretch over (a droplet's
    /// drizzle: the wet surroundings are one place, however many drips fall in it).
    hands_over: bool,
    /// A droplet's drizzle power, as a multiple of one droplet's: 1 plus what older droplets
    /// of the layer handed over (more drips a second, wetter surroundings).
    drizzle_power: f32,
    /// Droplets of the layer started since this one.
    newer: usize,
    /// A droplet's tick onset RMS per unit of its drip's level.
    tick_gain: f32,
    /// Drips struck again on this droplet's water (see [`TriggerSound::strike_again`]) that
    /// are still to fall: when (samples since the start) and at what intensity, earliest first.
    drips: [(usize, f32); DRIPS_DUE],
    /// How many of `drips` are due.
    drips_due: usize,
    /// A lone droplet's drizzle: impacts per second and RMS.
    drizzle_rate: f32,
    drizzle_rms: f32,
    /// Whether the sound has died away (checked on the [`MIX_CHUNK`] grid).
    finished: bool,
}

impl Water {
    /// Gain of the stretch's fades at sample `n` from its start.
    fn fade_gain(&self, n: usize) -> f32 {
        let ramp = |edge: usize, len: usize| {
            if edge >= len {
                1.0
            } else {
                smoothstep(edge as f32 / len as f32)
            }
        };
        ramp(n, self.fade_in) * ramp(self.length.saturating_sub(n), self.fade_out)
    }

    /// Length of a drizzle's hand-over crossfade (samples, >= 1).
    fn handover_len(&self) -> usize {
        ((DRIZZLE_HANDOVER_S * self.sample_rate) as usize).max(1)
    }

    /// One drip of a droplet now at `intensity` (0 ..= 1): its tick, usually its bubble a
    /// moment later, and its splash's tiny bubbles.
    fn drip(&mut self, intensity: f32) {
        let fs = self.sample_rate;
        let level =
            DROP_LEVEL * intensity * level_variation(&mut self.rng, DROPLET_LEVEL_SPREAD_DB);
        self.drops.envelope += level * self.tick_gain;
        self.drops_sounding = true;
        if self.rng.random::<f32>() < DROPLET_BUBBLE_CHANCE {
            let radius = self.radius_m * spread(&mut self.rng, self.radius_spread);
            let wait = (BUBBLE_DELAY_S * fs) as usize;
            self.bubbles.add(Bubble::new(radius, level, wait, fs));
        }
        for _ in 0..SPLASH_DROPS {
            let rng = &mut self.rng;
            let radius = self.radius_m * rng.random_range(SPLASH_RADIUS.0..SPLASH_RADIUS.1);
            let peak = level * rng.random_range(SPLASH_LEVEL.0..SPLASH_LEVEL.1);
            let wait = (rng.random_range(SPLASH_WAIT_S.0..SPLASH_WAIT_S.1) * fs) as usize;
            self.bubbles.add(Bubble::new(radius, peak, wait, fs));
        }
    }

    /// One heavy rain drop now: its impact, and sometimes a bubble, both faded with the stretch.
    fn heavy_drop(&mut self) {
        let gain = self.fade_gain(self.elapsed);
        self.drops.strike(gain, &mut self.rng);
        if self.rng.random::<f32>() < RAIN_BUBBLE_CHANCE {
            let radius = self.radius_m * spread(&mut self.rng, self.radius_spread);
            let level = gain * self.bubble_level * lognormal(&mut self.rng, BUBBLE_LEVEL_SIGMA);
            let wait = (BUBBLE_DELAY_S * self.sample_rate) as usize;
            self.bubbles
                .add(Bubble::new(radius, level, wait, self.sample_rate));
        }
    }

    /// Samples until the next heavy drop (Poisson: exponential gaps).
    fn next_interval(&mut self) -> usize {
        if self.drops_per_sample <= 0.0 {
            return usize::MAX;
        }
        ((exponential(&mut self.rng) / self.drops_per_sample) as usize).max(1)
    }

    /// Adds the impacts to `out` (at most [`MIX_CHUNK`] samples, starting `self.elapsed`
    /// samples into the sound): the stretch of grain and wash, faded in and out, and the heavy
    /// drops. Each stream draws from its own generator and the wash from the sound's (whose
    /// other draws fall between chunks), so the result does not depend on how the host splits
    /// blocks.
    fn add_impacts(&mut self, out: &mut [f32]) {
        let start = self.elapsed;
        // Grain and wash only sound (and count down) within the stretch.
        let stretch = self.length.saturating_sub(start).min(out.len());
        if stretch > 0 {
            let mut mix = [0.0f32; MIX_CHUNK];
            let grain = &mut mix[..stretch];
            let streams = self.grain[..self.grain_streams].iter_mut();
            for (stream, rng) in streams.zip(&mut self.grain_rngs) {
                stream.add_run(grain, rng);
            }
            if self.wash_gain > 0.0 {
                let [tone, highpass] = &mut self.wash_filters;
                for g in grain.iter_mut() {
                    *g += highpass.process(tone.process(self.wash_gain * white(&mut self.rng)));
                }
            }
            let fading = start < self.fade_in || start + stretch + self.fade_out > self.length;
            for (i, (o, g)) in out.iter_mut().zip(grain.iter()).enumerate() {
                *o += if fading {
                    g * self.fade_gain(start + i)
                } else {
                    *g
                };
            }
        }
        // Whether the drops still sound is decided on the chunk grid only, so a droplet's tick
        // ends on the same sample however the host splits blocks.
        if self.elapsed.is_multiple_of(MIX_CHUNK) {
            self.drops_sounding = self.drops_per_sample > 0.0 || self.drops.envelope > SILENCE;
        }
        if self.drops_sounding {
            self.drops.add_run(out, &mut self.drops_rng);
        }
    }

    /// Whether anything still sounds or is still to come.
    fn is_active(&self) -> bool {
        self.elapsed < self.length
            || self.drips_due > 0
            || self.drops.envelope > SILENCE
            || self.bubbles.is_active()
    }
}

impl TriggerSound for Water {
    fn stacks(&self) -> bool {
        self.stacks
    }

    fn samples_left(&self) -> usize {
        self.length.saturating_sub(self.elapsed)
    }

    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            rng: seeded(0),
            grain: [ImpactStream::default(); GRAIN.len()],
            grain_rngs: std::array::from_fn(|_| seeded(0)),
            drops_rng: seeded(0),
            drops_sounding: false,
            grain_streams: 0,
            drops: ImpactStream::default(),
            bubbles: Bubbles::default(),
            wash_filters: [Biquad::default(); 2],
            wash_gain: 0.0,
            radius_m: RADIUS_M.0,
            radius_spread: 0.0,
            bubble_level: 0.0,
            drops_per_sample: 0.0,
            until_drop: usize::MAX,
            length: 0,
            fade_in: 1,
            fade_out: 1,
            elapsed: 0,
            hands_over: false,
            drizzle_power: 1.0,
            newer: 0,
            drizzle_rate: 0.0,
            drizzle_rms: 0.0,
            tick_gain: 0.0,
            drips: [(0, 0.0); DRIPS_DUE],
            drips_due: 0,
            finished: true,
            stacks: false,
        }
    }

    fn start(&mut self, e: &Excitation) {
        let kind = Kind::from_index(e.variant);
        let [size, density, length, brightness] = e.character.map(|c| c.clamp(0.0, 1.0));
        let intensity = e.intensity.clamp(0.0, 1.0);
        let fs = self.sample_rate;
        self.rng = seeded(e.seed);
        // The streams' generators are seeded apart from the sound's, whose draws stay as they
        // were (a seed keeps its drop sizes and bubbles).
        for (k, rng) in self
            .grain_rngs
            .iter_mut()
            .chain([&mut self.drops_rng])
            .enumerate()
        {
            *rng = seeded(e.seed ^ STREAM_SEEDS[k]);
        }
        self.bubbles = Bubbles::default();
        self.elapsed = 0;
        self.hands_over = kind == Kind::Droplet;
        self.stacks = kind != Kind::Droplet;
        self.drizzle_power = 1.0;
        self.newer = 0;
        self.finished = false;
        self.radius_m = log_map(
            size,
            if kind == Kind::Droplet {
                DROPLET_RADIUS_M
            } else {
                RADIUS_M
            },
        );
        let lengths = if kind == Kind::Droplet {
            DROPLET_LENGTH_S
        } else {
            LENGTH_S
        };
        let mut length_s = log_map(length, lengths);
        if kind == Kind::Droplet {
            // The wet surroundings do not come and go with each drip: the drizzle lasts until
            // the next droplet's has faded in.
            length_s = length_s.max((e.interval_s + FADE_S).min(LENGTH_S.1));
        }
        self.length = (length_s * fs) as usize;
        self.fade_in = ((FADE_S * fs) as usize).min(self.length / 2).max(1);
        self.fade_out = self.fade_in;
        let drop = Impact {
            decay_s: log_map(size, DROP_DECAY_S),
            centre_hz: log_map(size, DROP_CENTRE_HZ),
            q: DROP_Q,
        };
        let drop_rate = log_map(density, DENSITY_PER_S)
            * match kind {
                Kind::Droplet => 0.0,
                Kind::Rain => 1.0,
                Kind::RainBed => BED_DROP_SHARE,
            };
        let grain_rate = DRIZZLE_BASE_PER_S + DRIZZLE_PER_DROP * log_map(density, DENSITY_PER_S);

        // Levels in units of the grain's RMS, then scaled to the variant's loudness.
        let drop_units = DROP_SHARE * (drop_rate / DROP_REFERENCE_PER_S).sqrt();
        let bubble_units = BUBBLE_SHARE * drop_units;
        let wash_units = if kind == Kind::RainBed {
            WASH_SHARE
        } else {
            0.0
        };
        let grain_rms = if kind == Kind::Droplet {
            // The drip's bubble, spread over a second, sets the drizzle's level.
            let drip_rms = DROP_LEVEL / (4.0 * damping(self.radius_m)).sqrt();
            DRIZZLE_UNDER_DRIP * drip_rms * intensity
        } else {
            let total =
                (1.0 + drop_units.powi(2) + bubble_units.powi(2) + wash_units.powi(2)).sqrt();
            RAIN_RMS * intensity * db_to_gain(DENSITY_LOUDNESS_DB * (density - 0.5)) / total
        };

        let tilt_db = BRIGHTNESS_TILT_DB * (brightness - 0.5) - SIZE_TILT_DB * (size - 0.5);
        let weights = GRAIN.map(|c| c.weight * db_to_gain(c.tilt * tilt_db));
        let norm = weights.iter().map(|w| w * w).sum::<f32>().sqrt();
        self.grain = std::array::from_fn(|k| {
            let c = GRAIN[k];
            let rms = grain_rms * weights[k] / norm;
            ImpactStream::new(
                c.impact,
                GRAIN_LEVEL_SIGMA,
                grain_rate * c.share,
                true,
                rms,
                fs,
            )
        });
        self.grain_streams = GRAIN.len();
        if kind == Kind::Droplet {
            // The drizzle, all of its impacts in the middle class.
            let c = GRAIN[DRIZZLE_CLASS];
            self.grain[0] =
                ImpactStream::new(c.impact, GRAIN_LEVEL_SIGMA, grain_rate, true, grain_rms, fs);
            self.grain_streams = 1;
            (self.drizzle_rate, self.drizzle_rms) = (grain_rate, grain_rms);
        }

        let cutoff = log_map(brightness, BED_CUTOFF_HZ);
        self.wash_filters = [
            Biquad::lowpass(cutoff, FRAC_1_SQRT_2, fs),
            Biquad::highpass(BED_HIGHPASS_HZ, FRAC_1_SQRT_2, fs),
        ];
        // White noise keeps (cutoff - high-pass) / Nyquist of its power through the band.
        let band = ((cutoff - BED_HIGHPASS_HZ) / (0.5 * fs)).clamp(f32::EPSILON, 1.0);
        self.wash_gain = wash_units * grain_rms / (WHITE_POWER * band).sqrt();

        self.drips_due = 0;
        if kind == Kind::Droplet {
            let tick = Impact {
                decay_s: TICK_DECAY_S,
                ..drop
            };
            self.drops = ImpactStream::new(tick, 0.0, 0.0, false, 0.0, fs);
            self.tick_gain = log_map(brightness, TICK_LEVEL) / ImpactStream::onset_rms(tick, fs);
            self.radius_spread = DROPLET_RADIUS_SPREAD;
            self.drops_per_sample = 0.0;
            self.drip(intensity);
        } else {
            let rms = drop_units * grain_rms;
            self.drops = ImpactStream::new(drop, DROP_LEVEL_SIGMA, drop_rate, false, rms, fs);
            // Bubbles of median peak `m` at `n` per second have mean square `n E[a^2] / (4 d)`.
            let bubble_rate = drop_rate * RAIN_BUBBLE_CHANCE;
            let (square, _) = lognormal_moments(BUBBLE_LEVEL_SIGMA);
            let bubble_power = bubble_rate * square / (4.0 * damping(self.radius_m));
            self.radius_spread = RAIN_RADIUS_SPREAD;
            self.bubble_level =
                bubble_units * grain_rms / bubble_power.max(f32::MIN_POSITIVE).sqrt();
            self.drops_per_sample = drop_rate / fs;
        }
        self.until_drop = self.next_interval();
    }

    /// A droplet's drizzle plays on beside the next droplets of the layer, up to
    /// [`DRIZZLES_AT_ONCE`] drizzles from as many places. When one more starts, `after` samples
    /// on, the drizzle fades out over [`DRIZZLE_HANDOVER_S`] while the newcomer's fades in
    /// (unless it is already fading out); its drip rings on. It hands over the drizzle power it
    /// had yet to play: its power times the share of its length still ahead. At `r` drips a
    /// second of drizzles `L` s long, the drizzles at once so sum to the power `r L`, as loud
    /// as the `r L` lone drizzles that would otherwise overlap, at the cost of a few voices.
    /// Rain keeps playing and hands over nothing: overlapping stretches are heavier rain.
    fn make_way(&mut self, after: usize) -> f32 {
        if !self.hands_over {
            return 0.0;
        }
        self.newer += 1;
        if self.newer < DRIZZLES_AT_ONCE {
            return 0.0;
        }
        self.hands_over = false;
        let from = self.elapsed + after;
        let ahead = self.length.saturating_sub(from) as f32 / self.length.max(1) as f32;
        if self.length.saturating_sub(from) >= self.fade_out {
            // Not fading out yet: the new fade out starts at gain 1, so without a step.
            self.fade_out = self.handover_len();
            self.length = from + self.fade_out;
        }
        self.drizzle_power * ahead
    }

    /// A droplet's drizzle grows by the power `handed_over` by the layer's older droplets: its
    /// impacts come as many times more often (a denser drizzle, not louder drops), and it fades
    /// in over the hand-over's crossfade.
    fn carry_on(&mut self, handed_over: f32) {
        if self.hands_over && handed_over > 0.0 {
            // It takes over a drizzle already sounding: a crossfade with the one fading out.
            self.fade_in = self.fade_in.min(self.handover_len());
            self.drizzle_power += handed_over;
            let power = self.drizzle_power;
            self.grain[0] = ImpactStream::new(
                GRAIN[DRIZZLE_CLASS].impact,
                GRAIN_LEVEL_SIGMA,
                self.drizzle_rate * power,
                true,
                self.drizzle_rms * power.sqrt(),
                self.sample_rate,
            );
        }
    }

    /// A droplet whose drizzle still falls takes a newer drip of its layer onto its own
    /// water, `after` samples into the next block: the drip ticks, rings its bubble and
    /// splashes there, as a drip of its own would (its drizzle is already falling). At most
    /// [`DRIPS_DUE`] drips wait at once; rain takes none (a newer stretch is heavier rain).
    fn strike_again(&mut self, after: usize, intensity: f32) -> bool {
        let due = self.elapsed + after;
        let can = !self.stacks && !self.finished && due < self.length;
        if !can || self.drips_due == DRIPS_DUE {
            return false;
        }
        self.drips[self.drips_due] = (due, intensity.clamp(0.0, 1.0));
        self.drips_due += 1;
        true
    }

    fn add_to(&mut self, out: &mut [f32]) -> bool {
        let mut done = 0;
        while done < out.len() && !self.finished {
            // The sound may only end on the chunk grid, so its last sample does not depend on
            // the host's block size.
            if self.elapsed.is_multiple_of(MIX_CHUNK) && !self.is_active() {
                self.finished = true;
                break;
            }
            let raining = self.length.saturating_sub(self.elapsed);
            while raining > 0 && self.until_drop == 0 {
                self.heavy_drop();
                self.until_drop = self.next_interval();
            }
            while self.drips_due > 0 && self.drips[0].0 <= self.elapsed {
                self.drip(self.drips[0].1);
                self.drips.copy_within(1..self.drips_due, 0);
                self.drips_due -= 1;
            }
            let mut len = (out.len() - done).min(MIX_CHUNK - self.elapsed % MIX_CHUNK);
            if self.drips_due > 0 {
                len = len.min(self.drips[0].0 - self.elapsed);
            }
            if raining > 0 {
                len = len.min(self.until_drop).min(raining);
                self.until_drop -= len;
            }
            let mut mix = [0.0f32; MIX_CHUNK];
            let part = &mut mix[..len];
            self.add_impacts(part);
            self.bubbles.add_to(part);
            for (o, m) in out[done..done + len].iter_mut().zip(part.iter()) {
                *o += soft_clip(*m);
            }
            self.elapsed += len;
            done += len;
        }
        !self.finished
    }
}
#[cfg(test)]
mod tests {
    use super::super::testkit::{self, FS, excitation as water, peak, rms};
    use super::bubbles::{PITCH_CONSTANT, PITCH_RISE};
    use super::*;

    // Index of each variant in `INFO`.
    const DROPLET: usize = 0;
    const RAIN: usize = 1;
    const RAIN_BED: usize = 2;

    /// Instantaneous frequency (time s, frequency Hz) from successive upward zero crossings
    /// (linearly interpolated).
    fn pitch_track(x: &[f32]) -> Vec<(f32, f32)> {
        let crossings: Vec<f32> = (1..x.len())
            .filter(|&n| x[n - 1] < 0.0 && x[n] >= 0.0)
            .map(|n| (n - 1) as f32 + x[n - 1] / (x[n - 1] - x[n]))
            .collect();
        crossings
            .windows(2)
            .map(|w| (0.5 * (w[0] + w[1]) / FS, FS / (w[1] - w[0])))
            .collect()
    }

    /// Least-squares line through `points`: (intercept, slope).
    fn fit_line(points: &[(f32, f32)]) -> (f32, f32) {
        let n = points.len() as f32;
        let (mx, my) = points
            .iter()
            .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / n, b + y / n));
        let sxy: f32 = points.iter().map(|&(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f32 = points.iter().map(|&(x, _)| (x - mx) * (x - mx)).sum();
        let slope = sxy / sxx;
        (my - slope * mx, slope)
    }

    /// Kept from the bubble model: a bubble's zero-crossing pitch starts at `3 / r` (line fit
    /// over the first time constant) and rises as modelled, `f0 (1 + sigma d t)`, between early
    /// and late windows; it waits its delay first.
    #[test]
    fn bubble_rings_at_its_radius_and_rises() {
        for radius in [RADIUS_M.0, 0.002, RADIUS_M.1] {
            let f0 = PITCH_CONSTANT / radius;
            let d = damping(radius);
            let wait = 100;
            let mut bubble = Bubbles::default();
            bubble.add(Bubble::new(radius, 0.5, wait, FS));
            let mut x = vec![0.0f32; (0.5 * FS) as usize];
            for block in x.chunks_mut(37) {
                bubble.add_to(block);
            }
            assert!(x[..wait].iter().all(|&v| v == 0.0), "waits");
            let track = pitch_track(&x[wait..]);
            let early: Vec<_> = track
                .iter()
                .copied()
                .filter(|&(t, _)| t < 1.0 / d)
                .collect();
            let (start_hz, _) = fit_line(&early);
            let mean = |from: f32, to: f32| {
                let w: Vec<f32> = track
                    .iter()
                    .filter(|&&(t, _)| t >= from / d && t < to / d)
                    .map(|&(_, f)| f)
                    .collect();
                w.iter().sum::<f32>() / w.len() as f32
            };
            let (first, later) = (mean(0.0, 0.5), mean(2.0, 3.0));
            let expected = (1.0 + PITCH_RISE * 2.5) / (1.0 + PITCH_RISE * 0.25);
            println!(
                "r {:.1} mm: f0 {f0:.0} Hz, measured {start_hz:.0} Hz, rise {:.3} (model {expected:.3})",
                radius * 1e3,
                later / first
            );
            assert!((start_hz / f0 - 1.0).abs() < 0.1, "pitch follows 3 / r");
            assert!(
                (later / first / expected - 1.0).abs() < 0.05,
                "rise as modelled"
            );
        }
    }

    /// Dense streams keep the level they are asked for: from the drizzle's 2500 impacts a
    /// second to 20000 (a drizzle carried on by several droplets), within 0.3 dB over 30 s.
    #[test]
    fn dense_impact_streams_keep_their_level() {
        for rate in [2500.0, 5000.0, 10_000.0, 20_000.0] {
            let impact = GRAIN[DRIZZLE_CLASS].impact;
            let mut stream = ImpactStream::new(impact, GRAIN_LEVEL_SIGMA, rate, true, 0.1, FS);
            let mut rng = seeded(1);
            let mut x = vec![0.0f32; (30.0 * FS) as usize];
            for run in x.chunks_mut(MIX_CHUNK) {
                stream.add_run(run, &mut rng);
            }
            let db = 20.0 * (rms(&x) / 0.1).log10();
            println!("{rate}/s: RMS {db:+.2} dB from the asked level");
            assert!(db.abs() < 0.3);
        }
    }

    /// An impact stream's RMS is the one asked for (the shot-noise power formula holds within
    /// 0.5 dB, sparse or dense), and at a sparse rate its impacts are a Poisson stream:
    /// detected onsets at the rate asked, intervals with a coefficient of variation near 1.
    #[test]
    fn impact_stream_level_and_rate() {
        for (rate, sigma) in [(20.0, DROP_LEVEL_SIGMA), (3000.0, GRAIN_LEVEL_SIGMA)] {
            let impact = GRAIN[1].impact;
            let mut stream = ImpactStream::new(impact, sigma, rate, true, 0.1, FS);
            let mut rng = seeded(5);
            let mut x = vec![0.0f32; (20.0 * FS) as usize];
            // In odd-sized runs, as the sound's chunks split them.
            for run in x.chunks_mut(37) {
                stream.add_run(run, &mut rng);
            }
            let db = 20.0 * (rms(&x) / 0.1).log10();
            println!("{rate}/s: RMS {db:+.2} dB from the asked level");
            assert!(db.abs() < 0.5);
            if rate < 100.0 {
                let found = testkit::onsets(&x, FS, 10.0, 3.0, 5.0);
                let gaps: Vec<f32> = found
                    .windows(2)
                    .map(|w| (w[1] - w[0]) as f32 / FS)
                    .collect();
                let n = gaps.len() as f32;
                let mean = gaps.iter().sum::<f32>() / n;
                let sd = (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f32>() / n).sqrt();
                let detected = found.len() as f32 / 20.0;
                println!("detected {detected:.1}/s, CV {:.2}", sd / mean);
                assert!((detected / rate - 1.0).abs() < 0.2, "rate as asked");
                assert!((0.7..=1.3).contains(&(sd / mean)), "exponential intervals");
            }
        }
    }

    /// Level (dB) of the loudest 1 % of 1 ms windows over their median: how far impacts stand
    /// out of the texture; and the median 1 ms level.
    fn impact_contrast(x: &[f32]) -> (f32, f32) {
        let mut env = testkit::envelope(x, (0.001 * FS) as usize);
        env.sort_by(f32::total_cmp);
        let median = env[env.len() / 2];
        (20.0 * (env[env.len() * 99 / 100] / median).log10(), median)
    }

    /// Rain is a dense broadband grain of impacts, not tones: nearly all its energy lies in
    /// 0.3-12 kHz, no 1/3-octave band holds more than a third of it, and no 5 ms window falls
    /// into a gap. Its 1 ms levels are heavy tailed: the loudest 1 % lie over 6 dB above the
    /// median in rain (steady noise of 0.3-12 kHz: 2.5 dB), and the rain bed's stand out at
    /// least 1.5 dB further than its wash alone (the same sound with its impacts silenced).
    #[test]
    fn rain_is_a_dense_broadband_grain() {
        for variant in [RAIN, RAIN_BED] {
            for density in [0.0, 0.5, 1.0] {
                let mut sound = Water::new(FS);
                sound.start(&water(variant, [0.5, density, 0.5, 0.5], 2));
                let mut wash = sound.clone();
                for stream in wash.grain.iter_mut().chain([&mut wash.drops]) {
                    stream.median = 0.0;
                }
                wash.bubble_level = 0.0;
                let mut x = vec![0.0f32; (2.5 * FS) as usize];
                let mut y = x.clone();
                sound.add_to(&mut x);
                wash.add_to(&mut y);
                let from = (0.3 * FS) as usize;
                let (steady, wash_only) = (&x[from..], &y[from..]);
                let share = testkit::band_share(steady, FS, 300.0, 12_000.0);
                let largest_third = (0..18)
                    .map(|k| {
                        let low = 250.0 * 2f32.powf(k as f32 / 3.0);
                        testkit::band_share(steady, FS, low, low * 2f32.powf(1.0 / 3.0))
                    })
                    .fold(0.0, f64::max);
                let (contrast, median) = impact_contrast(steady);
                let env5 = testkit::envelope(steady, (0.005 * FS) as usize);
                let gaps = env5.iter().filter(|&&v| v < 0.1 * median).count();
                println!(
                    "variant {variant}, density {density}: {:.0} % in 0.3-12 kHz, largest third-octave {:.0} %, loudest 1 ms levels {contrast:.1} dB over the median, {gaps} gaps",
                    share * 100.0,
                    largest_third * 100.0,
                );
                assert!(share > 0.85, "broadband in the rain band");
                assert!(largest_third < 0.34, "no dominant tone or band");
                assert_eq!(gaps, 0, "dense, no gaps");
                if variant == RAIN {
                    assert!(contrast > 6.0, "heavy-tailed impact levels");
                } else {
                    let (wash_contrast, _) = impact_contrast(wash_only);
                    println!("  the wash alone: {wash_contrast:.1} dB");
                    assert!(
                        contrast > wash_contrast + 1.5,
                        "impacts stand out of the wash"
                    );
                }
            }
        }
    }

    /// Density makes rain heavier: louder by about [`DENSITY_LOUDNESS_DB`] across the range,
    /// with more of its energy in the heavy drops' band (1-4 kHz at middle Drop size) over the
    /// bright grain.
    #[test]
    fn density_makes_rain_heavier() {
        let measure = |density: f32| {
            let x = testkit::render::<Water>(FS, &water(RAIN, [0.5, density, 1.0, 0.5], 3), 6.0);
            let steady = &x[(0.5 * FS) as usize..(5.5 * FS) as usize];
            (rms(steady), testkit::band_share(steady, FS, 1000.0, 4000.0))
        };
        let (quiet, light) = measure(0.0);
        let (mid, some) = measure(0.5);
        let (heavy, most) = measure(1.0);
        let span = 20.0 * (heavy / quiet).log10();
        println!(
            "RMS {quiet:.4} / {mid:.4} / {heavy:.4} ({span:.1} dB); share in 1-4 kHz {:.0} / {:.0} / {:.0} %",
            light * 100.0,
            some * 100.0,
            most * 100.0
        );
        assert!((span - DENSITY_LOUDNESS_DB).abs() < 3.0);
        assert!(quiet < mid && mid < heavy);
        assert!(
            light < some && some + 0.05 < most,
            "heavy drops come forward"
        );
    }

    /// Bubbles are a minor part of rain: rendered again without them (same seed), the rain
    /// loses between 1 % and 35 % of its energy.
    #[test]
    fn bubbles_are_a_minor_part_of_rain() {
        for size in [0.0, 0.5, 1.0] {
            let e = water(RAIN, [size, 0.7, 0.3, 0.5], 4);
            let mut with = Water::new(FS);
            with.start(&e);
            let mut without = with.clone();
            without.bubble_level = 0.0;
            let mut a = vec![0.0f32; (3.0 * FS) as usize];
            let mut b = a.clone();
            with.add_to(&mut a);
            without.add_to(&mut b);
            let bubbles: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
            let share = (rms(&bubbles) / rms(&a)).powi(2);
            println!(
                "drop size {size}: bubbles carry {:.1} % of the energy",
                share * 100.0
            );
            assert!((0.01..0.35).contains(&share));
        }
    }

    /// A droplet is an impact, then a bubble: its first millisecond is a broadband tick (most of
    /// its energy above 1 kHz, spread over octaves), and from 5 to 30 ms the spectrum peaks near
    /// the bubble's `3 / r`; under it a faint drizzle keeps on, at least 25 dB below the drip.
    #[test]
    fn droplet_ticks_then_plinks_over_a_faint_drizzle() {
        for size in [0.25, 0.5, 0.75] {
            // Seed 3 rings a bubble at every size.
            let x = testkit::render::<Water>(FS, &water(DROPLET, [size, 0.5, 0.5, 0.5], 3), 1.5);
            let ms = (0.001 * FS) as usize;
            let tick = &x[..ms];
            let high = testkit::band_share(tick, FS, 1000.0, 20_000.0);
            let f0 = PITCH_CONSTANT / log_map(size, DROPLET_RADIUS_M);
            let ring = &x[5 * ms..30 * ms];
            let near = testkit::band_share(ring, FS, 0.8 * f0, 1.3 * f0);
            let drip = peak(&x[..30 * ms]);
            let drizzle = rms(&x[(0.3 * FS) as usize..(0.7 * FS) as usize]);
            println!(
                "size {size}: tick {:.0} % above 1 kHz, ring {:.0} % near {f0:.0} Hz, drizzle {:.1} dB below the drip peak",
                high * 100.0,
                near * 100.0,
                20.0 * (drip / drizzle).log10()
            );
            assert!(high > 0.7, "broadband tick");
            assert!(near > 0.5, "the bubble rings at 3 / r");
            assert!(20.0 * (drip / drizzle).log10() > 25.0, "faint drizzle");
            assert!(drizzle > 0.0, "the drizzle sounds");
        }
    }

    /// A drip's splash falls back after it: its small drops' tiny bubbles ring 15-150 ms on,
    /// above the drizzle (the loudest 2 ms of the 40-160 ms after the drip, where the
    /// smallest drip's own bubble has died away by over 50 dB, against the loudest 2 ms of the
    /// drizzle alone; without the splash it is 5 dB under) and well below the drip, and higher
    /// than the drip's own bubble.
    #[test]
    fn a_drip_splashes_tiny_bubbles_after_it() {
        let ms = (0.001 * FS) as usize;
        for seed in 1..=8 {
            let x = testkit::render::<Water>(FS, &water(DROPLET, [0.0, 0.5, 0.5, 0.5], seed), 1.0);
            let drip = peak(&x[..10 * ms]);
            let splash = &x[40 * ms..160 * ms];
            let loudest = |x: &[f32]| peak(&testkit::envelope(x, 2 * ms));
            let drizzle = loudest(&x[300 * ms..420 * ms]);
            let over_drizzle = 20.0 * (loudest(splash) / drizzle).log10();
            let under_drip = 20.0 * (drip / peak(splash)).log10();
            let f0 = PITCH_CONSTANT / DROPLET_RADIUS_M.0;
            let above = testkit::band_share(splash, FS, 1.5 * f0, 20_000.0);
            println!(
                "seed {seed}: splash {over_drizzle:.1} dB over the drizzle, {under_drip:.1} dB \
                 under the drip, {:.0} % above 1.5 f0",
                above * 100.0
            );
            assert!(over_drizzle > 2.0, "seed {seed}: the splash is heard");
            assert!(
                under_drip > 8.0,
                "seed {seed}: the splash stays under the drip"
            );
            assert!(
                above > 0.5,
                "seed {seed}: the splash rings higher than the drip"
            );
        }
    }

    /// Sparse drips sit in wet surroundings that stay: a droplet of a layer dripping every 4 s
    /// keeps its drizzle until the next one's has faded in (still sounding 3.9 s on, no more
    /// than 3 dB under its level a second in), where a lone droplet's has ended by 2 s; at the
    /// default rate of one a second the drizzle keeps its own length.
    #[test]
    fn sparse_drips_keep_their_surroundings_wet() {
        let drizzle = |interval_s: f32| {
            let e = Excitation {
                interval_s,
                ..water(DROPLET, [0.5, 0.5, 0.5, 0.5], 5)
            };
            let mut sound = Water::new(FS);
            sound.start(&e);
            let length = sound.length;
            let x = testkit::render::<Water>(FS, &e, 5.0);
            let window = |from_s: f32| {
                let at = (from_s * FS) as usize;
                rms(&x[at..at + (0.2 * FS) as usize])
            };
            (length as f32 / FS, window(1.0), window(3.7))
        };
        let (sparse, early, late) = drizzle(4.0);
        let (lone, ..) = drizzle(0.0);
        let (default, ..) = drizzle(1.0);
        println!(
            "drizzle {sparse:.2} s every 4 s ({:.1} dB at 3.7 s against 1 s), lone {lone:.2} s, at 1/s {default:.2} s",
            20.0 * (late / early).log10()
        );
        assert!(sparse >= 4.0 + FADE_S - 1e-3 && lone < 2.0);
        assert!(
            20.0 * (late / early).log10() > -3.0,
            "the drizzle keeps its level"
        );
        assert_eq!(
            default, lone,
            "the default rate keeps the drizzle's own length"
        );
    }

    /// A droplet struck again (as the voice budget does at high rates) drips again on its
    /// water at the sample asked: the render is unchanged before it, the new drip's onset
    /// follows within a few milliseconds at a drip's level, and it falls on the same sample
    /// whatever the blocks. Rain, a droplet whose drizzle has ended and a full queue refuse.
    #[test]
    fn a_droplet_struck_again_drips_again() {
        const BLOCK: usize = 64;
        const AFTER: usize = 100;
        let told = (0.3 * FS) as usize / BLOCK * BLOCK;
        let ms = (0.001 * FS) as usize;
        let render = |seed, strike: bool, block: usize| {
            let mut sound = Water::new(FS);
            sound.start(&water(DROPLET, [0.5, 0.5, 0.5, 0.5], seed));
            let mut x = vec![0.0f32; (0.8 * FS) as usize];
            let (before, after) = x.split_at_mut(told);
            for chunk in before.chunks_mut(block) {
                sound.add_to(chunk);
            }
            if strike {
                assert!(
                    sound.strike_again(AFTER, 1.0),
                    "a falling drizzle takes a drip"
                );
            }
            for chunk in after.chunks_mut(block) {
                sound.add_to(chunk);
            }
            x
        };
        for seed in 1..=6 {
            let alone = render(seed, false, BLOCK);
            let struck = render(seed, true, BLOCK);
            let at = told + AFTER;
            assert_eq!(
                alone[..at],
                struck[..at],
                "seed {seed}: nothing before the drip"
            );
            let drip: Vec<f32> = struck.iter().zip(&alone).map(|(s, a)| s - a).collect();
            let first = peak(&alone[..10 * ms]);
            let second = peak(&drip[at..at + 10 * ms]);
            let onset = drip[at..].iter().position(|v| v.abs() > 0.1 * second);
            let level_db = 20.0 * (second / first).log10();
            println!("seed {seed}: second drip {level_db:+.1} dB from the first, onset {onset:?}");
            assert!(
                onset.is_some_and(|n| n < 2 * ms),
                "seed {seed}: it ticks at once"
            );
            assert!(
                (-10.0..6.0).contains(&level_db),
                "seed {seed}: a drip's level"
            );
            assert_eq!(render(seed, true, 37), struck, "seed {seed}: any blocks");
        }
        let mut rain = Water::new(FS);
        rain.start(&water(RAIN, [0.5; 4], 1));
        assert!(!rain.strike_again(0, 1.0), "rain takes no drip");
        let mut droplet = Water::new(FS);
        droplet.start(&water(DROPLET, [0.5; 4], 1));
        let taken = (0..2 * DRIPS_DUE)
            .filter(|&k| droplet.strike_again(k, 1.0))
            .count();
        assert_eq!(taken, DRIPS_DUE, "at most DRIPS_DUE wait");
        droplet.add_to(&mut vec![0.0; droplet.length + BLOCK]);
        assert!(
            !droplet.strike_again(0, 1.0),
            "none once its drizzle has ended"
        );
    }

    /// A droplet plays on beside newer droplets until the [`DRIZZLES_AT_ONCE`]-th starts; then
    /// it hands its drizzle over: the render is the same until then, then the drizzle fades out
    /// over [`DRIZZLE_HANDOVER_S`] (half way -6 dB) and the sound
    /// ends within 30 ms of the fade's end, also when told while the drizzle still fades in. It
    /// hands over its drizzle power times the share of its length ahead, and a droplet carrying
    /// that on has a drizzle as much louder. Rain plays on unchanged.
    #[test]
    fn a_droplet_hands_its_drizzle_over_to_the_next() {
        // The drizzle alone (no tick, no bubble), to compare it sample by sample.
        let drizzle_only = |seed| {
            let mut sound = Water::new(FS);
            sound.start(&water(DROPLET, [0.5, 0.5, 0.5, 0.5], seed));
            sound.bubbles = Bubbles::default();
            sound.drops.envelope = 0.0;
            sound
        };
        let mut whole = vec![0.0f32; (1.5 * FS) as usize];
        drizzle_only(3).add_to(&mut whole);
        let length = drizzle_only(3).length as f32;
        for told_s in [0.03, 0.4] {
            let told = (told_s * FS) as usize;
            let mut sound = drizzle_only(3);
            let mut x = vec![0.0f32; whole.len()];
            // Told 5 samples into a block, as a trigger lands anywhere in a block.
            let (before, after) = x.split_at_mut(told - 5);
            for block in before.chunks_mut(64) {
                sound.add_to(block);
            }
            // The third newer droplet takes it over.
            for _ in 1..DRIZZLES_AT_ONCE {
                assert_eq!(sound.make_way(5), 0.0, "plays on beside the newer ones");
            }
            let handed = sound.make_way(5);
            assert_eq!(sound.make_way(0), 0.0, "hands over once");
            let mut end = told - 5;
            for block in after.chunks_mut(64) {
                if !sound.add_to(block) {
                    break;
                }
                end += block.len();
            }
            assert_eq!(x[..told], whole[..told], "unchanged until told");
            let fade = (DRIZZLE_HANDOVER_S * FS) as usize;
            let window = (0.004 * FS) as usize;
            let half = told + fade / 2 - window / 2;
            let drop_db =
                20.0 * (rms(&x[half..half + window]) / rms(&whole[half..half + window])).log10();
            let end_s = end as f32 / FS;
            println!(
                "told at {told_s} s: half way through the fade {drop_db:.1} dB, sound ends at {end_s:.3} s, hands over {handed:.3}"
            );
            assert!((drop_db + 6.0).abs() < 1.0, "a smooth fade");
            assert!(end <= told + fade + (0.03 * FS) as usize, "ends soon after");
            assert!(rms(&whole[told + fade..]) > 0.0, "would have played on");
            assert!((handed - (1.0 - told as f32 / length)).abs() < 1e-3);
        }
        // Carrying on 3 droplets' drizzle: 4 times the power, 6 dB louder (the power of the
        // steady drizzle, 0.3-1 s, summed over 8 seeds: its heavy-tailed impacts make one
        // seed's vary by about 0.7 dB).
        let drizzle_power = |handed_over: f32| -> f32 {
            (0..8)
                .map(|seed| {
                    let mut sound = drizzle_only(seed);
                    sound.carry_on(handed_over);
                    let mut x = vec![0.0f32; FS as usize];
                    sound.add_to(&mut x);
                    rms(&x[(0.3 * FS) as usize..]).powi(2)
                })
                .sum()
        };
        let louder_db = 10.0 * (drizzle_power(3.0) / drizzle_power(0.0)).log10();
        println!("carrying on 3 droplets' drizzle: {louder_db:+.2} dB");
        assert!((louder_db - 6.0).abs() < 0.75);

        let rain = water(RAIN, [0.5, 0.5, 0.5, 0.5], 3);
        let mut sound = Water::new(FS);
        sound.start(&rain);
        assert_eq!(sound.make_way(0), 0.0, "rain hands over nothing");
        sound.carry_on(3.0);
        let mut x = vec![0.0f32; (2.5 * FS) as usize];
        sound.add_to(&mut x);
        assert_eq!(x, testkit::render::<Water>(FS, &rain, 2.5), "rain overlaps");
    }

    /// At the layer's default rate (one trigger a second, jittered by up to 10 ms), stretches of
    /// the shortest Length overlap into continuous rain: no 50 ms window of the sum falls 6 dB
    /// below its median.
    #[test]
    fn shortest_stretches_overlap_into_continuous_rain() {
        for variant in [RAIN, RAIN_BED] {
            let starts = [0.0, 0.99, 2.01, 3.0];
            let mut sum = vec![0.0f32; (5.0 * FS) as usize];
            for (k, &start) in starts.iter().enumerate() {
                let x = testkit::render::<Water>(
                    FS,
                    &water(variant, [0.5, 0.5, 0.0, 0.5], k as u64),
                    2.0,
                );
                let at = (start * FS) as usize;
                for (s, v) in sum[at..].iter_mut().zip(&x) {
                    *s += v;
                }
            }
            let env = testkit::envelope(
                &sum[(0.4 * FS) as usize..(3.6 * FS) as usize],
                (0.05 * FS) as usize,
            );
            let mut sorted = env.clone();
            sorted.sort_by(f32::total_cmp);
            let median = sorted[sorted.len() / 2];
            let lowest = 20.0 * (sorted[0] / median).log10();
            println!("variant {variant}: quietest 50 ms window {lowest:.1} dB from the median");
            assert!(lowest > -6.0);
        }
    }

    /// Brightness raises the rain bed's centroid; the bed lasts its Length.
    #[test]
    fn rain_bed_brightness_and_length() {
        let centroid = |brightness| {
            let x =
                testkit::render::<Water>(FS, &water(RAIN_BED, [0.5, 0.0, 0.5, brightness], 4), 2.0);
            testkit::spectral_centroid(&x, FS)
        };
        let (dark, bright) = (centroid(0.0), centroid(1.0));
        println!("rain bed centroid: dark {dark:.0} Hz, bright {bright:.0} Hz");
        assert!(bright > 1.5 * dark);
        for length in [0.0, 0.5, 1.0] {
            let x = testkit::render::<Water>(FS, &water(RAIN_BED, [0.5, 0.5, length, 0.5], 5), 9.0);
            let end = x.iter().rposition(|v| v.abs() > 1e-3).unwrap() as f32 / FS;
            let expected = log_map(length, LENGTH_S);
            println!("rain bed length {expected:.2} s: sounds until {end:.2} s");
            assert!(end > 0.9 * expected && end < expected + 0.1);
        }
    }

    /// Peaks stay below 1 (a medium droplet peaks at 0.3-0.6), output is finite and ends in
    /// silence with `add_to` returning false, and seeds are deterministic (whatever the block
    /// size) and distinct.
    #[test]
    fn levels_determinism_and_ending() {
        let mut loudest = 0.0f32;
        for variant in [DROPLET, RAIN, RAIN_BED] {
            for character in [
                [0.0, 0.0, 0.0, 0.0],
                [0.5, 0.5, 0.5, 0.5],
                [1.0, 1.0, 0.3, 1.0],
                [1.0, 1.0, 0.3, 0.0],
                [0.0, 1.0, 0.3, 1.0],
            ] {
                for seed in 0..3 {
                    let e = water(variant, character, seed);
                    let x = testkit::assert_finishes_silent::<Water>(&e, 10.0, 100);
                    let p = peak(&x);
                    loudest = loudest.max(p);
                    assert!(p < 1.0 && x.iter().all(|v| v.is_finite()), "peak {p}");
                    assert!(peak(&x[x.len() - 100..]) < 1e-4, "ends in silence");
                    if variant == DROPLET && character == [0.5, 0.5, 0.5, 0.5] {
                        println!("droplet peak {p:.2}, lasts {:.3} s", x.len() as f32 / FS);
                        assert!((0.3..=0.6).contains(&p));
                    }
                }
            }
        }
        println!("loudest water peak {loudest:.2}");
        for variant in [DROPLET, RAIN, RAIN_BED] {
            testkit::assert_deterministic::<Water>(
                &water(variant, [0.5, 0.5, 0.0, 0.5], 9),
                2.0,
                37,
            );
        }
    }
}
