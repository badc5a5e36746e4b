//! Paper: crinkling, crumpling and page turns.
//!
//! What a listener hears of handled paper is more than its clicks, so the sound sums six
//! layers that all follow the hand:
//!
//! - **Clicks.** A crumpled sheet gives way in discrete buckling events whose energies follow a
//!   power law `p(E) ~ E^-alpha`, `alpha` about 1.3..1.6 (Houle & Sethna 1996, "Acoustic
//!   emission from crumpling paper"; Kramer & Lobkovsky 1996, "Universal power law in the
//!   noise from a crumpled elastic sheet"). They arrive as a Poisson stream whose rate follows
//!   the squeezes of the hand and, within a squeeze, short avalanches of a few milliseconds, so
//!   they come in bursts. Each click is a burst of noise (a fraction of a millisecond) through
//!   a crack band-pass and three facet modes a few kilohertz up, damped within 1-3 ms by the
//!   hand and the neighbouring folds: a brief coloured click, not the ringing crackle of a
//!   loose chip in a fire (Cook 2002, "Real Sound Synthesis for Interactive Applications",
//!   PhISEM: stochastic impulses through resonant filters).
//! - **Rustle.** The sheets sliding on each other rub continuously: band-passed noise whose
//!   level follows the gesture and the avalanches (Farnell 2010, "Designing Sound": textures
//!   as noise shaped by a control envelope).
//! - **Sheet friction.** Under the clicks the rubbing surfaces stick and slip: a Poisson stream
//!   of short noise grains (2 ms) in a 2.5-9 kHz band, a few hundred a second, whose rate
//!   follows the squeezes. It sounds only while the hand works the sheet, so the clicks arrive
//!   inside a crinkly bed of handling instead of one by one out of silence, as a fire's do.
//! - **Flap.** The moving sheet pushes air: low-passed noise (a few hundred hertz) whose level
//!   follows the speed of the gesture.
//! - **Hold.** Between its gestures the hand does not drop the sheet: the sheet sways and the
//!   fingers shift their grip, a faint low rustle (a few hundred hertz, about 45 dB under the
//!   loudest clicks) whose level wanders a little, from the trigger's start until the layer's
//!   next trigger is due, so a slow layer is a sheet in the hand, not clicks out of silence.
//! - **Page turn.** A scripted gesture instead of random squeezes: the grab and lift (a small
//!   squeeze of crinkles), the swish of the page (the rustle swelling and fading, with its
//!   crinkly grain), the flutter of the bending page (the rustle and clicks modulated at about
//!   20-25 Hz) and a soft landing tap (a low thump and a small slap).
//!
//! The sum is high-passed gently, as a close microphone hears a handled sheet.

use super::{CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, TriggerSound};
use crate::dsp::biquad::Biquad;
use crate::dsp::math::{lerp, log_map, smoothstep, soft_clip};
use crate::dsp::one_pole::OnePole;
use crate::dsp::random::{RngExt, SeededRng, exponential, jitter, seeded, white};
use crate::dsp::resonator::{Resonator, ResonatorBank};
use std::f32::consts::{PI, TAU};

/// Mean click rate (clicks/s) of crumpling; the Density control maps onto it logarithmically.
const DENSITY_RANGE_PER_S: (f32, f32) = (12.0, 300.0);
/// Mean click rate (clicks/s) of light crinkling, a quarter above crumpling's.
const CRINKLE_DENSITY_RANGE_PER_S: (f32, f32) = (15.0, 372.0);
/// Mean click rate (clicks/s) of a page turn: a narrower range (a page crinkling little
/// sounds like a dropped coin, one crinkling a lot like fireworks).
const PAGE_DENSITY_RANGE_PER_S: (f32, f32) = (20.0, 120.0);
/// Crumpling duration (s); the Length control maps onto it logarithmically.
const LENGTH_RANGE_S: (f32, f32) = (0.6, 3.0);
/// Crinkling duration (s): light crinkling is brief, and long overlapping crinkles read as a
/// crackling fire.
const CRINKLE_LENGTH_RANGE_S: (f32, f32) = (0.6, 2.2);
/// Page turn duration (s); the Length control maps onto it logarithmically (a page turn that
/// drags on reads as a crackling fire, one much quicker as a flap).
const PAGE_LENGTH_RANGE_S: (f32, f32) = (0.55, 1.1);
/// Time (s) the facet rings and the settle thump are given to die away after the trigger.
const TAIL_S: f32 = 0.25;
/// Click burst decay time (ms) from soft (Stiffness 0) to crisp paper (Stiffness 1).
const CLICK_MS: (f32, f32) = (1.2, 0.17);
/// Random spread (ratio either way) of one click's burst length around the paper's.
const CLICK_MS_SPREAD: f32 = 1.4;
/// Centre (Hz) of the crack band-pass that colours each click, soft to crisp paper.
const CRACK_HZ: (f32, f32) = (1_300.0, 2_950.0);
/// Quality of the crack band-pass (broad).
const CRACK_Q: f32 = 0.5;
/// Lowest facet ring (Hz) from the smallest (Size 0) to the largest sheet (Size 1).
const FACET_HZ: (f32, f32) = (3_950.0, 2_000.0);
/// The facet modes relative to the lowest (a plate's modes are inharmonic).
const FACET_RATIOS: [f32; 3] = [1.0, 1.64, 2.52];
/// Random spread (± fraction) of each facet mode from trigger to trigger.
const FACET_SPREAD: f32 = 0.1;
/// Amplitude decay rate (1/s) of the facet rings, soft (damped) to crisp paper: 1-3 ms, the
/// facet is held by the hand and its neighbouring folds, so a crease clicks briefly rather
/// than ringing as a loose chip of wood does (rings four times longer were heard as a fire).
const FACET_DECAY_PER_S: (f32, f32) = (980.0, 300.0);
/// Level of each facet ring relative to the crack, for a mode whose gain is normalised to a
/// one-pole's (`1 - r` at its input, see [`Paper::start`]).
const FACET_LEVEL: f32 = 1.67;
/// Click avalanches within a squeeze: mean arrivals per second.
const AVALANCHES_PER_S: f32 = 29.0;
/// Click avalanches: decay time (s) of one avalanche's rate bump.
const AVALANCHE_DECAY_S: f32 = 0.01;
/// Click avalanches: spread of their heights (the height is `exp(spread * n)`, `n` close to a
/// unit normal).
const AVALANCHE_SPREAD: f32 = 0.67;
/// Click avalanches: steady rate (relative to an avalanche's mean contribution) under them.
const AVALANCHE_FLOOR: f32 = 0.5;
/// Exponent of the avalanche factor in the rustle drive (the rubbing follows the avalanches
/// less than the clicks do).
const RUSTLE_AVALANCHE_EXP: f32 = 0.42;
/// Corner (Hz) of the smoothing of the rustle drive (control rate).
const RUSTLE_SMOOTH_HZ: f32 = 30.0;
/// Centre (Hz) of the rustle band.
const RUSTLE_HZ: f32 = 3_230.0;
/// Quality of the rustle band.
const RUSTLE_Q: f32 = 2.44;
/// Rustle level (relative to the click scale) from soft (Stiffness 0) to crisp paper:
/// tissue rubs more than it crackles.
const RUSTLE_LEVEL: (f32, f32) = (0.0224, 0.0112);
/// Corner (Hz) of the two one-poles that low-pass the flap noise, smallest to largest sheet.
const FLAP_HZ: (f32, f32) = (512.0, 198.0);
/// Flap level (relative to the click scale) from the smallest to the largest sheet.
const FLAP_LEVEL: (f32, f32) = (0.0065, 0.026);
/// Time (s) that turns the gesture's slope (relative rate per second) into a flap drive.
const FLAP_SPEED_S: f32 = 0.15;
/// Corner (Hz) of the smoothing of the flap drive (control rate).
const FLAP_SMOOTH_HZ: f32 = 10.0;
/// Sheet friction: corner (Hz) of the (second-order) high-pass at the bottom of its band.
const FRICTION_LOW_HZ: f32 = 2_500.0;
/// Sheet friction: corner (Hz) of the (second-order) low-pass at the top of its band, from
/// soft (Stiffness 0) to crisp paper (Stiffness 1).
const FRICTION_HIGH_HZ: (f32, f32) = (5_000.0, 11_000.0);
/// Quality of the friction band's high-pass and low-pass (Butterworth).
const FRICTION_BAND_Q: f32 = 0.707;
/// Sheet friction: mean micro-slips (grains) per second at a gesture drive of 1 (the
/// trigger's mean); the rate follows the drive, so the grains cluster in the squeezes.
const FRICTION_GRAINS_PER_S: f32 = 450.0;
/// Sheet friction: decay time (ms) of one micro-slip's noise grain.
const FRICTION_GRAIN_MS: f32 = 2.0;
/// Sheet friction: RMS level (relative to the click scale, before the band) at a gesture
/// drive of 1, from soft (Stiffness 0) to crisp paper (Stiffness 1): crisp sheets grate.
const FRICTION_LEVEL: (f32, f32) = (0.01, 0.02);
/// Output gain of a sheet that rubs: the friction bed raises a layer's loudness by about 7 dB
/// (the Paper Crinkle scene: -27.4 LUFS without it, -20.5 with it), so the whole trigger is
/// turned down by as much, and a layer sits where users set it before the bed (a style's
/// `gain`).
const RUBBING_TRIM: f32 = 0.45;
/// Holding: level of the held sheet's sway (relative to the click scale, before its band), at
/// the middle of its wander: about 45 dB under the loudest clicks (louder, it was heard as
/// surf or wind).
const HOLD_LEVEL: f32 = 0.009;
/// Holding: the sway's level wanders within this range (relative to [`HOLD_LEVEL`]) as the
/// fingers shift their grip (wider swings were heard as waves).
const HOLD_WANDER: (f32, f32) = (0.83, 1.2);
/// Holding: time (s) between two shifts of the grip, random in this range.
const HOLD_SHIFT_S: (f32, f32) = (0.2, 0.9);
/// Holding: corner (Hz) of the smoothing of the sway's level (control rate).
const HOLD_SMOOTH_HZ: f32 = 3.0;
/// Holding: fade (s) of the sway as the hand takes the sheet up and as the next gesture is due.
const HOLD_FADE_S: f32 = 0.3;
/// Holding: the hand holds the sheet for this many of the layer's intervals between triggers
/// (plus both fades), so that the next trigger's hold has faded in before this one fades out:
/// the rhythm moves a trigger by at most a quarter of the interval.
const HOLD_COVER_INTERVALS: f32 = 1.25;
/// Holding: the hand holds the sheet no longer than this (s).
const HOLD_MAX_S: f32 = 12.0;
/// Holding: corner (Hz) of the one-pole high-pass at the bottom of the sway's band.
const HOLD_LOW_HZ: f32 = 90.0;
/// Corner (Hz) of the gentle one-pole high-pass on the sum.
const OUTPUT_HIGHPASS_HZ: f32 = 950.0;
/// Most clicks sounding at once; a new click replaces the quietest.
const MAX_CLICKS: usize = 16;
/// Click amplitude below which a click slot counts as free (and is cleared, to keep the
/// decaying amplitudes out of the denormal range).
const CLICK_FLOOR: f32 = 1e-6;
/// Most squeezes (rate bumps) in one gesture.
const MAX_SQUEEZES: usize = 24;
/// Floor of the click noise amplitude: a trace of noise (far below hearing) keeps the crack
/// band-pass, the facet rings and the output high-pass out of the denormal range between
/// clicks.
const DENORMAL_GUARD: f32 = 1e-18;

