//! Whisper: unintelligible whispered babble, made the way a whisper is made: turbulence noise
//! at the glottis (no voicing) shaped by a moving vocal tract, plus the noise of the tongue,
//! teeth and lips in the consonants.
//!
//! The model is a cascade formant synthesiser with its voicing source turned off (Klatt 1980,
//! "Software for a cascade/parallel formant synthesizer", JASA 67): white aspiration noise
//! drives five two-pole resonators in series (F1..F5, each of unit gain at 0 Hz, so the
//! spectrum between and above the formants falls off as a real tract's does) and the lip
//! radiation's first difference. A phrase is a run of syllables. Each syllable's formants glide
//! (at control rate, smoothstep) from the last vowel through the consonant's locus to the new
//! vowel's target: coarticulation, as in running speech. Vowel targets are women's average
//! formants (Hillenbrand, Getty, Clark & Wheeler 1995, "Acoustic characteristics of American
//! English vowels", JASA 97) with F1 raised and all bandwidths widened as in whispered vowels
//! (Swerdlin, Smith & Wolfe 2010, "The effect of whisper and creak vocal mechanisms on vocal
//! tract resonances", JASA 127; Ito, Takeda & Itakura 2005, "Analysis and recognition of
//! whispered speech", Speech Communication 45). Consonants are noise through their own band
//! (Stevens 1998, "Acoustic Phonetics", ch. 7-8): /s/ 4-8 kHz, /sh/ 2.5-4 kHz, /f/ and /th/
//! weak and broad, plosives a burst of a few ms, /h/ the aspiration itself through the next
//! vowel's formants. Syllables rise and fall smoothly (no gates), stress and length vary at
//! random, and breath groups are separated by soft inhales. The syllables never form words.
//!
//! Variants: Soft is the plain whisper with subdued consonants; Close adds the low-mid body of
//! a mouth near the ear (a microphone's or ear's proximity effect) and mouth clicks; Breathy
//! lets a trace of breath noise through under the vowels and opens every phrase with an
//! inhale.
//!
//! Phrases are short by default (1.2 s, one a second at the layer's default rate), and a
//! whisperer breathes: a phrase may open with an inhale and a parting of the lips, and after it
//! the whisperer breathes quietly on (out and in) until the layer's next phrase is due (a layer
//! switched off falls silent within a breath), and that phrase takes over: a breath fades out
//! under it, a phrase still being spoken ends with its syllable. So
//! one layer is one whisperer, and sparse phrases come from a person who is still there between
//! them, not out of digital silence (a lone phrase in silence is heard as a gasp, a snort or
//! plain speech; measured with the judge in docs/SOUNDS.md).

use super::{CONTROL_BLOCK, ControlInfo, Excitation, FamilyInfo, TriggerSound};
use crate::dsp::biquad::Biquad;
use crate::dsp::math::{lerp, log_map, smoothstep};
use crate::dsp::random::{RngExt, SeededRng, WHITE_POWER, seeded, white};
use std::f32::consts::{FRAC_1_SQRT_2, PI, TAU};

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Whisper",
    variants: &["Soft", "Close", "Breathy"],
    controls: [
        ControlInfo {
            name: "Pace",
            description: "How fast the syllables come, from 2 to 5.5 a second.",
        },
        ControlInfo {
            name: "Voice size",
            description: "How large the whisperer sounds: formants from 30 % above to 5 % below a woman's.",
        },
        ControlInfo {
            name: "Sibilance",
            description: "How many and how strong the s and sh sounds are.",
        },
        ControlInfo {
            name: "Length",
            description: "How long each whispered phrase lasts, from 0.8 s (a few words) to 2.4 s; quiet breaths follow it.",
        },
    ],
    sustained: true,
};

/// Syllables per second at Pace 0 and 1 (linear in between). Whispering is unhurried; faster
/// runs of bursts and sibilants are heard as beatboxing.
const PACE_RANGE: (f32, f32) = (2.0, 5.5);
/// Phrase length (s) at Length 0 and 1 (logarithmic in between: 1.4 s in the middle). Shorter
/// phrases are a syllable or two, heard as a breath noise, a snort or a scratch rather than as
/// whispering (judged: docs/SOUNDS.md).
const LENGTH_RANGE_S: (f32, f32) = (0.8, 2.4);
/// Random spread (fraction, ±) of each phrase's length around Length.
const LENGTH_JITTER: f32 = 0.15;
/// A phrase ends once less than this (s) of it is left; a syllable is never shorter.
const MIN_SYLLABLE_S: f32 = 0.12;
/// Formant frequency multiplier at Voice size 0 (small) and 1 (large), linear in between.
const FORMANT_SCALE_RANGE: (f32, f32) = (1.3, 0.95);
/// Length (s) of a breath group (speech between inhales), random in the range.
const BREATH_GROUP_S: (f32, f32) = (1.5, 3.5);

/// Number of formants (F1..F5).
const FORMANTS: usize = 5;
/// Voiced F1..F3 (Hz) of the vowels /i ɪ ɛ æ ɑ ɔ ʊ u ʌ ɝ/: women's averages after Hillenbrand
/// et al. (1995).
const VOWELS_HZ: [[f32; 3]; 10] = [
    [437.0, 2761.0, 3372.0],
    [483.0, 2365.0, 3053.0],
    [731.0, 2058.0, 2979.0],
    [669.0, 2349.0, 2972.0],
    [936.0, 1551.0, 2815.0],
    [781.0, 1136.0, 2824.0],
    [519.0, 1225.0, 2827.0],
    [459.0, 1105.0, 2735.0],
    [753.0, 1426.0, 2933.0],
    [523.0, 1588.0, 1929.0],
];
/// F4 and F5 (Hz), the same for every vowel.
const UPPER_FORMANTS_HZ: [f32; 2] = [3900.0, 4800.0];
/// Whispered F1 lies this much (Hz) above voiced F1 (Swerdlin et al. 2010 measured up to about
/// 250 Hz; Ito et al. 2005 report smaller shifts in running speech).
const WHISPER_F1_SHIFT_HZ: f32 = 150.0;
/// Formants of the neutral vowel (Hz, whispered) the first syllable glides from.
const NEUTRAL_HZ: [f32; FORMANTS] = [700.0, 1600.0, 2700.0, 3900.0, 4800.0];
/// Whispered formant bandwidths (Hz) F1..F5: wider than voiced ones (about 80, 100, 150, 200
/// and 250 Hz), F1 most, as the open glottis couples the tract to the lungs and damps it.
/// Wider still (250-400 Hz) the vowels blur, and a listener hears plain speech or beatboxing
/// more often than a whisper (judge, random mode, issue 19).
const BANDWIDTHS_HZ: [f32; FORMANTS] = [175.0, 140.0, 175.0, 210.0, 280.0];
/// Random spread (fraction, ±) of each syllable's formants around the vowel's.
const FORMANT_JITTER: f32 = 0.05;
/// Time (s) the formants take to reach a consonant's locus from the last vowel (the tongue or
/// lips closing); from there they glide on to the vowel.
const APPROACH_S: f32 = 0.03;
/// Time (s) the formants take to reach the vowel after its consonant ends.
const GLIDE_S: f32 = 0.07;
/// At a consonant's constriction F1 falls to this share of the last vowel's.
const LOCUS_F1_SHARE: f32 = 0.7;
/// At a consonant's constriction F2 lies this share of the way from the last vowel's to the
/// consonant's locus.
const LOCUS_F2_SHARE: f32 = 0.5;
/// Lip radiation is a first difference, scaled to unit gain at this frequency (Hz) so the
/// level does not depend on the sample rate.
const RADIATION_UNITY_HZ: f32 = 1000.0;
/// RMS gain of the whispered tract (cascade and radiation) on white noise at
/// [`REFERENCE_RATE`] and formant scale 1, averaged over the vowels (measured; the open vowels
/// are louder, and so is a smaller sound, its formants higher up the radiation's slope).
const TRACT_NOISE_GAIN: f32 = 2.57;
/// Sample rate (Hz) at which [`TRACT_NOISE_GAIN`] was measured; white noise spreads its power
/// over fs / 2, so the tract's in-band share goes as 1 / fs.
const REFERENCE_RATE: f32 = 48_000.0;
/// RMS level of a stressed vowel at full intensity.
const VOWEL_RMS: f32 = 0.07;
/// RMS level of a consonant's noise band at gain 1 at full intensity.
const CONSONANT_RMS: f32 = 0.18;
/// Above this (Hz) the consonants' noise falls off steeply (a band-pass alone leaves /s/ flat
/// to 20 kHz; real fricative spectra fall above about 10 kHz).
const CONSONANT_CEILING_HZ: f32 = 10_000.0;
/// Tiny offset added to filter inputs so decaying states settle on a constant, never on
/// subnormals (a DC offset the tract's first difference removes).
const DENORMAL_GUARD: f32 = 1e-18;

