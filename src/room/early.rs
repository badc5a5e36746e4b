//! The early reflections' way to the ears: every reflection is written into the delay line of
//! the direction it comes from (the nearest of [`DIRECTIONS`]), and each direction's line is
//! heard by both ears through that direction's HRTF pair, shortened to [`EARLY_TAPS`] taps,
//! the far ear reading the line later by the direction's interaural delay.
//!
//! The lines are written ahead: an emitter adds each reflection where it will arrive (its
//! delay after the direct sound), and [`EarlyField::add_to`] reads a block at the front of
//! every line and clears what no ear will read again. So any number of sources share
//! [`DIRECTION_COUNT`] lines and filter pairs, and a source costs only one multiply-add per
//! reflection and sample ([`EarlyField::write`], vectorised for the CPU).

use crate::binaural::Position;
use crate::binaural::hrtf::HrtfSet;
use crate::dsp::convolve::{convolve, padded};
use crate::dsp::simd::SimdPath;

/// The directions reflections are heard from (azimuth, elevation in degrees): eight around
/// the head at ear level, four above (45 degrees up) and four below (35 degrees down, near the
/// lowest the HRTF measures).
pub const DIRECTIONS: [(f32, f32); 16] = [
    (0.0, 0.0),
    (45.0, 0.0),
    (90.0, 0.0),
    (135.0, 0.0),
    (180.0, 0.0),
    (-135.0, 0.0),
    (-90.0, 0.0),
    (-45.0, 0.0),
    (0.0, 45.0),
    (90.0, 45.0),
    (180.0, 45.0),
    (-90.0, 45.0),
    (0.0, -35.0),
    (90.0, -35.0),
    (180.0, -35.0),
    (-90.0, -35.0),
];
/// Number of directions.
pub const DIRECTION_COUNT: usize = DIRECTIONS.len();
/// Taps of the reflections' HRTF filters (at 48 kHz 0.5 ms: the head's and pinna's
/// colouring; minimum-phase filters hold nearly all their energy there).
pub const EARLY_TAPS: usize = 24;
/// Taps faded out at the end of each shortened filter (a half-Hann), so the cut adds no
/// ripple.
const FADE_TAPS: usize = 6;
/// Longest interaural delay a direction may have (s): more than any head's.
const MAX_ITD_S: f32 = 0.001;

/// The unit vectors of [`DIRECTIONS`] (x right, y ahead, z up).
pub fn direction_vectors() -> [[f32; 3]; DIRECTION_COUNT] {
    DIRECTIONS.map(|(az, el)| {
        Position {
            azimuth_deg: az,
            elevation_deg: el,
            distance_m: 1.0,
        }
        .to_vector()
    })
}

/// The shared lines of every direction and their filters. Allocates only in
/// [`EarlyField::new`].
#[derive(Debug, Clone)]
pub struct EarlyField {
    /// Per direction, its line (a ring, [`EarlyField::line_len`] long).
    lines: Vec<Vec<f32>>,
    /// Where this block starts in every line.
    front: usize,
    /// Samples the front has moved since the field was made (a running count).
    elapsed: u64,
    /// Per direction: the running count up to which its line may hold sound (a line that
    /// holds none is not filtered at all).
    live_until: Vec<u64>,
    /// Per direction and ear (index `2 * direction + ear`): the filter, time-reversed.
    filters: Vec<Vec<f32>>,
    /// Per direction, how much later each ear (left, right) reads its line (samples).
    ear_delays: Vec<[usize; 2]>,
    /// Samples behind the front that a read may still reach (the longest ear delay and the
    /// filter's history).
    history: usize,
    /// A direction's line from the oldest sample a read needs to the block's end.
    window: Vec<f32>,
    /// Convolution output, one block.
    out: Vec<f32>,
    path: SimdPath,
}

impl EarlyField {
    /// Lines for reflections up to `max_delay` samples after the direct sound and blocks of up
    /// to `max_block` samples, at the rate of `hrtf`, whose filters it takes. Allocates.
    pub fn new(hrtf: &HrtfSet, max_delay: usize, max_block: usize) -> Self {
        let history = (MAX_ITD_S * hrtf.sample_rate()).ceil() as usize + EARLY_TAPS;
        let len = max_delay + max_block + history + 1;
        let mut field = Self {
            lines: vec![vec![0.0; len]; DIRECTION_COUNT],
            front: 0,
            elapsed: 0,
            live_until: vec![0; DIRECTION_COUNT],
            filters: vec![vec![0.0; EARLY_TAPS]; 2 * DIRECTION_COUNT],
            ear_delays: vec![[0; 2]; DIRECTION_COUNT],
            history,
            window: vec![0.0; history + padded(max_block)],
            out: vec![0.0; padded(max_block)],
            path: SimdPath::detect(),
        };
        field.set_hrtf(hrtf);
        field
    }

    /// Length of every line (samples).
    fn line_len(&self) -> usize {
        self.lines[0].len()
    }

