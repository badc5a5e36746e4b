//! Tone: a steady sine with soft edges, for checking placement on headphones (and a clean test
//! source: every artefact of the engine shows against it).

use super::{ControlInfo, Excitation, FamilyInfo, TriggerSound};
use crate::dsp::math::{lerp, log_map};
use std::f32::consts::TAU;

/// Lowest and highest pitch (Hz); the Pitch control maps between them logarithmically.
const PITCH_RANGE_HZ: (f32, f32) = (100.0, 4000.0);
/// Shortest and longest tone (s); the Length control maps between them logarithmically.
const LENGTH_RANGE_S: (f32, f32) = (0.1, 20.0);
/// Longest fade in or out (s) at full Attack / Release.
const MAX_FADE_S: f32 = 1.0;
/// Shortest fade (s): never a click.
const MIN_FADE_S: f32 = 0.005;
/// Peak level at full intensity.
const PEAK: f32 = 0.5;

/// Family description.
pub const INFO: FamilyInfo = FamilyInfo {
    name: "Tone",
    variants: &["Sine"],
    controls: [
        ControlInfo {
            name: "Pitch",
            description: "Frequency of the tone, from 100 Hz to 4 kHz.",
        },
        ControlInfo {
            name: "Length",
            description: "How long each tone lasts, from 0.1 s to 20 s.",
        },
        ControlInfo {
            name: "Attack",
            description: "How slowly the tone fades in, up to one second.",
        },
        ControlInfo {
            name: "Release",
            description: "How slowly the tone fades out, up to one second.",
        },
    ],
    sustained: true,
};

/// A sine sound.
#[derive(Debug, Clone, Default)]
pub struct Tone {
    sample_rate: f32,
    phase: f32,
    step: f32,
    amplitude: f32,
    /// Samples played so far and in all.
    played: usize,
    length: usize,
    attack: usize,
    release: usize,
}

impl TriggerSound for Tone {
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
        let fade =
            |x: f32| (lerp(MIN_FADE_S, MAX_FADE_S, x.clamp(0.0, 1.0)) * self.sample_rate) as usize;
        self.phase = 0.0;
        self.step = TAU * log_map(e.character[0], PITCH_RANGE_HZ) / self.sample_rate;
        self.amplitude = PEAK * e.intensity.clamp(0.0, 1.0);
        self.played = 0;
        self.length = (log_map(e.character[1], LENGTH_RANGE_S) * self.sample_rate) as usize;
        self.attack = fade(e.character[2]).min(self.length / 2).max(1);
        self.release = fade(e.character[3]).min(self.length / 2).max(1);
    }

    fn add_to(&mut self, out: &mut [f32]) -> bool {
        for o in out.iter_mut() {
            if self.played >= self.length {
                return false;
            }
            let left = self.length - self.played;
            let edge = (self.played as f32 / self.attack as f32)
                .min(left as f32 / self.release as f32)
                .min(1.0);
            *o += self.amplitude * edge * self.phase.sin();
            self.phase = (self.phase + self.step) % TAU;
            self.played += 1;
        }
        self.played < self.length
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit;
    use super::*;

    #[test]
    fn pitch_length_and_soft_edges() {
        let e = testkit::excitation(0, [0.5, 0.5, 0.0, 0.0], 0);
        let x = testkit::render::<Tone>(48_000.0, &e, 4.0);
        let length = log_map(0.5, LENGTH_RANGE_S);
        let sounding = x.iter().rposition(|v| v.abs() > 1e-4).unwrap() as f32 / 48_000.0;
        assert!(
            (sounding - length).abs() < 0.01,
            "{sounding} s vs {length} s"
        );
        let pitch = log_map(0.5, PITCH_RANGE_HZ);
        let centroid = testkit::spectral_centroid(&x[..24_000], 48_000.0);
        assert!(
            (centroid - pitch).abs() < 0.02 * pitch,
            "{centroid} Hz vs {pitch} Hz"
        );
        assert!(x[0].abs() < 1e-3 && x.iter().all(|v| v.abs() <= PEAK));
    }
}