/// Random spread (fraction, ±) of each syllable's length around 1 / pace.
const TIMING_JITTER: f32 = 0.25;
/// Probability that a syllable starts with a consonant.
const ONSET_PROBABILITY: f32 = 0.75;
/// Longest share of a syllable a consonant takes.
const ONSET_SHARE: f32 = 0.5;
/// The vowel starts this long (s) before its consonant ends.
const VOWEL_OVERLAP_S: f32 = 0.015;
/// Vowel rise (s), random in the range, at most a third of the vowel.
const VOWEL_ATTACK_S: (f32, f32) = (0.04, 0.07);
/// Vowel fall (fraction of its length), random in the range.
const VOWEL_RELEASE: (f32, f32) = (0.3, 0.5);
/// Probability that a syllable other than a phrase's first (always stressed) is stressed (full
/// level).
const STRESS_PROBABILITY: f32 = 0.35;
/// Level (0..1) of unstressed syllables, random in the range.
const UNSTRESSED_LEVEL: (f32, f32) = (0.5, 0.85);
/// Random spread (fraction) of a consonant's length: from 1 - this.0 to 1 + this.1 times its
/// nominal length.
const CONSONANT_STRETCH: (f32, f32) = (0.2, 0.3);
/// Weight multiplier of the sibilants in the choice of consonants at Sibilance 1 (0 at
/// Sibilance 0, linear in between).
const SIBILANT_WEIGHT: f32 = 2.0;
/// Sibilant level at Sibilance 0 and 1 (linear in between), times the articulation's level.
const SIBILANT_LEVEL: (f32, f32) = (0.6, 1.2);

/// Inhale length (s), random in the range.
const INHALE_S: (f32, f32) = (0.2, 0.35);
/// Inhale peak level on the breath band: about 20 dB under a stressed vowel (louder, it is
/// heard as a gasp).
const INHALE_LEVEL: f32 = 0.08;
/// Length (s) of the parting of the lips before a phrase: the click, then the hold before the
/// first syllable (shorter than the gaps the phrase allows itself).
const LIP_PARTING_S: f32 = 0.03;
/// Index in [`CONSONANTS`] of the mouth click, which also parts the lips before a phrase.
const MOUTH_CLICK: usize = 8;
/// Length (s) of a resting exhale after a phrase, random in the range.
const EXHALE_S: (f32, f32) = (1.2, 2.0);
/// Length (s) of a resting inhale between phrases, random in the range.
const REST_INHALE_S: (f32, f32) = (0.8, 1.2);
/// Pause (s) after each resting breath, random in the range.
const BREATH_PAUSE_S: (f32, f32) = (0.3, 0.8);
/// Peak level of a resting exhale on the breath band: about 30 dB under a stressed vowel,
/// the quiet breathing of someone close (louder, it is heard as a sigh).
const EXHALE_LEVEL: f32 = 0.02;
/// Peak level of a resting inhale on the breath band (a little louder than the exhale, as
/// air drawn in through a narrow mouth is).
const REST_INHALE_LEVEL: f32 = 0.03;
/// Rise and fall of a resting exhale (fractions of its length): it starts quickly and dies
/// away slowly.
const EXHALE_SHAPE: (f32, f32) = (0.25, 0.75);
/// Time (s) a breath takes to fade out when the layer's next phrase takes over.
const HANDOVER_FADE_S: f32 = 0.3;
/// Share of the way unstressed vowels move towards the neutral vowel (vowel reduction in
/// running speech: an unstressed syllable is spoken with a lazier tongue).
const UNSTRESSED_CENTRALISATION: f32 = 0.4;
/// Rise and fall of an inhale (fractions of its length).
const INHALE_SHAPE: (f32, f32) = (0.5, 0.5);
/// Breath band: high-pass and low-pass corners (Hz).
const BREATH_BAND_HZ: (f32, f32) = (500.0, 2500.0);
/// RMS level of the breath band at gain 1 at full intensity.
const BREATH_RMS: f32 = 0.1;
/// Equivalent noise bandwidth of a second-order Butterworth low-pass, in multiples of its
/// corner frequency (pi / (2 sqrt 2)).
const BUTTERWORTH_NOISE_BANDWIDTH: f32 = 1.11;
/// Corner (Hz) of the low-pass whose output the proximity effect adds back.
const PROXIMITY_HZ: f32 = 700.0;

/// How a variant shapes the whisper.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Level (0..1) of the vowels.
    sound: f32,
    /// Breath noise under the vowels, relative to the vowel level (0..1).
    aspiration: f32,
    /// Level multiplier (0..1) of the consonants.
    consonants: f32,
    /// Low-mid boost of a mouth close to the ear: gain of the low-passed signal added back.
    proximity: f32,
    /// Weight of mouth clicks among the syllable onsets (0 = none).
    clicks: f32,
    /// Probability that a phrase opens with an inhale.
    inhale: f32,
    /// Probability that a phrase opens with the click of the lips parting.
    lip_click: f32,
}

/// Breath noise under a breathy whisperer's vowels, relative to the vowel level.
const BREATHY_ASPIRATION: f32 = 0.05;

/// The variants' styles, in the order of [`INFO`]'s variants.
const STYLES: [Style; 3] = [
    // Soft: a gentle whisper, consonants a little subdued.
    Style {
        sound: 1.0,
        aspiration: 0.0,
        consonants: 0.8,
        proximity: 0.0,
        clicks: 0.0,
        inhale: 0.9,
        lip_click: 0.5,
    },
    // Close: intimate, more low-mid body, the odd mouth click.
    Style {
        sound: 0.9,
        aspiration: 0.0,
        consonants: 1.0,
        proximity: 2.0,
        clicks: 0.5,
        inhale: 0.9,
        lip_click: 0.9,
    },
    // Breathy: a trace of breath under the vowels, an inhale before every phrase. With more
    // breath under the vowels the judge heard plain speech: at 0.2, "Speech" first in 29 of 48
    // random renders and Whispering in 11; at 0.05, 20 and 24 (issue 19).
    Style {
        sound: 1.0,
        aspiration: BREATHY_ASPIRATION,
        consonants: 0.9,
        proximity: 0.0,
        clicks: 0.0,
        inhale: 1.0,
        lip_click: 0.5,
    },
];
// One row per variant, in the variants' order (a missing row would not compile).
const _: () = assert!(STYLES.len() == INFO.variants.len());
const _: () = assert!(matches!(CONSONANTS[MOUTH_CLICK].class, Class::Click));

/// How a consonant's weight in the random choice depends on the controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// /s/, /sh/: weighted and levelled by Sibilance.
    Sibilant,
    /// Other fricatives, plosive bursts and /h/.
    Plain,
    /// Mouth clicks: weighted by the variant.
    Click,
}

/// Where a consonant's noise is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Its own band (a constriction in the mouth: fricatives, bursts, clicks).
    Band,
    /// The vocal tract (/h/: aspiration through the coming vowel's formants).
    Tract,
}

/// A consonant: noise shaped by a swell.
#[derive(Debug, Clone, Copy)]
struct Articulation {
    /// Centre and bandwidth (Hz) of its noise band (unused for [`Source::Tract`]).
    band_hz: (f32, f32),
    /// Where its noise is shaped.
    source: Source,
    /// Gain at the top of the swell, before the syllable's stress.
    level: f32,
    /// Nominal length (s).
    length_s: f32,
    /// Rise and fall (fractions of the length).
    shape: (f32, f32),
    /// F2 locus (Hz) the formants glide from, if the tongue or lips close.
    locus_hz: Option<f32>,
    /// Base weight in the random choice.
    weight: f32,
    /// How the weight depends on the controls.
    class: Class,
}

