//! Tap: fingertip and fingernail tapping on objects of different materials, by modal synthesis
//! (van den Doel & Pai): a struck object rings as a sum of exponentially decaying modes, each
//! decaying at `d = pi f tan(phi)` where `tan(phi)` is the material's internal friction, and the
//! finger's contact force (a raised-cosine pulse, shorter for a nail than for a fingertip)
//! filters which modes are excited.

use super::{
    ControlInfo, Excitation, FamilyInfo, NoiseBurst, TriggerRng, TriggerSound, jitter, log_map,
    seeded,
};
use crate::dsp::resonator::ResonatorBank;
use std::f32::consts::{PI, TAU};

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Tap",
    variants: &["Wood", "Glass", "Plastic", "Metal", "Ceramic", "Hollow box"],
    controls: [
        ControlInfo {
            name: "Size",
            description: "Size of the tapped object: bigger objects ring at lower pitches.",
        },
        ControlInfo {
            name: "Hardness",
            description: "From a soft fingertip (dull, gentle onset) to a fingernail (bright, sharp click).",
        },
        ControlInfo {
            name: "Ring",
            description: "How long the object rings, within what its material allows.",
        },
        ControlInfo {
            name: "Position",
            description: "Where the object is struck, from the centre (round, few modes) to the edge (thinner, more overtones).",
        },
    ],
    sustained: false,
};

/// Most modes a tap rings with (the cavity mode of a hollow box included).
const MAX_MODES: usize = 12;
/// Factor (both ways) by which Size moves the pitch away from the material's own: Size 0
/// multiplies the frequencies by it, Size 1 divides them by it.
const SIZE_SPAN: f32 = 2.5;
/// Factor (both ways) by which Ring scales the material's loss factor: Ring 0 multiplies it,
/// Ring 1 divides it.
const RING_SPAN: f32 = 4.0;
/// Longest decay time T60 (s) any mode may have: a loss added to every mode's own
/// (`6.91 / T60` per second), which keeps the material ordering while bounding the ring.
const LONGEST_T60_S: f32 = 4.0;
/// Natural log of 1000: an amplitude decays by 60 dB over `T60 = LN_1000 / d`.
const LN_1000: f32 = 6.907_755;
/// Contact duration (s) of a fingertip (Hardness 0) and of a fingernail (Hardness 1); Hardness
/// maps between them logarithmically.
const CONTACT_S: (f32, f32) = (0.005, 0.000_25);
/// Exponent of the contact duration's dependence on intensity (Hertzian contact: harder hits
/// are shorter, `tau ~ v^-1/5`).
const HERTZ_EXPONENT: f32 = -0.2;
/// Lowest intensity used for the contact law (avoids an infinite contact time at 0).
const MIN_CONTACT_INTENSITY: f32 = 0.05;
/// Highest mode frequency (Hz) synthesised.
const HIGHEST_MODE_HZ: f32 = 18_000.0;
/// Highest mode frequency as a fraction of the sample rate (keeps modes clear of Nyquist).
const HIGHEST_MODE_FRACTION: f32 = 0.45;
/// Strike point (fraction of the object's span) at Position 0 (the centre) and Position 1
/// (near the edge).
const STRIKE_POINT: (f32, f32) = (0.5, 0.08);
/// How much the strike point shapes the modal amplitudes (0 = not at all, 1 = nodes silence
/// their modes completely).
const POSITION_DEPTH: f32 = 0.85;
/// Peak output (sum of the modal amplitudes) of a tap at intensity 1.
const PEAK_GAIN: f32 = 0.6;
/// Most a soft contact's level is made up for (amplitude factor): a long pulse excites the
/// modes weakly, and up to this much of that loss is compensated so fingertips stay audible.
const MAX_SOFT_GAIN: f32 = 30.0;
/// Amplitude (relative to [`PEAK_GAIN`]) of the fingernail click's noise at Hardness 1 (it is
/// heard differenced, like the modes, so it is bright).
const CLICK_LEVEL: f32 = 0.25;
/// Power of Hardness that scales the click (only nails click).
const CLICK_HARDNESS_POWER: f32 = 3.0;
/// Decay time constant (s) of the fingernail click.
const CLICK_DECAY_S: f32 = 0.000_25;
/// Level (amplitude) below which the tap has died away: -80 dBFS, far below any listening level
/// yet early enough that ringing voices stop costing time.
const SILENCE: f32 = 1e-4;
/// Per-hit jitter of the strike point (fraction of the span, both ways).
const POSITION_JITTER: f32 = 0.03;
/// Per-hit jitter of the force (dB, both ways).
const FORCE_JITTER_DB: f32 = 1.0;
/// Per-hit, per-mode jitter of the tuning (fraction of the frequency, both ways).
const TUNING_JITTER: f32 = 0.012;
/// Per-hit jitter of the contact duration (fraction, both ways).
const CONTACT_JITTER: f32 = 0.15;
/// Samples processed together (the force pulse is computed for this many at a time).
const CHUNK: usize = 64;

