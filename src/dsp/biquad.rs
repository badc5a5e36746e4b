//! Second-order IIR sections (RBJ audio-EQ cookbook), transposed direct form II.

use std::f32::consts::TAU;

/// A biquad filter. Coefficients are normalised so that `a0 = 1`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Biquad {
    b: [f32; 3],
    a: [f32; 2],
    s: [f32; 2],
}

impl Biquad {
    /// Low-pass at `cutoff_hz` (Hz) with quality `q` (1/sqrt(2) = Butterworth) at `sample_rate` (Hz).
    pub fn lowpass(cutoff_hz: f32, q: f32, sample_rate: f32) -> Self {
        let (cos, alpha) = Self::prewarp(cutoff_hz, q, sample_rate);
        Self::normalised(
            [(1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0],
            [1.0 + alpha, -2.0 * cos, 1.0 - alpha],
        )
    }

    /// High-pass at `cutoff_hz` (Hz) with quality `q` at `sample_rate` (Hz).
    pub fn highpass(cutoff_hz: f32, q: f32, sample_rate: f32) -> Self {
        let (cos, alpha) = Self::prewarp(cutoff_hz, q, sample_rate);
        Self::normalised(
            [(1.0 + cos) / 2.0, -(1.0 + cos), (1.0 + cos) / 2.0],
            [1.0 + alpha, -2.0 * cos, 1.0 - alpha],
        )
    }

    /// Band-pass centred on `centre_hz` (Hz) with quality `q` (centre / bandwidth) and 0 dB
    /// gain at the centre, at `sample_rate` (Hz).
    pub fn bandpass(centre_hz: f32, q: f32, sample_rate: f32) -> Self {
        let (cos, alpha) = Self::prewarp(centre_hz, q, sample_rate);
        Self::normalised([alpha, 0.0, -alpha], [1.0 + alpha, -2.0 * cos, 1.0 - alpha])
    }

    /// A section with numerator `b` and denominator `a` (normalised by `a[0]`).
    pub fn from_coefficients(b: [f32; 3], a: [f32; 3]) -> Self {
        Self::normalised(b, a)
    }

    /// Keeps the state but takes the coefficients of `other` (for glides without clicks).
    pub fn retune(&mut self, other: &Self) {
        self.b = other.b;
        self.a = other.a;
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let y = self.b[0] * x + self.s[0];
        self.s[0] = self.b[1] * x - self.a[0] * y + self.s[1];
        self.s[1] = self.b[2] * x - self.a[1] * y;
        y
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.s = [0.0; 2];
    }

    fn prewarp(freq_hz: f32, q: f32, sample_rate: f32) -> (f32, f32) {
        let w = TAU * (freq_hz / sample_rate).clamp(1e-5, 0.49);
        (w.cos(), w.sin() / (2.0 * q.max(1e-3)))
    }

    fn normalised(b: [f32; 3], a: [f32; 3]) -> Self {
        Self {
            b: [b[0] / a[0], b[1] / a[0], b[2] / a[0]],
            a: [a[1] / a[0], a[2] / a[0]],
            s: [0.0; 2],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain_db(mut f: Biquad, hz: f32) -> f32 {
        let fs = 48_000.0;
        let (mut e_in, mut e_out) = (0.0f64, 0.0f64);
        for n in 0..48_000 {
            let x = (TAU * hz * n as f32 / fs).sin();
            let y = f.process(x);
            if n > 4800 {
                e_in += f64::from(x * x);
                e_out += f64::from(y * y);
            }
        }
        (10.0 * (e_out / e_in).log10()) as f32
    }

    #[test]
    fn responses_at_their_corners() {
        let fs = 48_000.0;
        assert!(
            (gain_db(
                Biquad::lowpass(1000.0, std::f32::consts::FRAC_1_SQRT_2, fs),
                1000.0
            ) + 3.0)
                .abs()
                < 0.2
        );
        assert!(
            gain_db(
                Biquad::lowpass(1000.0, std::f32::consts::FRAC_1_SQRT_2, fs),
                8000.0
            ) < -30.0
        );
        assert!(
            (gain_db(
                Biquad::highpass(1000.0, std::f32::consts::FRAC_1_SQRT_2, fs),
                1000.0
            ) + 3.0)
                .abs()
                < 0.2
        );
        assert!(gain_db(Biquad::bandpass(2000.0, 4.0, fs), 2000.0).abs() < 0.2);
        assert!(gain_db(Biquad::bandpass(2000.0, 4.0, fs), 500.0) < -15.0);
    }
}