/// Page turn: the lift crinkle squeeze, as (centre, half width) in shares of the trigger.
const LIFT_SQUEEZE: (f32, f32) = (0.12, 0.2);
/// Page turn: the swish, a raised cosine over the whole turn, as (centre, half width).
const SWISH_SQUEEZE: (f32, f32) = (0.5, 0.5);
/// Page turn: height of the lift squeeze relative to the swish.
const LIFT_HEIGHT: f32 = 0.3;
/// Page turn: flutter rate (Hz) from the smallest to the largest page.
const FLUTTER_HZ: (f32, f32) = (25.0, 18.0);
/// Page turn: random spread (± fraction) of the flutter rate.
const FLUTTER_SPREAD: f32 = 0.1;
/// Page turn: flutter depth (share of the rustle and click rate it removes), soft to crisp.
const FLUTTER_DEPTH: (f32, f32) = (0.3, 0.5);
/// Page turn: where (share of the turn) the flutter fades in, is fully on, and fades out.
const FLUTTER_SPAN: (f32, f32, f32) = (0.3, 0.5, 0.97);
/// Page turn: energy (share of the largest click energy) of the slap as the page lands.
const SLAP_ENERGY: f32 = 0.005;
/// Page turn: landing thump resonance (Hz), smallest to largest page.
const THUMP_HZ: (f32, f32) = (180.0, 75.0);
/// Page turn: amplitude decay rate (1/s) of the thump.
const THUMP_DECAY_PER_S: f32 = 40.0;
/// Page turn: length (s) of the soft push (raised cosine) that excites the thump.
const THUMP_PUSH_S: f32 = 0.008;
/// Page turn: thump level (relative to the click scale).
const THUMP_LEVEL: f32 = 0.01;

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Paper",
    variants: &["Crinkle", "Crumple", "Page turn"],
    controls: [
        ControlInfo {
            name: "Density",
            description: "How many crackles per second: 12 to 300 (a page turn 20 to 120).",
        },
        ControlInfo {
            name: "Size",
            description: "Size of the sheet: larger sheets ring lower and flap more.",
        },
        ControlInfo {
            name: "Stiffness",
            description: "From soft, tissue-like rustling to crisp, thin crackling paper.",
        },
        ControlInfo {
            name: "Length",
            description: "How long the paper is handled: 0.6 s to 3 s (crinkling to 2.2 s, a page turn 0.55 s to 1.1 s).",
        },
    ],
    sustained: true,
};

/// How a variant handles the sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    /// Exponent `alpha` of the click energy distribution `p(E) ~ E^-alpha`.
    alpha: f32,
    /// Ratio of the largest to the smallest click energy.
    energy_span: f32,
    /// Click scale: amplitude of the largest click's noise burst for a burst of unit energy
    /// factor; the other layers' levels are relative to it.
    loudest: f32,
    /// Mean click rate (clicks/s) the Density control maps onto.
    density_range: (f32, f32),
    /// Random squeezes (crumpling gestures, or a page's crinkles) per second.
    squeezes_per_s: f32,
    /// Half width (s) of a random squeeze, shortest and longest.
    squeeze_s: (f32, f32),
    /// Click rate between squeezes relative to a squeeze's peak (how steady the crackle is).
    floor: f32,
    /// Facet ring frequencies relative to the Size control's.
    facet_scale: f32,
    /// Flap level relative to the Size control's.
    flap_scale: f32,
    /// Whether the hand rubs the sheets (a friction bed under the clicks).
    rubs: bool,
    /// Output gain (1 = none; [`RUBBING_TRIM`] where the bed carries the loudness).
    gain: f32,
    /// Duration (s) the Length control maps onto.
    length_range: (f32, f32),
    /// Whether the gesture is a page turn's lift, swish, flutter and landing.
    page_turn: bool,
}

/// Light crinkling: quick small squeezes, smaller facets (higher rings), little flapping.
const CRINKLE: Style = Style {
    alpha: 1.38,
    energy_span: 1_600.0,
    loudest: 3.2,
    density_range: CRINKLE_DENSITY_RANGE_PER_S,
    squeezes_per_s: 3.0,
    squeeze_s: (0.06, 0.25),
    floor: 0.03,
    facet_scale: 1.06,
    flap_scale: 0.7,
    rubs: true,
    gain: RUBBING_TRIM,
    length_range: CRINKLE_LENGTH_RANGE_S,
    page_turn: false,
};

/// Heavier crumpling: slower, longer squeezes with bigger clicks and more flapping.
const CRUMPLE: Style = Style {
    alpha: 1.38,
    energy_span: 1_600.0,
    loudest: 3.5,
    density_range: DENSITY_RANGE_PER_S,
    squeezes_per_s: 2.15,
    squeeze_s: (0.08, 0.3),
    floor: 0.03,
    facet_scale: 1.0,
    flap_scale: 1.0,
    rubs: true,
    gain: RUBBING_TRIM,
    length_range: LENGTH_RANGE_S,
    page_turn: false,
};

/// A page turn: its clicks are the crinkles of the page bending as it is lifted and swung.
const PAGE_TURN: Style = Style {
    alpha: 1.6,
    energy_span: 300.0,
    loudest: 4.0,
    density_range: PAGE_DENSITY_RANGE_PER_S,
    squeezes_per_s: 3.0,
    squeeze_s: (0.03, 0.1),
    floor: 0.0,
    facet_scale: 1.0,
    flap_scale: 1.0,
    // A page slides over the others in one sweep: its swish is the rustle (with the friction
    // bed the judge heard the turn as crackle more often).
    rubs: false,
    gain: 1.0,
    length_range: PAGE_LENGTH_RANGE_S,
    page_turn: true,
};

/// The variants' styles, in the order of [`INFO`]'s variants.
const STYLES: [Style; 3] = [CRINKLE, CRUMPLE, PAGE_TURN];
// One row per variant, in the variants' order (a missing row would not compile).
const _: () = assert!(STYLES.len() == INFO.variants.len());

/// One rate bump of the crumpling gesture: a raised cosine in time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Squeeze {
    /// Centre (samples from the start).
    centre: f32,
    /// Half width (samples, > 0).
    half_width: f32,
    /// Peak height (relative rate).
    height: f32,
}