/// One vibration mode of a material's object.
#[derive(Debug, Clone, Copy)]
struct Mode {
    /// Frequency relative to the fundamental (>= 1).
    ratio: f32,
    /// Amplitude when struck at the centre with an ideal impulse (0..=1).
    weight: f32,
}

/// Shorthand for a mode table entry.
const fn mode(ratio: f32, weight: f32) -> Mode {
    Mode { ratio, weight }
}

/// The air cavity of a hollow body: a Helmholtz-like low mode.
#[derive(Debug, Clone, Copy)]
struct Cavity {
    /// Frequency relative to the body's fundamental (< 1).
    ratio: f32,
    /// Amplitude relative to the body's modes (0..=1).
    weight: f32,
    /// Loss factor `1 / Q` of the cavity (radiation and wall losses).
    loss: f32,
}

/// A material and the object shape it is typically tapped as.
#[derive(Debug, Clone, Copy)]
struct Material {
    /// Fundamental (Hz) at Size 0.5.
    fundamental_hz: f32,
    /// Internal friction `tan(phi)`: each mode decays at `pi f tan(phi)` per second.
    loss: f32,
    /// The object's modes, lowest first (at most [`MAX_MODES`], cavity included).
    modes: &'static [Mode],
    /// The air cavity of a hollow object.
    cavity: Option<Cavity>,
}

/// The variants' materials, in [`INFO`] order.
const MATERIALS: [Material; 6] = [
    // Wood: a block or tabletop, modes of a free bar plus a few plate modes.
    Material {
        fundamental_hz: 380.0,
        loss: 1e-2,
        modes: &[
            mode(1.0, 1.0),
            mode(1.52, 0.6),
            mode(2.76, 0.7),
            mode(3.28, 0.4),
            mode(5.40, 0.45),
            mode(6.10, 0.3),
            mode(8.93, 0.3),
            mode(10.4, 0.2),
            mode(13.34, 0.15),
        ],
        cavity: None,
    },
    // Glass: a drinking glass, its ring modes n = 2..7 (f ~ n (n^2 - 1) / sqrt(n^2 + 1)).
    Material {
        fundamental_hz: 1000.0,
        loss: 1e-3,
        modes: &[
            mode(1.0, 1.0),
            mode(2.83, 0.7),
            mode(5.42, 0.45),
            mode(8.77, 0.3),
            mode(12.87, 0.2),
            mode(17.7, 0.12),
        ],
        cavity: None,
    },
    // Plastic: a box lid or case, dense plate modes, heavily damped.
    Material {
        fundamental_hz: 600.0,
        loss: 4e-2,
        modes: &[
            mode(1.0, 1.0),
            mode(1.59, 0.7),
            mode(2.14, 0.6),
            mode(2.30, 0.5),
            mode(2.65, 0.45),
            mode(3.16, 0.4),
            mode(3.50, 0.3),
            mode(4.06, 0.3),
            mode(5.2, 0.2),
        ],
        cavity: None,
    },
    // Metal: a thin free plate or tin, Chladni's circular-plate ratios.
    Material {
        fundamental_hz: 520.0,
        loss: 1e-4,
        modes: &[
            mode(1.0, 1.0),
            mode(1.73, 0.7),
            mode(2.33, 0.6),
            mode(3.91, 0.5),
            mode(4.11, 0.45),
            mode(6.13, 0.35),
            mode(6.71, 0.3),
            mode(8.14, 0.25),
            mode(9.02, 0.2),
            mode(10.8, 0.15),
            mode(12.5, 0.12),
            mode(14.6, 0.1),
        ],
        cavity: None,
    },
    // Ceramic: a mug, ring modes like a glass, split by the handle, more damped.
    Material {
        fundamental_hz: 1300.0,
        loss: 2e-3,
        modes: &[
            mode(1.0, 1.0),
            mode(1.04, 0.5),
            mode(2.64, 0.6),
            mode(2.75, 0.35),
            mode(5.1, 0.4),
            mode(8.3, 0.25),
            mode(12.1, 0.15),
        ],
        cavity: None,
    },
    // Hollow box: a thin-walled wooden box, plate modes over a low air resonance.
    Material {
        fundamental_hz: 420.0,
        loss: 1.2e-2,
        modes: &[
            mode(1.0, 1.0),
            mode(1.42, 0.7),
            mode(2.10, 0.6),
            mode(2.60, 0.45),
            mode(3.40, 0.4),
            mode(4.30, 0.3),
            mode(5.50, 0.25),
            mode(7.00, 0.2),
        ],
        cavity: Some(Cavity {
            ratio: 0.38,
            weight: 1.2,
            loss: 0.08,
        }),
    },
];