/// Swell of a fricative: rises and falls over its whole length.
const FRICATIVE_SHAPE: (f32, f32) = (0.5, 0.5);
/// Swell of a burst: a sharp rise and a decay.
const BURST_SHAPE: (f32, f32) = (0.05, 0.95);

/// The consonants: /s/, /sh/, /f/, /th/, /h/, /p/, /t/, /k/ and a mouth click.
const CONSONANTS: [Articulation; 9] = [
    // /s/: alveolar sibilant, 4-8 kHz.
    Articulation {
        band_hz: (5500.0, 2500.0),
        source: Source::Band,
        level: 0.9,
        length_s: 0.1,
        shape: FRICATIVE_SHAPE,
        locus_hz: Some(1800.0),
        weight: 1.3,
        class: Class::Sibilant,
    },
    // /sh/: palatal sibilant, 2.5-4 kHz.
    Articulation {
        band_hz: (3000.0, 1400.0),
        source: Source::Band,
        level: 0.9,
        length_s: 0.11,
        shape: FRICATIVE_SHAPE,
        locus_hz: Some(2000.0),
        weight: 0.6,
        class: Class::Sibilant,
    },
    // /f/: labiodental, weak and flat.
    Articulation {
        band_hz: (4500.0, 6000.0),
        source: Source::Band,
        level: 0.25,
        length_s: 0.08,
        shape: FRICATIVE_SHAPE,
        locus_hz: Some(1000.0),
        weight: 0.4,
        class: Class::Plain,
    },
    // /th/: dental, weak and flat.
    Articulation {
        band_hz: (5000.0, 5000.0),
        source: Source::Band,
        level: 0.2,
        length_s: 0.07,
        shape: FRICATIVE_SHAPE,
        locus_hz: Some(1600.0),
        weight: 0.3,
        class: Class::Plain,
    },
    // /h/: aspiration into the vowel.
    Articulation {
        band_hz: (0.0, 0.0),
        source: Source::Tract,
        level: 0.6,
        length_s: 0.07,
        shape: (0.7, 0.3),
        locus_hz: None,
        weight: 0.6,
        class: Class::Plain,
    },
    // /p/ burst: labial, low. Whispered plosives are weak: only the release's turbulence,
    // no voicing after it (louder runs of bursts are heard as beatboxing).
    Articulation {
        band_hz: (1200.0, 2000.0),
        source: Source::Band,
        level: 0.25,
        length_s: 0.012,
        shape: BURST_SHAPE,
        locus_hz: Some(900.0),
        weight: 0.6,
        class: Class::Plain,
    },
    // /t/ burst: alveolar, high.
    Articulation {
        band_hz: (4500.0, 3000.0),
        source: Source::Band,
        level: 0.25,
        length_s: 0.015,
        shape: BURST_SHAPE,
        locus_hz: Some(1800.0),
        weight: 0.7,
        class: Class::Plain,
    },
    // /k/ burst: velar, compact near F2-F3.
    Articulation {
        band_hz: (2500.0, 1500.0),
        source: Source::Band,
        level: 0.25,
        length_s: 0.02,
        shape: BURST_SHAPE,
        locus_hz: Some(2100.0),
        weight: 0.6,
        class: Class::Plain,
    },
    // Mouth click: the tongue leaving the palate.
    Articulation {
        band_hz: (3000.0, 3000.0),
        source: Source::Band,
        level: 0.5,
        length_s: 0.0025,
        shape: BURST_SHAPE,
        locus_hz: None,
        weight: 1.0,
        class: Class::Click,
    },
];

/// A smooth rise, hold and fall of a gain, placed in a unit (times in samples from its start).
#[derive(Debug, Clone, Copy, Default)]
struct Swell {
    /// First sample.
    start: usize,
    /// Samples rising, holding at the top and falling.
    attack: usize,
    /// See `attack`.
    hold: usize,
    /// See `attack`.
    release: usize,
    /// Gain at the top.
    peak: f32,
}

impl Swell {
    /// A swell from `start` lasting `length` samples that rises and falls over the fractions
    /// `shape` (0..1 each, summing to at most 1) of its length, peaking at `peak`.
    fn new(start: usize, length: usize, shape: (f32, f32), peak: f32) -> Self {
        let attack = ((length as f32 * shape.0) as usize).max(1);
        let release = ((length as f32 * shape.1) as usize).max(1);
        Self {
            start,
            attack,
            hold: length.saturating_sub(attack + release),
            release,
            peak,
        }
    }

    /// First sample after the swell.
    fn end(&self) -> usize {
        self.start + self.attack + self.hold + self.release
    }

    /// The gain at sample `t` of the unit (smoothstep edges, 0 outside the swell).
    #[inline]
    fn gain(&self, t: usize) -> f32 {
        let Some(t) = t.checked_sub(self.start) else {
            return 0.0;
        };
        let fall = self.attack + self.hold;
        let x = if t < self.attack {
            t as f32 / self.attack as f32
        } else if t < fall {
            1.0
        } else if t < fall + self.release {
            1.0 - (t - fall) as f32 / self.release as f32
        } else {
            0.0
        };
        self.peak * smoothstep(x)
    }
}

/// A consonant played in a unit.
#[derive(Debug, Clone, Copy)]
struct Gesture {
    /// Index into [`CONSONANTS`].
    consonant: usize,
    /// Its gain on its source.
    swell: Swell,
}

/// One step of the phrase (a syllable, an inhale, the lips parting) or of the breathing after
/// it.
#[derive(Debug, Clone, Copy, Default)]
struct Unit {
    /// Length (samples).
    length: usize,
    /// Consonant before the vowel.
    onset: Option<Gesture>,
    /// The vowel's gain on the tract.
    vowel: Swell,
    /// An inhale on the breath band.
    inhale: Swell,
    /// An exhale on the breath band.
    exhale: Swell,
    /// Formants (Hz) at the unit's start, at the consonant's locus and at the vowel's target.
    path: [[f32; FORMANTS]; 3],
    /// When (samples from the unit's start) the formants reach the locus and the target.
    path_times: [usize; 2],
}

/// A digital resonator of Klatt (1980): `y[n] = a x[n] + b y[n-1] + c y[n-2]`, with unit gain
/// at 0 Hz, so that a cascade of them has the relative formant levels of a real tract.
#[derive(Debug, Clone, Copy, Default)]
struct FormantResonator {
    /// Input gain, `1 - b - c`.
    a: f32,
    /// Feedback on the last output, `2 r cos(2 pi f / fs)`.
    b: f32,
    /// Feedback on the output before, `-r^2`.
    c: f32,
    /// Last output.
    y1: f32,
    /// Output before.
    y2: f32,
}

impl FormantResonator {
    /// Tunes to `hz` with pole radius `radius` (`exp(-pi bandwidth / fs)`) at `sample_rate`,
    /// keeping the state (for glides).
    fn tune(&mut self, hz: f32, radius: f32, sample_rate: f32) {
        let w = TAU * (hz / sample_rate).clamp(0.0, 0.49);
        self.b = 2.0 * radius * w.cos();
        self.c = -radius * radius;
        self.a = 1.0 - self.b - self.c;
    }

    /// Filters one sample.
    #[inline]
    fn process(&mut self, x: f32) -> f32 {
        let y = self.a * x + self.b * self.y1 + self.c * self.y2;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }
}

