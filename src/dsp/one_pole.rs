//! One-pole low-pass filter, the building block of Tingle's shelving filters.

use std::f32::consts::TAU;

/// Depth of the unrolled recurrence in [`OnePole::process_into`] (its FIR is written out for
/// this depth).
const UNROLL: usize = 4;

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

    /// Filters `x` into `out` (the same length): the same as [`OnePole::process`] on every
    /// sample, but the recurrence is unrolled four samples deep, `y[n] = a^4 y[n-4] + u[n]`
    /// with `a = 1 - k` and `u` a short FIR of `x`, so that four independent recurrences run
    /// side by side and the rest vectorises.
    #[inline(always)]
    pub fn process_into(&mut self, x: &[f32], out: &mut [f32]) {
        let n = x.len();
        let out = &mut out[..n];
        let head = n.min(UNROLL);
        for (y, &v) in out[..head].iter_mut().zip(x) {
            *y = self.process(v);
        }
        if n > UNROLL {
            let (k, a) = (self.k, 1.0 - self.k);
            let (a2, a3) = (a * a, a * a * a);
            let taps = x[UNROLL..]
                .iter()
                .zip(&x[UNROLL - 1..])
                .zip(&x[UNROLL - 2..]);
            for (y, ((&x0, &x1), &x2)) in out[UNROLL..].iter_mut().zip(taps) {
                *y = k * (x0 + a * x1 + a2 * x2);
            }
            // The fourth FIR tap, x[n - 3], joins in the pass that runs the recurrence.
            let (a4, k3) = (a2 * a2, k * a3);
            let mut lanes: [f32; UNROLL] = out[..UNROLL].try_into().expect("four samples");
            let mut body = out[UNROLL..].chunks_exact_mut(UNROLL);
            let mut past = x[1..n + 1 - UNROLL].chunks_exact(UNROLL);
            for (chunk, p) in (&mut body).zip(&mut past) {
                for ((y, lane), &p) in chunk.iter_mut().zip(&mut lanes).zip(p) {
                    *lane = a4 * *lane + (*y + k3 * p);
                    *y = *lane;
                }
            }
            let tail = body.into_remainder().iter_mut().zip(past.remainder());
            for ((y, &p), lane) in tail.zip(&lanes) {
                *y = a4 * *lane + (*y + k3 * p);
            }
            self.state = out[n - 1];
        }
    }

    /// Sets the state (the last output): carries a bypassed filter over to the signal it is
    /// about to take up.
    pub fn set_state(&mut self, state: f32) {
        self.state = state;
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.state = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unrolled block form matches sample-by-sample filtering, whatever the block length.
    #[test]
    fn block_form_matches_per_sample() {
        let x: Vec<f32> = (0..100).map(|n| ((n * 7919) % 13) as f32 - 6.0).collect();
        let (mut a, mut b) = (OnePole::default(), OnePole::default());
        a.set_coefficient(0.3);
        b.set_coefficient(0.3);
        let mut out = vec![0.0; 100];
        let mut at = 0;
        for len in [1, 3, 4, 5, 8, 31, 48] {
            b.process_into(&x[at..at + len], &mut out[at..at + len]);
            at += len;
        }
        for (n, (&v, &y)) in x[..at].iter().zip(&out).enumerate() {
            let want = a.process(v);
            assert!((y - want).abs() < 1e-4, "sample {n}: {y} vs {want}");
        }
    }

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
