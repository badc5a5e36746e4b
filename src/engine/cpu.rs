//! The engine's own measure of what it costs: the time it took for each block against the
//! audio the block holds, smoothed, for the editor's CPU readout. The caller times the block
//! (on the audio thread, only while an editor reads it); this unit only does the arithmetic.

/// Time constant of the readout's smoothing (s of audio): long enough that a block's jitter
/// does not flicker, short enough that a setting's cost shows within a second.
pub const SMOOTHING_S: f32 = 0.5;

/// The share of one core the engine takes: time spent over audio time (0.01 = 1 %), smoothed.
#[derive(Debug, Clone, Copy)]
pub struct CpuMeter {
    /// Session sample rate (Hz).
    sample_rate: f32,
    /// The smoothed share, `None` before the first block.
    share: Option<f32>,
}

impl CpuMeter {
    /// A meter for a session at `sample_rate` (Hz) that has measured nothing.
    pub fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate,
            share: None,
        }
    }

    /// Forgets what was measured (the next block starts the readout afresh).
    pub fn reset(&mut self) {
        self.share = None;
    }

    /// Takes a block of `samples` (per channel) that took `seconds` to make and returns the
    /// smoothed share (0 before anything was measured).
    pub fn add_block(&mut self, seconds: f64, samples: usize) -> f32 {
        let audio_s = samples as f32 / self.sample_rate;
        let block = seconds as f32 / audio_s;
        if samples > 0 && block.is_finite() && block >= 0.0 {
            let k = 1.0 - (-audio_s / SMOOTHING_S).exp();
            self.share = Some(self.share.map_or(block, |s| s + k * (block - s)));
        }
        self.share.unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: f32 = 48_000.0;
    const BLOCK: usize = 480;

    /// A block made in a tenth of its duration reads 10 %, and a change of cost is followed
    /// with the smoothing's time constant: after one time constant 63 % of the way there.
    #[test]
    fn reads_time_over_audio_and_follows_with_its_time_constant() {
        let mut meter = CpuMeter::new(RATE);
        let block_s = f64::from(BLOCK as f32 / RATE);
        assert!((meter.add_block(0.1 * block_s, BLOCK) - 0.1).abs() < 1e-6);
        for _ in 0..1000 {
            meter.add_block(0.1 * block_s, BLOCK);
        }
        assert!((meter.add_block(0.1 * block_s, BLOCK) - 0.1).abs() < 1e-5);
        // Twice the cost, for one time constant of audio.
        let blocks = (SMOOTHING_S * RATE) as usize / BLOCK;
        let mut share = 0.0;
        for _ in 0..blocks {
            share = meter.add_block(0.2 * block_s, BLOCK);
        }
        let reached = (share - 0.1) / 0.1;
        assert!((reached - 0.632).abs() < 0.01, "{reached}");
    }

    /// Empty blocks and impossible timings leave the reading alone; a reset starts afresh.
    #[test]
    fn ignores_empty_blocks_and_restarts_after_a_reset() {
        let mut meter = CpuMeter::new(RATE);
        assert_eq!(meter.add_block(0.001, 0), 0.0);
        let first = meter.add_block(0.001, BLOCK);
        assert!((first - 0.1).abs() < 1e-6, "{first}");
        assert_eq!(meter.add_block(f64::NAN, BLOCK), first);
        assert_eq!(meter.add_block(-1.0, BLOCK), first);
        meter.reset();
        let again = meter.add_block(0.002, BLOCK);
        assert!((again - 0.2).abs() < 1e-6, "{again}");
    }
}
