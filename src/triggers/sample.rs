//! Sample: the user's own sounds. Each trigger plays one clip of its layer's sound set (picked
//! by the layer, see [`crate::samples::slot`]) with its own variation of pitch, level, start
//! point and direction, shaped by the layer's attack, release and length limit.

use super::{ControlInfo, Excitation, FamilyInfo, TriggerSound};
use crate::dsp::math::db_to_gain;
use crate::dsp::random::{RngExt, seeded};
use crate::samples::SampleSet;
use std::sync::Arc;

/// Widest random pitch change, either way (semitones), at full Pitch Spread.
pub const MAX_PITCH_SEMITONES: f32 = 12.0;
/// Widest random level cut (dB) at full Level Spread.
pub const MAX_LEVEL_SPREAD_DB: f32 = 12.0;
/// Latest random start point, as a share of the clip, at full Start Spread.
pub const MAX_START_SHARE: f32 = 0.5;
/// Shortest fade in and out (s): a clip cut anywhere never clicks.
pub const MIN_FADE_S: f32 = 0.002;
/// Semitones per octave.
const SEMITONES_PER_OCTAVE: f32 = 12.0;

/// Family description. The spreads grow with the square of their controls, so the middle
/// setting (where every control starts) is a modest variation: ±3 semitones, up to 3 dB
/// softer, starting within the first 12.5 %; Reverse plays nothing backwards below the middle
/// and then a growing share, every trigger at full.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Sample",
    variants: &["Random", "Round robin"],
    controls: [
        ControlInfo {
            name: "Pitch Spread",
            description: "Each trigger plays up to this far higher or lower, to ±12 semitones.",
        },
        ControlInfo {
            name: "Level Spread",
            description: "Each trigger plays up to this much softer, to 12 dB.",
        },
        ControlInfo {
            name: "Start Spread",
            description: "Each trigger starts up to this far into its sound, to half of it.",
        },
        ControlInfo {
            name: "Reverse",
            description: "From the middle up, a growing share of triggers plays backwards.",
        },
    ],
    sustained: true,
};

/// A sample layer's trigger shape (per layer, read when a trigger starts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleShape {
    /// Fade-in (s, >= 0; at least [`MIN_FADE_S`] is applied).
    pub attack_s: f32,
    /// Fade-out before the sound's end or its length limit (s, >= 0; at least
    /// [`MIN_FADE_S`]).
    pub release_s: f32,
    /// Longest a trigger plays (s), `None`: the whole sound.
    pub length_s: Option<f32>,
}

impl Default for SampleShape {
    fn default() -> Self {
        Self {
            attack_s: MIN_FADE_S,
            release_s: 0.01,
            length_s: None,
        }
    }
}

/// The pitch spread (semitones) of control value `x` (0 ..= 1).
pub fn pitch_spread(x: f32) -> f32 {
    MAX_PITCH_SEMITONES * x.clamp(0.0, 1.0).powi(2)
}

/// The level spread (dB) of control value `x` (0 ..= 1).
pub fn level_spread(x: f32) -> f32 {
    MAX_LEVEL_SPREAD_DB * x.clamp(0.0, 1.0).powi(2)
}

/// The latest start point (share of the clip) of control value `x` (0 ..= 1).
pub fn start_spread(x: f32) -> f32 {
    MAX_START_SHARE * x.clamp(0.0, 1.0).powi(2)
}

/// The chance (0 ..= 1) that a trigger plays backwards at control value `x` (0 ..= 1).
pub fn reverse_chance(x: f32) -> f32 {
    (2.0 * x - 1.0).clamp(0.0, 1.0)
}

/// A sound playing one clip.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    sample_rate: f32,
    /// The set and clip handed over for the next start.
    next: Option<(Arc<SampleSet>, usize)>,
    shape: SampleShape,
    /// The set of the clip playing (held so it lives while it plays).
    set: Option<Arc<SampleSet>>,
    clip: usize,
    reverse: bool,
    /// Read position, in clip samples from the start point.
    position: f64,
    /// Read step per output sample (the pitch ratio).
    step: f64,
    /// First sample read (counted from the clip's end when reversed).
    start: usize,
    amplitude: f32,
    /// Output samples played, and in all.
    played: usize,
    length: usize,
    /// Reciprocal fade lengths (1 / samples).
    attack_rate: f32,
    release_rate: f32,
}

