//! Paper: crinkling, crumpling and page turns.
//!
//! A crumpled sheet gives way in discrete buckling events: clicks whose energies follow a power
//! law `p(E) ~ E^-alpha` with `alpha` about 1.3..1.6 (Houle & Sethna 1996). Clicks arrive as a
//! Poisson process whose rate follows the crumpling gesture (squeezes), so they come in
//! clusters. Each click is a short burst of noise (a fraction of a millisecond to a few
//! milliseconds), coloured by a crack filter and ringing a couple of sheet resonances. A page
//! turn is a swish of band-passed noise whose centre follows the page's motion, a flutter
//! (amplitude modulation at a few tens of hertz) as the page falls, and a soft slap as it
//! settles; bending the page as it is lifted adds a few crinkles.

use super::{
    CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, RngExt, TriggerRng, TriggerSound,
    exponential, jitter, lerp, log_map, seeded, smoothstep, soft_clip, white,
};
use crate::dsp::biquad::Biquad;
use crate::dsp::resonator::Resonator;
use std::f32::consts::{FRAC_1_SQRT_2, PI, TAU};

/// Mean click rate (clicks/s) over a trigger; the Density control maps onto it logarithmically.
const DENSITY_RANGE_PER_S: (f32, f32) = (5.0, 500.0);
/// Trigger duration (s); the Length control maps onto it logarithmically.
const LENGTH_RANGE_S: (f32, f32) = (0.2, 4.0);
/// Time (s) the sheet resonances and the settle thump are given to die away after the trigger.
const TAIL_S: f32 = 0.25;
/// Click burst lengths (ms, decay time constants) of the crispest paper (Stiffness 1).
const CRISP_CLICK_MS: (f32, f32) = (0.08, 0.8);
/// Click burst lengths (ms) of the softest, tissue-like paper (Stiffness 0).
const SOFT_CLICK_MS: (f32, f32) = (0.5, 4.0);
/// Burst length (ms) the click amplitudes are calibrated at: a click of this length and of the
/// largest energy peaks at the style's `loudest` level.
const REFERENCE_CLICK_MS: f32 = 0.5;
/// High-pass corner (Hz) of the crack filter (the sheet radiates little below it).
const CRACK_HIGHPASS_HZ: f32 = 500.0;
/// Low-pass corner (Hz) of the crack filter from soft (Stiffness 0) to crisp (Stiffness 1).
const CRACK_LOWPASS_HZ: (f32, f32) = (3_500.0, 14_000.0);
/// Lowest sheet resonance (Hz) from the smallest (Size 0) to the largest sheet (Size 1).
const SHEET_MODE_HZ: (f32, f32) = (900.0, 170.0);
/// Ratio of the second sheet resonance to the first (a plate's modes are inharmonic).
const SHEET_MODE_RATIO: f32 = 2.43;
/// Random spread (± fraction) of the sheet resonances from trigger to trigger.
const SHEET_MODE_SPREAD: f32 = 0.08;
/// Amplitude decay rate (1/s) of the sheet resonances from soft (damped) to crisp paper.
const SHEET_DECAY_PER_S: (f32, f32) = (450.0, 140.0);
/// Sheet resonance level (relative to the crack) from the smallest to the largest sheet.
const SHEET_BODY: (f32, f32) = (0.04, 0.12);
/// Centre (Hz) of the rustle (sheets sliding on each other) from soft to crisp paper.
const RUSTLE_HZ: (f32, f32) = (1_800.0, 5_000.0);
/// Rustle level relative to the loudest click, from crisp (Stiffness 1) to soft paper
/// (Stiffness 0): tissue rustles more than it crackles.
const RUSTLE_LEVEL: (f32, f32) = (0.001, 0.006);
/// Bandwidth (quality) of the rustle band.
const RUSTLE_Q: f32 = 0.7;
/// Most clicks sounding at once; a new click replaces the quietest.
const MAX_CLICKS: usize = 16;
/// Click amplitude below which a click slot counts as free (and is cleared, to keep the
/// decaying amplitudes out of the denormal range).
const CLICK_FLOOR: f32 = 1e-6;
/// Most squeezes (rate bumps) in one gesture.
const MAX_SQUEEZES: usize = 24;

