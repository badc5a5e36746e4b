//! Fire: a soft crackling fire, after Farnell (Designing Sound, "Fire"): lapping flames (a
//! slowly swaying low band of noise), hiss (a soft, flickering high band of noise) and crackles
//! (short bursts of resonant filtered noise at Poisson times, now and then in little
//! clusters). A trigger is a stretch of fire that fades in and out.

use super::{
    CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, RngExt, TriggerRng, TriggerSound,
    exponential, lerp, log_map, seeded, soft_clip, white,
};
use crate::dsp::biquad::Biquad;
use crate::dsp::one_pole::OnePole;
use std::f32::consts::{FRAC_1_SQRT_2, PI};

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Fire",
    variants: &["Campfire", "Fireplace", "Embers"],
    controls: [
        ControlInfo {
            name: "Crackle",
            description: "How often the wood crackles, from one every two seconds to 30 a second.",
        },
        ControlInfo {
            name: "Lapping",
            description: "How loud the low roar of the lapping flames is.",
        },
        ControlInfo {
            name: "Hiss",
            description: "How loud the soft high hiss of the burning gases is.",
        },
        ControlInfo {
            name: "Length",
            description: "How long the fire burns, from 1 s to 20 s, fading in and out.",
        },
    ],
    sustained: true,
};

/// Crackles per second at Crackle 0 and 1 (logarithmic in between), before the variant's
/// multiplier.
const CRACKLE_RATE_RANGE: (f32, f32) = (0.5, 30.0);
/// Length of the stretch of fire (s) at Length 0 and 1 (logarithmic in between).
const LENGTH_RANGE_S: (f32, f32) = (1.0, 20.0);
/// Fade-in and fade-out times (s).
const FADE_S: (f32, f32) = (0.4, 0.8);
/// Longest share of the stretch each fade may take.
const MAX_FADE_SHARE: f32 = 0.3;

/// High-pass corner (Hz) of the lapping band.
const LAPPING_HIGH_PASS_HZ: f32 = 100.0;
/// Low-pass corner (Hz) of the lapping band when the flames are lowest and highest: it
/// follows their sway.
const LAPPING_LOW_PASS_HZ: (f32, f32) = (350.0, 650.0);
/// Gain of the lapping band at Lapping 1 (an RMS level of about 0.1 on average).
const LAPPING_GAIN: f32 = 2.2;
/// Hiss band: high-pass and low-pass corners (Hz).
const HISS_BAND_HZ: (f32, f32) = (2500.0, 9000.0);
/// Gain of the hiss band at Hiss 1 (an RMS level of about 0.02 on average).
const HISS_GAIN: f32 = 0.2;

/// How a random level wanders.
#[derive(Debug, Clone, Copy)]
struct DriftSpec {
    /// Lowest and highest level.
    range: (f32, f32),
    /// Time (s) before a new target, random in the range.
    hold_s: (f32, f32),
    /// Corner (Hz) of the two smoothing low-passes.
    smoothing_hz: f32,
}

/// The slow swell and fall of the flames (lapping level and brightness).
const LAPPING_SWAY: DriftSpec = DriftSpec {
    range: (0.35, 1.0),
    hold_s: (0.15, 0.6),
    smoothing_hz: 1.5,
};
/// The quick flicker of the lapping.
const LAPPING_FLICKER: DriftSpec = DriftSpec {
    range: (0.6, 1.0),
    hold_s: (0.02, 0.08),
    smoothing_hz: 10.0,
};
/// The slow swell of the hiss.
const HISS_SWAY: DriftSpec = DriftSpec {
    range: (0.3, 1.0),
    hold_s: (0.2, 0.8),
    smoothing_hz: 1.0,
};
/// The quick flicker of the hiss.
const HISS_FLICKER: DriftSpec = DriftSpec {
    range: (0.5, 1.0),
    hold_s: (0.01, 0.05),
    smoothing_hz: 15.0,
};