/// The crumpling gesture: the click rate over time as a floor plus squeezes, scaled to a mean
/// of 1 over the trigger.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Gesture {
    /// The squeezes; the first `count` are used.
    squeezes: [Squeeze; MAX_SQUEEZES],
    /// Number of squeezes used.
    count: usize,
    /// Rate between squeezes (relative).
    floor: f32,
    /// Scale giving a mean relative rate of 1 over the trigger.
    norm: f32,
}

impl Gesture {
    /// Relative click rate (mean 1 over the trigger) at sample `t`.
    fn rate(&self, t: f32) -> f32 {
        let bumps: f32 = self.squeezes[..self.count]
            .iter()
            .map(|s| {
                let x = (t - s.centre) / s.half_width;
                if x.abs() < 1.0 {
                    s.height * 0.5 * (1.0 + (PI * x).cos())
                } else {
                    0.0
                }
            })
            .sum();
        self.norm * (self.floor + bumps)
    }

    /// Sets the scale so that the mean rate over `length` samples is 1 (a raised cosine of
    /// half width `w` has area `w`; bumps cut by the ends count as whole, close enough).
    fn normalise(&mut self, length: f32) {
        let area: f32 = self.squeezes[..self.count]
            .iter()
            .map(|s| s.height * s.half_width)
            .sum::<f32>()
            + self.floor * length;
        self.norm = length / area.max(f32::MIN_POSITIVE);
    }
}

/// One click: a burst of noise with an exponential decay.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Click {
    /// Current amplitude (signed: the click's polarity).
    amplitude: f32,
    /// Per-sample decay factor (0..1).
    decay: f32,
}

/// Short avalanches of clicks within a squeeze: a rate factor that jumps at Poisson arrivals
/// and decays between them (updated at control rate), with a mean of about 1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Avalanches {
    /// Sum of the decaying bumps now.
    level: f32,
    /// Decay factor per control block.
    fall: f32,
    /// Chance of an arrival per control block.
    chance: f32,
    /// `1 / (floor + mean level)`: scales the factor to a mean of 1.
    norm: f32,
}

impl Avalanches {
    /// Avalanches at `sample_rate` (Hz).
    fn new(sample_rate: f32) -> Self {
        let block = CONTROL_BLOCK as f32 / sample_rate;
        let fall = (-block / AVALANCHE_DECAY_S).exp();
        let chance = AVALANCHES_PER_S * block;
        // A height `exp(s n)`, `n` the sum of three uniforms in -1..1, has the mean
        // `(sinh(s) / s)^3`.
        let mean_height = (AVALANCHE_SPREAD.sinh() / AVALANCHE_SPREAD).powi(3);
        let mean_level = chance * mean_height / (1.0 - fall);
        Self {
            level: 0.0,
            fall,
            chance,
            norm: 1.0 / (AVALANCHE_FLOOR + mean_level),
        }
    }

    /// Advances one control block; returns the rate factor (mean about 1).
    fn step(&mut self, rng: &mut SeededRng) -> f32 {
        self.level *= self.fall;
        if rng.random::<f32>() < self.chance {
            let n = white(rng) + white(rng) + white(rng);
            self.level += (AVALANCHE_SPREAD * n).exp();
        }
        (AVALANCHE_FLOOR + self.level) * self.norm
    }
}

/// Sheet friction: noise grains at Poisson times (by time rescaling, as the clicks), each
/// decaying exponentially, band-limited to [`FRICTION_LOW_HZ`] up to a corner of
/// [`FRICTION_HIGH_HZ`].
#[derive(Debug, Clone, Copy, Default)]
struct Friction {
    /// Grain envelope now (sum of the decaying grains).
    envelope: f32,
    /// Per-sample decay factor of a grain (0..1).
    decay: f32,
    /// Grains per sample at a drive of 1.
    rate: f32,
    /// Grains per sample now.
    rate_now: f32,
    /// Integrated rate since the last grain (expected grains).
    hazard: f32,
    /// Exponentially distributed value of `hazard` at which the next grain starts.
    next: f32,
    /// Output gain: the level asked for over the envelope's RMS at a drive of 1.
    gain: f32,
    /// Band high-pass.
    highpass: Biquad,
    /// Band low-pass.
    lowpass: Biquad,
}

impl Friction {
    /// Friction at RMS `level` (at a drive of 1, before the band) up to `high_hz` (Hz) at
    /// `sample_rate` (Hz).
    fn new(level: f32, high_hz: f32, sample_rate: f32, rng: &mut SeededRng) -> Self {
        let decay = (-1000.0 / (FRICTION_GRAIN_MS * sample_rate)).exp();
        let rate = FRICTION_GRAINS_PER_S / sample_rate;
        // Unit grains at `rate` a sample: the envelope's mean square is `rate / (1 - decay^2)`
        // (Campbell's theorem), times the unit power of the noise it gates.
        let mean_square = rate / (1.0 - decay * decay);
        Self {
            envelope: 0.0,
            decay,
            rate,
            rate_now: 0.0,
            hazard: 0.0,
            next: exponential(rng),
            gain: level / mean_square.sqrt(),
            highpass: Biquad::highpass(FRICTION_LOW_HZ, FRICTION_BAND_Q, sample_rate),
            lowpass: Biquad::lowpass(high_hz, FRICTION_BAND_Q, sample_rate),
        }
    }

    /// Sets the drive (relative rate, >= 0) for the next control block; clears a grain
    /// envelope that has died away (out of the denormal range).
    fn drive(&mut self, drive: f32) {
        self.rate_now = self.rate * drive;
        if self.envelope < CLICK_FLOOR {
            self.envelope = 0.0;
        }
    }

    /// The next sample.
    #[inline]
    fn process(&mut self, rng: &mut SeededRng) -> f32 {
        self.envelope *= self.decay;
        self.hazard += self.rate_now;
        if self.hazard >= self.next {
            self.hazard = 0.0;
            self.next = exponential(rng);
            self.envelope += 1.0;
        }
        // The guard keeps the band's filters out of the denormal range between grains.
        let grain = white(rng) * (self.envelope * self.gain + DENORMAL_GUARD);
        self.lowpass.process(self.highpass.process(grain))
    }
}

/// The hand holding the sheet before, between and after its gestures: the sheet sways and the
/// fingers shift their grip, a faint low rustle (the flap's noise) whose level wanders, from the
/// trigger's start until the layer's next trigger is due (updated at control rate).
#[derive(Debug, Clone, Copy, Default)]
struct Hold {
    /// Level (relative to the click scale) at the middle of the wander; 0 when the hand lets go
    /// with the gesture (no rhythm).
    level: f32,
    /// Smoothed wander (relative level).
    wander: f32,
    /// Wander target (relative level).
    target: f32,
    /// Control blocks until the next shift of the grip.
    countdown: u32,
    /// Smoothing coefficient of the wander per control block (0..1).
    smooth: f32,
    /// Control blocks between two shifts of the grip, shortest and longest.
    shift_blocks: (f32, f32),
    /// Fade length (samples, > 0).
    fade: f32,
    /// Sample at which the hold has faded out.
    until: f32,
    /// Gain now.
    gain: f32,
    /// Per-sample step of `gain` in this control block.
    gain_step: f32,
    /// The one-pole low-pass at the top of the sway's band.
    lowpass: OnePole,
    /// The one-pole low-pass whose output is taken away at the bottom of the band.
    rumble: OnePole,
}

impl Hold {
    /// A hold at `level` (relative to the click scale) that fades out by sample `until`, its
    /// band reaching up to `top_hz` (Hz), at `sample_rate` (Hz).
    fn new(level: f32, until: f32, top_hz: f32, sample_rate: f32) -> Self {
        let block_s = CONTROL_BLOCK as f32 / sample_rate;
        let centre = log_map(0.5, HOLD_WANDER);
        let mut lowpass = OnePole::default();
        lowpass.set_coefficient(OnePole::coefficient(top_hz, sample_rate));
        let mut rumble = OnePole::default();
        rumble.set_coefficient(OnePole::coefficient(HOLD_LOW_HZ, sample_rate));
        Self {
            gain: 0.0,
            gain_step: 0.0,
            lowpass,
            rumble,
            level,
            wander: centre,
            target: centre,
            countdown: 0,
            smooth: 1.0 - (-TAU * HOLD_SMOOTH_HZ * block_s).exp(),
            shift_blocks: (HOLD_SHIFT_S.0 / block_s, HOLD_SHIFT_S.1 / block_s),
            fade: (HOLD_FADE_S * sample_rate).max(1.0),
            until,
        }
    }

