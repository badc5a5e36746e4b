//! Minimum-phase filters from magnitude responses (folded real cepstrum).
//!
//! Shared, as this one file, by the HRTF import (`cargo xtask import-hrtf`, which includes it
//! by path) and by the engine, which rebuilds the filters at the session's sample rate in
//! `activate()`. Offline and activation-time code: it allocates.

use realfft::RealFftPlanner;
use realfft::num_complex::Complex;
use std::f64::consts::PI;

/// Magnitudes are floored here before taking logarithms (-120 dB).
const MAGNITUDE_FLOOR: f64 = 1e-6;

/// Spectral helper holding reusable FFT plans.
pub struct MinimumPhase {
    planner: RealFftPlanner<f64>,
}

impl Default for MinimumPhase {
    fn default() -> Self {
        Self {
            planner: RealFftPlanner::new(),
        }
    }
}

impl MinimumPhase {
    /// The spectrum (`len / 2 + 1` bins) of `signal` zero-padded to `len` samples.
    pub fn spectrum(&mut self, signal: &[f64], len: usize) -> Vec<Complex<f64>> {
        let fft = self.planner.plan_fft_forward(len);
        let mut input = vec![0.0; len];
        input[..signal.len()].copy_from_slice(signal);
        let mut out = fft.make_output_vec();
        fft.process(&mut input, &mut out)
            .expect("FFT buffer sizes match the plan");
        out
    }

    /// The real signal (`len` samples) whose spectrum is `spectrum` (`len / 2 + 1` bins).
    pub fn signal(&mut self, spectrum: &[Complex<f64>], len: usize) -> Vec<f64> {
        let ifft = self.planner.plan_fft_inverse(len);
        let mut spec = spectrum.to_vec();
        // A real signal's DC (and, for even lengths, Nyquist) bins are real.
        spec[0].im = 0.0;
        if len.is_multiple_of(2) {
            spec[len / 2].im = 0.0;
        }
        let mut out = ifft.make_output_vec();
        ifft.process(&mut spec, &mut out)
            .expect("FFT buffer sizes match the plan");
        out.iter().map(|v| v / len as f64).collect()
    }

    /// The minimum-phase impulse response (`len` samples, `len` even) with the one-sided
    /// magnitude response `magnitude` (`len / 2 + 1` bins).
    pub fn filter(&mut self, magnitude: &[f64], len: usize) -> Vec<f64> {
        let log_mag: Vec<Complex<f64>> = magnitude
            .iter()
            .map(|m| Complex::new(m.max(MAGNITUDE_FLOOR).ln(), 0.0))
            .collect();
        let cepstrum = self.signal(&log_mag, len);
        // Folding the even cepstrum onto positive quefrencies gives the minimum-phase log spectrum.
        let folded: Vec<f64> = cepstrum
            .iter()
            .enumerate()
            .map(|(i, &c)| match i {
                0 => c,
                i if i < len / 2 => 2.0 * c,
                i if i == len / 2 => c,
                _ => 0.0,
            })
            .collect();
        let spectrum: Vec<Complex<f64>> = self
            .spectrum(&folded, len)
            .iter()
            .map(|c| {
                let (sin, cos) = sin_cos(c.im);
                let magnitude = c.re.exp();
                Complex::new(magnitude * cos, magnitude * sin)
            })
            .collect();
        self.signal(&spectrum, len)
    }
}

/// π/2 split in two for the range reduction of [`sin_cos`]: the first part has 33 significant
/// bits, so its product with any quadrant count below 2^20 is exact (fdlibm's `pio2_1`,
/// `pio2_1t`).
const HALF_PI_HIGH: f64 = 1.570_796_326_734_125_6;
const HALF_PI_LOW: f64 = 6.077_100_506_506_192e-11;
/// Largest |x| [`sin_cos`] reduces itself (far below 2^20 quadrants); beyond, the library's.
const SIN_COS_FAST_LIMIT: f64 = 1.0e5;
/// 1.5 × 2^52: adding and subtracting it rounds a double below 2^51 to the nearest integer.
const ROUND_TO_INTEGER: f64 = 6_755_399_441_055_744.0;
/// Terms of the Taylor series of sine and cosine on ±π/4: the first left out is below 1e-17.
const SIN_COS_TERMS: usize = 9;

/// `(sin x, cos x)` within a few units in the last place, without the library's slow path
/// (building the HRTF sets at activation spent most of its time in the library's).
fn sin_cos(x: f64) -> (f64, f64) {
    if x.abs() > SIN_COS_FAST_LIMIT {
        return x.sin_cos();
    }
    let quadrant = (x * std::f64::consts::FRAC_2_PI + ROUND_TO_INTEGER) - ROUND_TO_INTEGER;
    let r = (x - quadrant * HALF_PI_HIGH) - quadrant * HALF_PI_LOW;
    let r2 = r * r;
    // Horner from the highest term: sin r = r (1 - r²/(2·3) (1 - r²/(4·5) (...))), and cos
    // alike with (1·2), (3·4), ...
    let (mut sin, mut cos) = (1.0, 1.0);
    for k in (1..SIN_COS_TERMS).rev() {
        let k = k as f64;
        // The loop unrolls and the reciprocals fold into constants.
        sin = 1.0 - r2 * (1.0 / ((2.0 * k) * (2.0 * k + 1.0))) * sin;
        cos = 1.0 - r2 * (1.0 / ((2.0 * k - 1.0) * (2.0 * k))) * cos;
    }
    let sin = r * sin;
    match (quadrant as i64).rem_euclid(4) {
        0 => (sin, cos),
        1 => (cos, -sin),
        2 => (-sin, -cos),
        _ => (-cos, sin),
    }
}

/// Cuts `ir` to `taps` samples, fading the last `fade` of them out with a half-Hann window.
pub fn truncate_with_fade(ir: &[f64], taps: usize, fade: usize) -> Vec<f64> {
    (0..taps)
        .map(|i| {
            let into_fade = i as f64 - (taps - fade) as f64;
            let w = if into_fade < 0.0 {
                1.0
            } else {
                0.5 * (1.0 + (PI * (into_fade + 1.0) / (fade as f64 + 1.0)).cos())
            };
            ir.get(i).copied().unwrap_or(0.0) * w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast sine and cosine agree with the library's within a few units in the last
    /// place over the phases minimum-phase spectra reach, and are the library's beyond.
    #[test]
    fn sin_cos_matches_the_library() {
        let mut worst = 0.0f64;
        for i in -200_000..=200_000 {
            let x = i as f64 * 1.0e-3 + 1.0e-7;
            let far = 1.0e3 * x;
            if far.abs() > SIN_COS_FAST_LIMIT {
                assert_eq!(sin_cos(far), far.sin_cos());
            }
            let (sin, cos) = sin_cos(x);
            worst = worst.max((sin - x.sin()).abs()).max((cos - x.cos()).abs());
        }
        assert!(worst < 1e-15, "worst error {worst}");
    }
}