/// Crackles sounding at once, at most (a new one takes over the nearest to its end).
const CRACKLE_SLOTS: usize = 4;
/// Crackle duration (s): how long its envelope stays within 20 dB of its peak, shortest and
/// longest. Durations are the shortest plus an exponential spread, cut at the longest.
const CRACKLE_DURATION_S: (f32, f32) = (0.002, 0.02);
/// Mean (s) of the exponential spread of crackle durations.
const CRACKLE_DURATION_SPREAD_S: f32 = 0.004;
/// Decay of a crackle's envelope over its burst: (1 - t / burst) to this power.
const CRACKLE_DECAY_POWER: i32 = 3;
/// Share of the burst the envelope spends within 20 dB of its peak: 1 - 0.1^(1 / 3).
const CRACKLE_DURATION_SHARE: f32 = 0.536;

/// The resonance of a kind of crackle.
#[derive(Debug, Clone, Copy)]
struct Timbre {
    /// Centre frequency (Hz), random (logarithmic) in the range.
    centre_hz: (f32, f32),
    /// Quality, random in the range.
    q: (f32, f32),
    /// Level (0..1) relative to the loudest crackles.
    level: f32,
}

/// A snap: the sharp, bright crackle of splitting wood and bursting sap.
const SNAP: Timbre = Timbre {
    centre_hz: (1200.0, 7000.0),
    q: (1.5, 5.0),
    level: 1.0,
};
/// A pop: a low, woody crackle.
const POP: Timbre = Timbre {
    centre_hz: (300.0, 900.0),
    q: (1.0, 2.5),
    level: 0.6,
};

/// Bandwidth (Hz) at which a crackle's gain is [`CRACKLE_PEAK`]; narrower resonances pass
/// less noise and are boosted to match.
const CRACKLE_REFERENCE_BANDWIDTH_HZ: f32 = 1000.0;
/// Drive level of the loudest crackles (into a resonance of the reference bandwidth).
const CRACKLE_PEAK: f32 = 2.4;
/// Crackles are summed and softly saturated below this level.
const CRACKLE_CEILING: f32 = 0.6;
/// Spread (dB) of crackle levels below the loudest.
const CRACKLE_DYNAMICS_DB: f32 = 15.0;
/// Follow-up crackles in a cluster, inclusive range.
const CLUSTER_SIZE: (u32, u32) = (1, 4);
/// Time (s) from the end of one crackle of a cluster (its duration) to the next, random in
/// the range.
const CLUSTER_GAP_S: (f32, f32) = (0.005, 0.04);
/// Level of cluster follow-ups relative to their first crackle, random in the range.
const CLUSTER_LEVEL: (f32, f32) = (0.5, 1.0);
/// How long a crackle's resonance rings on after its burst, in time constants (87 dB down).
const RING_TIME_CONSTANTS: f32 = 10.0;
/// Shortest mean time (s) between independent crackles.
const MIN_CRACKLE_INTERVAL_S: f32 = 0.002;

/// How a variant shapes the fire.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Multiplier on the Crackle control's rate.
    rate: f32,
    /// Crackle level (0..1).
    crackle: f32,
    /// Probability that a crackle is a low pop.
    pops: f32,
    /// Probability that a crackle starts a cluster.
    clusters: f32,
    /// Lapping level (0..1) at Lapping 1.
    lapping: f32,
    /// Hiss level (0..1) at Hiss 1.
    hiss: f32,
}

/// The variants' styles, in the order of [`INFO`]'s variants.
const STYLES: [Style; 3] = [
    // Campfire: lively crackle.
    Style {
        rate: 1.0,
        crackle: 1.0,
        pops: 0.15,
        clusters: 0.25,
        lapping: 0.8,
        hiss: 1.0,
    },
    // Fireplace: softer, more lapping.
    Style {
        rate: 0.6,
        crackle: 0.7,
        pops: 0.1,
        clusters: 0.15,
        lapping: 1.0,
        hiss: 0.7,
    },
    // Embers: sparse crackles, quiet hiss.
    Style {
        rate: 0.3,
        crackle: 0.8,
        pops: 0.05,
        clusters: 0.1,
        lapping: 0.35,
        hiss: 0.3,
    },
];