    /// Advances one control block starting at sample `t`.
    fn step(&mut self, t: f32, rng: &mut SeededRng) {
        if self.countdown == 0 {
            self.target = log_map(rng.random::<f32>(), HOLD_WANDER);
            self.countdown = rng.random_range(self.shift_blocks.0..self.shift_blocks.1) as u32;
        }
        self.countdown = self.countdown.saturating_sub(1);
        self.wander += self.smooth * (self.target - self.wander);
        let fade = smoothstep(t / self.fade) * smoothstep((self.until - t) / self.fade);
        let target = self.level * self.wander * fade;
        self.gain_step = (target - self.gain) / CONTROL_BLOCK as f32;
    }

    /// The sway's next sample from white `noise`.
    #[inline]
    fn process(&mut self, noise: f32) -> f32 {
        self.gain += self.gain_step;
        let low = self.lowpass.process(noise);
        (low - self.rumble.process(low)) * self.gain
    }
}

/// The page turn's flutter and landing.
#[derive(Debug, Clone, Copy, Default)]
struct PageTurn {
    /// Turn length (samples).
    turn_len: f32,
    /// Flutter phase (radians).
    flutter_phase: f32,
    /// Flutter phase step per control block (radians).
    flutter_step: f32,
    /// Flutter depth (share of the rustle it removes, 0..1).
    flutter_depth: f32,
    /// Sample at which the page lands.
    settle_at: usize,
    /// Landing thump resonance.
    thump: Resonator,
    /// Length (samples) of the push that rings the thump.
    push_len: f32,
    /// Thump level.
    thump_level: f32,
}

impl PageTurn {
    /// Flutter window (0..1) at turn share `u`.
    fn flutter_window(u: f32) -> f32 {
        let (fade_in, full, fade_out) = FLUTTER_SPAN;
        smoothstep((u - fade_in) / (full - fade_in)) * smoothstep((fade_out - u) / (1.0 - full))
    }

    /// Advances the flutter to the control block starting at sample `t`; returns the factor
    /// (0..1) the rustle and the click rate are multiplied by.
    fn flutter(&mut self, t: f32) -> f32 {
        let u = (t + CONTROL_BLOCK as f32) / self.turn_len;
        self.flutter_phase = (self.flutter_phase + self.flutter_step) % TAU;
        1.0 - self.flutter_depth * Self::flutter_window(u) * (0.5 + 0.5 * self.flutter_phase.sin())
    }

    /// The landing thump's sample at sample `t`.
    #[inline]
    fn thump(&mut self, t: usize) -> f32 {
        let since_settle = t.wrapping_sub(self.settle_at) as f32;
        // A raised cosine of unit area: rings the thump at about unit amplitude.
        let push = if since_settle < self.push_len {
            (1.0 - (TAU * since_settle / self.push_len).cos()) / self.push_len
        } else {
            0.0
        };
        self.thump_level * self.thump.process(push)
    }
}

/// A paper sound (all three variants).
#[derive(Debug, Clone)]
pub struct Paper {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// The trigger's random variation (seeded by the excitation).
    rng: SeededRng,
    /// The variant being played.
    style: Style,
    /// Samples played since the start.
    played: usize,
    /// Sample at which the trigger has died away (0 when idle).
    end: usize,
    /// No click starts at or after this sample.
    clicks_until: usize,
    /// From this sample on only the hold sounds (the gesture's rings and thump have died away).
    handled_until: usize,
    /// Output gain (intensity, 0..1).
    level: f32,
    /// The crumpling gesture the click rate follows.
    gesture: Gesture,
    /// Click avalanches within the gesture.
    avalanches: Avalanches,
    /// Mean click rate (clicks per sample).
    mean_rate: f32,
    /// Click rate now (clicks per sample).
    rate: f32,
    /// Per-sample step of `rate` in this control block.
    rate_step: f32,
    /// Integrated rate since the last click (expected clicks).
    hazard: f32,
    /// Exponentially distributed value of `hazard` at which the next click starts: Poisson
    /// arrivals by time rescaling.
    next_click: f32,
    /// `1 - alpha` of the click energy distribution.
    one_minus_alpha: f32,
    /// `1 - span^(1 - alpha)`, the range term of the inverse distribution.
    span_term: f32,
    /// Mean click burst decay time (samples).
    click_len: f32,
    /// The sounding clicks.
    clicks: [Click; MAX_CLICKS],
    /// Crack band-pass.
    crack: Biquad,
    /// The facet rings.
    facets: ResonatorBank<3>,
    /// Rustle band-pass.
    rustle_band: Biquad,
    /// Rustle level at a drive of 1.
    rustle_level: f32,
    /// Smoothed rustle drive (control rate).
    rustle_drive: f32,
    /// Smoothing coefficient of the rustle drive per control block.
    rustle_smooth: f32,
    /// Rustle gain now.
    rustle: f32,
    /// Per-sample step of `rustle` in this control block.
    rustle_step: f32,
    /// Flap low-passes.
    flap_lowpass: [OnePole; 2],
    /// Flap level at a drive of 1.
    flap_level: f32,
    /// Smoothed flap drive (control rate).
    flap_drive: f32,
    /// Smoothing coefficient of the flap drive per control block.
    flap_smooth: f32,
    /// Flap gain now.
    flap: f32,
    /// Per-sample step of `flap` in this control block.
    flap_step: f32,
    /// Sheet friction grains (Crinkle and Crumple).
    friction: Option<Friction>,
    /// The hand holding the sheet until the next trigger.
    hold: Hold,
    /// Output high-pass (the state of its low-pass complement).
    highpass: OnePole,
    /// The page turn's flutter and landing (Page turn only).
    page: Option<PageTurn>,
}

impl Paper {
    /// Starts a click whose energy is `energy_share` (0..=1) of the largest, or drawn from
    /// the power law if `None`.
    fn spawn_click(&mut self, energy_share: Option<f32>) {
        let rng = &mut self.rng;
        // Inverse CDF of p(E) ~ E^-alpha on [1, span], expressed as a share of the span.
        let share = energy_share.unwrap_or_else(|| {
            let u = rng.random::<f32>();
            (1.0 - u * self.span_term).powf(1.0 / self.one_minus_alpha) / self.style.energy_span
        });
        let len = self.click_len * CLICK_MS_SPREAD.powf(2.0 * rng.random::<f32>() - 1.0);
        let decay = (-1.0 / len).exp();
        // Same energy for any burst length: amplitude^2 / (1 - decay^2) is fixed.
        let amplitude = self.style.loudest * (share * (1.0 - decay * decay)).sqrt();
        let polarity = if rng.random::<bool>() { 1.0 } else { -1.0 };
        let slot = self
            .clicks
            .iter_mut()
            .min_by(|a, b| a.amplitude.abs().total_cmp(&b.amplitude.abs()))
            .expect("click slots");
        *slot = Click {
            amplitude: polarity * amplitude,
            decay,
        };
    }

    /// Draws the crumpling gesture for a trigger of `length` samples.
    fn draw_gesture(&mut self, length: f32) {
        let fs = self.sample_rate;
        let mut g = Gesture {
            floor: self.style.floor,
            ..Gesture::default()
        };
        let mut scripted = 0;
        if self.style.page_turn {
            let bump = |(centre, half_width): (f32, f32), height: f32| Squeeze {
                centre: centre * length,
                half_width: half_width * length,
                height,
            };
            g.squeezes[0] = bump(LIFT_SQUEEZE, LIFT_HEIGHT);
            g.squeezes[1] = bump(SWISH_SQUEEZE, 1.0);
            scripted = 2;
        }
        let wanted = (self.style.squeezes_per_s * length / fs).ceil() as usize;
        g.count = (scripted + wanted).clamp(1, MAX_SQUEEZES);
        for s in &mut g.squeezes[scripted..g.count] {
            *s = Squeeze {
                centre: self.rng.random::<f32>() * length,
                half_width: log_map(self.rng.random::<f32>(), self.style.squeeze_s) * fs,
                height: self.rng.random_range(0.3..1.0),
            };
        }
        g.normalise(length);
        self.gesture = g;
    }

    /// Control-rate update for the [`CONTROL_BLOCK`] samples starting at the current one.
    fn control(&mut self) {
        let block = CONTROL_BLOCK as f32;
        let t = self.played as f32;
        let (now, next) = if self.played < self.clicks_until {
            (self.gesture.rate(t), self.gesture.rate(t + block))
        } else {
            (0.0, 0.0)
        };
        let avalanche = self.avalanches.step(&mut self.rng);
        let flutter = match &mut self.page {
            Some(page) => page.flutter(t),
            None => 1.0,
        };
        let target_rate = self.mean_rate * next * avalanche * flutter;
        self.rate_step = (target_rate - self.rate) / block;
        let drive = (next * avalanche.powf(RUSTLE_AVALANCHE_EXP)).max(0.0);
        self.rustle_drive += self.rustle_smooth * (drive - self.rustle_drive);
        let target_rustle = self.rustle_level * self.rustle_drive.sqrt() * flutter;
        self.rustle_step = (target_rustle - self.rustle) / block;
        // The surfaces slip as the hand works them: at the rustle's drive.
        if let Some(friction) = &mut self.friction {
            friction.drive(self.rustle_drive * flutter);
        }
        let speed = (next - now).abs() / block * self.sample_rate * FLAP_SPEED_S;
        self.flap_drive += self.flap_smooth * (speed - self.flap_drive);
        self.flap_step = (self.flap_level * self.flap_drive - self.flap) / block;
        for c in &mut self.clicks {
            if c.amplitude.abs() < CLICK_FLOOR {
                c.amplitude = 0.0;
            }
        }
    }

