//! A decaying two-pole resonator: one vibration mode of a struck object.

use std::f32::consts::TAU;

/// One mode: rings at a frequency and decays exponentially when excited.
///
/// `y[n] = 2 r cos(w) y[n-1] - r^2 y[n-2] + x[n]`, with `r = exp(-decay / fs)`, so an impulse
/// of 1 rings as `sin(w (n + 1)) / sin(w) * r^n`; [`Resonator::strike`] scales for a
/// unit-amplitude ring.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resonator {
    c1: f32,
    c2: f32,
    /// Input scale that makes an impulse ring at unit amplitude.
    norm: f32,
    y1: f32,
    y2: f32,
}

impl Resonator {
    /// Tunes to `freq_hz` (Hz, below Nyquist) with amplitude decay rate `decay` (1/s: the
    /// envelope falls as exp(-decay t); T60 = 6.91 / decay) at `sample_rate` (Hz). Keeps the
    /// ringing state.
    pub fn tune(&mut self, freq_hz: f32, decay: f32, sample_rate: f32) {
        let w = TAU * (freq_hz / sample_rate).clamp(1e-5, 0.49);
        let r = (-decay.max(0.0) / sample_rate).exp();
        self.c1 = 2.0 * r * w.cos();
        self.c2 = -r * r;
        self.norm = w.sin();
    }

    /// Adds an excitation sample `x` (scaled so a single unit impulse rings at amplitude 1) and
    /// returns the output.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let y = self.c1 * self.y1 + self.c2 * self.y2 + self.norm * x;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }

    /// Current ringing energy proxy (squared state), to tell when a mode has died away.
    pub fn energy(&self) -> f32 {
        self.y1 * self.y1 + self.y2 * self.y2
    }

    /// Silences the mode.
    pub fn reset(&mut self) {
        self.y1 = 0.0;
        self.y2 = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rings at unit amplitude and decays at the set rate.
    #[test]
    fn rings_and_decays_as_tuned() {
        let fs = 48_000.0;
        let mut r = Resonator::default();
        r.tune(1000.0, 10.0, fs);
        let out: Vec<f32> = (0..48_000)
            .map(|n| r.process(if n == 0 { 1.0 } else { 0.0 }))
            .collect();
        let peak = |a: usize| out[a..a + 480].iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!((peak(0) - 1.0).abs() < 0.02, "first peak {}", peak(0));
        // After 0.1 s the envelope is exp(-1).
        assert!(
            (peak(4800) - (-1.0f32).exp()).abs() < 0.02,
            "decay {}",
            peak(4800)
        );
    }
}