/// Peak output (relative to a free ring of amplitude 1) of a mode at `freq_hz` (Hz) pushed by
/// a unit-area raised-cosine force pulse lasting `duration_s` (s), heard as velocity.
///
/// Short pulses set the mode ringing: the pulse spectrum `|sinc(x) / (1 - x^2)|` at
/// `x = f duration`, a low-pass with its first null at `2 / duration`. Long pulses also push the
/// mode quasi-statically: a displacement of `1 / (pi x)` (peak force over stiffness) rising over
/// the pulse, heard as `1 / (2 pi x^2)` once differentiated. Their sum, at most 1 (which a
/// unit-area pulse never exceeds).
fn pulse_response(freq_hz: f32, duration_s: f32) -> f32 {
    /// Distance from `x = 1` (where the spectrum is 0 / 0) below which its limit is used.
    const NEAR_ONE: f32 = 1e-3;
    /// The spectrum's limit at `x = 1`.
    const AT_ONE: f32 = 0.5;
    let x = (freq_hz * duration_s).max(f32::EPSILON);
    let denominator = 1.0 - x * x;
    let ringing = if denominator.abs() < NEAR_ONE {
        AT_ONE
    } else {
        ((PI * x).sin() / (PI * x) / denominator).abs()
    };
    let pushed = 1.0 / (TAU * x * x);
    (ringing + pushed).min(1.0)
}

/// A tapping voice: up to [`MAX_MODES`] modal resonators driven by a finger's force pulse,
/// plus the click of a fingernail.
#[derive(Debug, Clone)]
pub struct Tap {
    /// Sample rate (Hz).
    sample_rate: f32,
    /// The ringing modes, each weighted by its displacement gain (scaled so that its
    /// differenced output rings at its share of the tap's level).
    modes: ResonatorBank<MAX_MODES>,
    /// Length of the contact force pulse (samples, >= 1).
    contact: usize,
    /// The fingernail's click.
    click: NoiseBurst,
    /// Previous sample of the summed mode displacements (the output is their difference: the
    /// surface velocity, which radiates).
    last_displacement: f32,
    /// This hit's random variation.
    rng: TriggerRng,
    /// Samples rendered since the start.
    elapsed: usize,
    /// Samples until every mode has decayed below [`SILENCE`] (0 when idle).
    lifetime: usize,
}