impl Sample {
    /// Hands over what the next [`TriggerSound::start`] plays: clip `next.1` of set `next.0`
    /// (`None`: nothing, the trigger is silent), shaped by `shape`. Real-time safe.
    pub fn prepare(&mut self, next: Option<(Arc<SampleSet>, usize)>, shape: SampleShape) {
        self.next = next;
        self.shape = shape;
    }

    /// Lets go of the set it played (the trigger has ended or was cut). Never frees: the
    /// layer holds every set its voices may hold.
    pub fn release(&mut self) {
        self.set = None;
        self.next = None;
    }
}

impl TriggerSound for Sample {
    fn stacks(&self) -> bool {
        true
    }

    fn samples_left(&self) -> usize {
        self.length.saturating_sub(self.played)
    }

    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            ..Self::default()
        }
    }

    fn start(&mut self, e: &Excitation) {
        self.set = None;
        self.played = 0;
        self.length = 0;
        let Some((set, clip)) = self.next.take() else {
            return;
        };
        let len = set.clip(clip).len();
        let mut rng = seeded(e.seed);
        let mut unit = || rng.random::<f32>();
        let semitones = pitch_spread(e.character[0]) * (2.0 * unit() - 1.0);
        let cut_db = level_spread(e.character[1]) * unit();
        let start_share = start_spread(e.character[2]) * unit();
        self.reverse = unit() < reverse_chance(e.character[3]);
        self.step = f64::from(2f32.powf(semitones / SEMITONES_PER_OCTAVE));
        self.amplitude = e.intensity.clamp(0.0, 1.0) * db_to_gain(-cut_db);
        self.start = ((start_share * len as f32) as usize).min(len.saturating_sub(1));
        self.position = 0.0;
        // Output samples until the read position passes the clip's last pair of samples.
        let readable = len.saturating_sub(self.start + 1) as f64;
        let mut length = (readable / self.step) as usize;
        if let Some(limit) = self.shape.length_s {
            length = length.min((limit.max(0.0) * self.sample_rate) as usize);
        }
        let fade = |s: f32| 1.0 / (s.max(MIN_FADE_S) * self.sample_rate).max(1.0);
        self.attack_rate = fade(self.shape.attack_s);
        self.release_rate = fade(self.shape.release_s);
        self.length = length;
        self.clip = clip;
        self.set = Some(set);
    }

    fn add_to(&mut self, out: &mut [f32]) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let clip = set.clip(self.clip);
        let last = clip.len() - 1;
        for o in out.iter_mut() {
            if self.played >= self.length {
                break;
            }
            let at = self.start + self.position as usize;
            let frac = (self.position - self.position.floor()) as f32;
            let (a, b) = if self.reverse {
                (clip[last - at], clip[last - at - 1])
            } else {
                (clip[at], clip[at + 1])
            };
            let left = (self.length - self.played) as f32;
            let edge = ((self.played + 1) as f32 * self.attack_rate)
                .min(left * self.release_rate)
                .min(1.0);
            *o += self.amplitude * edge * (a + (b - a) * frac);
            self.position += self.step;
            self.played += 1;
        }
        if self.played >= self.length {
            self.set = None;
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{self, FS};
    use super::*;

    /// A sound of a one-clip set playing `clip` with `shape`, rendered for `seconds`.
    fn play(clip: Vec<f32>, shape: SampleShape, e: &Excitation, seconds: f32) -> Vec<f32> {
        let set = Arc::new(SampleSet::from_clips(vec![clip], FS));
        let mut sound = Sample::new(FS);
        sound.prepare(Some((set, 0)), shape);
        sound.start(e);
        let mut out = vec![0.0; (seconds * FS) as usize];
        for chunk in out.chunks_mut(64) {
            sound.add_to(chunk);
        }
        out
    }

    /// Zero crossings per second of `x`, halved: the frequency of a sine.
    fn frequency(x: &[f32]) -> f32 {
        let crossings = x
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        crossings as f32 / 2.0 / (x.len() as f32 / FS)
    }

    /// Without variation a clip plays as it is: same samples (after the 2 ms fade-in), to its
    /// end, then silence.
    #[test]
    fn a_clip_plays_unchanged_without_variation() {
        let clip = testkit_sine(440.0, 0.5, 0.5);
        let e = testkit::excitation(0, [0.0; 4], 3);
        let out = play(clip.clone(), SampleShape::default(), &e, 1.0);
        let fade = (MIN_FADE_S * FS) as usize;
        for i in fade..clip.len() - (0.01 * FS) as usize {
            assert!((out[i] - clip[i]).abs() < 1e-6, "sample {i}");
        }
        assert!(out[clip.len()..].iter().all(|&v| v == 0.0));
    }

    /// A sine's pitch moves by the random semitones the spread allows, and across seeds both
    /// up and down, never beyond the spread.
    #[test]
    fn pitch_varies_within_the_spread() {
        let clip = testkit_sine(500.0, 0.5, 1.0);
        let spread = pitch_spread(1.0);
        let (mut lowest, mut highest) = (f32::MAX, f32::MIN);
        for seed in 0..24 {
            let e = testkit::excitation(0, [1.0, 0.0, 0.0, 0.0], seed);
            let out = play(clip.clone(), SampleShape::default(), &e, 0.25);
            let semitones = 12.0 * (frequency(&out[480..]) / 500.0).log2();
            assert!(semitones.abs() <= spread + 0.1, "{semitones} st");
            lowest = lowest.min(semitones);
            highest = highest.max(semitones);
        }
        assert!(
            lowest < -spread / 2.0 && highest > spread / 2.0,
            "{lowest}..{highest}"
        );
    }

    /// Reverse plays the clip backwards: a rising ramp falls.
    #[test]
    fn reverse_plays_backwards() {
        let ramp: Vec<f32> = (0..4_800).map(|i| i as f32 / 4_800.0 * 0.5).collect();
        let e = testkit::excitation(0, [0.0, 0.0, 0.0, 1.0], 1);
        let out = play(ramp, SampleShape::default(), &e, 0.2);
        let early = testkit::rms(&out[500..1_000]);
        let late = testkit::rms(&out[3_800..4_300]);
        assert!(early > 4.0 * late, "early {early}, late {late}");
    }

    /// The length limit ends a trigger at that length, with its release fading to zero; the
    /// attack fades in over its length; level follows intensity.
    #[test]
    fn length_limit_fades_and_intensity() {
        let clip = vec![0.5; 48_000];
        let shape = SampleShape {
            attack_s: 0.1,
            release_s: 0.05,
            length_s: Some(0.5),
        };
        let mut e = testkit::excitation(0, [0.0; 4], 1);
        e.intensity = 0.5;
        let out = play(clip, shape, &e, 1.0);
        let at = |s: f32| out[(s * FS) as usize];
        assert!(
            (at(0.05) - 0.125).abs() < 0.002,
            "half-way up the attack: {}",
            at(0.05)
        );
        assert!((at(0.25) - 0.25).abs() < 1e-6, "held: {}", at(0.25));
        assert!(
            (at(0.475) - 0.125).abs() < 0.002,
            "half-way down: {}",
            at(0.475)
        );
        assert!(out[(0.5 * FS) as usize..].iter().all(|&v| v == 0.0));
    }

    /// A sound with nothing handed over is silent and finished at once.
    #[test]
    fn without_sounds_it_is_silent() {
        let mut sound = Sample::new(FS);
        sound.start(&testkit::excitation(0, [0.5; 4], 1));
        let mut out = [0.0; 64];
        assert!(!sound.add_to(&mut out));
        assert!(out.iter().all(|&v| v == 0.0));
    }

    /// `seconds` of a sine of `hz` at `amplitude`, at [`FS`].
    fn testkit_sine(hz: f32, amplitude: f32, seconds: f32) -> Vec<f32> {
        crate::samples::testfiles::sine(hz, amplitude, seconds, FS as u32)
    }
}