    /// Takes the filters and interaural delays of `hrtf` (at the field's rate) for every
    /// direction. Does not allocate.
    pub fn set_hrtf(&mut self, hrtf: &HrtfSet) {
        let rate = hrtf.sample_rate();
        let max_itd = self.history - EARLY_TAPS;
        let mut pair = [[0.0f32; 512]; 2];
        let full = hrtf.taps().min(pair[0].len());
        for (d, &(az, el)) in DIRECTIONS.iter().enumerate() {
            let weights = hrtf.weights(az, el);
            let [left, right] = &mut pair;
            let itd = hrtf.interpolate_reversed(
                self.path,
                &weights,
                &mut left[..full],
                &mut right[..full],
            );
            // The far ear hears the direction later by its interaural delay (left minus
            // right).
            let itd = ((itd * rate).round() as isize).clamp(-(max_itd as isize), max_itd as isize);
            self.ear_delays[d] = [itd.max(0) as usize, (-itd).max(0) as usize];
            for (ear, reversed) in pair.iter().enumerate() {
                let filter = &mut self.filters[2 * d + ear];
                // The first EARLY_TAPS taps in time are the last ones reversed.
                let kept = EARLY_TAPS.min(full);
                filter.fill(0.0);
                filter[EARLY_TAPS - kept..].copy_from_slice(&reversed[full - kept..full]);
                for (i, tap) in filter[..FADE_TAPS].iter_mut().enumerate() {
                    let x = (i as f32 + 0.5) / FADE_TAPS as f32;
                    *tap *= 0.5 - 0.5 * (std::f32::consts::PI * x).cos();
                }
            }
        }
    }

    /// Adds `gain × signal[k] × (start + step × k)` to the line of `direction` at `delay + k`
    /// samples after this block's front, for every `k` (`ramp` = (start, step): a linear
    /// crossfade, (1, 0) for none).
    #[inline]
    pub fn write(
        &mut self,
        direction: usize,
        delay: usize,
        signal: &[f32],
        gain: f32,
        ramp: (f32, f32),
    ) {
        let len = self.line_len();
        let reach = self.elapsed + (delay + signal.len() + self.history) as u64;
        self.live_until[direction] = self.live_until[direction].max(reach);
        let target = &mut self.lines[direction];
        let mut at = self.front + delay;
        if at >= len {
            at -= len;
        }
        let first = (len - at).min(signal.len());
        add_scaled(
            self.path,
            &mut target[at..at + first],
            &signal[..first],
            gain,
            ramp,
        );
        let (start, step) = ramp;
        let rest = signal.len() - first;
        let ramp = (start + step * first as f32, step);
        add_scaled(self.path, &mut target[..rest], &signal[first..], gain, ramp);
    }

    /// Reads the next `left.len()` samples at the front of every line through its filters,
    /// adds them to `left` and `right`, clears what no read needs any more and moves the front
    /// on.
    pub fn add_to(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len();
        let len = self.line_len();
        let history = self.history;
        for (d, line) in self.lines.iter_mut().enumerate() {
            if self.live_until[d] <= self.elapsed {
                // Nothing written that a read could still reach: the line is silent.
                continue;
            }
            // The window: `history` samples before the front, then the block.
            let start = (self.front + len - history) % len;
            let first = (len - start).min(history + n);
            self.window[..first].copy_from_slice(&line[start..start + first]);
            self.window[first..history + n].copy_from_slice(&line[..history + n - first]);
            self.window[history + n..history + padded(n)].fill(0.0);
            for (ear, output) in [&mut *left, &mut *right].into_iter().enumerate() {
                // This ear's block starts `delay` before the front; its filter's history
                // before that.
                let from = history - self.ear_delays[d][ear] - (EARLY_TAPS - 1);
                convolve(
                    self.path,
                    &self.window[from..],
                    [self.filters[2 * d + ear].as_slice()],
                    [&mut self.out],
                    n,
                );
                for (o, &y) in output.iter_mut().zip(&self.out[..n]) {
                    *o += y;
                }
            }
            // The oldest `n` samples of the window will never be read again.
            let first = (len - start).min(n);
            line[start..start + first].fill(0.0);
            line[..n - first].fill(0.0);
        }
        self.front = (self.front + n) % len;
        self.elapsed += n as u64;
    }

    /// Empties every line.
    pub fn clear(&mut self) {
        for line in &mut self.lines {
            line.fill(0.0);
        }
        self.live_until.fill(0);
    }
}

/// `dst[k] += gain × (start + step × k) × src[k]`, with the build `path` picks.
fn add_scaled(path: SimdPath, dst: &mut [f32], src: &[f32], gain: f32, ramp: (f32, f32)) {
    #[cfg(target_arch = "x86_64")]
    if path.avx512() {
        // SAFETY: the path is AVX-512 only on a CPU that supports it.
        unsafe { add_scaled_avx512(dst, src, gain, ramp) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if path.avx2_fma() {
        // SAFETY: the path is AVX2/FMA only on a CPU that supports both.
        unsafe { add_scaled_avx2(dst, src, gain, ramp) };
        return;
    }
    add_scaled_body(dst, src, gain, ramp);
}

/// [`add_scaled`] compiled for AVX-512.
///
/// # Safety
/// The CPU must support AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn add_scaled_avx512(dst: &mut [f32], src: &[f32], gain: f32, ramp: (f32, f32)) {
    add_scaled_body(dst, src, gain, ramp);
}

/// [`add_scaled`] compiled for AVX2 and FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn add_scaled_avx2(dst: &mut [f32], src: &[f32], gain: f32, ramp: (f32, f32)) {
    add_scaled_body(dst, src, gain, ramp);
}

/// The body of [`add_scaled`], vectorised by the compiler for whichever build inlines it.
#[inline(always)]
fn add_scaled_body(dst: &mut [f32], src: &[f32], gain: f32, (start, step): (f32, f32)) {
    if step == 0.0 {
        let g = gain * start;
        for (d, &s) in dst.iter_mut().zip(src) {
            *d += g * s;
        }
    } else {
        for (k, (d, &s)) in dst.iter_mut().zip(src).enumerate() {
            *d += gain * (start + step * k as f32) * s;
        }
    }
}
