//! A delay line read at a fractional delay that glides linearly across each block (third-order
//! Lagrange interpolation). Tingle's interaural time difference runs through it.
//!
//! The line is linear rather than circular: a block's samples are written behind the longest
//! delay's worth of history, so reading a block walks four contiguous runs of nodes and the
//! compiler can vectorise the interpolation.

/// Lagrange nodes per output sample.
const NODES: usize = 4;
/// One sixth, for the last Lagrange weight.
const SIXTH: f32 = 1.0 / 6.0;

/// A linear delay line for blocks of up to a fixed length, read at a fractional delay.
#[derive(Debug, Clone)]
pub struct FractionalDelay {
    /// `history` samples of the past, then the current block.
    buffer: Vec<f32>,
    /// Past samples kept in front of the block: enough nodes for the longest delay.
    history: usize,
    /// Longest supported delay (samples).
    max_delay: f32,
}

impl FractionalDelay {
    /// A delay line for delays up to `max_delay` samples and blocks of up to `max_block`
    /// samples (allocates).
    pub fn new(max_delay: usize, max_block: usize) -> Self {
        let history = max_delay + NODES;
        Self {
            buffer: vec![0.0; history + max_block],
            history,
            max_delay: max_delay as f32,
        }
    }

    /// The longest delay (samples) this line supports.
    pub fn max_delay(&self) -> f32 {
        self.max_delay
    }

    /// The current block's samples `start..start + len`, to be written before they are read.
    ///
    /// # Panics
    /// If the range reaches past the longest block.
    pub fn block_mut(&mut self, start: usize, len: usize) -> &mut [f32] {
        &mut self.buffer[self.history + start..self.history + start + len]
    }

    /// Adds to `out` the block's samples from `start` on, delayed: `out[i]` gets the signal
    /// `first_delay + i * step` samples (clamped to 0 ..= max_delay) before block sample
    /// `start + i`. Those samples must already be written. A delay of 0 reads the sample itself,
    /// so the line adds no latency; between whole samples a four-point Lagrange polynomial
    /// centred on the read position interpolates where the history allows it.
    ///
    /// Always inlined, so that it is compiled for the caller's target features.
    #[inline(always)]
    pub fn read_add(&self, start: usize, out: &mut [f32], first_delay: f32, step: f32) {
        // (Blocks are far shorter than `i32::MAX`; converting from `i32` vectorises.)
        let delay = |i: usize| (first_delay + i as i32 as f32 * step).clamp(0.0, self.max_delay);
        // The first of four nodes; centred (whole - 1) unless that would need a future sample.
        let first_node = |i: usize| (delay(i) as usize).saturating_sub(1);
        let n = out.len();
        let mut run = 0;
        while run < n {
            // The delay is linear in `i`, so the first node changes monotonically: the run of
            // samples sharing it ends where a bisection finds the change.
            let first = first_node(run);
            let mut end = n;
            if first_node(n - 1) != first {
                let (mut same, mut other) = (run, n - 1);
                while other - same > 1 {
                    let mid = (same + other) / 2;
                    if first_node(mid) == first {
                        same = mid;
                    } else {
                        other = mid;
                    }
                }
                end = other;
            }
            // Node k of output sample i sits at buffer index `base + i - k`.
            let base = self.history + start - first;
            let node = |k: usize| &self.buffer[base + run - k..base + end - k];
            let (x0, x1, x2, x3) = (node(0), node(1), node(2), node(3));
            for (j, (o, (((&a, &b), &c), &d))) in out[run..end]
                .iter_mut()
                .zip(x0.iter().zip(x1).zip(x2).zip(x3))
                .enumerate()
            {
                let t = delay(run + j) - first as f32;
                let (t1, t2, t3) = (t - 1.0, t - 2.0, t - 3.0);
                let (near, far) = (t * t1, t2 * t3);
                let (w1, w2, w3) = (0.5 * t * far, -0.5 * near * t3, SIXTH * near * t2);
                // The weights sum to one; taking the first as the rest's complement keeps whole
                // delays (t = 0, 1, 2) exact.
                let w0 = 1.0 - w1 - w2 - w3;
                *o += w0 * a + w1 * b + w2 * c + w3 * d;
            }
            run = end;
        }
    }

    /// Ends a block of `len` samples (all written): its last samples become the history.
    pub fn advance(&mut self, len: usize) {
        self.buffer.copy_within(len..len + self.history, 0);
    }

    /// Clears the history.
    pub fn reset(&mut self) {
        self.buffer.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `input` through `line` in blocks of `block`, at a fixed delay.
    fn run(line: &mut FractionalDelay, input: &[f32], block: usize, delay: f32) -> Vec<f32> {
        let mut out = vec![0.0; input.len()];
        for (x, y) in input.chunks(block).zip(out.chunks_mut(block)) {
            line.block_mut(0, x.len()).copy_from_slice(x);
            line.read_add(0, y, delay, 0.0);
            line.advance(x.len());
        }
        out
    }

    #[test]
    fn whole_delays_are_exact_and_zero_delay_is_transparent() {
        let input: Vec<f32> = (0..8).map(|n| n as f32).collect();
        let out = run(&mut FractionalDelay::new(16, 4), &input, 4, 0.0);
        assert_eq!(out, input);
        let out = run(&mut FractionalDelay::new(16, 4), &input, 4, 3.0);
        assert_eq!(out[3..], [0.0, 1.0, 2.0, 3.0, 4.0]);
    }

    /// A 1 kHz tone delayed by 2.5 samples at 48 kHz keeps its level within 0.01 dB and is
    /// shifted by 2.5 samples (a cubic reproduces a slowly varying sine almost exactly).
    #[test]
    fn fractional_delay_of_a_tone() {
        let w = std::f32::consts::TAU * 1000.0 / 48_000.0;
        let input: Vec<f32> = (0..480).map(|n| (w * n as f32).sin()).collect();
        let out = run(&mut FractionalDelay::new(16, 32), &input, 32, 2.5);
        let max_err = (8..480)
            .map(|n| (out[n] - (w * (n as f32 - 2.5)).sin()).abs())
            .fold(0.0f32, f32::max);
        assert!(max_err < 1e-3, "interpolation error {max_err}");
    }

    /// A delay gliding across several whole samples within one block matches reading each
    /// sample at its own delay, whatever the split into runs.
    #[test]
    fn gliding_delay_matches_per_sample_reads() {
        let input: Vec<f32> = (0..64).map(|n| ((n * 37) % 11) as f32 - 5.0).collect();
        let (first, step) = (0.3, 0.21);
        let mut line = FractionalDelay::new(16, 32);
        line.block_mut(0, 32).copy_from_slice(&input[..32]);
        line.advance(32);
        line.block_mut(0, 32).copy_from_slice(&input[32..]);
        let mut glide = vec![0.0; 32];
        line.read_add(0, &mut glide, first, step);
        for (i, &g) in glide.iter().enumerate() {
            let mut one = [0.0];
            line.read_add(i, &mut one, first + i as f32 * step, 0.0);
            assert!((g - one[0]).abs() < 1e-5, "sample {i}: {g} vs {}", one[0]);
        }
    }
}