/// Page turn: share of the trigger taken by the swish (the settle follows it).
const SWISH_SHARE: f32 = 0.8;
/// Page turn: swish envelope skew; below 1 puts the loudest part before the middle (the page
/// is fastest just after it is lifted).
const SWISH_SKEW: f32 = 0.8;
/// Page turn: swish band centre (Hz) at rest, from the smallest to the largest page; at full
/// page speed it sweeps up by [`SWISH_SWEEP`] (more for crisp paper).
const SWISH_LOW_HZ: (f32, f32) = (1_100.0, 450.0);
/// Page turn: how far (ratio) the swish centre sweeps up at full speed, soft to crisp paper.
const SWISH_SWEEP: (f32, f32) = (2.0, 6.0);
/// Page turn: swish band quality (centre / bandwidth), soft to crisp paper.
const SWISH_Q: (f32, f32) = (0.8, 1.6);
/// Page turn: swish level at its loudest.
const SWISH_LEVEL: f32 = 0.5;
/// Page turn: flutter rate (Hz) from the smallest to the largest page.
const FLUTTER_HZ: (f32, f32) = (38.0, 14.0);
/// Page turn: random spread (± fraction) of the flutter rate.
const FLUTTER_SPREAD: f32 = 0.15;
/// Page turn: flutter depth (share of the swish level it removes), soft to crisp paper.
const FLUTTER_DEPTH: (f32, f32) = (0.45, 0.8);
/// Page turn: where (share of the swish) the flutter fades in, is fully on, and fades out.
const FLUTTER_SPAN: (f32, f32, f32) = (0.3, 0.5, 0.97);
/// Page turn: the lift crinkle squeeze, as (centre, half width) in shares of the trigger.
const LIFT_SQUEEZE: (f32, f32) = (0.1, 0.12);
/// Page turn: energy (share of the largest click energy) of the slap as the page settles.
const SLAP_ENERGY: f32 = 0.15;
/// Page turn: settle thump resonance (Hz), smallest to largest page.
const THUMP_HZ: (f32, f32) = (180.0, 75.0);
/// Page turn: amplitude decay rate (1/s) of the thump.
const THUMP_DECAY_PER_S: f32 = 40.0;
/// Page turn: length (s) of the soft push (raised cosine) that excites the thump.
const THUMP_PUSH_S: f32 = 0.008;
/// Page turn: thump level.
const THUMP_LEVEL: f32 = 0.25;

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Paper",
    variants: &["Crinkle", "Crumple", "Page turn"],
    controls: [
        ControlInfo {
            name: "Density",
            description: "How many crackles per second, from 5 to 500.",
        },
        ControlInfo {
            name: "Size",
            description: "Size of the sheet: larger sheets sound lower, with more body.",
        },
        ControlInfo {
            name: "Stiffness",
            description: "From soft, tissue-like rustling to crisp, thin crackling paper.",
        },
        ControlInfo {
            name: "Length",
            description: "How long the paper is handled, from 0.2 s to 4 s.",
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
    /// Peak level of the largest click (of the reference burst length).
    loudest: f32,
    /// Click rate relative to the Density control.
    rate_scale: f32,
    /// Squeezes (crumpling gestures) per second (unused by the page turn's scripted gesture).
    squeezes_per_s: f32,
    /// Half width (s) of a squeeze, shortest and longest (unused by the page turn).
    squeeze_s: (f32, f32),
    /// Click rate between squeezes relative to a squeeze's peak (how steady the crackle is).
    floor: f32,
    /// Sheet resonance level relative to the usual body.
    body: f32,
    /// Whether the clicks come with a page turn's swish, flutter and settle.
    page_turn: bool,
}

/// Light, dense, small clicks: an even crackle.
const CRINKLE: Style = Style {
    alpha: 1.55,
    energy_span: 3_000.0,
    loudest: 1.6,
    rate_scale: 1.0,
    squeezes_per_s: 4.0,
    squeeze_s: (0.05, 0.2),
    floor: 0.5,
    body: 0.6,
    page_turn: false,
};

/// Heavier crumpling: bigger clicks in bigger clusters, more body.
const CRUMPLE: Style = Style {
    alpha: 1.4,
    energy_span: 3_000.0,
    loudest: 1.2,
    rate_scale: 1.0,
    squeezes_per_s: 1.5,
    squeeze_s: (0.12, 0.45),
    floor: 0.08,
    body: 1.5,
    page_turn: false,
};

/// A page turn; its clicks are the crinkles of the page bending as it is lifted: few and small.
const PAGE_TURN: Style = Style {
    alpha: 1.6,
    energy_span: 1_000.0,
    loudest: 0.8,
    rate_scale: 0.25,
    squeezes_per_s: 0.0,
    squeeze_s: (0.0, 0.0),
    floor: 0.0,
    body: 0.8,
    page_turn: true,
};

/// The variants' styles, in the order of [`INFO`]'s variants.
const STYLES: [Style; 3] = [CRINKLE, CRUMPLE, PAGE_TURN];

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

/// The page turn's swish, flutter and settle.
#[derive(Debug, Clone, Copy, Default)]
struct PageTurn {
    /// Swish length (samples).
    swish_len: f32,
    /// Swish band-pass, retuned every control block.
    band: Biquad,
    /// Swish centre at rest (Hz).
    low_hz: f32,
    /// Ratio the swish centre sweeps up by at full page speed.
    sweep: f32,
    /// Swish band quality.
    q: f32,
    /// Swish gain now.
    gain: f32,
    /// Per-sample step of `gain` in this control block.
    gain_step: f32,
    /// Flutter phase (radians).
    flutter_phase: f32,
    /// Flutter phase step per control block (radians).
    flutter_step: f32,
    /// Flutter depth (share of the swish it removes, 0..1).
    flutter_depth: f32,
    /// Sample at which the page settles.
    settle_at: usize,
    /// Settle thump resonance.
    thump: Resonator,
    /// Length (samples) of the push that rings the thump.
    push_len: f32,
}

impl PageTurn {
    /// Swish envelope (0..1, rise then fall) at `u`, the share of the swish played (0..1).
    fn envelope(u: f32) -> f32 {
        if (0.0..1.0).contains(&u) {
            (PI * u.powf(SWISH_SKEW)).sin().powi(2)
        } else {
            0.0
        }
    }

    /// Flutter window (0..1) at swish share `u`.
    fn flutter_window(u: f32) -> f32 {
        let (fade_in, full, fade_out) = FLUTTER_SPAN;
        smoothstep((u - fade_in) / (full - fade_in)) * smoothstep((fade_out - u) / (1.0 - full))
    }

    /// Updates the swish filter and gain glide for the control block starting at sample `t`.
    fn control(&mut self, t: f32, sample_rate: f32) {
        let block = CONTROL_BLOCK as f32;
        let u = (t + block) / self.swish_len;
        let envelope = Self::envelope(u);
        let centre = self.low_hz * self.sweep.powf(envelope);
        self.band
            .retune(&Biquad::bandpass(centre, self.q, sample_rate));
        self.flutter_phase = (self.flutter_phase + self.flutter_step) % TAU;
        let flutter = 1.0
            - self.flutter_depth * Self::flutter_window(u) * (0.5 + 0.5 * self.flutter_phase.sin());
        let target = SWISH_LEVEL * envelope * flutter;
        self.gain_step = (target - self.gain) / block;
    }

    /// The swish and thump sample at sample `t` given white noise `noise`.
    #[inline]
    fn sample(&mut self, t: usize, noise: f32) -> f32 {
        self.gain += self.gain_step;
        let swish = self.band.process(noise) * self.gain;
        let since_settle = t.wrapping_sub(self.settle_at) as f32;
        // A raised cosine of unit area: rings the thump at about unit amplitude.
        let push = if since_settle < self.push_len {
            (1.0 - (TAU * since_settle / self.push_len).cos()) / self.push_len
        } else {
            0.0
        };
        swish + THUMP_LEVEL * self.thump.process(push)
    }
}

/// A paper voice (all three variants).
#[derive(Debug, Clone)]
pub struct Paper {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// The trigger's random variation (seeded by the excitation).
    rng: TriggerRng,
    /// The variant being played.
    style: Style,
    /// Samples played since the start.
    played: usize,
    /// Sample at which the trigger has died away (0 when idle).
    end: usize,
    /// No click starts at or after this sample.
    clicks_until: usize,
    /// Output gain (intensity, 0..1).
    level: f32,
    /// The crumpling gesture the click rate follows.
    gesture: Gesture,
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
    /// Shortest and longest click burst decay time (samples).
    click_len: (f32, f32),
    /// `1 - d^2` of the reference burst's per-sample decay `d` (energy normalisation).
    reference_energy: f32,
    /// The sounding clicks.
    clicks: [Click; MAX_CLICKS],
    /// Crack filter: high-pass.
    crack_highpass: Biquad,
    /// Crack filter: low-pass.
    crack_lowpass: Biquad,
    /// The sheet's resonances.
    sheet: [Resonator; 2],
    /// Level of the sheet resonances.
    body: f32,
    /// Rustle band-pass.
    rustle_band: Biquad,
    /// Rustle level now (follows the gesture).
    rustle: f32,
    /// Per-sample step of `rustle` in this control block.
    rustle_step: f32,
    /// Rustle level at a relative gesture rate of 1.
    rustle_level: f32,
    /// The page turn's swish, flutter and settle (Page turn only).
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
        let len = log_map(rng.random::<f32>(), self.click_len);
        let decay = (-1.0 / len).exp();
        // Same energy for any burst length: amplitude^2 / (1 - decay^2) is fixed.
        let amplitude =
            self.style.loudest * (share * (1.0 - decay * decay) / self.reference_energy).sqrt();
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
        if self.style.page_turn {
            g.squeezes[0] = Squeeze {
                centre: LIFT_SQUEEZE.0 * length,
                half_width: LIFT_SQUEEZE.1 * length,
                height: 1.0,
            };
            g.count = 1;
        } else {
            let wanted = (self.style.squeezes_per_s * length / fs).ceil() as usize;
            g.count = wanted.clamp(1, MAX_SQUEEZES);
            for s in &mut g.squeezes[..g.count] {
                *s = Squeeze {
                    centre: self.rng.random::<f32>() * length,
                    half_width: log_map(self.rng.random::<f32>(), self.style.squeeze_s) * fs,
                    height: self.rng.random_range(0.3..1.0),
                };
            }
        }
        g.normalise(length);
        self.gesture = g;
    }

    /// Control-rate update for the [`CONTROL_BLOCK`] samples starting at the current one.
    fn control(&mut self) {
        let block = CONTROL_BLOCK as f32;
        let t = self.played as f32 + block;
        let relative = if self.played < self.clicks_until {
            self.gesture.rate(t)
        } else {
            0.0
        };
        self.rate_step = (self.mean_rate * relative - self.rate) / block;
        self.rustle_step = (self.rustle_level * relative - self.rustle) / block;
        for c in &mut self.clicks {
            if c.amplitude.abs() < CLICK_FLOOR {
                c.amplitude = 0.0;
            }
        }
        if let Some(page) = &mut self.page {
            page.control(self.played as f32, self.sample_rate);
        }
    }
}

