//! Resampling a decoded sound to the session rate (`rubato`'s FFT resampler: a fixed ratio,
//! high quality, fast).

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Frames per chunk of the FFT resampler (a size rubato's guide suggests for whole clips).
const CHUNK_FRAMES: usize = 1024;

/// `samples` (mono) at `from_hz` resampled to `to_hz` (both > 0). The result is aligned with
/// the input (no delay) and `to_hz / from_hz` times as long. Allocates.
pub fn resample(samples: &[f32], from_hz: u32, to_hz: u32) -> Result<Vec<f32>, String> {
    if from_hz == to_hz {
        return Ok(samples.to_vec());
    }
    let mut resampler = Fft::<f32>::new(
        from_hz as usize,
        to_hz as usize,
        CHUNK_FRAMES,
        1,
        FixedSync::Both,
    )
    .map_err(|e| e.to_string())?;
    let input = InterleavedSlice::new(samples, 1, samples.len()).map_err(|e| e.to_string())?;
    let output = resampler
        .process_all(&input, samples.len(), None)
        .map_err(|e| e.to_string())?;
    Ok(output.take_data())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::TAU;

    /// A 1 kHz sine at 44.1 kHz comes out at 48 kHz as a 1 kHz sine of the same level and
    /// length, starting within a sample of where it started (rubato trims its own delay to
    /// within a sample; 21 us is far below anything a listener or the rhythm could notice).
    #[test]
    fn a_sine_keeps_its_pitch_level_and_timing() {
        /// Alignments tried, in output samples, and the deviation allowed at the best one.
        const LAGS: [f32; 9] = [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0];
        const TOLERANCE: f32 = 0.005;
        let (from, to, hz) = (44_100u32, 48_000u32, 1_000.0f32);
        let input: Vec<f32> = (0..44_100)
            .map(|i| 0.5 * (TAU * hz * i as f32 / from as f32).sin())
            .collect();
        let out = resample(&input, from, to).unwrap();
        assert!(
            (out.len() as i64 - 48_000).abs() <= 2,
            "{} samples",
            out.len()
        );
        // Compare with the ideal sine away from the edges, at the best alignment.
        let deviation = |lag: f32| {
            (4_800..43_200)
                .map(|i| {
                    let ideal = 0.5 * (TAU * hz * (i as f32 - lag) / to as f32).sin();
                    (out[i] - ideal).abs()
                })
                .fold(0.0f32, f32::max)
        };
        let best = LAGS
            .iter()
            .map(|&lag| deviation(lag))
            .fold(f32::MAX, f32::min);
        assert!(best < TOLERANCE, "largest deviation {best}");
    }
}
