//! The interaural coherence of a diffuse field (sound arriving from every direction at once,
//! as a room's late reverberation does) heard through an HRTF set.
//!
//! For each frequency, the cross spectrum of the two ears summed over the set's directions,
//! each weighted by its share of the sphere, with each direction's ITD put back on its
//! minimum-phase pair: `Re sum w H_L conj(H_R) e^(-j w itd) / sqrt(sum w |H_L|^2 sum w |H_R|^2)`,
//! summed over [`POINTS_PER_BAND`] frequencies spread evenly (on a log scale) through each
//! octave band. Near 1 in the bass (the head is small against the wavelength), through 0 near
//! 1 kHz, small above: the target the room's late tail is given.

use super::hrtf::HrtfSet;
use crate::dsp::octave;
use std::f64::consts::TAU;

/// Frequencies per octave band the coherence is summed over.
pub const POINTS_PER_BAND: usize = 12;

/// The diffuse-field coherence of `set` per octave band of [`octave::CENTRES_HZ`]. Costs a
/// few milliseconds for a set of 700 directions: not for the audio thread.
pub fn coherence(set: &HrtfSet) -> [f32; octave::BANDS] {
    let rate = f64::from(set.sample_rate());
    std::array::from_fn(|band| {
        let (lo, hi) = octave::edges_hz(band);
        let (lo, hi) = (f64::from(lo), f64::from(hi).min(0.45 * rate));
        let (mut cross, mut left_power, mut right_power) = (0.0, 0.0, 0.0);
        for point in 0..POINTS_PER_BAND {
            let f = lo * (hi / lo).powf((point as f64 + 0.5) / POINTS_PER_BAND as f64);
            let w = TAU * f / rate;
            let (step_re, step_im) = (w.cos(), -w.sin());
            // The spectrum of a time-reversed filter: its taps read backwards are h[0], h[1],
            // ..., each turned by one more step of e^(-j w).
            let spectrum = |reversed: &[f32]| {
                let (mut re, mut im) = (0.0, 0.0);
                let (mut turn_re, mut turn_im) = (1.0f64, 0.0f64);
                for &h in reversed.iter().rev() {
                    re += f64::from(h) * turn_re;
                    im += f64::from(h) * turn_im;
                    (turn_re, turn_im) = (
                        turn_re * step_re - turn_im * step_im,
                        turn_re * step_im + turn_im * step_re,
                    );
                }
                (re, im)
            };
            for (left, right, itd, share) in set.directions() {
                let ((lr, li), (rr, ri)) = (spectrum(left), spectrum(right));
                // H_L conj(H_R), turned by the ITD's phase.
                let (pr, pi) = (lr * rr + li * ri, li * rr - lr * ri);
                let turn = -w * rate * f64::from(itd);
                let share = f64::from(share);
                cross += share * (pr * turn.cos() - pi * turn.sin());
                left_power += share * (lr * lr + li * li);
                right_power += share * (rr * rr + ri * ri);
            }
        }
        (cross / (left_power * right_power).sqrt().max(f64::MIN_POSITIVE)) as f32
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KEMAR's diffuse-field coherence is that of two ears on a head: about 1 at 125 Hz,
    /// between the free-field sinc's value and 1 at 250 Hz (the head's diffraction makes the
    /// ears effectively further apart), near 0 from 2 kHz up.
    #[test]
    fn kemar_coherence_falls_from_one_in_the_bass_to_about_zero() {
        let c = coherence(&HrtfSet::kemar());
        assert!(c[0] > 0.9, "125 Hz: {c:?}");
        assert!(c[1] > 0.6, "250 Hz: {c:?}");
        assert!(c[2] < c[1] && c[3] < c[2], "falls: {c:?}");
        for band in 4..octave::BANDS {
            assert!(c[band].abs() < 0.2, "band {band}: {c:?}");
        }
    }
}