/// A random level wandering within a range: a new target every so often, smoothed by two
/// one-pole low-passes.
#[derive(Debug, Clone, Copy)]
struct Drift {
    /// Level the drift starts from (the middle of its range).
    centre: f32,
    /// Lowest and highest level.
    range: (f32, f32),
    /// Time (samples) before a new target, random in the range.
    hold: (usize, usize),
    /// Samples until the next target.
    countdown: usize,
    /// Current target.
    target: f32,
    /// Smoothing of `target - centre`.
    smooth: [OnePole; 2],
}

impl Drift {
    /// A drift after `spec` at `sample_rate` (Hz), resting at the middle of its range.
    fn new(spec: &DriftSpec, sample_rate: f32) -> Self {
        let centre = 0.5 * (spec.range.0 + spec.range.1);
        let mut smooth = OnePole::default();
        smooth.set_coefficient(OnePole::coefficient(spec.smoothing_hz, sample_rate));
        let samples = |s: f32| ((s * sample_rate) as usize).max(1);
        Self {
            centre,
            range: spec.range,
            hold: (samples(spec.hold_s.0), samples(spec.hold_s.1)),
            countdown: 0,
            target: centre,
            smooth: [smooth; 2],
        }
    }

    /// Back to the middle of the range.
    fn reset(&mut self) {
        self.countdown = 0;
        self.target = self.centre;
        self.smooth.iter_mut().for_each(OnePole::reset);
    }

    /// The next sample's level.
    #[inline]
    fn next(&mut self, rng: &mut TriggerRng) -> f32 {
        if self.countdown == 0 {
            self.target = rng.random_range(self.range.0..self.range.1);
            self.countdown = rng.random_range(self.hold.0..=self.hold.1);
        }
        self.countdown -= 1;
        let [first, second] = &mut self.smooth;
        self.centre + second.process(first.process(self.target - self.centre))
    }
}

/// One crackle: a burst of noise with a sharp attack and a fast decay, through a resonance.
#[derive(Debug, Clone, Copy, Default)]
struct Crackle {
    /// The crackle's pitch and brightness.
    resonance: Biquad,
    /// Samples left in the burst.
    left: usize,
    /// Samples the resonance rings on after the burst.
    ring: usize,
    /// Reciprocal of the burst's length (1 / samples).
    rate: f32,
    /// Peak level of the burst.
    amplitude: f32,
}

impl Crackle {
    /// The next sample, with `noise` the burst's white noise. A finished crackle stays silent
    /// (and costs nothing: its resonance would decay into slow subnormal numbers).
    #[inline]
    fn process(&mut self, noise: f32) -> f32 {
        let drive = if self.left > 0 {
            self.left -= 1;
            let x = self.left as f32 * self.rate;
            self.amplitude * x.powi(CRACKLE_DECAY_POWER) * noise
        } else if self.ring > 0 {
            self.ring -= 1;
            0.0
        } else {
            return 0.0;
        };
        self.resonance.process(drive)
    }
}

/// A fire voice.
#[derive(Debug, Clone)]
pub struct Fire {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// This fire's random variation.
    rng: TriggerRng,
    /// The variant's character.
    style: Style,
    /// Overall gain (intensity).
    gain: f32,
    /// Gain of the lapping band (Lapping and the variant).
    lapping_gain: f32,
    /// Gain of the hiss band (Hiss and the variant).
    hiss_gain: f32,
    /// Length of the stretch (samples).
    length: usize,
    /// Samples played.
    played: usize,
    /// Fade-in length (samples, at least 1).
    fade_in: usize,
    /// Fade-out length (samples, at least 1).
    fade_out: usize,
    /// Whether the fire is burning.
    active: bool,
    /// Lapping band (high-pass, low-pass).
    lapping: [Biquad; 2],
    /// Hiss band (high-pass, low-pass).
    hiss: [Biquad; 2],
    /// Slow swell of the lapping's level and brightness.
    lapping_sway: Drift,
    /// Quick flicker of the lapping's level.
    lapping_flicker: Drift,
    /// Slow swell of the hiss.
    hiss_sway: Drift,
    /// Quick flicker of the hiss.
    hiss_flicker: Drift,
    /// The crackles sounding.
    crackles: [Crackle; CRACKLE_SLOTS],
    /// Mean time (samples) between independent crackles.
    mean_interval: f32,
    /// Samples until the next crackle.
    until_crackle: usize,
    /// Follow-ups left in the current cluster.
    cluster_left: u32,
    /// Level of the cluster's first crackle.
    cluster_amplitude: f32,
}