/// A whisper sound.
#[derive(Debug, Clone)]
pub struct Whisper {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// This phrase's random variation.
    rng: SeededRng,
    /// The variant's character.
    style: Style,
    /// Syllables per second.
    pace: f32,
    /// Multiplier on every formant and consonant band.
    formant_scale: f32,
    /// Sibilance control, 0..1.
    sibilance: f32,
    /// Intensity, 0..1.
    intensity: f32,
    /// Gain of the tract output (intensity and normalisation).
    tract_gain: f32,
    /// Gain of the consonant band (intensity and normalisation).
    consonant_gain: f32,
    /// Gain of the breath band (intensity and normalisation).
    breath_gain: f32,
    /// Planned length of the phrase (samples), inhales included.
    phrase_length: usize,
    /// Samples played before the current unit.
    elapsed: usize,
    /// Syllables planned so far.
    syllables: u32,
    /// When (in `elapsed` samples) the next inhale is due.
    next_inhale: usize,
    /// Whether a phrase or the breathing after it is playing.
    active: bool,
    /// Whether the phrase is still being spoken (else the whisperer is breathing after it).
    speaking: bool,
    /// Whether the lips part with a click before the first syllable (still to come).
    lip_click: bool,
    /// Whether resting breaths follow the phrase (until a newer phrase takes over).
    breathing: bool,
    /// When (samples from the phrase's start) the layer's next phrase is due: no breath begins
    /// after it.
    next_phrase: usize,
    /// Samples until a hand-over's fade starts.
    fade_delay: usize,
    /// Samples of the hand-over's fade still to play (0: not fading).
    fade_left: usize,
    /// The unit playing.
    unit: Unit,
    /// Samples played of the unit.
    t: usize,
    /// The vowel in the last syllable (index into [`VOWELS_HZ`]).
    last_vowel: usize,
    /// Formant resonators F1..F5, in cascade.
    tract: [FormantResonator; FORMANTS],
    /// Current formant frequencies (Hz).
    formant_hz: [f32; FORMANTS],
    /// Pole radii of the formants (from their bandwidths).
    radius: [f32; FORMANTS],
    /// Last tract output, for the radiation's first difference.
    last_tract: f32,
    /// Radiation gain (first difference scaled to unit gain at [`RADIATION_UNITY_HZ`]).
    radiation: f32,
    /// Consonant noise band: band-pass, then a low-pass at [`CONSONANT_CEILING_HZ`].
    consonant: [Biquad; 2],
    /// Breath band (high-pass, low-pass).
    breath: [Biquad; 2],
    /// Low-pass of the proximity effect.
    proximity: Biquad,
}

impl Whisper {
    /// Plans the next unit; `false` when the phrase and the breathing after it are over.
    fn next_unit(&mut self) -> bool {
        self.elapsed += self.unit.length;
        self.t = 0;
        if self.speaking {
            let room = self.phrase_length.saturating_sub(self.elapsed) as f32 / self.sample_rate;
            if room >= MIN_SYLLABLE_S {
                if self.elapsed >= self.next_inhale {
                    self.plan_inhale();
                    self.next_inhale = self.elapsed + self.unit.length + self.breath_group();
                } else if self.lip_click {
                    self.lip_click = false;
                    self.plan_lip_parting();
                } else {
                    self.plan_syllable(room);
                }
                return true;
            }
            self.speaking = false;
        }
        // Out and in until the next phrase is due; a phrase played alone (MIDI only) ends
        // with one exhale.
        let planned = self.breathing
            && if self.next_phrase == usize::MAX {
                self.breathing = false;
                self.plan_breath(false)
            } else {
                self.plan_breath(true)
            };
        self.active = planned;
        planned
    }

    /// The lips parting before the first syllable: a click, then a short hold; the phrase
    /// grows by its length.
    fn plan_lip_parting(&mut self) {
        let length = (LIP_PARTING_S * self.sample_rate) as usize;
        self.phrase_length += length;
        let mut click = self.gesture_of(MOUTH_CLICK, length as f32, 1.0);
        click.swell.start = 0;
        self.unit = Unit {
            length,
            onset: Some(click),
            path: [self.formant_hz; 3],
            ..Unit::default()
        };
        self.tune_consonant(MOUTH_CLICK);
    }

    /// A resting breath after the phrase: out, a pause, and (if `inhale`) in and a pause;
    /// `false` (and nothing planned) once the layer's next phrase is due (the breath it
    /// interrupts fades out under it: [`TriggerSound::make_way`]).
    fn plan_breath(&mut self, inhale: bool) -> bool {
        let fs = self.sample_rate;
        let mut seconds =
            |range: (f32, f32)| (self.rng.random_range(range.0..range.1) * fs) as usize;
        let exhale = seconds(EXHALE_S);
        let pause = seconds(BREATH_PAUSE_S);
        let (inhale, rest) = if inhale {
            (seconds(REST_INHALE_S), seconds(BREATH_PAUSE_S))
        } else {
            (0, 0)
        };
        let length = exhale + pause + inhale + rest;
        if self.elapsed >= self.next_phrase {
            return false;
        }
        self.unit = Unit {
            length,
            exhale: Swell::new(0, exhale, EXHALE_SHAPE, EXHALE_LEVEL),
            inhale: if inhale > 0 {
                Swell::new(exhale + pause, inhale, INHALE_SHAPE, REST_INHALE_LEVEL)
            } else {
                Swell::default()
            },
            path: [self.formant_hz; 3],
            ..Unit::default()
        };
        true
    }

    /// A random breath group length (samples).
    fn breath_group(&mut self) -> usize {
        let seconds = self.rng.random_range(BREATH_GROUP_S.0..BREATH_GROUP_S.1);
        (seconds * self.sample_rate) as usize
    }

    /// An inhale; the phrase grows by its length.
    fn plan_inhale(&mut self) {
        let length = (self.rng.random_range(INHALE_S.0..INHALE_S.1) * self.sample_rate) as usize;
        self.phrase_length += length;
        self.unit = Unit {
            length,
            inhale: Swell::new(0, length, INHALE_SHAPE, INHALE_LEVEL),
            path: [self.formant_hz; 3],
            ..Unit::default()
        };
    }

    /// A syllable (an optional consonant, then a vowel) of at most `room` seconds.
    fn plan_syllable(&mut self, room: f32) {
        let fs = self.sample_rate;
        let first = self.syllables == 0;
        self.syllables += 1;
        let level = if first || self.rng.random::<f32>() < STRESS_PROBABILITY {
            1.0
        } else {
            (self.rng).random_range(UNSTRESSED_LEVEL.0..UNSTRESSED_LEVEL.1)
        };
        let jitter = (self.rng).random_range(1.0 - TIMING_JITTER..1.0 + TIMING_JITTER);
        let length = ((jitter / self.pace).min(room) * fs) as usize;

        let onset = (self.rng.random::<f32>() < ONSET_PROBABILITY)
            .then(|| self.gesture(ONSET_SHARE * length as f32, level));
        let from = self.formant_hz;
        let mut locus = from;
        if let Some(hz) = onset.and_then(|g| CONSONANTS[g.consonant].locus_hz) {
            locus[0] *= LOCUS_F1_SHARE;
            locus[1] = lerp(locus[1], hz * self.formant_scale, LOCUS_F2_SHARE);
        }
        let consonant_end = onset.map_or(0, |g| g.swell.end());
        let at_locus = if locus == from {
            0
        } else {
            (APPROACH_S * fs) as usize
        };
        let vowel_start = consonant_end.saturating_sub((VOWEL_OVERLAP_S * fs) as usize);
        let vowel_length = length - vowel_start;
        let attack_s = self.rng.random_range(VOWEL_ATTACK_S.0..VOWEL_ATTACK_S.1);
        let attack = (attack_s * fs / vowel_length as f32).min(1.0 / 3.0);
        let release = self.rng.random_range(VOWEL_RELEASE.0..VOWEL_RELEASE.1);
        let mut target = self.next_vowel();
        if level < 1.0 {
            for (f, neutral) in target.iter_mut().zip(NEUTRAL_HZ) {
                *f = lerp(*f, neutral * self.formant_scale, UNSTRESSED_CENTRALISATION);
            }
        }
        self.unit = Unit {
            length,
            onset,
            vowel: Swell::new(vowel_start, vowel_length, (attack, release), level),
            path: [from, locus, target],
            path_times: [
                at_locus,
                at_locus.max(consonant_end) + (GLIDE_S * fs) as usize,
            ],
            ..Unit::default()
        };
        if let Some(g) = onset {
            self.tune_consonant(g.consonant);
        }
    }

