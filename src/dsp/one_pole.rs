//! One-pole low-pass filter, the building block of Tingle's shelving filters.

use std::f32::consts::TAU;

/// A first-order low-pass filter `y[n] = y[n-1] + k (x[n] - y[n-1])` (impulse-invariant).
#[derive(Debug, Clone, Copy, Default)]
pub struct OnePole {
    /// Smoothing coefficient `k` in 0..=1 (1 passes the input through).
    k: f32,
    /// The filter state (the last output).
    state: f32,
}

impl OnePole {
    /// The coefficient for a corner frequency `cutoff_hz` (Hz, > 0) at `sample_rate` (Hz).
    /// Corners far above the Nyquist frequency give 1 (no filtering).
    pub fn coefficient(cutoff_hz: f32, sample_rate: f32) -> f32 {
        1.0 - (-TAU * cutoff_hz / sample_rate).exp()
    }

    /// Sets the coefficient `k` (0..=1), as returned by [`OnePole::coefficient`].
    pub fn set_coefficient(&mut self, k: f32) {
        self.k = k.clamp(0.0, 1.0);
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        self.state += self.k * (x - self.state);
        self.state
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.state = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The corner frequency is where the response is 3 dB down.
    #[test]
    fn corner_is_three_db_down() {
        let fs = 48_000.0;
        let fc = 1000.0;
        let mut lp = OnePole::default();
        lp.set_coefficient(OnePole::coefficient(fc, fs));
        let (mut sum_in, mut sum_out) = (0.0f64, 0.0f64);
        for n in 0..48_000 {
            let x = (TAU * fc * n as f32 / fs).sin();
            let y = lp.process(x);
            if n > 4800 {
                sum_in += f64::from(x * x);
                sum_out += f64::from(y * y);
            }
        }
        let db = 10.0 * (sum_out / sum_in).log10();
        assert!((db + 3.0).abs() < 0.3, "response at the corner: {db} dB");
    }
}