impl Fire {
    /// Starts a crackle in the slot nearest to its end.
    fn spawn_crackle(&mut self) {
        let fs = self.sample_rate;
        let rng = &mut self.rng;
        let follower = self.cluster_left > 0;
        let amplitude = if follower {
            self.cluster_amplitude * rng.random_range(CLUSTER_LEVEL.0..CLUSTER_LEVEL.1)
        } else {
            let db = -CRACKLE_DYNAMICS_DB * rng.random::<f32>();
            CRACKLE_PEAK * self.style.crackle * 10f32.powf(db / 20.0)
        };
        let timbre = if rng.random::<f32>() < self.style.pops {
            POP
        } else {
            SNAP
        };
        let centre = log_map(rng.random::<f32>(), timbre.centre_hz);
        let q = rng.random_range(timbre.q.0..timbre.q.1);
        let duration = (CRACKLE_DURATION_S.0 + exponential(rng) * CRACKLE_DURATION_SPREAD_S)
            .min(CRACKLE_DURATION_S.1);
        let length = duration / CRACKLE_DURATION_SHARE * fs;
        let slot = self
            .crackles
            .iter_mut()
            .min_by_key(|c| (c.left, c.ring))
            .expect("crackle slots");
        // A resonance's ring decays with time constant q / (pi centre).
        let ring = RING_TIME_CONSTANTS * q / (PI * centre) * fs;
        *slot = Crackle {
            resonance: Biquad::bandpass(centre, q, fs),
            left: length as usize,
            ring: ring as usize,
            rate: 1.0 / length,
            amplitude: amplitude
                * timbre.level
                * (CRACKLE_REFERENCE_BANDWIDTH_HZ * q / centre).sqrt(),
        };
        if follower {
            self.cluster_left -= 1;
        } else {
            self.cluster_amplitude = amplitude;
            if rng.random::<f32>() < self.style.clusters {
                self.cluster_left = rng.random_range(CLUSTER_SIZE.0..=CLUSTER_SIZE.1);
            }
        }
        let wait = if self.cluster_left > 0 {
            (duration + rng.random_range(CLUSTER_GAP_S.0..CLUSTER_GAP_S.1)) * fs
        } else {
            // Exponential waiting times: Poisson crackles.
            exponential(rng) * self.mean_interval
        };
        self.until_crackle = (wait as usize).max(1);
    }

    /// The fade gain (0..1) at the current sample.
    #[inline]
    fn fade(&self) -> f32 {
        let rise = self.played as f32 / self.fade_in as f32;
        let fall = (self.length - self.played) as f32 / self.fade_out as f32;
        let edge = rise.min(fall).min(1.0);
        edge * edge
    }
}

