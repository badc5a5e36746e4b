//! Other heads from one measured set, by scaling it in frequency: the standard model of how
//! heads and outer ears differ between people (Middlebrooks 1999, "Individual differences in
//! external-ear transfer functions reduced by scaling in frequency"). A smaller ear moves its
//! resonances and notches up in frequency; a smaller head also shortens the interaural delay.
//!
//! Tests and demonstrations use it to make candidate sets from the one set Tingle ships.

use super::filters::pair_at;
use super::sphere::{Heading, grid};
use crate::binaural::hrtf::{Direction, HrtfSet};
use crate::dsp::minimum_phase::{MinimumPhase, truncate_with_fade};

/// Smallest FFT length of the spectral work (samples): fine enough for any filter's detail.
const MIN_FFT_LEN: usize = 512;
/// A rebuilt filter fades out over its last 1/`FADE_DIVISOR` (as the import does).
const FADE_DIVISOR: usize = 4;

/// `set` as heard by a head whose spectral features lie `factor` times higher in frequency
/// (`factor` > 0; about 0.8 ..= 1.25 spans most adults; 1 keeps the head): each filter's
/// magnitude response `|H(f)|` becomes `|H(f / factor)|` (holding the value at the Nyquist
/// frequency beyond it) and is made minimum-phase again at the same length; the ITD is divided
/// by `factor` (a head with higher features is a smaller head). The result is sampled on the
/// regular [`grid`] over `set`'s elevations, at `set`'s sample rate and measurement distance.
/// Takes some tens of milliseconds; allocates.
pub fn frequency_scaled(set: &HrtfSet, factor: f32) -> HrtfSet {
    let taps = set.taps();
    let len = (2 * taps).next_power_of_two().max(MIN_FFT_LEN);
    let nyquist_bin = len / 2;
    let mut min_phase = MinimumPhase::default();
    let mut rescale = |filter: &[f32]| -> Vec<f32> {
        let forward: Vec<f64> = filter.iter().map(|&v| f64::from(v)).collect();
        let magnitude: Vec<f64> = min_phase
            .spectrum(&forward, len)
            .iter()
            .map(|c| c.norm())
            .collect();
        let scaled: Vec<f64> = (0..=nyquist_bin)
            .map(|bin| {
                let pos = (bin as f64 / f64::from(factor)).min(nyquist_bin as f64);
                let below = (pos as usize).min(nyquist_bin - 1);
                let frac = pos - below as f64;
                magnitude[below] + frac * (magnitude[below + 1] - magnitude[below])
            })
            .collect();
        let ir = min_phase.filter(&scaled, len);
        truncate_with_fade(&ir, taps, taps / FADE_DIVISOR)
            .iter()
            .map(|&v| v as f32)
            .collect()
    };
    let headings: Vec<Heading> = grid(set.elevation_range());
    let filters: Vec<(f32, Vec<f32>, Vec<f32>)> = headings
        .iter()
        .map(|&heading| {
            let pair = pair_at(set, heading);
            (
                pair.itd_s / factor,
                rescale(&pair.left),
                rescale(&pair.right),
            )
        })
        .collect();
    let directions = headings
        .iter()
        .zip(&filters)
        .map(|(heading, (itd_s, left, right))| Direction {
            azimuth_deg: heading.azimuth_deg,
            elevation_deg: heading.elevation_deg,
            itd_s: *itd_s,
            left,
            right,
        });
    HrtfSet::from_directions(
        set.sample_rate(),
        taps,
        set.measurement_distance_m(),
        directions,
    )
    .expect("the regular grid makes a set (checked by the sphere module's tests)")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Level (dB) of `filter` at frequency bin `bin` of a `len`-point FFT.
    fn level_db(filter: &[f32], bin: usize, len: usize) -> f64 {
        let forward: Vec<f64> = filter.iter().map(|&v| f64::from(v)).collect();
        20.0 * MinimumPhase::default().spectrum(&forward, len)[bin]
            .norm()
            .log10()
    }

    /// Scaling moves the response along the frequency axis and the ITD inversely.
    #[test]
    fn scaling_moves_features_and_itd() {
        let kemar = HrtfSet::kemar();
        let factor = 1.25;
        let up = frequency_scaled(&kemar, factor);
        let heading = Heading::new(40.0, 10.0);
        let (original, scaled) = (pair_at(&kemar, heading), pair_at(&up, heading));
        assert!((scaled.itd_s * factor - original.itd_s).abs() < 1e-6);
        let len = 1024;
        // Bins 40 ..= 160 (1.7 to 6.9 kHz) move to 50 ..= 200 (2.2 to 8.6 kHz).
        let misfit: f64 = (40..=160)
            .step_by(8)
            .map(|bin| {
                let moved = (bin as f32 * factor) as usize;
                (level_db(&original.left, bin, len) - level_db(&scaled.left, moved, len)).abs()
            })
            .fold(0.0, f64::max);
        assert!(misfit < 1.5, "scaled response off by {misfit} dB");
    }
}