impl TriggerSound for Paper {
    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            rng: seeded(0),
            style: CRINKLE,
            played: 0,
            end: 0,
            clicks_until: 0,
            level: 0.0,
            gesture: Gesture::default(),
            mean_rate: 0.0,
            rate: 0.0,
            rate_step: 0.0,
            hazard: 0.0,
            next_click: 0.0,
            one_minus_alpha: 0.0,
            span_term: 0.0,
            click_len: (1.0, 1.0),
            reference_energy: 1.0,
            clicks: [Click::default(); MAX_CLICKS],
            crack_highpass: Biquad::default(),
            crack_lowpass: Biquad::default(),
            sheet: [Resonator::default(); 2],
            body: 0.0,
            rustle_band: Biquad::default(),
            rustle: 0.0,
            rustle_step: 0.0,
            rustle_level: 0.0,
            page: None,
        }
    }

    fn start(&mut self, e: &Excitation) {
        let fs = self.sample_rate;
        let [density, size, stiffness, length] = e.character.map(|c| c.clamp(0.0, 1.0));
        self.rng = seeded(e.seed);
        let length_s = log_map(length, LENGTH_RANGE_S);
        let samples = length_s * fs;
        self.style = STYLES.get(e.variant).copied().unwrap_or(CRINKLE);
        self.page = self.style.page_turn.then(|| {
            let swish_len = SWISH_SHARE * samples;
            let mut thump = Resonator::default();
            thump.tune(log_map(size, THUMP_HZ), THUMP_DECAY_PER_S, fs);
            let spread = 1.0 + jitter(&mut self.rng, FLUTTER_SPREAD);
            PageTurn {
                swish_len,
                low_hz: log_map(size, SWISH_LOW_HZ),
                sweep: lerp(SWISH_SWEEP.0, SWISH_SWEEP.1, stiffness),
                q: lerp(SWISH_Q.0, SWISH_Q.1, stiffness),
                flutter_phase: self.rng.random::<f32>() * TAU,
                flutter_step: TAU * log_map(size, FLUTTER_HZ) * spread * CONTROL_BLOCK as f32 / fs,
                flutter_depth: lerp(FLUTTER_DEPTH.0, FLUTTER_DEPTH.1, stiffness),
                settle_at: swish_len as usize,
                thump,
                push_len: THUMP_PUSH_S * fs,
                ..PageTurn::default()
            }
        });
        self.played = 0;
        self.end = (samples + TAIL_S * fs) as usize;
        self.clicks_until = match &self.page {
            Some(page) => page.settle_at,
            None => samples as usize,
        };
        self.level = e.intensity.clamp(0.0, 1.0);
        self.draw_gesture(samples);
        self.mean_rate = self.style.rate_scale * log_map(density, DENSITY_RANGE_PER_S) / fs;
        self.rate = 0.0;
        self.rate_step = 0.0;
        self.hazard = 0.0;
        self.next_click = exponential(&mut self.rng);
        self.one_minus_alpha = 1.0 - self.style.alpha;
        self.span_term = 1.0 - self.style.energy_span.powf(self.one_minus_alpha);
        let ms = |range: (f32, f32)| (range.0 * fs / 1000.0, range.1 * fs / 1000.0);
        let (crisp, soft) = (ms(CRISP_CLICK_MS), ms(SOFT_CLICK_MS));
        self.click_len = (
            lerp(soft.0, crisp.0, stiffness),
            lerp(soft.1, crisp.1, stiffness),
        );
        let reference_decay = (-1000.0 / (REFERENCE_CLICK_MS * fs)).exp();
        self.reference_energy = 1.0 - reference_decay * reference_decay;
        self.clicks = [Click::default(); MAX_CLICKS];
        self.crack_highpass = Biquad::highpass(CRACK_HIGHPASS_HZ, FRAC_1_SQRT_2, fs);
        let lowpass = log_map(stiffness, CRACK_LOWPASS_HZ);
        self.crack_lowpass = Biquad::lowpass(lowpass, FRAC_1_SQRT_2, fs);
        let mode = log_map(size, SHEET_MODE_HZ) * (1.0 + jitter(&mut self.rng, SHEET_MODE_SPREAD));
        let decay = log_map(stiffness, SHEET_DECAY_PER_S);
        for (k, r) in self.sheet.iter_mut().enumerate() {
            r.reset();
            r.tune(mode * SHEET_MODE_RATIO.powi(k as i32), decay, fs);
        }
        self.body = self.style.body * lerp(SHEET_BODY.0, SHEET_BODY.1, size);
        self.rustle_band = Biquad::bandpass(log_map(stiffness, RUSTLE_HZ), RUSTLE_Q, fs);
        self.rustle = 0.0;
        self.rustle_step = 0.0;
        self.rustle_level = self.style.loudest * log_map(1.0 - stiffness, RUSTLE_LEVEL);
    }

    fn render(&mut self, out: &mut [f32]) -> bool {
        for o in out.iter_mut() {
            if self.played >= self.end {
                return false;
            }
            if self.played.is_multiple_of(CONTROL_BLOCK) {
                self.control();
            }
            self.rate += self.rate_step;
            self.hazard += self.rate.max(0.0);
            if self.hazard >= self.next_click {
                self.hazard = 0.0;
                self.next_click = exponential(&mut self.rng);
                self.spawn_click(None);
            }
            if self
                .page
                .as_ref()
                .is_some_and(|p| p.settle_at == self.played)
            {
                self.spawn_click(Some(SLAP_ENERGY));
            }
            let mut burst = 0.0;
            for c in &mut self.clicks {
                burst += c.amplitude;
                c.amplitude *= c.decay;
            }
            let noise = white(&mut self.rng);
            let excitation = burst * noise;
            let crack = self
                .crack_lowpass
                .process(self.crack_highpass.process(excitation));
            let body: f32 = self.sheet.iter_mut().map(|r| r.process(excitation)).sum();
            self.rustle += self.rustle_step;
            let rustle = self.rustle_band.process(noise) * self.rustle;
            let page = match &mut self.page {
                Some(p) => p.sample(self.played, noise),
                None => 0.0,
            };
            *o += soft_clip(self.level * (crack + self.body * body + rustle + page));
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
                .flat_map(|seed| clicks(&paper(variant, [0.1, 0.5, 0.5, 1.0], seed)))
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
            .map(|seed| clicks(&paper(variant, character, seed)).len())
            .sum();
        count as f32 / (seeds as f32 * log_map(1.0, LENGTH_RANGE_S))
    }

    #[test]
    fn click_rate_follows_density() {
        // One step of log(2) / log(100) on the Density control doubles the nominal rate.
        let double = 2f32.ln() / 100f32.ln();
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let rates: Vec<f32> = (0..3)
                .map(|k| detected_rate(variant, k as f32 * double))
                .collect();
            println!("{name}: detected {rates:.1?} clicks/s for nominal 5, 10, 20");
            for w in rates.windows(2) {
                let ratio = w[1] / w[0];
                assert!((1.4..=2.6).contains(&ratio), "{name}: {rates:?}");
            }
        }
    }

    #[test]
    fn clicks_are_not_periodic() {
        for (variant, name) in [(0, "Crinkle"), (1, "Crumple")] {
            let mut gaps = Vec::new();
            for seed in 0..6 {
                let onsets = clicks(&paper(variant, [0.3, 0.5, 0.5, 1.0], seed));
                gaps.extend(onsets.windows(2).map(|w| (w[1].0 - w[0].0) as f64));
            }
            let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
            let cv = var.sqrt() / mean;
            println!(
                "{name}: {} gaps, coefficient of variation {cv:.2}",
                gaps.len()
            );
            assert!(cv > 0.5, "{name}: cv {cv}");
        }
    }

    #[test]
    fn page_turn_swishes_then_flutters() {
        for seed in 0..4 {
            let length = 0.8;
            let x = paper(2, [0.2, 0.5, 0.5, length], seed);
            let swish = (SWISH_SHARE * log_map(length, LENGTH_RANGE_S) * FS) as usize;
            // Rise then fall: 10 envelope points over the swish.
            let env = testkit::envelope(&x[..swish], swish / 10);
            let peak = env.iter().fold(0.0f32, |m, &v| m.max(v));
            let peak_at = env.iter().position(|&v| v == peak).unwrap();
            println!(
                "page turn {seed}: swish envelope {:.2?}",
                env.iter().map(|v| v / peak).collect::<Vec<_>>()
            );
            assert!((2..=6).contains(&peak_at), "peak at {peak_at} of 10");
            assert!(env[0] < 0.5 * peak && env[9] < 0.5 * peak);
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
            assert!((0.25..=0.7).contains(&loudest), "{name}: {peaks:?}");
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
            assert!(crisp > 1.2 * soft, "{name}");
        }
    }
}