impl TriggerSound for Fire {
    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            rng: seeded(0),
            style: STYLES[0],
            gain: 0.0,
            lapping_gain: 0.0,
            hiss_gain: 0.0,
            length: 0,
            played: 0,
            fade_in: 1,
            fade_out: 1,
            active: false,
            lapping: [Biquad::default(); 2],
            hiss: [Biquad::default(); 2],
            lapping_sway: Drift::new(&LAPPING_SWAY, sample_rate),
            lapping_flicker: Drift::new(&LAPPING_FLICKER, sample_rate),
            hiss_sway: Drift::new(&HISS_SWAY, sample_rate),
            hiss_flicker: Drift::new(&HISS_FLICKER, sample_rate),
            crackles: [Crackle::default(); CRACKLE_SLOTS],
            mean_interval: 0.0,
            until_crackle: 0,
            cluster_left: 0,
            cluster_amplitude: 0.0,
        }
    }

    fn start(&mut self, e: &Excitation) {
        let [crackle, lapping, hiss, length] = e.character;
        let fs = self.sample_rate;
        self.rng = seeded(e.seed);
        self.style = STYLES[e.variant.min(STYLES.len() - 1)];
        self.gain = e.intensity.clamp(0.0, 1.0);
        self.lapping_gain = LAPPING_GAIN * self.style.lapping * lapping.clamp(0.0, 1.0);
        self.hiss_gain = HISS_GAIN * self.style.hiss * hiss.clamp(0.0, 1.0);
        self.length = (log_map(length, LENGTH_RANGE_S) * fs) as usize;
        let longest_fade = MAX_FADE_SHARE * self.length as f32;
        self.fade_in = ((FADE_S.0 * fs).min(longest_fade) as usize).max(1);
        self.fade_out = ((FADE_S.1 * fs).min(longest_fade) as usize).max(1);
        self.played = 0;
        self.active = true;
        self.lapping = [
            Biquad::highpass(LAPPING_HIGH_PASS_HZ, FRAC_1_SQRT_2, fs),
            Biquad::lowpass(LAPPING_LOW_PASS_HZ.1, FRAC_1_SQRT_2, fs),
        ];
        self.hiss = [
            Biquad::highpass(HISS_BAND_HZ.0, FRAC_1_SQRT_2, fs),
            Biquad::lowpass(HISS_BAND_HZ.1, FRAC_1_SQRT_2, fs),
        ];
        for drift in [
            &mut self.lapping_sway,
            &mut self.lapping_flicker,
            &mut self.hiss_sway,
            &mut self.hiss_flicker,
        ] {
            drift.reset();
        }
        self.crackles = [Crackle::default(); CRACKLE_SLOTS];
        // Clusters add crackles (and a little time): keep the mean rate on the control's.
        let rate = log_map(crackle, CRACKLE_RATE_RANGE) * self.style.rate;
        let follow_ups = self.style.clusters * 0.5 * (CLUSTER_SIZE.0 + CLUSTER_SIZE.1) as f32;
        let mean_duration = CRACKLE_DURATION_S.0 + CRACKLE_DURATION_SPREAD_S;
        let mean_gap = 0.5 * (CLUSTER_GAP_S.0 + CLUSTER_GAP_S.1);
        let cluster_time = follow_ups * (mean_duration + mean_gap);
        let interval = ((1.0 + follow_ups) / rate - cluster_time).max(MIN_CRACKLE_INTERVAL_S);
        self.mean_interval = interval * fs;
        self.cluster_left = 0;
        self.until_crackle = (exponential(&mut self.rng) * self.mean_interval) as usize;
    }

    fn render(&mut self, out: &mut [f32]) -> bool {
        if !self.active {
            return false;
        }
        for o in out.iter_mut() {
            if self.played >= self.length {
                self.active = false;
                return false;
            }
            if self.until_crackle == 0 {
                self.spawn_crackle();
            }
            self.until_crackle -= 1;

            let air = white(&mut self.rng);
            let burst = white(&mut self.rng);
            let sway = self.lapping_sway.next(&mut self.rng);
            if self.played.is_multiple_of(CONTROL_BLOCK) {
                let corner = lerp(LAPPING_LOW_PASS_HZ.0, LAPPING_LOW_PASS_HZ.1, sway);
                self.lapping[1].retune(&Biquad::lowpass(corner, FRAC_1_SQRT_2, self.sample_rate));
            }
            let lapping_level = self.lapping_gain * sway * self.lapping_flicker.next(&mut self.rng);
            let hiss_level = self.hiss_gain
                * self.hiss_sway.next(&mut self.rng)
                * self.hiss_flicker.next(&mut self.rng);
            let [high_pass, low_pass] = &mut self.lapping;
            let lapping = low_pass.process(high_pass.process(air));
            let [high_pass, low_pass] = &mut self.hiss;
            let hiss = low_pass.process(high_pass.process(air));
            let mut crackle = 0.0;
            for c in &mut self.crackles {
                crackle += c.process(burst);
            }
            let crackle = CRACKLE_CEILING * soft_clip(crackle / CRACKLE_CEILING);
            *o += self.gain * self.fade() * (lapping_level * lapping + hiss_level * hiss + crackle);
            self.played += 1;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{self, FS, excitation, peak};
    use super::*;

    /// Middle controls and a 4.5 s stretch.
    const MIDDLE: [f32; 4] = [0.5; 4];
    /// The part of a 20 s stretch (Length 1) clear of the fades (s).
    const STEADY_S: (f32, f32) = (0.5, 19.0);

    /// The steady part of a 20 s campfire with lapping and hiss off, so crackles stand alone.
    fn crackles_only(crackle: f32, seed: u64) -> Vec<f32> {
        let x = testkit::render::<Fire>(FS, &excitation(0, [crackle, 0.0, 0.0, 1.0], seed), 20.0);
        x[(STEADY_S.0 * FS) as usize..(STEADY_S.1 * FS) as usize].to_vec()
    }

    /// Crackle onsets (samples): the 1 ms envelope jumps 12 dB above the last 2 ms, and
    /// tops -50 dB within 3 ms.
    fn crackle_onsets(x: &[f32]) -> Vec<usize> {
        let hop = (0.001 * FS) as usize;
        let env = testkit::envelope(x, hop);
        testkit::onsets(x, FS, 12.0, 2.0, 5.0)
            .into_iter()
            .filter(|&n| {
                let frame = n / hop;
                env[frame..(frame + 3).min(env.len())]
                    .iter()
                    .any(|&v| v > 0.003)
            })
            .collect()
    }

    /// Durations (s) of the crackles in `x`: how long the 0.5 ms RMS envelope stays within
    /// 20 dB of each crackle's peak, between its onset and the next. Crackles still within
    /// 20 dB of their peak when the next one starts (overlapping) are left out.
    fn crackle_durations(x: &[f32]) -> Vec<f32> {
        let hop = (0.0005 * FS) as usize;
        let env = testkit::envelope(x, hop);
        let starts: Vec<usize> = crackle_onsets(x).iter().map(|n| n / hop).collect();
        let longest = (0.06 * FS) as usize / hop;
        starts
            .iter()
            .enumerate()
            .filter_map(|(k, &start)| {
                let end = starts
                    .get(k + 1)
                    .copied()
                    .unwrap_or(env.len())
                    .min(start + longest)
                    .min(env.len());
                // From a frame before the onset: the envelope is coarser than the onsets.
                let run = &env[start.saturating_sub(1)..end];
                let floor = run.iter().fold(0.0f32, |m, &v| m.max(v)) / 10.0;
                let first = run.iter().position(|&v| v >= floor)?;
                let last = run.iter().rposition(|&v| v >= floor)?;
                (last + 1 < run.len()).then(|| ((last + 1 - first) * hop) as f32 / FS)
            })
            .collect()
    }

    /// Crackles are short: 1 to 30 ms within 20 dB of their peak.
    #[test]
    fn crackles_are_short() {
        let mut durations: Vec<f32> = (0..8)
            .flat_map(|seed| crackle_durations(&crackles_only(0.5, seed)))
            .map(|d| d * 1000.0)
            .collect();
        durations.sort_by(f32::total_cmp);
        let (shortest, median, longest) = (
            durations[0],
            durations[durations.len() / 2],
            durations[durations.len() - 1],
        );
        println!(
            "{} crackles: {shortest:.1} ms shortest, {median:.1} ms median, {longest:.1} ms longest",
            durations.len()
        );
        assert!(durations.len() > 300);
        assert!(shortest >= 1.0 && longest <= 30.0);
    }

    /// The detected crackle rate follows the Crackle control's mapping.
    #[test]
    fn crackle_rate_follows_control() {
        let mut last = 0.0;
        for crackle in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let expected = log_map(crackle, CRACKLE_RATE_RANGE);
            // Enough seeds for some 300 crackles: clusters make the count vary.
            let seeds = (300.0 / (expected * (STEADY_S.1 - STEADY_S.0))).ceil() as u64;
            let count: usize = (0..seeds)
                .map(|seed| crackle_onsets(&crackles_only(crackle, seed)).len())
                .sum();
            let rate = count as f32 / (seeds as f32 * (STEADY_S.1 - STEADY_S.0));
            println!("Crackle {crackle}: {rate:.2} per second (mapping {expected:.2})");
            assert!((rate / expected - 1.0).abs() < 0.3, "{rate} vs {expected}");
            assert!(rate > last);
            last = rate;
        }
    }

    /// Lapping raises the 100-600 Hz band against the 4-10 kHz band.
    #[test]
    fn lapping_fills_the_low_band() {
        let balance = |lapping: f32| {
            let x: Vec<f32> = (0..3)
                .flat_map(|seed| {
                    testkit::render::<Fire>(FS, &excitation(0, [0.5, lapping, 0.5, 0.5], seed), 4.5)
                })
                .collect();
            testkit::band_power(&x, FS, 100.0, 600.0)
                / testkit::band_power(&x, FS, 4000.0, 10_000.0)
        };
        let (low, high) = (balance(0.1), balance(0.9));
        println!("100-600 Hz over 4-10 kHz: {low:.2} at Lapping 0.1, {high:.2} at 0.9");
        assert!(high > 10.0 * low);
    }

    /// The fire fades in and out, and ends at its length.
    #[test]
    fn fades_in_and_out() {
        for seed in 0..4 {
            let x = testkit::render::<Fire>(FS, &excitation(1, MIDDLE, seed), 6.0);
            let length = log_map(0.5, LENGTH_RANGE_S);
            let ms = |t: f32| (t * FS) as usize;
            let middle = testkit::rms(&x[ms(0.5 * length - 0.5)..ms(0.5 * length + 0.5)]);
            let first = testkit::rms(&x[..ms(0.05)]);
            let last = testkit::rms(&x[ms(length - 0.05)..ms(length)]);
            println!(
                "seed {seed}: first 50 ms {first:.4}, middle {middle:.4}, last 50 ms {last:.4}"
            );
            assert!(first < 0.05 * middle && last < 0.05 * middle);
            assert!(x[ms(length)..].iter().all(|v| *v == 0.0));
        }
    }

    /// Peaks follow the level convention and never reach 1; every sample is finite; the voice
    /// says when it has finished and then adds nothing.
    #[test]
    fn levels_and_ending() {
        let mut peaks = Vec::new();
        let mut highest = 0.0f32;
        for variant in 0..INFO.variants.len() {
            for character in [MIDDLE, [1.0; 4], [1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.5]] {
                for seed in 0..3 {
                    let e = excitation(variant, character, seed);
                    let x = testkit::render::<Fire>(FS, &e, 20.0);
                    assert!(x.iter().all(|v| v.is_finite()));
                    let peak = peak(&x);
                    highest = highest.max(peak);
                    if character == MIDDLE {
                        peaks.push(peak);
                    }
                }
            }
        }
        peaks.sort_by(f32::total_cmp);
        let median = peaks[peaks.len() / 2];
        println!("median peak at middle controls {median:.3}, highest anywhere {highest:.3}");
        assert!((0.3..=0.6).contains(&median) && highest < 1.0);
        // Other sample rates: the same levels.
        for fs in [44_100.0, 96_000.0] {
            for variant in 0..INFO.variants.len() {
                let x = testkit::render::<Fire>(fs, &excitation(variant, [1.0; 4], 0), 20.0);
                assert!(x.iter().all(|v| v.is_finite()) && (0.15..1.0).contains(&peak(&x)));
            }
        }

        let e = excitation(0, [0.5, 0.5, 0.5, 0.0], 1);
        let x = testkit::assert_finishes_silent::<Fire>(&e, 10.0, 64);
        // Every block but the last returned true.
        let blocks = x.len() / 64 - 1;
        let length = log_map(0.0, LENGTH_RANGE_S) * FS;
        assert_eq!(blocks, (length / 64.0).floor() as usize);
    }

    /// The same excitation gives the same fire, bit for bit, whatever the block size; other
    /// seeds give other fires.
    #[test]
    fn deterministic_per_seed() {
        let (a, c) = testkit::assert_deterministic::<Fire>(&excitation(0, MIDDLE, 5), 3.0, 999);
        let difference = a.iter().zip(&c).filter(|(x, y)| x != y).count();
        assert!(difference > a.len() / 2);
    }
}