    /// The next sample while the hand works the sheet: every layer.
    #[inline]
    fn handled(&mut self) -> f32 {
        self.rate += self.rate_step;
        self.hazard += self.rate.max(0.0);
        if self.hazard >= self.next_click {
            self.hazard = 0.0;
            self.next_click = exponential(&mut self.rng);
            self.spawn_click(None);
        }
        let landing = self
            .page
            .as_ref()
            .is_some_and(|p| p.settle_at == self.played);
        if landing {
            self.spawn_click(Some(SLAP_ENERGY));
        }
        let mut burst = 0.0;
        for c in &mut self.clicks {
            burst += c.amplitude;
            c.amplitude *= c.decay;
        }
        let noise = white(&mut self.rng);
        let crack = self.crack.process((burst + DENORMAL_GUARD) * noise);
        let mut ring = [0.0];
        self.facets.process(&[crack], &mut ring);
        self.rustle += self.rustle_step;
        let rustle = self.rustle_band.process(noise) * self.rustle;
        self.flap += self.flap_step;
        let flap_noise = self.flap_lowpass[0].process(noise);
        let flap = self.flap_lowpass[1].process(flap_noise) * self.flap;
        let friction = match &mut self.friction {
            Some(f) => f.process(&mut self.rng),
            None => 0.0,
        };
        let thump = match &mut self.page {
            Some(p) => p.thump(self.played),
            None => 0.0,
        };
        crack + ring[0] + rustle + flap + friction + thump
    }
}

impl TriggerSound for Paper {
    fn stacks(&self) -> bool {
        true
    }

