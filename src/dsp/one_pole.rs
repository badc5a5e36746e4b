//! One-pole low-pass filter, the building block of Tingle's shelving filters.

use std::f32::consts::TAU;

/// Samples per step of the block form in [`OnePole::process_into`] (one vector register of
/// them).
const LANES: usize = 8;

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

/// The coefficients of [`BlockOnePole`]'s block form for one `k`, compactly: the weight of
/// input `i` on output `j` of a block depends only on `j - i`.
#[derive(Debug, Clone, Copy)]
struct BlockForm {
    /// The `k` they were built for (NaN: none yet).
    k: f32,
    /// `powers[j] = a^(j+1)`, with `a = 1 - k`: the weight of the state on output `j`.
    powers: [f32; LANES],
    /// `weights[LANES + m] = k a^m` for `m` in `0..LANES`, and 0 below: input `i` weighs
    /// `weights[LANES + j - i]` on output `j`, so its column of weights is
    /// `weights[LANES - i..2 LANES - i]`.
    weights: [f32; 2 * LANES],
}

impl BlockForm {
    /// Coefficients for no `k` yet (the first block builds them).
    const NONE: Self = Self {
        k: f32::NAN,
        powers: [0.0; LANES],
        weights: [0.0; 2 * LANES],
    };

    /// The block form's coefficients for `k`.
    fn for_coefficient(k: f32) -> Self {
        let a = 1.0 - k;
        let mut powers = [0.0f32; LANES];
        let mut weights = [0.0f32; 2 * LANES];
        let mut power = 1.0;
        for (p, w) in powers.iter_mut().zip(&mut weights[LANES..]) {
            *w = k * power;
            power *= a;
            *p = power;
        }
        Self { k, powers, weights }
    }

    /// The weights of input `i` of a block on its outputs.
    #[inline(always)]
    fn column(&self, i: usize) -> &[f32] {
        &self.weights[LANES - i..2 * LANES - i]
    }
}

/// A [`OnePole`] that also filters whole blocks, [`LANES`] samples at a time in block form,
/// keeping the block form's coefficients from one block to the next (they are rebuilt only
/// when the coefficient changes, so a coefficient set every sample costs nothing).
#[derive(Debug, Clone, Copy)]
pub struct BlockOnePole {
    /// The filter (its coefficient and state).
    pole: OnePole,
    /// The block form's coefficients, for `pole`'s coefficient once a block has run.
    form: BlockForm,
}

impl Default for BlockOnePole {
    fn default() -> Self {
        Self {
            pole: OnePole::default(),
            form: BlockForm::NONE,
        }
    }
}

impl BlockOnePole {
    /// A filter of coefficient `k` (0..=1, see [`OnePole::coefficient`]), at rest.
    pub fn new(k: f32) -> Self {
        let mut filter = Self::default();
        filter.set_coefficient(k);
        filter
    }

    /// Sets the coefficient `k` (0..=1), as returned by [`OnePole::coefficient`].
    #[inline]
    pub fn set_coefficient(&mut self, k: f32) {
        self.pole.set_coefficient(k);
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        self.pole.process(x)
    }

    /// Filters `x` into `out` (the same length): the same as [`BlockOnePole::process`] on
    /// every sample (within rounding), but [`LANES`] samples at a time in block form: with
    /// `a = 1 - k`, output `j` of a block is `a^(j+1) y + sum over i <= j of k a^(j-i) x[i]`,
    /// `y` the last output before the block. The sums over the inputs do not depend on `y`,
    /// so they vectorise and overlap from block to block; only one multiply-add per block
    /// waits for the one before.
    #[inline(always)]
    pub fn process_into(&mut self, x: &[f32], out: &mut [f32]) {
        let out = &mut out[..x.len()];
        if self.form.k.to_bits() != self.pole.k.to_bits() {
            self.form = BlockForm::for_coefficient(self.pole.k);
        }
        let form = &self.form;
        let mut blocks = x.chunks_exact(LANES);
        let mut outputs = out.chunks_exact_mut(LANES);
        let mut state = self.pole.state;
        for (xs, ys) in (&mut blocks).zip(&mut outputs) {
            // Even and odd inputs in two sums, so that the chain of multiply-adds is short.
            let (mut even, mut odd) = ([0.0f32; LANES], [0.0f32; LANES]);
            for pair in 0..LANES / 2 {
                let (i, i1) = (2 * pair, 2 * pair + 1);
                let (column, column1) = (form.column(i), form.column(i1));
                for j in 0..LANES {
                    even[j] += column[j] * xs[i];
                    odd[j] += column1[j] * xs[i1];
                }
            }
            for j in 0..LANES {
                ys[j] = form.powers[j] * state + (even[j] + odd[j]);
            }
            state = ys[LANES - 1];
        }
        self.pole.state = state;
        for (y, &v) in outputs.into_remainder().iter_mut().zip(blocks.remainder()) {
            *y = self.pole.process(v);
        }
    }

    /// Sets the state (the last output): carries a bypassed filter over to the signal it is
    /// about to take up.
    pub fn set_state(&mut self, state: f32) {
        self.pole.set_state(state);
    }

    /// Clears the state.
    pub fn reset(&mut self) {
        self.pole.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unrolled block form matches sample-by-sample filtering, whatever the block length,
    /// and its kept coefficients follow a change of coefficient between blocks (0.3, then 0.05
    /// from the sixth block on).
    #[test]
    fn block_form_matches_per_sample() {
        let x: Vec<f32> = (0..100).map(|n| ((n * 7919) % 13) as f32 - 6.0).collect();
        let mut a = OnePole::default();
        let mut b = BlockOnePole::new(0.3);
        let mut out = vec![0.0; 100];
        let mut at = 0;
        let lens = [1, 3, 4, 5, 8, 31, 48];
        const CHANGE_AT: usize = 5;
        for (block, len) in lens.into_iter().enumerate() {
            if block == CHANGE_AT {
                b.set_coefficient(0.05);
            }
            b.process_into(&x[at..at + len], &mut out[at..at + len]);
            at += len;
        }
        let change = lens[..CHANGE_AT].iter().sum::<usize>();
        for (n, (&v, &y)) in x[..at].iter().zip(&out).enumerate() {
            a.set_coefficient(if n < change { 0.3 } else { 0.05 });
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
