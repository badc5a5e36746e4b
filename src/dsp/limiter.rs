//! The hearing-safety limiter: a stereo-linked peak limiter with zero latency.
//!
//! Its gain drops at once to whatever keeps the louder channel under the ceiling (so no sample
//! ever exceeds it) and recovers smoothly. It exists to protect ears from an accident (a hot
//! input, a resonant setting), not to add loudness.

use super::math::{db_to_gain, gain_to_db};

/// Default ceiling: -1 dBFS.
pub const DEFAULT_CEILING_DB: f32 = -1.0;
/// Release time constant in seconds.
const RELEASE_S: f32 = 0.15;

/// Stereo-linked, zero-latency peak limiter.
#[derive(Debug, Clone)]
pub struct Limiter {
    /// Largest allowed sample magnitude (linear).
    ceiling: f32,
    /// Current gain (linear, 0..=1).
    gain: f32,
    /// Per-sample release coefficient.
    release: f32,
}

impl Limiter {
    /// A limiter at `sample_rate` (Hz) with its ceiling at `ceiling_db` (dBFS, <= 0).
    pub fn new(sample_rate: f32, ceiling_db: f32) -> Self {
        Self {
            ceiling: db_to_gain(ceiling_db),
            gain: 1.0,
            release: 1.0 - (-1.0 / (RELEASE_S * sample_rate)).exp(),
        }
    }

    /// Limits one stereo sample pair in place.
    #[inline]
    pub fn process(&mut self, left: &mut f32, right: &mut f32) {
        let peak = left.abs().max(right.abs());
        let needed = if peak > self.ceiling {
            self.ceiling / peak
        } else {
            1.0
        };
        if needed < self.gain {
            self.gain = needed;
        } else {
            self.gain += self.release * (needed - self.gain);
        }
        // The clamp catches the last rounding step of `ceiling / peak * sample`.
        *left = (*left * self.gain).clamp(-self.ceiling, self.ceiling);
        *right = (*right * self.gain).clamp(-self.ceiling, self.ceiling);
    }

    /// Limits a block of stereo samples in place, exactly as [`Limiter::process`] on each pair
    /// would. While the gain rests and no sample reaches the ceiling (nearly always) the gain
    /// stays constant through the block, so it is applied without the per-sample recurrence.
    pub fn process_block(&mut self, left: &mut [f32], right: &mut [f32]) {
        let peak = |x: &[f32]| x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        if self.is_at_rest() && peak(left).max(peak(right)) <= self.ceiling {
            let (gain, ceiling) = (self.gain, self.ceiling);
            for v in left.iter_mut().chain(right.iter_mut()) {
                *v = (*v * gain).clamp(-ceiling, ceiling);
            }
            return;
        }
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            self.process(l, r);
        }
    }

    /// Current gain reduction in dB (>= 0), for meters.
    pub fn reduction_db(&self) -> f32 {
        -gain_to_db(self.gain)
    }

    /// Forgets any gain reduction.
    /// Whether silence leaves the limiter as it is (its gain has recovered as far as it
    /// can): processing zeros may then be skipped.
    pub fn is_at_rest(&self) -> bool {
        self.gain + self.release * (1.0 - self.gain) == self.gain
    }

    /// Forgets any gain reduction (back to unity gain at once).
    pub fn reset(&mut self) {
        self.gain = 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_exceeds_the_ceiling_and_recovers() {
        let mut lim = Limiter::new(48_000.0, DEFAULT_CEILING_DB);
        let ceiling = db_to_gain(DEFAULT_CEILING_DB);
        let mut max_out: f32 = 0.0;
        for n in 0..4800 {
            let x = 4.0 * (n as f32 * 0.05).sin();
            let (mut l, mut r) = (x, -0.5 * x);
            lim.process(&mut l, &mut r);
            max_out = max_out.max(l.abs()).max(r.abs());
        }
        assert!(max_out <= ceiling, "peak {max_out}");
        assert!(
            max_out > ceiling * 0.99,
            "limiter should reach the ceiling, got {max_out}"
        );
        // One second of quiet material later the gain is back to unity within 0.1 dB.
        for _ in 0..48_000 {
            let (mut l, mut r) = (0.01, 0.01);
            lim.process(&mut l, &mut r);
        }
        assert!(
            lim.reduction_db() < 0.1,
            "still reducing {} dB",
            lim.reduction_db()
        );
    }

    /// Block by block, the limiter gives exactly what it gives sample by sample: through quiet
    /// blocks at rest (the shortcut), a burst over the ceiling, and the recovery after it until
    /// the gain rests again.
    #[test]
    fn blocks_match_samples_exactly() {
        let signal: Vec<f32> = (0..96_000)
            .map(|n| {
                let loud = if (12_000..12_400).contains(&n) {
                    3.0
                } else {
                    0.3
                };
                loud * (n as f32 * 0.031).sin()
            })
            .collect();
        let (mut by_sample, mut by_block) = (
            Limiter::new(48_000.0, DEFAULT_CEILING_DB),
            Limiter::new(48_000.0, DEFAULT_CEILING_DB),
        );
        let mut expected: Vec<(f32, f32)> = signal.iter().map(|&x| (x, -0.7 * x)).collect();
        for (l, r) in &mut expected {
            by_sample.process(l, r);
        }
        let mut left = signal.clone();
        let mut right: Vec<f32> = signal.iter().map(|&x| -0.7 * x).collect();
        for (l, r) in left.chunks_mut(64).zip(right.chunks_mut(64)) {
            by_block.process_block(l, r);
        }
        for (n, (&(l, r), (&bl, &br))) in expected.iter().zip(left.iter().zip(&right)).enumerate() {
            assert_eq!(
                (l.to_bits(), r.to_bits()),
                (bl.to_bits(), br.to_bits()),
                "sample {n}"
            );
        }
        assert!(by_block.is_at_rest(), "recovered and resting by the end");
    }
}