    /// Chooses a consonant and places it at the start of the syllable; it lasts at most
    /// `room` samples.
    fn gesture(&mut self, room: f32, level: f32) -> Gesture {
        let weight = |art: &Articulation| {
            art.weight
                * match art.class {
                    Class::Sibilant => SIBILANT_WEIGHT * self.sibilance,
                    Class::Plain => 1.0,
                    Class::Click => self.style.clicks,
                }
        };
        let total: f32 = CONSONANTS.iter().map(weight).sum();
        let mut pick = self.rng.random::<f32>() * total;
        let consonant = CONSONANTS
            .iter()
            .position(|art| {
                pick -= weight(art);
                pick < 0.0
            })
            .unwrap_or(0);
        self.gesture_of(consonant, room, level)
    }

    /// Consonant `consonant` (an index into [`CONSONANTS`]) at the start of a unit, lasting at
    /// most `room` samples, at the syllable's `level` (0..1).
    fn gesture_of(&mut self, consonant: usize, room: f32, level: f32) -> Gesture {
        let art = &CONSONANTS[consonant];
        let stretch = (self.rng).random_range(1.0 - CONSONANT_STRETCH.0..1.0 + CONSONANT_STRETCH.1);
        let length = (art.length_s * stretch * self.sample_rate).min(room) as usize;
        let class_level = match art.class {
            Class::Sibilant => lerp(SIBILANT_LEVEL.0, SIBILANT_LEVEL.1, self.sibilance),
            Class::Plain | Class::Click => 1.0,
        };
        let peak = art.level * class_level * self.style.consonants * level;
        Gesture {
            consonant,
            swell: Swell::new(0, length, art.shape, peak),
        }
    }

    /// Whispered formants (Hz) of a random vowel other than the last one.
    fn next_vowel(&mut self) -> [f32; FORMANTS] {
        let step = self.rng.random_range(1..VOWELS_HZ.len());
        self.last_vowel = (self.last_vowel + step) % VOWELS_HZ.len();
        let [f1, f2, f3] = VOWELS_HZ[self.last_vowel];
        let whispered = [
            f1 + WHISPER_F1_SHIFT_HZ,
            f2,
            f3,
            UPPER_FORMANTS_HZ[0],
            UPPER_FORMANTS_HZ[1],
        ];
        whispered.map(|f| {
            f * self.formant_scale
                * (self.rng).random_range(1.0 - FORMANT_JITTER..1.0 + FORMANT_JITTER)
        })
    }

    /// Tunes the consonant band to `consonant` (an index into [`CONSONANTS`]); the band is
    /// silent between consonants, so it keeps its state.
    fn tune_consonant(&mut self, consonant: usize) {
        let art = &CONSONANTS[consonant];
        if art.source == Source::Tract {
            return;
        }
        // A smaller mouth moves the whole band up and widens it in proportion.
        let (centre, bandwidth) = art.band_hz;
        let (centre, bandwidth) = (centre * self.formant_scale, bandwidth * self.formant_scale);
        let q = centre / bandwidth;
        self.consonant[0].retune(&Biquad::bandpass(centre, q, self.sample_rate));
        // A band-pass of bandwidth B passes about pi B / fs of white noise's power.
        let power = WHITE_POWER * PI * bandwidth / self.sample_rate;
        self.consonant_gain = self.intensity * CONSONANT_RMS / power.min(WHITE_POWER).sqrt();
    }

    /// Moves the formants along the unit's path to sample `t`.
    fn glide(&mut self, t: usize) {
        let unit = &self.unit;
        let [at_locus, at_target] = unit.path_times;
        let (from, to, x) = if t < at_locus {
            (&unit.path[0], &unit.path[1], t as f32 / at_locus as f32)
        } else {
            let span = at_target.saturating_sub(at_locus).max(1);
            (
                &unit.path[1],
                &unit.path[2],
                (t - at_locus) as f32 / span as f32,
            )
        };
        let progress = smoothstep(x);
        for i in 0..FORMANTS {
            let hz = lerp(from[i], to[i], progress);
            self.formant_hz[i] = hz;
            self.tract[i].tune(hz, self.radius[i], self.sample_rate);
        }
    }

    /// Samples of the hand-over's fade.
    fn handover_len(&self) -> usize {
        ((HANDOVER_FADE_S * self.sample_rate) as usize).max(1)
    }

    /// The hand-over fade's gain for this sample (1 when not fading), or `None` once it has
    /// faded out.
    #[inline]
    fn fade_step(&mut self) -> Option<f32> {
        if self.fade_left == 0 {
            return Some(1.0);
        }
        if self.fade_delay > 0 {
            self.fade_delay -= 1;
            return Some(1.0);
        }
        self.fade_left -= 1;
        (self.fade_left > 0).then(|| smoothstep(self.fade_left as f32 / self.handover_len() as f32))
    }

    /// The breath band's next sample (unit gain).
    #[inline]
    fn breath_sample(&mut self) -> f32 {
        let [high_pass, low_pass] = &mut self.breath;
        low_pass.process(high_pass.process(white(&mut self.rng)))
    }

    /// The next sample of the phrase: the tract, the consonant band and the breath band.
    #[inline]
    fn speech_sample(&mut self) -> f32 {
        let t = self.t;
        if t.is_multiple_of(CONTROL_BLOCK) {
            self.glide(t);
        }
        let unit = &self.unit;
        let (consonant_gain, aspirate_gain) = match unit.onset {
            Some(g) if CONSONANTS[g.consonant].source == Source::Tract => (0.0, g.swell.gain(t)),
            Some(g) => (g.swell.gain(t), 0.0),
            None => (0.0, 0.0),
        };
        let vowel_gain = unit.vowel.gain(t);
        let breath_gain = self.style.aspiration * vowel_gain + unit.inhale.gain(t);

        let mut tract = (vowel_gain + aspirate_gain) * white(&mut self.rng) + DENORMAL_GUARD;
        for formant in &mut self.tract {
            tract = formant.process(tract);
        }
        let radiated = (tract - self.last_tract) * self.radiation;
        self.last_tract = tract;
        let [band, ceiling] = &mut self.consonant;
        let consonant = ceiling.process(band.process(white(&mut self.rng)));
        let breath = self.breath_sample();
        self.tract_gain * radiated
            + self.consonant_gain * consonant_gain * consonant
            + self.breath_gain * breath_gain * breath
    }
}

impl TriggerSound for Whisper {
    /// A phrase being spoken is not cut short: one layer is one whisperer.
    fn engaged(&self) -> bool {
        self.active && self.speaking
    }

