//! Two ear signals with the interaural coherence of a diffuse field, from three uncorrelated
//! signals of equal spectrum: one shared by both ears through a Butterworth low-pass, one per
//! ear through the complementary high-pass at the same corner. The pair is power
//! complementary (|LP|² + |HP|² = 1), so each ear keeps the inputs' spectrum, and the ears'
//! coherence (the shared part's share of the power) is |LP(f)|² = 1 / (1 + (f / fc)^4).
//! A diffuse field's coherence at two ears falls from 1 in the bass through 0 near 1 kHz
//! (about sinc(2 pi f d / c) for ears d apart); [`fit_corner`] finds the corner that follows a
//! measured curve best. The ambient bed and the room's late tail both use it.

use super::biquad::Biquad;
use super::octave;
use std::f32::consts::FRAC_1_SQRT_2;

/// The corner (Hz) that follows the free-field diffuse curve of ears 0.18 m apart within about
/// 0.1: coherence 0.96 at 250 Hz, 0.59 at 500 Hz, 0.09 at 1 kHz (a diffuse field's 0.89,
/// 0.61, 0.05).
pub const DEFAULT_CORNER_HZ: f32 = 550.0;
/// Range of corners [`fit_corner`] searches (Hz).
const CORNER_RANGE_HZ: (f32, f32) = (200.0, 2000.0);
/// Corners tried per octave by [`fit_corner`].
const CORNERS_PER_OCTAVE: usize = 48;
/// Frequencies per band at which [`fit_corner`] compares the curves.
const POINTS_PER_BAND: usize = 8;

/// The low-pass and high-pass pair that mixes three signals into two diffuse ears.
#[derive(Debug, Clone, Copy)]
pub struct DiffuseMix {
    shared: Biquad,
    own: [Biquad; 2],
}

impl DiffuseMix {
    /// A pair with its corner at `corner_hz` (Hz) at `sample_rate` (Hz).
    pub fn new(corner_hz: f32, sample_rate: f32) -> Self {
        Self {
            shared: Biquad::lowpass(corner_hz, FRAC_1_SQRT_2, sample_rate),
            own: [Biquad::highpass(corner_hz, FRAC_1_SQRT_2, sample_rate); 2],
        }
    }

    /// `mix` moved to a corner at `corner_hz` (Hz), keeping its filters' states.
    pub fn retuned(mix: &Self, corner_hz: f32, sample_rate: f32) -> Self {
        let mut retuned = *mix;
        let new = Self::new(corner_hz, sample_rate);
        retuned.shared.retune(&new.shared);
        for (own, new_own) in retuned.own.iter_mut().zip(&new.own) {
            own.retune(new_own);
        }
        retuned
    }

    /// The two ears (left, right) from the `shared` signal and each ear's own (`left`,
    /// `right`), all uncorrelated and of the same spectrum.
    #[inline]
    pub fn process(&mut self, shared: f32, left: f32, right: f32) -> (f32, f32) {
        let shared = self.shared.process(shared);
        (
            shared + self.own[0].process(left),
            shared + self.own[1].process(right),
        )
    }

    /// Clears the filters.
    pub fn reset(&mut self) {
        self.shared.reset();
        self.own.iter_mut().for_each(Biquad::reset);
    }
}

/// The coherence the pair gives at `hz` for a corner at `corner_hz`.
pub fn coherence_at(hz: f32, corner_hz: f32) -> f32 {
    1.0 / (1.0 + (hz / corner_hz).powi(4))
}

/// The corner (Hz) whose coherence, averaged over each octave band, is closest (least squares
/// over the bands from 125 Hz to 4 kHz) to `target` (per band of [`octave::CENTRES_HZ`]).
/// Allocation-free and cheap (some thousand evaluations): fine on the audio thread.
pub fn fit_corner(target: &[f32; octave::BANDS]) -> f32 {
    let (lo, hi) = CORNER_RANGE_HZ;
    let steps = ((hi / lo).log2() * CORNERS_PER_OCTAVE as f32) as usize;
    let error = |corner: f32| -> f32 {
        (0..octave::BANDS - 1)
            .map(|band| {
                let (a, b) = octave::edges_hz(band);
                let mean = (0..POINTS_PER_BAND)
                    .map(|p| {
                        let f = a * (b / a).powf((p as f32 + 0.5) / POINTS_PER_BAND as f32);
                        coherence_at(f, corner)
                    })
                    .sum::<f32>()
                    / POINTS_PER_BAND as f32;
                (mean - target[band]).powi(2)
            })
            .sum()
    };
    (0..=steps)
        .map(|s| lo * 2f32.powf(s as f32 / CORNERS_PER_OCTAVE as f32))
        .min_by(|&a, &b| error(a).total_cmp(&error(b)))
        .unwrap_or(DEFAULT_CORNER_HZ)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fit finds the corner a curve was made with.
    #[test]
    fn fit_recovers_a_known_corner() {
        for corner in [400.0f32, 550.0, 800.0] {
            let target: [f32; octave::BANDS] = std::array::from_fn(|band| {
                let (a, b) = octave::edges_hz(band);
                (0..POINTS_PER_BAND)
                    .map(|p| {
                        coherence_at(
                            a * (b / a).powf((p as f32 + 0.5) / POINTS_PER_BAND as f32),
                            corner,
                        )
                    })
                    .sum::<f32>()
                    / POINTS_PER_BAND as f32
            });
            let found = fit_corner(&target);
            assert!((found / corner - 1.0).abs() < 0.02, "{corner} -> {found}");
        }
    }
}
