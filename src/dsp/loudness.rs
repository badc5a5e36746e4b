//! Short-term loudness (EBU R 128 / ITU-R BS.1770): K-weighted mean square over the last 3 s,
//! in LUFS, for the output meter.

use super::biquad::Biquad;

/// Length of the short-term window (s).
const WINDOW_S: f32 = 3.0;
/// Length of one energy slice of the window (s): the meter updates at this rate.
const SLICE_S: f32 = 0.1;
/// BS.1770 offset of the loudness formula (dB).
const LUFS_OFFSET: f32 = -0.691;
/// Reading for silence (LUFS).
pub const SILENCE_LUFS: f32 = -120.0;
/// K-weighting stage 1, the head's high shelf: corner (Hz), gain (dB), quality (BS.1770).
const SHELF: (f64, f64, f64) = (
    1_681.974_450_955_533,
    3.999_843_853_973_347,
    0.707_175_236_955_419_6,
);
/// Exponent relating the shelf's mid gain to its high gain.
const SHELF_MID_EXPONENT: f64 = 0.499_666_774_154_541_6;
/// K-weighting stage 2, the RLB high-pass: corner (Hz) and quality.
const RLB: (f64, f64) = (38.135_470_876_024_44, 0.500_327_037_323_877_3);

/// The two K-weighting stages at `sample_rate` (Hz), by the bilinear transform.
fn k_weighting(sample_rate: f32) -> [Biquad; 2] {
    let fs = f64::from(sample_rate);
    let (f0, gain_db, q) = SHELF;
    let k = (std::f64::consts::PI * f0 / fs).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(SHELF_MID_EXPONENT);
    let shelf = Biquad::from_coefficients(
        [
            (vh + vb * k / q + k * k) as f32,
            (2.0 * (k * k - vh)) as f32,
            (vh - vb * k / q + k * k) as f32,
        ],
        [
            (1.0 + k / q + k * k) as f32,
            (2.0 * (k * k - 1.0)) as f32,
            (1.0 - k / q + k * k) as f32,
        ],
    );
    let (f0, q) = RLB;
    let k = (std::f64::consts::PI * f0 / fs).tan();
    let a0 = 1.0 + k / q + k * k;
    let highpass = Biquad::from_coefficients(
        [a0 as f32, (-2.0 * a0) as f32, a0 as f32],
        [
            a0 as f32,
            (2.0 * (k * k - 1.0)) as f32,
            (1.0 - k / q + k * k) as f32,
        ],
    );
    [shelf, highpass]
}

/// Number of slices in the window.
const SLICES: usize = (WINDOW_S / SLICE_S) as usize;

/// A stereo short-term loudness meter.
#[derive(Debug, Clone)]
pub struct Loudness {
    /// Per channel: the two K-weighting stages.
    filters: [[Biquad; 2]; 2],
    slice_len: usize,
    slice_fill: usize,
    slice_energy: f64,
    slices: [f64; SLICES],
    next_slice: usize,
    lufs: f32,
}

impl Loudness {
    /// A meter at `sample_rate` (Hz).
    pub fn new(sample_rate: f32) -> Self {
        Self {
            filters: [k_weighting(sample_rate); 2],
            slice_len: ((SLICE_S * sample_rate) as usize).max(1),
            slice_fill: 0,
            slice_energy: 0.0,
            slices: [0.0; SLICES],
            next_slice: 0,
            lufs: SILENCE_LUFS,
        }
    }

    /// Feeds one stereo sample.
    #[inline]
    pub fn process(&mut self, left: f32, right: f32) {
        let mut energy = 0.0;
        for (x, f) in [left, right].into_iter().zip(&mut self.filters) {
            let shelved = f[0].process(x);
            let k = f[1].process(shelved);
            energy += f64::from(k * k);
        }
        self.slice_energy += energy;
        self.slice_fill += 1;
        if self.slice_fill == self.slice_len {
            self.slices[self.next_slice] = self.slice_energy / self.slice_len as f64;
            self.next_slice = (self.next_slice + 1) % SLICES;
            self.slice_fill = 0;
            self.slice_energy = 0.0;
            let mean = self.slices.iter().sum::<f64>() / SLICES as f64;
            self.lufs = if mean > 0.0 {
                (LUFS_OFFSET + 10.0 * mean.log10() as f32).max(SILENCE_LUFS)
            } else {
                SILENCE_LUFS
            };
        }
    }

    /// The short-term loudness (LUFS), updated every 0.1 s.
    pub fn lufs(&self) -> f32 {
        self.lufs
    }

    /// Forgets the history.
    pub fn reset(&mut self) {
        *self = Self::new_like(self);
    }

    fn new_like(other: &Self) -> Self {
        let mut fresh = other.clone();
        fresh.filters.iter_mut().flatten().for_each(Biquad::reset);
        fresh.slices = [0.0; SLICES];
        fresh.slice_fill = 0;
        fresh.slice_energy = 0.0;
        fresh.lufs = SILENCE_LUFS;
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BS.1770's calibration: a 1 kHz sine at -18 dBFS in both channels reads -18 LUFS (the
    /// K-weighting's +0.691 dB at 1 kHz cancels the formula's offset).
    #[test]
    fn sine_at_minus_18_reads_about_minus_18() {
        let fs = 48_000.0;
        let mut m = Loudness::new(fs);
        let a = 10f32.powf(-18.0 / 20.0);
        for n in 0..(4.0 * fs) as usize {
            let x = a * (std::f32::consts::TAU * 1000.0 * n as f32 / fs).sin();
            m.process(x, x);
        }
        assert!((m.lufs() + 18.0).abs() < 0.1, "{} LUFS", m.lufs());
    }
}