impl Tap {
    /// Adds one chunk (at most [`CHUNK`] samples) of the tap to `out`.
    fn render_chunk(&mut self, out: &mut [f32]) {
        let mut force = [0.0f32; CHUNK];
        let force = &mut force[..out.len()];
        if self.elapsed < self.contact {
            let scale = 1.0 / self.contact as f32;
            for (n, f) in force.iter_mut().enumerate() {
                let at = self.elapsed + n;
                if at < self.contact {
                    let phase = TAU * (at as f32 + 0.5) * scale;
                    *f = (1.0 - phase.cos()) * scale;
                }
            }
        }
        let mut displacement = [0.0f32; CHUNK];
        let displacement = &mut displacement[..out.len()];
        self.modes.process(force, displacement);
        self.click.add_to(displacement, &mut self.rng);
        for (o, &d) in out.iter_mut().zip(displacement.iter()) {
            *o += d - self.last_displacement;
            self.last_displacement = d;
        }
        self.elapsed += out.len();
    }
}

impl TriggerSound for Tap {
    fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            modes: ResonatorBank::default(),
            contact: 1,
            click: NoiseBurst::default(),
            last_displacement: 0.0,
            rng: seeded(0),
            elapsed: 0,
            lifetime: 0,
        }
    }

    fn start(&mut self, e: &Excitation) {
        let material = &MATERIALS[e.variant.min(MATERIALS.len() - 1)];
        let [size, hardness, ring, position] = e.character.map(|c| c.clamp(0.0, 1.0));
        let intensity = e.intensity.clamp(0.0, 1.0);
        let fs = self.sample_rate;
        self.rng = seeded(e.seed);
        let rng = &mut self.rng;

        let force = 10f32.powf(jitter(rng, FORCE_JITTER_DB) / 20.0) * intensity;
        let contact_s = log_map(hardness, CONTACT_S)
            * intensity.max(MIN_CONTACT_INTENSITY).powf(HERTZ_EXPONENT)
            * (1.0 + jitter(rng, CONTACT_JITTER));
        self.contact = ((contact_s * fs) as usize).max(1);
        let strike =
            (log_map(position, STRIKE_POINT) + jitter(rng, POSITION_JITTER)).clamp(0.0, 1.0);
        let fundamental = material.fundamental_hz * SIZE_SPAN.powf(1.0 - 2.0 * size);
        let loss = material.loss * RING_SPAN.powf(1.0 - 2.0 * ring);
        let floor_decay = LN_1000 / LONGEST_T60_S;
        let ceiling = HIGHEST_MODE_HZ.min(HIGHEST_MODE_FRACTION * fs);

        // Body modes (shaped by the strike point), then the cavity (which does not see it).
        let body = material.modes.iter().enumerate().map(|(k, m)| {
            let shape = (PI * (k + 1) as f32 * strike).sin().abs();
            let weight = m.weight * (1.0 - POSITION_DEPTH + POSITION_DEPTH * shape);
            (m.ratio, weight, loss)
        });
        let cavity = material.cavity.map(|c| (c.ratio, c.weight, c.loss));
        // Per mode: its decay rate and how loud the pulse makes it ring (before the gain).
        let mut rings = [(0.0f32, 0.0f32); MAX_MODES];
        self.modes.clear();
        let mut count = 0;
        let (mut struck, mut excited) = (0.0, 0.0);
        for (ratio, weight, mode_loss) in body.chain(cavity).take(MAX_MODES) {
            let freq = fundamental * ratio * (1.0 + jitter(rng, TUNING_JITTER));
            if freq >= ceiling {
                continue;
            }
            let decay = PI * freq * mode_loss + floor_decay;
            // Displacement gain that makes the differenced output ring at `weight`.
            let displacement_gain = weight / (2.0 * (PI * freq / fs).sin());
            self.modes
                .set_mode(count, freq, decay, displacement_gain, fs);
            let level = weight * pulse_response(freq, contact_s);
            rings[count] = (decay, level);
            struck += weight;
            excited += level;
            count += 1;
        }
        let gain = PEAK_GAIN * force / excited.max(struck / MAX_SOFT_GAIN).max(f32::EPSILON);
        self.modes.scale_gains(gain);

        let click = PEAK_GAIN * CLICK_LEVEL * force * hardness.powf(CLICK_HARDNESS_POWER);
        self.click.start(click, CLICK_DECAY_S, fs);
        self.last_displacement = 0.0;

        // The tap has died away once every mode is below its share of silence.
        let quiet = SILENCE / count.max(1) as f32;
        let ring_s = rings[..count]
            .iter()
            .map(|&(decay, level)| (gain * level / quiet).max(1.0).ln() / decay)
            .fold(0.0f32, f32::max);
        self.elapsed = 0;
        self.lifetime = if count == 0 {
            0
        } else {
            self.contact + (ring_s * fs) as usize
        };
    }

    fn render(&mut self, out: &mut [f32]) -> bool {
        for chunk in out.chunks_mut(CHUNK) {
            if self.elapsed >= self.lifetime {
                return false;
            }
            let left = self.lifetime - self.elapsed;
            let len = chunk.len().min(left);
            self.render_chunk(&mut chunk[..len]);
        }
        self.elapsed < self.lifetime
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{self, FS, excitation as tap, peak};
    use super::*;

    // Index of each variant in `INFO`.
    const WOOD: usize = 0;
    const GLASS: usize = 1;
    const PLASTIC: usize = 2;
    const METAL: usize = 3;
    const CERAMIC: usize = 4;
    const HOLLOW_BOX: usize = 5;

    /// Default-ish controls: medium size, medium hardness, medium ring, between centre and edge.
    const MEDIUM: [f32; 4] = [0.5, 0.5, 0.5, 0.3];

    /// 10-90 % rise time (s) of the attack: of a sliding 1 ms RMS envelope (in 0.125 ms
    /// steps), up to its first maximum.
    fn rise_time(x: &[f32]) -> f32 {
        let window = (FS / 1000.0) as usize;
        let hop = window / 8;
        let env: Vec<f32> = (0..(FS * 0.05) as usize / hop)
            .map(|i| testkit::rms(&x[(i * hop).saturating_sub(window)..=i * hop]))
            .collect();
        let top = env
            .windows(2)
            .find(|w| w[1] < w[0])
            .map_or(env[0], |w| w[0]);
        let first = |level: f32| env.iter().position(|&v| v >= level * top).unwrap();
        (first(0.9) - first(0.1)) as f32 * hop as f32 / FS
    }

    /// Internal friction orders the decay times (T60 from Schroeder integration): metal > glass >
    /// wood > plastic, and nothing rings past the T60 bound.
    #[test]
    fn decay_times_follow_the_materials() {
        let t60 = |variant| {
            testkit::t60(
                &testkit::render::<Tap>(FS, &tap(variant, MEDIUM, 1), 8.0),
                FS,
            )
        };
        let [metal, glass, ceramic, wood, hollow, plastic] =
            [METAL, GLASS, CERAMIC, WOOD, HOLLOW_BOX, PLASTIC].map(t60);
        println!(
            "T60 metal {metal:.3} s, glass {glass:.3} s, ceramic {ceramic:.3} s, wood {wood:.3} s, hollow box {hollow:.3} s, plastic {plastic:.3} s"
        );
        assert!(metal > glass && glass > wood && wood > plastic);
        assert!(metal <= LONGEST_T60_S * 1.05, "metal rings {metal} s");
    }

    /// A fingernail (short contact) rises faster and sounds brighter over the attack (first 20 ms)
    /// than a fingertip (long contact) on every material.
    #[test]
    fn nail_is_sharper_and_brighter_than_fingertip() {
        for variant in 0..INFO.variants.len() {
            let with = |hardness| {
                let x =
                    testkit::render::<Tap>(FS, &tap(variant, [0.5, hardness, 0.5, 0.3], 3), 0.5);
                (
                    rise_time(&x),
                    testkit::spectral_centroid(&x[..(FS * 0.02) as usize], FS),
                    peak(&x),
                )
            };
            let (tip_rise, tip_centroid, tip_peak) = with(0.0);
            let (nail_rise, nail_centroid, nail_peak) = with(1.0);
            println!(
                "{}: rise tip {:.2} ms nail {:.2} ms, centroid tip {tip_centroid:.0} Hz nail {nail_centroid:.0} Hz, peak tip {tip_peak:.2} nail {nail_peak:.2}",
                INFO.variants[variant],
                tip_rise * 1e3,
                nail_rise * 1e3
            );
            assert!(nail_rise <= 0.5e-3 && tip_rise >= 1e-3, "rise times");
            assert!(nail_centroid > 1.3 * tip_centroid, "centroids");
        }
    }

    /// The same seed repeats a hit bit for bit (whatever the block size); another seed gives a
    /// clearly different waveform at nearly the same level.
    #[test]
    fn seeds_vary_each_hit_slightly() {
        let (a, b) = testkit::assert_deterministic::<Tap>(&tap(WOOD, MEDIUM, 10), 0.5, 37);
        let dot: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let correlation = dot / (testkit::rms(&a) * testkit::rms(&b) * a.len() as f32);
        let level_db = 20.0 * (testkit::rms(&a) / testkit::rms(&b)).log10();
        println!("two seeds: correlation {correlation:.3}, level difference {level_db:.2} dB");
        assert!(correlation < 0.9, "waveforms differ");
        assert!(level_db.abs() < 3.0, "levels close");
    }

    /// A bigger object has a lower spectral centroid, for every material.
    #[test]
    fn size_lowers_the_tone() {
        for variant in 0..INFO.variants.len() {
            let centroid = |size| {
                let x = testkit::render::<Tap>(FS, &tap(variant, [size, 0.5, 0.5, 0.3], 5), 0.5);
                testkit::spectral_centroid(&x, FS)
            };
            let (small, large) = (centroid(0.2), centroid(0.8));
            println!(
                "{}: centroid small {small:.0} Hz, large {large:.0} Hz",
                INFO.variants[variant]
            );
            assert!(large < 0.7 * small);
        }
    }

    /// Striking near the edge brings out the upper modes (a higher centroid) on a metal plate.
    #[test]
    fn position_changes_the_timbre() {
        let centroid = |position| {
            let x = testkit::render::<Tap>(FS, &tap(METAL, [0.5, 0.5, 0.5, position], 5), 0.5);
            testkit::spectral_centroid(&x, FS)
        };
        let (centre, edge) = (centroid(0.0), centroid(1.0));
        println!("metal: centroid centre {centre:.0} Hz, edge {edge:.0} Hz");
        assert!(edge > 1.1 * centre);
    }

    /// Peaks stay below 1 (0.25-0.7 for medium controls), the output is finite, and `render` returns
    /// false once the tap has died away, then adds nothing.
    #[test]
    fn levels_and_ending() {
        for variant in 0..INFO.variants.len() {
            for (character, seed) in [
                (MEDIUM, 1),
                ([0.0, 1.0, 1.0, 1.0], 2),
                ([1.0, 0.0, 0.0, 0.0], 3),
            ] {
                let x = testkit::assert_finishes_silent::<Tap>(
                    &tap(variant, character, seed),
                    10.0,
                    100,
                );
                let seconds = x.len() as f32 / FS;
                let p = peak(&x);
                let tail = peak(&x[x.len() - 100..]);
                if character == MEDIUM {
                    println!(
                        "{}: peak {p:.2}, lasts {seconds:.2} s",
                        INFO.variants[variant]
                    );
                    assert!((0.25..=0.7).contains(&p), "level {p}");
                }
                assert!(p < 1.0 && x.iter().all(|v| v.is_finite()));
                assert!(tail < 1e-4, "ends in silence, tail {tail}");
            }
        }
    }

    /// Peaks stay below 1 over the whole control space, and default-ish taps peak at 0.3-0.6.
    #[test]
    fn peaks_across_the_controls() {
        const GRID: [f32; 3] = [0.0, 0.5, 1.0];
        let mut loudest = 0.0f32;
        let mut quietest = f32::MAX;
        for variant in 0..INFO.variants.len() {
            for character in GRID.iter().flat_map(|&a| {
                GRID.iter()
                    .flat_map(move |&b| GRID.iter().flat_map(move |&c| GRID.map(|d| [a, b, c, d])))
            }) {
                for seed in 0..2 {
                    let x = testkit::render::<Tap>(FS, &tap(variant, character, seed), 0.05);
                    let p = peak(&x);
                    loudest = loudest.max(p);
                    quietest = quietest.min(p);
                    assert!(
                        p < 1.0,
                        "{} {character:?}: peak {p}",
                        INFO.variants[variant]
                    );
                }
            }
        }
        println!("peaks over the controls: {quietest:.2}..{loudest:.2}");
    }
}