    fn samples_left(&self) -> usize {
        if self.active {
            self.phrase_length.saturating_sub(self.elapsed + self.t)
        } else {
            0
        }
    }

    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            rng: seeded(0),
            style: STYLES[0],
            pace: PACE_RANGE.0,
            formant_scale: 1.0,
            sibilance: 0.0,
            intensity: 0.0,
            tract_gain: 0.0,
            consonant_gain: 0.0,
            breath_gain: 0.0,
            phrase_length: 0,
            elapsed: 0,
            syllables: 0,
            next_inhale: 0,
            active: false,
            speaking: false,
            lip_click: false,
            breathing: false,
            next_phrase: 0,
            fade_delay: 0,
            fade_left: 0,
            unit: Unit::default(),
            t: 0,
            last_vowel: 0,
            tract: [FormantResonator::default(); FORMANTS],
            formant_hz: NEUTRAL_HZ,
            radius: [0.0; FORMANTS],
            last_tract: 0.0,
            radiation: sample_rate / (TAU * RADIATION_UNITY_HZ),
            consonant: [
                Biquad::default(),
                Biquad::lowpass(CONSONANT_CEILING_HZ, FRAC_1_SQRT_2, sample_rate),
            ],
            breath: [Biquad::default(); 2],
            proximity: Biquad::lowpass(PROXIMITY_HZ, FRAC_1_SQRT_2, sample_rate),
        }
    }

    fn start(&mut self, e: &Excitation) {
        let [pace, size, sibilance, length] = e.character.map(|c| c.clamp(0.0, 1.0));
        self.rng = seeded(e.seed);
        self.style = STYLES[e.variant.min(STYLES.len() - 1)];
        self.pace = lerp(PACE_RANGE.0, PACE_RANGE.1, pace);
        self.formant_scale = lerp(FORMANT_SCALE_RANGE.0, FORMANT_SCALE_RANGE.1, size);
        self.sibilance = sibilance;
        let gain = e.intensity.clamp(0.0, 1.0);
        self.intensity = gain;
        let fs = self.sample_rate;
        let jitter = (self.rng).random_range(1.0 - LENGTH_JITTER..1.0 + LENGTH_JITTER);
        self.phrase_length = (log_map(length, LENGTH_RANGE_S) * jitter * fs) as usize;
        self.elapsed = 0;
        self.syllables = 0;
        self.next_inhale = if self.rng.random::<f32>() < self.style.inhale {
            0
        } else {
            self.breath_group()
        };
        self.lip_click = self.rng.random::<f32>() < self.style.lip_click;
        self.speaking = true;
        self.breathing = true;
        // With a rhythm the whisperer breathes until the next phrase is due.
        self.next_phrase = if e.interval_s > 0.0 {
            (e.interval_s * fs) as usize
        } else {
            usize::MAX
        };
        self.fade_left = 0;
        self.fade_delay = 0;
        self.last_vowel = self.rng.random_range(0..VOWELS_HZ.len());
        self.formant_hz = NEUTRAL_HZ.map(|f| f * self.formant_scale);
        self.radius = BANDWIDTHS_HZ.map(|b| (-PI * b / fs).exp());
        let tract_noise = TRACT_NOISE_GAIN * (REFERENCE_RATE / fs).sqrt();
        self.tract_gain = gain * self.style.sound * VOWEL_RMS / (WHITE_POWER.sqrt() * tract_noise);
        self.consonant_gain = 0.0;
        let (low, high) = BREATH_BAND_HZ;
        let (low, high) = (low * self.formant_scale, high * self.formant_scale);
        let breath_power = (BUTTERWORTH_NOISE_BANDWIDTH * high - low) / (0.5 * fs);
        self.breath_gain = gain * BREATH_RMS / (WHITE_POWER * breath_power).sqrt();
        self.breath = [
            Biquad::highpass(low, FRAC_1_SQRT_2, fs),
            Biquad::lowpass(high, FRAC_1_SQRT_2, fs),
        ];
        self.tract = [FormantResonator::default(); FORMANTS];
        self.last_tract = 0.0;
        self.consonant.iter_mut().for_each(Biquad::reset);
        self.proximity.reset();
        self.unit = Unit::default();
        self.t = 0;
        self.active = true;
    }

    fn add_to(&mut self, out: &mut [f32]) -> bool {
        if !self.active {
            return false;
        }
        for o in out.iter_mut() {
            if self.t >= self.unit.length && !self.next_unit() {
                return false;
            }
            let Some(fade) = self.fade_step() else {
                self.active = false;
                return false;
            };
            let dry = if self.speaking {
                self.speech_sample()
            } else {
                // Breathing only: the tract and the consonant band rest.
                let unit = &self.unit;
                let breath_gain = unit.exhale.gain(self.t) + unit.inhale.gain(self.t);
                self.breath_gain * breath_gain * fade * self.breath_sample()
            };
            let body = self.proximity.process(dry + DENORMAL_GUARD);
            *o += dry + self.style.proximity * body;
            self.t += 1;
        }
        true
    }

    /// A newer phrase of the layer takes over: a phrase being spoken ends with its syllable
    /// and no breaths follow it; the breathing after a phrase fades out over
    /// [`HANDOVER_FADE_S`], starting `after` samples into the next block. One layer is one
    /// whisperer. Nothing is handed over.
    fn make_way(&mut self, after: usize) -> f32 {
        if !self.active {
            return 0.0;
        }
        self.breathing = false;
        if self.speaking {
            self.phrase_length = self.elapsed + self.unit.length;
        } else if self.fade_left == 0 {
            self.fade_delay = after;
            self.fade_left = self.handover_len();
        }
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{self, FS, excitation, peak};
    use super::*;

    /// Default-ish controls: middle Pace, Voice size and Sibilance, a 6 s phrase.
    const MIDDLE: [f32; 4] = [0.5, 0.5, 0.5, 1.0];

    /// The phrase of `variant` with `character` and `seed`, without the breathing after it
    /// (cut where its last sound ends); with `inhales` false, without its inhales either.
    fn spoken(variant: usize, character: [f32; 4], seed: u64, inhales: bool) -> Vec<f32> {
        let mut sound = Whisper::new(FS);
        sound.start(&excitation(variant, character, seed));
        let mut x = Vec::new();
        let mut sample = [0.0];
        while sound.add_to(&mut sample) && sound.speaking {
            if inhales || sound.unit.inhale.peak == 0.0 {
                x.push(sample[0]);
            }
            sample[0] = 0.0;
        }
        x.truncate(x.iter().rposition(|v| *v != 0.0).map_or(0, |end| end + 1));
        x
    }

    /// The phrase of `variant` with `character` and `seed`, without the breathing after it.
    fn phrase(variant: usize, character: [f32; 4], seed: u64) -> Vec<f32> {
        spoken(variant, character, seed, true)
    }

    /// Phrases of `variant` with `character`, one per seed, one after the other.
    fn phrases(variant: usize, character: [f32; 4], seeds: std::ops::Range<u64>) -> Vec<f32> {
        seeds
            .flat_map(|seed| phrase(variant, character, seed))
            .collect()
    }

    /// Pitch-period lags: 2.5 to 14 ms (70 to 400 Hz sounds).
    const PITCH_LAGS_S: (f32, f32) = (0.0025, 0.014);

    /// Median over the 250 ms frames of `x` that are not near-silent of each frame's highest
    /// normalised autocorrelation (magnitude) at pitch-period lags. (A sound shows its pitch
    /// in most frames; the median ignores the odd frame a single narrow formant dominates.)
    fn pitch_correlation(x: &[f32]) -> f32 {
        let lags = (
            (PITCH_LAGS_S.0 * FS) as usize,
            (PITCH_LAGS_S.1 * FS) as usize,
        );
        let mut frames: Vec<f32> = x
            .chunks((0.25 * FS) as usize)
            .filter(|frame| testkit::rms(frame) > 0.01)
            .map(|frame| {
                testkit::autocorrelation(frame, lags.1)[lags.0..]
                    .iter()
                    .fold(0.0f32, |m, v| m.max(v.abs()))
            })
            .collect();
        frames.sort_by(f32::total_cmp);
        frames[frames.len() / 2]
    }

    /// Frequency (Hz) of the strongest syllable-rate modulation: the peak between 1.4 Hz (70 %
    /// of the slowest pace; phrase and breath-group rhythms lie below) and 15 Hz
    /// of the spectrum of the 5 ms level in dB (mean removed), smoothed over +-0.4 Hz. In dB,
    /// as loudness is heard, the dips between syllables count and the louder open vowels do
    /// not drown them.
    fn modulation_peak(x: &[f32]) -> f32 {
        /// Floor (fraction of the loudest) under the levels, so silence counts as -40 dB.
        const LEVEL_FLOOR: f32 = 0.01;
        let hop = (0.005 * FS) as usize;
        let mut env = testkit::envelope(x, hop);
        let floor = LEVEL_FLOOR * env.iter().fold(0.0f32, |m, &v| m.max(v));
        env.iter_mut().for_each(|v| *v = (*v + floor).log10());
        let mean = env.iter().sum::<f32>() / env.len() as f32;
        env.iter_mut().for_each(|v| *v -= mean);
        let spectrum = testkit::power_spectrum(&env);
        let bin_hz = FS / hop as f32 / (2 * (spectrum.len() - 1)) as f32;
        let half = (0.4 / bin_hz) as usize;
        let smoothed = |k: usize| spectrum[k - half..=k + half].iter().sum::<f64>();
        let band = (1.4 / bin_hz) as usize..(15.0 / bin_hz) as usize;
        let peak = band
            .max_by(|&a, &b| smoothed(a).total_cmp(&smoothed(b)))
            .unwrap();
        peak as f32 * bin_hz
    }

    /// Whispering is unvoiced: no pitch period shows in the autocorrelation, in any variant
    /// or sound size, while the same measure finds a sound's pitch.
    #[test]
    fn no_pitch_periodicity() {
        for variant in 0..INFO.variants.len() {
            for size in [0.0, 1.0] {
                let x = phrases(variant, [0.5, size, 0.5, 1.0], 0..2);
                let r = pitch_correlation(&x);
                println!("variant {variant}, size {size}: pitch-lag correlation {r:.3}");
                assert!(r < 0.3, "variant {variant}, size {size}: {r}");
            }
        }
        // The same whisper with a 120 Hz buzz (a sound) at its level, following its 10 ms
        // envelope: half the power is periodic.
        let mut voiced = phrases(1, MIDDLE, 0..1);
        let hop = (0.01 * FS) as usize;
        let envelope = testkit::envelope(&voiced, hop);
        let period = FS / 120.0;
        for (n, v) in voiced.iter_mut().enumerate() {
            let saw = 3f32.sqrt() * (2.0 * (n as f32 / period).fract() - 1.0);
            *v += envelope[n / hop] * saw;
        }
        let r = pitch_correlation(&voiced);
        println!("with a 120 Hz sound: {r:.3}");
        assert!(r > 0.4, "{r}");
    }

    /// The envelope is modulated at the syllable rate, which follows Pace. (Measured on the
    /// syllables alone: the quiet inhales between breath groups are deep dips at the slower
    /// breath-group rhythm.)
    #[test]
    fn syllable_rate_follows_pace() {
        let rate = |pace: f32| {
            let x: Vec<f32> = (0..16)
                .flat_map(|seed| spoken(0, [pace, 0.5, 0.5, 1.0], seed, false))
                .collect();
            modulation_peak(&x)
        };
        let (slow, middle, fast) = (rate(0.0), rate(0.5), rate(1.0));
        println!("modulation peaks: {slow:.2} Hz, {middle:.2} Hz, {fast:.2} Hz");
        assert!((3.0..=7.0).contains(&middle), "{middle} Hz");
        for (measured, pace) in [(slow, 0.0), (middle, 0.5), (fast, 1.0)] {
            let expected = lerp(PACE_RANGE.0, PACE_RANGE.1, pace);
            assert!(
                (measured / expected - 1.0).abs() < 0.3,
                "{measured} Hz vs {expected} Hz"
            );
        }
        assert!(fast > 2.0 * slow);
    }

    /// Syllable lengths vary (never a metronome), and the phrase lasts about Length.
    #[test]
    fn timing_varies_and_phrase_follows_length() {
        let mut sound = Whisper::new(FS);
        sound.start(&excitation(0, MIDDLE, 3));
        let mut lengths = Vec::new();
        let mut sample = [0.0];
        while sound.add_to(&mut sample) {
            if sound.t == 1 && sound.unit.inhale.peak == 0.0 {
                lengths.push(sound.unit.length as f32);
            }
        }
        let mean = lengths.iter().sum::<f32>() / lengths.len() as f32;
        let spread =
            (lengths.iter().map(|l| (l - mean).powi(2)).sum::<f32>() / lengths.len() as f32).sqrt()
                / mean;
        println!("{} syllables, length spread {spread:.3}", lengths.len());
        assert!(spread > 0.1, "{spread}");

        for length in [0.0, 0.5, 1.0] {
            let x = phrases(0, [0.5, 0.5, 0.5, length], 0..1);
            let sounding = x.iter().rposition(|v| *v != 0.0).unwrap() as f32 / FS;
            let expected = log_map(length, LENGTH_RANGE_S);
            println!("Length {length}: {sounding:.2} s (expected {expected:.2} s)");
            // Jitter, the last syllable's room, up to two inhales of at most 0.35 s and the
            // lips parting.
            let shortest = (1.0 - LENGTH_JITTER) * expected - MIN_SYLLABLE_S;
            let longest = (1.0 + LENGTH_JITTER) * expected + 2.0 * INHALE_S.1 + LIP_PARTING_S;
            assert!(
                (shortest..longest).contains(&sounding),
                "{sounding} s vs {expected} s"
            );
        }
    }

    /// Sibilance puts more of the energy between 4 and 8 kHz.
    #[test]
    fn sibilance_brightens() {
        let share = |sibilance: f32| {
            testkit::band_share(
                &phrases(1, [0.5, 0.5, sibilance, 1.0], 0..4),
                FS,
                4000.0,
                8000.0,
            )
        };
        let (low, high) = (share(0.0), share(1.0));
        println!("4-8 kHz share: {low:.3} at Sibilance 0, {high:.3} at 1");
        assert!(high > 1.5 * low, "{low} vs {high}");
    }

    /// The formants glide (coarticulation): from one control period to the next F2 moves by
    /// little, yet over a phrase it sweeps across the vowel space.
    #[test]
    fn formants_glide_smoothly() {
        let mut sound = Whisper::new(FS);
        sound.start(&excitation(0, [1.0, 0.5, 0.5, 1.0], 5));
        let mut block = [0.0; CONTROL_BLOCK];
        let mut track = Vec::new();
        while sound.add_to(&mut block) {
            track.push(sound.formant_hz[1]);
        }
        let step = track
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f32::max);
        let (low, high) = track
            .iter()
            .fold((f32::MAX, 0.0f32), |(l, h), &f| (l.min(f), h.max(f)));
        println!("F2 from {low:.0} to {high:.0} Hz, largest step {step:.1} Hz per control period");
        assert!(high - low > 800.0, "{low} to {high} Hz");
        // The fastest glide (a locus to a vowel far away within 70 ms plus a burst) moves
        // about 1.5 kHz in 80 ms: under 40 Hz per 0.67 ms control period.
        assert!(step < 40.0, "{step} Hz");
    }

    /// Whispered speech has most of its energy between 1 and 4 kHz and little above 6 kHz
    /// once the sibilants are gone; the sibilants bring 4-8 kHz energy of their own.
    #[test]
    fn energy_sits_in_the_speech_band() {
        for variant in 0..INFO.variants.len() {
            let x = phrases(variant, [0.5, 0.5, 0.0, 1.0], 0..3);
            let speech = testkit::band_share(&x, FS, 1000.0, 4000.0);
            let high = testkit::band_share(&x, FS, 6000.0, 24_000.0);
            println!("variant {variant}: 1-4 kHz share {speech:.2}, above 6 kHz {high:.3}");
            assert!(speech > 0.5, "{speech}");
            assert!(high < 0.03, "{high}");
        }
    }

    /// Within a phrase the sound never drops out: no silence (10 ms frames 40 dB below the
    /// phrase's RMS level) longer than 40 ms, shorter than a plosive's closure in running speech, between its first
    /// and last sound (syllables run into each other, pauses are inhales).
    #[test]
    fn no_gaps_within_a_phrase() {
        for variant in 0..INFO.variants.len() {
            for seed in 0..4 {
                let x = phrase(variant, MIDDLE, seed);
                let envelope = testkit::envelope(&x, (0.01 * FS) as usize);
                let first = envelope.iter().position(|&v| v > 0.0).unwrap();
                let last = envelope.iter().rposition(|&v| v > 0.0).unwrap();
                let level = testkit::rms(&x[first * FS as usize / 100..last * FS as usize / 100]);
                let longest = envelope[first..=last]
                    .split(|&v| v > 0.01 * level)
                    .map(<[f32]>::len)
                    .max()
                    .unwrap_or(0);
                assert!(
                    longest <= 4,
                    "variant {variant}, seed {seed}: {longest} silent frames"
                );
            }
        }
    }

    /// Close has the proximity effect: more energy below 500 Hz than Soft.
    #[test]
    fn close_has_low_body() {
        let low =
            |variant: usize| testkit::band_share(&phrases(variant, MIDDLE, 0..3), FS, 0.0, 500.0);
        let (soft, close) = (low(0), low(1));
        println!("below 500 Hz: Soft {soft:.3}, Close {close:.3}");
        assert!(close > 2.0 * soft, "{soft} vs {close}");
    }

    /// After the phrase the whisperer breathes quietly on until the layer's next phrase is due
    /// (here 12 s after this one's start; rendered alone, nothing takes over): the last breath
    /// begins before it and ends less than a breath after it, and each breath is 18 to 34 dB
    /// under the phrase (quiet breathing close by, well under a whispered word).
    #[test]
    fn breathes_after_the_phrase() {
        let interval_s = 12.0;
        let frame = (0.05 * FS) as usize;
        for variant in 0..INFO.variants.len() {
            for seed in 0..3 {
                let e = Excitation {
                    interval_s,
                    ..excitation(variant, MIDDLE, seed)
                };
                let spoken = phrase(variant, MIDDLE, seed).len();
                let x = testkit::render::<Whisper>(FS, &e, interval_s + 1.0);
                let end = x.iter().rposition(|v| *v != 0.0).unwrap();
                let ends_s = end as f32 / FS;
                // The longest breath (out and in with their pauses), begun just before.
                let breath = EXHALE_S.1 + REST_INHALE_S.1 + 2.0 * BREATH_PAUSE_S.1;
                assert!(
                    (interval_s..=interval_s + breath).contains(&ends_s),
                    "variant {variant}, seed {seed}: breathing ends at {ends_s} s"
                );
                let loudest_breath = x[spoken..end]
                    .chunks(frame)
                    .map(testkit::rms)
                    .fold(0.0f32, f32::max);
                let below = 20.0 * (testkit::rms(&x[..spoken]) / loudest_breath).log10();
                println!(
                    "variant {variant}, seed {seed}: ends at {ends_s:.1} s, {below:.1} dB under"
                );
                assert!((18.0..34.0).contains(&below), "{below} dB");
            }
        }
    }

    /// No breath begins after the layer's next phrase is due (a layer switched off falls silent
    /// within a breath), and a phrase played without a rhythm (MIDI) ends with one exhale.
    #[test]
    fn breathing_ends_when_the_next_phrase_is_due() {
        for seed in 0..4 {
            for interval_s in [1.0, 3.0, 5.0, 12.0] {
                let e = Excitation {
                    interval_s,
                    ..excitation(0, [0.5, 0.5, 0.5, 0.0], seed)
                };
                let x = testkit::render::<Whisper>(FS, &e, 14.0);
                let end = x.iter().rposition(|v| *v != 0.0).unwrap() as f32 / FS;
                let spoken = phrase(0, [0.5, 0.5, 0.5, 0.0], seed).len() as f32 / FS;
                println!("interval {interval_s} s: phrase {spoken:.2} s, sound ends at {end:.2} s");
                let breath = EXHALE_S.1 + REST_INHALE_S.1 + 2.0 * BREATH_PAUSE_S.1;
                assert!(end <= spoken.max(interval_s) + breath, "{end} s");
            }
            let x = testkit::render::<Whisper>(FS, &excitation(0, MIDDLE, seed), 14.0);
            let end = x.iter().rposition(|v| *v != 0.0).unwrap() as f32 / FS;
            let spoken = phrase(0, MIDDLE, seed).len() as f32 / FS;
            let exhale = EXHALE_S.1 + BREATH_PAUSE_S.1;
            assert!(end - spoken <= exhale, "{end} s after {spoken} s");
        }
    }

    /// A newer phrase of the layer takes over: the breathing fades out within the hand-over
    /// fade, and a phrase being spoken ends with its syllable and breathes no more.
    #[test]
    fn a_newer_phrase_takes_over() {
        let block = 64;
        let render_until = |sound: &mut Whisper, done: &dyn Fn(&Whisper) -> bool| {
            let mut buffer = vec![0.0; block];
            while !done(sound) {
                assert!(sound.add_to(&mut buffer));
            }
        };
        let remaining = |sound: &mut Whisper| {
            let mut buffer = vec![0.0; block];
            let mut samples = 0;
            while sound.add_to(&mut buffer) {
                samples += block;
            }
            samples as f32 / FS
        };
        for seed in 0..4 {
            // While breathing: gone within the fade (and a block).
            let mut sound = Whisper::new(FS);
            sound.start(&excitation(0, MIDDLE, seed));
            render_until(&mut sound, &|v| {
                !v.speaking && v.unit.exhale.gain(v.t) > 0.0
            });
            sound.make_way(10);
            let left = remaining(&mut sound);
            assert!(
                left <= HANDOVER_FADE_S + 2.0 * block as f32 / FS,
                "{left} s"
            );

            // While speaking: the current syllable at the slowest pace, then nothing.
            let mut sound = Whisper::new(FS);
            sound.start(&excitation(0, [0.0, 0.5, 0.5, 1.0], seed));
            render_until(&mut sound, &|v| v.syllables >= 2);
            sound.make_way(0);
            let left = remaining(&mut sound);
            let syllable = (1.0 + TIMING_JITTER) / PACE_RANGE.0;
            assert!(left <= syllable, "{left} s");
        }
    }

    /// Peaks follow the level convention, every sample is finite, and the sound falls silent
    /// and says so once the phrase is over.
    #[test]
    fn levels_and_ending() {
        let mut peaks = Vec::new();
        for variant in 0..INFO.variants.len() {
            for character in [MIDDLE, [0.0; 4], [1.0; 4], [1.0, 0.0, 1.0, 0.5]] {
                for seed in 0..3 {
                    let x =
                        testkit::render::<Whisper>(FS, &excitation(variant, character, seed), 7.0);
                    assert!(x.iter().all(|v| v.is_finite()));
                    peaks.push(peak(&x));
                }
            }
        }
        peaks.sort_by(f32::total_cmp);
        let (lowest, median, highest) = (peaks[0], peaks[peaks.len() / 2], peaks[peaks.len() - 1]);
        println!("peaks: lowest {lowest:.3}, median {median:.3}, highest {highest:.3}");
        // The quietest is a phrase of a single short syllable (Length 0).
        assert!((0.3..=0.6).contains(&median) && lowest > 0.08 && highest < 0.9);
        // Other sample rates: the same levels.
        for fs in [44_100.0, 96_000.0] {
            for variant in 0..INFO.variants.len() {
                let x = testkit::render::<Whisper>(fs, &excitation(variant, MIDDLE, 0), 7.0);
                assert!(x.iter().all(|v| v.is_finite()) && (0.15..0.9).contains(&peak(&x)));
            }
        }

        let e = excitation(2, [1.0, 0.5, 0.5, 0.0], 7);
        let x = testkit::assert_finishes_silent::<Whisper>(&e, 10.0, 64);
        assert!(x.len() > 64, "plays at least a block");
    }

    /// Band (Hz) where voiced speech carries its fundamental and first formants; a whisper,
    /// unvoiced, has little power there.
    const VOICED_LOW_HZ: (f32, f32) = (100.0, 700.0);
    /// Most a breathy whisper's share of power in [`VOICED_LOW_HZ`] may exceed a soft one's
    /// (x1.03-1.05 here; x1.9 with four times the breath under the vowels, which the judge
    /// heard as plain speech).
    const MOST_LOW_EXCESS: f64 = 1.25;

    #[test]
    fn breathy_breath_adds_no_voice_like_low_band() {
        for character in [MIDDLE, [0.2, 0.2, 0.9, 0.2], [0.8, 0.8, 0.1, 0.9]] {
            let (low, high) = VOICED_LOW_HZ;
            let share = |variant| {
                let x = phrases(variant, character, 0..4);
                testkit::band_share(&x, FS, low, high)
            };
            let excess = share(2) / share(0);
            println!("{character:?}: breathy's low band share {excess:.3} times soft's");
            assert!(excess < MOST_LOW_EXCESS, "{character:?}: {excess}");
        }
    }

    /// The same excitation gives the same phrase, bit for bit, whatever the block size; other
    /// seeds give other phrases.
    #[test]
    fn deterministic_per_seed() {
        let (a, c) =
            testkit::assert_deterministic::<Whisper>(&excitation(1, MIDDLE, 11), 3.0, 1000);
        let difference = a.iter().zip(&c).filter(|(x, y)| x != y).count();
        assert!(difference > a.len() / 2);
    }
}
