//! Schroeder's all-pass with a delay line: passes every frequency at the same level and smears
//! a click into a decaying train of echoes `delay` apart. The room's diffusers are chains and
//! sets of these.

/// An all-pass `y[n] = -g w[n] + w[n - M]`, `w[n] = x[n] + g w[n - M]`. Allocates only in
/// [`Allpass::new`].
#[derive(Debug, Clone)]
pub struct Allpass {
    buffer: Vec<f32>,
    at: usize,
    gain: f32,
}

impl Allpass {
    /// An all-pass of `delay` samples (at least 1) and feedback `gain` (-1 < gain < 1).
    pub fn new(delay: usize, gain: f32) -> Self {
        Self {
            buffer: vec![0.0; delay.max(1)],
            at: 0,
            gain,
        }
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let delayed = self.buffer[self.at];
        let w = x + self.gain * delayed;
        self.buffer[self.at] = w;
        self.at = if self.at + 1 == self.buffer.len() {
            0
        } else {
            self.at + 1
        };
        delayed - self.gain * w
    }

    /// Clears the delay line.
    pub fn reset(&mut self) {
        self.buffer.fill(0.0);
        self.at = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An impulse keeps its energy (an all-pass) and comes out smeared over many echoes.
    #[test]
    fn keeps_the_energy_and_smears_an_impulse() {
        let mut a = Allpass::new(7, 0.6);
        let out: Vec<f32> = (0..4000)
            .map(|n| a.process(if n == 0 { 1.0 } else { 0.0 }))
            .collect();
        let energy: f32 = out.iter().map(|v| v * v).sum();
        assert!((energy - 1.0).abs() < 1e-4, "{energy}");
        assert!((out[0] + 0.6).abs() < 1e-6);
        assert!(out.iter().filter(|v| v.abs() > 1e-3).count() > 10);
    }
}