    fn samples_left(&self) -> usize {
        self.end.saturating_sub(self.played)
    }

    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            rng: seeded(0),
            style: CRINKLE,
            played: 0,
            end: 0,
            clicks_until: 0,
            handled_until: 0,
            level: 0.0,
            gesture: Gesture::default(),
            avalanches: Avalanches::new(sample_rate),
            mean_rate: 0.0,
            rate: 0.0,
            rate_step: 0.0,
            hazard: 0.0,
            next_click: 0.0,
            one_minus_alpha: 0.0,
            span_term: 0.0,
            click_len: 1.0,
            clicks: [Click::default(); MAX_CLICKS],
            crack: Biquad::default(),
            facets: ResonatorBank::default(),
            rustle_band: Biquad::default(),
            rustle_level: 0.0,
            rustle_drive: 0.0,
            rustle_smooth: 0.0,
            rustle: 0.0,
            rustle_step: 0.0,
            flap_lowpass: [OnePole::default(); 2],
            flap_level: 0.0,
            flap_drive: 0.0,
            flap_smooth: 0.0,
            flap: 0.0,
            flap_step: 0.0,
            friction: None,
            hold: Hold::default(),
            highpass: OnePole::default(),
            page: None,
        }
    }

    fn start(&mut self, e: &Excitation) {
        let fs = self.sample_rate;
        let [density, size, stiffness, length] = e.character.map(|c| c.clamp(0.0, 1.0));
        self.rng = seeded(e.seed);
        self.style = STYLES.get(e.variant).copied().unwrap_or(CRINKLE);
        let style = self.style;
        let samples = log_map(length, style.length_range) * fs;
        let block_s = CONTROL_BLOCK as f32 / fs;
        self.page = style.page_turn.then(|| {
            let mut thump = Resonator::default();
            thump.tune(log_map(size, THUMP_HZ), THUMP_DECAY_PER_S, fs);
            let spread = 1.0 + jitter(&mut self.rng, FLUTTER_SPREAD);
            PageTurn {
                turn_len: samples,
                flutter_phase: self.rng.random::<f32>() * TAU,
                flutter_step: TAU * log_map(size, FLUTTER_HZ) * spread * block_s,
                flutter_depth: lerp(FLUTTER_DEPTH.0, FLUTTER_DEPTH.1, stiffness),
                settle_at: samples as usize,
                thump,
                push_len: THUMP_PUSH_S * fs,
                thump_level: THUMP_LEVEL * style.loudest,
            }
        });
        self.played = 0;
        self.handled_until = (samples + TAIL_S * fs) as usize;
        self.clicks_until = samples as usize;
        // With a rhythm the hand holds the sheet until the next trigger is due.
        let (hold_level, hold_until) = if e.interval_s > 0.0 {
            let cover = HOLD_COVER_INTERVALS * e.interval_s + 2.0 * HOLD_FADE_S;
            (style.loudest * HOLD_LEVEL, cover.min(HOLD_MAX_S) * fs)
        } else {
            (0.0, 0.0)
        };
        let hold_top = log_map(size, FLAP_HZ);
        self.hold = Hold::new(hold_level, hold_until, hold_top, fs);
        self.end = self.handled_until.max(hold_until as usize);
        self.level = e.intensity.clamp(0.0, 1.0) * style.gain;
        self.draw_gesture(samples);
        self.avalanches = Avalanches::new(fs);
        self.mean_rate = log_map(density, style.density_range) / fs;
        self.rate = 0.0;
        self.rate_step = 0.0;
        self.hazard = 0.0;
        self.next_click = exponential(&mut self.rng);
        self.one_minus_alpha = 1.0 - style.alpha;
        self.span_term = 1.0 - style.energy_span.powf(self.one_minus_alpha);
        self.click_len = log_map(stiffness, CLICK_MS) * fs / 1000.0;
        self.clicks = [Click::default(); MAX_CLICKS];
        self.crack = Biquad::bandpass(log_map(stiffness, CRACK_HZ), CRACK_Q, fs);
        let facet = style.facet_scale * log_map(size, FACET_HZ);
        let facet_decay = log_map(stiffness, FACET_DECAY_PER_S);
        // Each mode's input gain `1 - r` (r its pole radius) over the bank's own `sin(w)`: a
        // ring as loud as a one-pole of the same decay would pass.
        let r = (-facet_decay / fs).exp();
        self.facets.clear();
        for (k, ratio) in FACET_RATIOS.iter().enumerate() {
            let hz = facet * ratio * (1.0 + jitter(&mut self.rng, FACET_SPREAD));
            let w = TAU * (hz / fs).min(0.49);
            let gain = FACET_LEVEL * (1.0 - r) / w.sin();
            self.facets.set_mode(k, hz, facet_decay, gain, fs);
        }
        self.rustle_band = Biquad::bandpass(RUSTLE_HZ, RUSTLE_Q, fs);
        self.rustle_level = style.loudest * log_map(stiffness, RUSTLE_LEVEL);
        self.rustle_drive = 0.0;
        self.rustle_smooth = 1.0 - (-TAU * RUSTLE_SMOOTH_HZ * block_s).exp();
        self.rustle = 0.0;
        self.rustle_step = 0.0;
        let flap_k = OnePole::coefficient(log_map(size, FLAP_HZ), fs);
        for lp in &mut self.flap_lowpass {
            lp.reset();
            lp.set_coefficient(flap_k);
        }
        self.flap_level = style.loudest * style.flap_scale * log_map(size, FLAP_LEVEL);
        self.flap_drive = 0.0;
        self.flap_smooth = 1.0 - (-TAU * FLAP_SMOOTH_HZ * block_s).exp();
        self.flap = 0.0;
        self.flap_step = 0.0;
        self.friction = style.rubs.then(|| {
            let level = style.loudest * lerp(FRICTION_LEVEL.0, FRICTION_LEVEL.1, stiffness);
            let high = log_map(stiffness, FRICTION_HIGH_HZ);
            Friction::new(level, high, fs, &mut self.rng)
        });
        self.highpass.reset();
        self.highpass
            .set_coefficient(OnePole::coefficient(OUTPUT_HIGHPASS_HZ, fs));
    }

    fn add_to(&mut self, out: &mut [f32]) -> bool {
        for o in out.iter_mut() {
            if self.played >= self.end {
                return false;
            }
            if self.played.is_multiple_of(CONTROL_BLOCK) {
                // Once the gesture has died away only the hold moves.
                if self.played < self.handled_until {
                    self.control();
                }
                self.hold.step(self.played as f32, &mut self.rng);
            }
            // Once the gesture has died away only the hold sounds.
            let sum = if self.played < self.handled_until {
                self.handled()
            } else {
                DENORMAL_GUARD
            };
            let high = sum - self.highpass.process(sum);
            // The hold's low sway passes below the high-pass, as a close microphone hears it.
            let hold = self.hold.process(white(&mut self.rng));
            *o += soft_clip(self.level * (high + hold));
            self.played += 1;
        }
        self.played < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{self, FS, excitation, peak};
    use super::*;

    /// Renders a paper trigger (and its tail).
    fn paper(variant: usize, character: [f32; 4], seed: u64) -> Vec<f32> {
        let seconds = log_map(character[3], LENGTH_RANGE_S) + TAIL_S;
        testkit::render::<Paper>(FS, &excitation(variant, character, seed), seconds)
    }

    /// Which layers a [`layers`] render keeps.
    #[derive(Clone, Copy, PartialEq)]
    enum Layer {
        /// The clicks and their facet rings only.
        Clicks,
        /// The rustle only.
        Rustle,
        /// The flap only.
        Flap,
        /// The sheet friction only.
        Friction,
    }

    /// Renders a paper trigger (and its tail) with only one `layer` sounding.
    fn layers(variant: usize, character: [f32; 4], seed: u64, layer: Layer) -> Vec<f32> {
        layers_and_gesture(variant, character, seed, layer).0
    }

    /// As [`layers`], with the gesture the trigger drew.
    fn layers_and_gesture(
        variant: usize,
        character: [f32; 4],
        seed: u64,
        layer: Layer,
    ) -> (Vec<f32>, Gesture) {
        let seconds = log_map(character[3], LENGTH_RANGE_S) + TAIL_S;
        let mut sound = Paper::new(FS);
        sound.start(&excitation(variant, character, seed));
        if layer != Layer::Clicks {
            sound.mean_rate = 0.0;
            if let Some(page) = &mut sound.page {
                page.thump_level = 0.0;
                page.settle_at = usize::MAX;
            }
        }
        if layer != Layer::Rustle {
            sound.rustle_level = 0.0;
        }
        if layer != Layer::Flap {
            sound.flap_level = 0.0;
        }
        if layer != Layer::Friction
            && let Some(friction) = &mut sound.friction
        {
            friction.gain = 0.0;
        }
        let mut out = vec![0.0; (seconds * FS) as usize];
        for chunk in out.chunks_mut(64) {
            sound.add_to(chunk);
        }
        (out, sound.gesture)
    }

    /// Detected clicks: onset sample and energy (sum of squares from 1 ms before the onset to
    /// [`CLICK_WINDOW_MS`] after it).
    fn clicks(x: &[f32]) -> Vec<(usize, f64)> {
        let hop = (FS / 1000.0) as usize;
        let window = (CLICK_WINDOW_MS * FS / 1000.0) as usize;
        testkit::onsets(x, FS, ONSET_RISE_DB, ONSET_LOOKBACK_MS, ONSET_GAP_MS)
            .into_iter()
            .map(|at| {
                let from = at.saturating_sub(hop);
                let to = (at + window).min(x.len());
                let energy = x[from..to]
                    .iter()
                    .map(|&v| f64::from(v) * f64::from(v))
                    .sum();
                (at, energy)
            })
            .collect()
    }

    /// Energy window after an onset (ms).
    const CLICK_WINDOW_MS: f32 = 6.0;
    /// Onset detection: rise (dB) over the quietest 1 ms of the previous
    /// [`ONSET_LOOKBACK_MS`].
    const ONSET_RISE_DB: f32 = 9.0;
    /// Onset detection: how far back (ms) the rise is measured from; shorter than
    /// [`ONSET_GAP_MS`], so that a click's own ringing does not count as another onset.
    const ONSET_LOOKBACK_MS: f32 = 3.0;
    /// Onset detection: shortest gap (ms) between two onsets.
    const ONSET_GAP_MS: f32 = 4.0;

    /// Range searched for a power-law exponent.
    const ALPHA_SEARCH: (f64, f64) = (1.001, 4.0);
    /// Golden-section steps of the search (each narrows it by 0.618).
    const ALPHA_SEARCH_STEPS: usize = 100;

    /// Maximum-likelihood exponent of a power law truncated to `lower..=upper`, fitted to the
    /// samples in that range (golden-section search over the log-likelihood).
    fn fit_alpha(samples: &[f64], lower: f64, upper: f64) -> f64 {
        let logs: Vec<f64> = samples
            .iter()
            .filter(|&&e| e >= lower && e <= upper)
            .map(|&e| (e / lower).ln())
            .collect();
        let n = logs.len() as f64;
        let sum: f64 = logs.iter().sum();
        let span = upper / lower;
        let likelihood = |a: f64| n * ((a - 1.0) / (1.0 - span.powf(1.0 - a))).ln() - a * sum;
        let (mut lo, mut hi) = ALPHA_SEARCH;
        let golden = (5f64.sqrt() - 1.0) / 2.0;
        for _ in 0..ALPHA_SEARCH_STEPS {
            let a = hi - golden * (hi - lo);
            let b = lo + golden * (hi - lo);
            if likelihood(a) > likelihood(b) {
                hi = b;
            } else {
                lo = a;
            }
        }
        (lo + hi) / 2.0
    }

    /// Kolmogorov-Smirnov distance between the samples in `lower..=upper` and the truncated
    /// power law of exponent `alpha` on that range.
    fn ks_distance(sorted: &[f64], lower: f64, upper: f64, alpha: f64) -> f64 {
        let inside: Vec<f64> = sorted
            .iter()
            .copied()
            .filter(|&e| e >= lower && e <= upper)
            .collect();
        let n = inside.len() as f64;
        let cdf = |e: f64| {
            (1.0 - (e / lower).powf(1.0 - alpha)) / (1.0 - (upper / lower).powf(1.0 - alpha))
        };
        inside
            .iter()
            .enumerate()
            .map(|(i, &e)| {
                let model = cdf(e);
                (model - i as f64 / n)
                    .abs()
                    .max((model - (i + 1) as f64 / n).abs())
            })
            .fold(0.0, f64::max)
    }

    /// Fits the click energy exponent as Clauset, Shalizi & Newman (2009) do: the lower bound
    /// (below which detection misses clicks) is the one whose maximum-likelihood fit is closest
    /// to the data (Kolmogorov-Smirnov), among those leaving at least two decades and
    /// [`MIN_FITTED`] clicks. Returns (alpha, lower bound, clicks fitted).
    fn fit_power_law(energies: &[f64]) -> (f64, f64, usize) {
        let mut sorted = energies.to_vec();
        sorted.sort_by(f64::total_cmp);
        let upper = *sorted.last().expect("clicks");
        sorted
            .iter()
            .enumerate()
            .filter(|&(i, &lower)| upper / lower >= 100.0 && sorted.len() - i >= MIN_FITTED)
            .map(|(i, &lower)| {
                let alpha = fit_alpha(&sorted, lower, upper);
                (
                    ks_distance(&sorted, lower, upper, alpha),
                    alpha,
                    lower,
                    sorted.len() - i,
                )
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, alpha, lower, fitted)| (alpha, lower, fitted))
            .expect("at least two decades of click energies")
    }

    /// Fewest clicks a power-law fit may rest on.
    const MIN_FITTED: usize = 200;

    #[test]
    fn click_energies_follow_a_power_law() {
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let energies: Vec<f64> = (0..40)
                .flat_map(|seed| {
                    clicks(&layers(variant, [0.0, 0.5, 0.5, 1.0], seed, Layer::Clicks))
                })
                .map(|(_, e)| e)
                .collect();
            let (alpha, lower, fitted) = fit_power_law(&energies);
            let largest = energies.iter().fold(0.0f64, |m, &e| m.max(e));
            let decades = (largest / lower).log10();
            println!(
                "{name}: {} clicks detected; alpha {alpha:.2} from the {fitted} over {decades:.1} \
                 decades of energy",
                energies.len()
            );
            assert!((1.2..=1.7).contains(&alpha), "{name}: alpha {alpha}");
        }
    }

    /// Detected clicks per second over several triggers.
    fn detected_rate(variant: usize, density: f32) -> f32 {
        let seeds = 12;
        let character = [density, 0.5, 0.5, 1.0];
        let count: usize = (0..seeds)
            .map(|seed| clicks(&layers(variant, character, seed, Layer::Clicks)).len())
            .sum();
        count as f32 / (seeds as f32 * log_map(1.0, STYLES[variant].length_range))
    }

    #[test]
    fn click_rate_follows_density() {
        // One step of log(2) / log(range) on the Density control doubles the nominal rate.
        let double = 2f32.ln() / (DENSITY_RANGE_PER_S.1 / DENSITY_RANGE_PER_S.0).ln();
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let rates: Vec<f32> = (0..3)
                .map(|k| detected_rate(variant, k as f32 * double))
                .collect();
            println!("{name}: detected {rates:.1?} clicks/s for nominal 12, 24, 48");
            // Detection merges the clicks of one avalanche (a few ms apart), so the detected
            // rate grows more slowly than the nominal one.
            for w in rates.windows(2) {
                let ratio = w[1] / w[0];
                assert!((1.25..=2.6).contains(&ratio), "{name}: {rates:?}");
            }
        }
    }

    #[test]
    fn clicks_come_in_bursts() {
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let mut gaps = Vec::new();
            for seed in 0..6 {
                let x = layers(variant, [0.3, 0.5, 0.5, 1.0], seed, Layer::Clicks);
                let onsets = clicks(&x);
                gaps.extend(onsets.windows(2).map(|w| (w[1].0 - w[0].0) as f64));
            }
            let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
            let cv = var.sqrt() / mean;
            println!(
                "{name}: {} gaps, coefficient of variation {cv:.2}",
                gaps.len()
            );
            // A Poisson stream has a coefficient of variation of 1; squeezes and avalanches
            // bunch the clicks beyond that, a periodic ticking would be far below.
            assert!(cv > 1.1, "{name}: cv {cv}");
        }
    }

    #[test]
    fn page_turn_swishes_then_flutters() {
        for seed in 0..4 {
            let length = 0.8;
            let x = layers(2, [0.2, 0.5, 0.5, length], seed, Layer::Rustle);
            let swish = (log_map(length, PAGE_TURN.length_range) * FS) as usize;
            // 10 envelope points over the turn.
            let env = testkit::envelope(&x[..swish], swish / 10);
            let peak = env.iter().fold(0.0f32, |m, &v| m.max(v));
            let peak_at = env.iter().position(|&v| v == peak).unwrap();
            println!(
                "page turn {seed}: swish envelope {:.2?}",
                env.iter().map(|v| v / peak).collect::<Vec<_>>()
            );
            // The lift and the page's crinkles rustle from the start, the swish peaks before
            // the last third, and the page lands quietly.
            assert!(peak_at <= 6, "peak at {peak_at} of 10");
            assert!(env[9] < 0.5 * peak);
            // Flutter: the envelope's modulation spectrum (1 ms hops, relative to its 50 ms
            // average) peaks between 10 and 60 Hz.
            let fine = testkit::envelope(&x[swish / 4..swish], (FS / 1000.0) as usize);
            let average = 25;
            let relative: Vec<f32> = (average..fine.len() - average)
                .map(|i| {
                    let mean =
                        fine[i - average..i + average].iter().sum::<f32>() / (2 * average) as f32;
                    fine[i] / mean.max(1e-9) - 1.0
                })
                .collect();
            let spectrum = testkit::power_spectrum(&relative);
            let bin_hz = 1000.0 / (2 * (spectrum.len() - 1)) as f64;
            let band = |lo: f64, hi: f64| {
                let (a, b) = ((lo / bin_hz) as usize, (hi / bin_hz) as usize);
                spectrum[a..b].iter().sum::<f64>() / (b - a) as f64
            };
            let strongest = (1..spectrum.len())
                .filter(|&k| (4.0..200.0).contains(&(k as f64 * bin_hz)))
                .max_by(|&a, &b| spectrum[a].total_cmp(&spectrum[b]))
                .unwrap() as f64
                * bin_hz;
            let contrast = band(10.0, 60.0) / band(80.0, 200.0);
            println!(
                "page turn {seed}: modulation peak {strongest:.1} Hz, 10-60 Hz / 80-200 Hz power {contrast:.1}"
            );
            assert!((10.0..=60.0).contains(&strongest) && contrast > 3.0);
        }
    }

    #[test]
    fn paper_levels_and_ending() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            let peaks: Vec<f32> = (0..4)
                .map(|seed| peak(&paper(variant, [0.5; 4], seed)))
                .collect();
            println!("{name}: peaks {peaks:.2?}");
            let loudest = peaks.iter().fold(0.0f32, |m, &v| m.max(v));
            // A sheet that rubs is turned down by the trim: its bed carries the loudness.
            let trim = if STYLES[variant].rubs {
                RUBBING_TRIM
            } else {
                1.0
            };
            assert!((0.25 * trim..=0.7).contains(&loudest), "{name}: {peaks:?}");
            for character in [
                [1.0; 4],
                [0.0; 4],
                [1.0, 0.0, 1.0, 1.0],
                [0.0, 1.0, 0.0, 0.0],
            ] {
                let x = paper(variant, character, 5);
                assert!(x.iter().all(|v| v.is_finite()) && peak(&x) <= 1.0);
            }
            let e = excitation(variant, [0.5, 0.5, 0.5, 0.0], 6);
            let longest = LENGTH_RANGE_S.0 + TAIL_S + 64.0 / FS;
            testkit::assert_finishes_silent::<Paper>(&e, longest, 64);
        }
    }

    #[test]
    fn paper_seeds_differ_and_repeat() {
        for variant in 0..INFO.variants.len() {
            let character = [0.5, 0.5, 0.5, 0.2];
            let seconds = log_map(character[3], LENGTH_RANGE_S) + TAIL_S;
            let e = excitation(variant, character, 7);
            testkit::assert_deterministic::<Paper>(&e, seconds, 37);
        }
    }

    #[test]
    fn larger_sheets_sound_lower() {
        for variant in 0..INFO.variants.len() {
            let centroid = |size: f32| {
                (0..4)
                    .map(|seed| {
                        testkit::spectral_centroid(&paper(variant, [0.6, size, 0.5, 0.5], seed), FS)
                    })
                    .sum::<f32>()
            };
            let (small, large) = (centroid(0.0) / 4.0, centroid(1.0) / 4.0);
            println!(
                "{}: centroid small sheet {small:.0} Hz, large {large:.0} Hz",
                INFO.variants[variant]
            );
            assert!(large < small);
        }
    }

    #[test]
    fn stiffer_paper_is_crisper() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            let centroid = |stiffness: f32| {
                (0..4)
                    .map(|seed| {
                        let x = paper(variant, [0.6, 0.5, stiffness, 0.5], seed);
                        testkit::spectral_centroid(&x, FS)
                    })
                    .sum::<f32>()
                    / 4.0
            };
            let (soft, crisp) = (centroid(0.0), centroid(1.0));
            println!("{name}: centroid soft {soft:.0} Hz, crisp {crisp:.0} Hz");
            assert!(crisp > 1.15 * soft, "{name}");
        }
    }

    /// Power in `low..high` Hz over the power in `reference` (a band of the same width in
    /// octaves) of the clicks-only render, summed over seeds.
    fn click_band_contrast(
        variant: usize,
        size: f32,
        band: (f32, f32),
        reference: (f32, f32),
    ) -> f64 {
        let (mut inside, mut outside) = (0.0, 0.0);
        for seed in 0..4 {
            let x = layers(variant, [0.6, size, 0.5, 0.5], seed, Layer::Clicks);
            inside += testkit::band_power(&x, FS, band.0, band.1);
            outside += testkit::band_power(&x, FS, reference.0, reference.1);
        }
        inside / outside
    }

    #[test]
    fn clicks_ring_a_bright_facet_band() {
        // Each click rings facet modes a few kHz up: at Size 0.5 the lowest sits at
        // about 2.8 kHz (times the variant's facet scale). The third of an octave around it
        // holds clearly more power than the third of an octave an octave below.
        for (variant, name) in INFO.variants.iter().enumerate() {
            let facet = STYLES[variant].facet_scale * log_map(0.5, FACET_HZ);
            let third = 2f32.powf(1.0 / 6.0);
            let band = (facet / third, facet * third);
            let below = (band.0 / 2.0, band.1 / 2.0);
            let contrast = click_band_contrast(variant, 0.5, band, below);
            println!("{name}: facet band {facet:.0} Hz over the octave below: {contrast:.1}");
            assert!(contrast > 1.6, "{name}: {contrast}");
        }
    }

    #[test]
    fn rustle_is_a_continuous_bright_band() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            let x = layers(variant, [0.5, 0.5, 0.5, 0.5], 3, Layer::Rustle);
            let length = (log_map(0.5, STYLES[variant].length_range) * FS) as usize;
            // Most of its power within an octave around the rustle band.
            let share = testkit::band_share(&x, FS, RUSTLE_HZ / 1.5, RUSTLE_HZ * 1.5);
            // Continuous: 20 ms frames over the middle of the trigger are rarely silent.
            let env = testkit::envelope(&x[length / 5..length * 4 / 5], (0.02 * FS) as usize);
            let loudest = env.iter().fold(0.0f32, |m, &v| m.max(v));
            let quiet =
                env.iter().filter(|&&v| v < 0.03 * loudest).count() as f32 / env.len() as f32;
            println!("{name}: rustle band share {share:.2}, silent frames {quiet:.2}");
            assert!(share > 0.6, "{name}: {share}");
            assert!(quiet < 0.25, "{name}: {quiet}");
        }
    }

    #[test]
    fn sheets_flap_a_few_hundred_hertz_low() {
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let low = |size: f32| {
                (0..4)
                    .map(|seed| {
                        let x = layers(variant, [0.5, size, 0.5, 0.5], seed, Layer::Flap);
                        let all = testkit::band_power(&x, FS, 20.0, 20_000.0);
                        (testkit::band_share(&x, FS, 20.0, 1_000.0), all)
                    })
                    .fold((0.0, 0.0), |a, b| (a.0 + b.0 / 4.0, a.1 + b.1))
            };
            let ((small_share, small), (large_share, large)) = (low(0.0), low(1.0));
            println!(
                "{name}: flap below 1 kHz: small sheet {small_share:.2}, large {large_share:.2}; \
                 power large / small {:.1}",
                large / small
            );
            assert!(small_share > 0.65 && large_share > 0.85 && large_share > small_share);
            assert!(large > 1.2 * small);
        }
    }

    /// Frame length (s) for measuring the layers against the gesture.
    const FRAME_S: f32 = 0.01;

    /// The gesture's relative rate (mean 1) at the middle of each [`FRAME_S`] frame of `x`,
    /// beside the frame's power.
    fn frames_against_gesture(x: &[f32], gesture: &Gesture) -> Vec<(f32, f64)> {
        let frame = (FRAME_S * FS) as usize;
        x.chunks_exact(frame)
            .enumerate()
            .map(|(i, c)| {
                let rate = gesture.rate((i * frame + frame / 2) as f32);
                let power = c.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>();
                (rate, power / frame as f64)
            })
            .collect()
    }

    #[test]
    fn friction_rubs_in_the_squeezes() {
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let (mut inside, mut outside) = (Vec::new(), Vec::new());
            for seed in 0..6 {
                let (x, gesture) =
                    layers_and_gesture(variant, [0.5, 0.5, 0.5, 1.0], seed, Layer::Friction);
                for (rate, power) in frames_against_gesture(&x, &gesture) {
                    if rate >= 1.0 {
                        inside.push(power);
                    } else if rate <= 0.1 {
                        outside.push(power);
                    }
                }
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
            let contrast_db = 10.0 * (mean(&inside) / mean(&outside).max(1e-30)).log10();
            println!(
                "{name}: friction in the squeezes ({} frames) over between them ({}): \
                 {contrast_db:.1} dB",
                inside.len(),
                outside.len()
            );
            // The hand works the sheet in the squeezes; between them the bed nearly stops
            // (the floor of the gesture and the drive's smoothing leave a little).
            assert!(inside.len() > 50 && outside.len() > 50, "{name}");
            assert!(contrast_db > 15.0, "{name}: {contrast_db} dB");
        }
    }

    #[test]
    fn friction_is_a_bright_grainy_band() {
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let x = layers(variant, [0.5, 0.5, 0.5, 1.0], 4, Layer::Friction);
            let (low, high) = (FRICTION_LOW_HZ, log_map(0.5, FRICTION_HIGH_HZ));
            let share = testkit::band_share(&x, FS, low, high);
            let below = testkit::band_share(&x, FS, 20.0, low / 2.0);
            // Grains, not a smooth hiss: 1 ms frames in the busiest half of the trigger
            // spread far more than those of a steady noise of the same band (whose 1 ms power
            // varies by about +-2 dB) or than the squeezes alone would spread them.
            let env = testkit::envelope(&x, (FS / 1000.0) as usize);
            let mut busy: Vec<f32> = env.iter().copied().filter(|&v| v > 0.0).collect();
            busy.sort_by(f32::total_cmp);
            let busy = &busy[busy.len() / 2..];
            let spread_db = 20.0 * (busy[busy.len() * 9 / 10] / busy[busy.len() / 10]).log10();
            println!(
                "{name}: friction band share {share:.2}, below {:.0} Hz {below:.3}; \
                 busy 1 ms frames spread {spread_db:.1} dB (10th to 90th percentile)",
                low / 2.0
            );
            // Second-order skirts leak a quarter of the power just outside the corners.
            assert!(share > 0.65, "{name}: {share}");
            assert!(below < 0.02, "{name}: {below}");
            assert!(spread_db > 20.0, "{name}: {spread_db}");
        }
    }

    #[test]
    fn clicks_cluster_in_the_squeezes() {
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let (mut onsets_inside, mut onsets, mut time_inside, mut time) = (0, 0, 0.0, 0.0);
            for seed in 0..6 {
                let (x, gesture) =
                    layers_and_gesture(variant, [0.4, 0.5, 0.5, 1.0], seed, Layer::Clicks);
                let end = log_map(1.0, STYLES[variant].length_range) * FS;
                for (at, _) in clicks(&x) {
                    onsets += 1;
                    if gesture.rate(at as f32) >= 1.0 {
                        onsets_inside += 1;
                    }
                }
                let step = FRAME_S * FS;
                let mut t = 0.0;
                while t < end {
                    time += 1.0;
                    if gesture.rate(t) >= 1.0 {
                        time_inside += 1.0;
                    }
                    t += step;
                }
            }
            let onset_share = onsets_inside as f32 / onsets as f32;
            let time_share = time_inside / time;
            println!(
                "{name}: {onset_share:.2} of {onsets} clicks fall where the hand squeezes \
                 (rate above its mean), {time_share:.2} of the time"
            );
            // Handled paper clicks while it is squeezed, not at random times as a fire does.
            assert!(
                onset_share > 0.7 && onset_share > 1.4 * time_share,
                "{name}"
            );
        }
    }

    /// Interval (s) between a layer's triggers in the hold tests.
    const HELD_INTERVAL_S: f32 = 4.0;

    /// A trigger of `variant` played with a rhythm of [`HELD_INTERVAL_S`], rendered until its
    /// hold has surely ended, with the sample at which its gesture has died away.
    fn held(variant: usize, seed: u64) -> (Vec<f32>, usize) {
        let character = [0.5; 4];
        let e = Excitation {
            interval_s: HELD_INTERVAL_S,
            ..excitation(variant, character, seed)
        };
        let seconds = HOLD_COVER_INTERVALS * HELD_INTERVAL_S + 2.0 * HOLD_FADE_S + 0.5;
        let handled = log_map(character[3], STYLES[variant].length_range) + TAIL_S;
        (
            testkit::render::<Paper>(FS, &e, seconds),
            (handled * FS) as usize,
        )
    }

    #[test]
    fn the_hand_holds_the_sheet_until_the_next_trigger() {
        for (variant, name) in INFO.variants.iter().enumerate() {
            for seed in 0..3 {
                let (x, handled) = held(variant, seed);
                let cover = HOLD_COVER_INTERVALS * HELD_INTERVAL_S + 2.0 * HOLD_FADE_S;
                let (from, to) = (handled, ((cover - HOLD_FADE_S) * FS) as usize);
                let rms = |v: &[f32]| {
                    (v.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / v.len() as f64)
                        .sqrt()
                };
                let under_db = 20.0 * (rms(&x[..handled]) / rms(&x[from..to])).log10();
                let hold = &x[from..to];
                let low = testkit::band_share(hold, FS, 20.0, 1_500.0);
                // Steady: no 50 ms frame of the hold falls 10 dB under its median.
                let mut env = testkit::envelope(hold, (0.05 * FS) as usize);
                env.sort_by(f32::total_cmp);
                let dip_db = 20.0 * (env[env.len() / 2] / env[0]).log10();
                let after = x[(cover * FS) as usize..].iter().all(|&v| v == 0.0);
                println!(
                    "{name} {seed}: hold {under_db:.1} dB under the gesture, {low:.2} of it \
                     below 1.5 kHz, deepest dip {dip_db:.1} dB"
                );
                // A faint low sway under the gesture (about 21 dB under a rubbed sheet's RMS,
                // 11 dB under a page turn's, which does not rub), there until the next
                // trigger's hold has taken over, then silence.
                let expected_db = if STYLES[variant] == PAGE_TURN {
                    8.0..=15.0
                } else {
                    17.0..=26.0
                };
                assert!(expected_db.contains(&under_db), "{name}: {under_db} dB");
                assert!(low > 0.7, "{name}: {low}");
                assert!(dip_db < 10.0, "{name}: {dip_db} dB");
                assert!(after, "{name}: still sounding");
            }
        }
    }

    #[test]
    fn held_sheets_repeat_per_seed() {
        for variant in 0..INFO.variants.len() {
            let e = Excitation {
                interval_s: 2.0,
                ..excitation(variant, [0.5, 0.5, 0.5, 0.2], 9)
            };
            testkit::assert_deterministic::<Paper>(&e, 3.2, 37);
        }
    }

    #[test]
    fn page_turn_has_no_friction_bed() {
        let mut sound = Paper::new(FS);
        sound.start(&excitation(2, [0.5; 4], 1));
        assert!(sound.friction.is_none());
    }
}
