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
            .map(|c| c.exp())
            .collect();
        self.signal(&spectrum, len)
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
