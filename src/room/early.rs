//! The early reflections' way to the ears: every reflection is written into the delay lines
//! of the direction it comes from (one line per ear, so each reflection keeps its own
//! interaural delay to the sample), and each direction's pair of lines is heard through the
//! HRTF pair of that direction, shortened to [`EARLY_TAPS`] taps (the reflections' spectral
//! cues; their timing is in the lines).
//!
//! The lines are written ahead: an emitter adds each reflection where it will arrive (its
//! delay after the direct sound), and [`EarlyField::add_to`] reads a block from the front of
//! every line, then clears it. So any number of sources share [`DIRECTIONS`] × 2 lines and
//! [`DIRECTIONS`] filter pairs, and a source costs only its reflections' additions.

use crate::binaural::hrtf::HrtfSet;
use crate::dsp::convolve::{convolve, padded};
use crate::dsp::simd::SimdPath;

/// The directions reflections are heard from (azimuth, elevation in degrees): eight around
/// the head at ear level, one above and one below (the lowest the HRTF measures). A
/// reflection takes the nearest one's spectrum and its own exact interaural delay.
pub const DIRECTIONS: [(f32, f32); 10] = [
    (0.0, 0.0),
    (45.0, 0.0),
    (90.0, 0.0),
    (135.0, 0.0),
    (180.0, 0.0),
    (-135.0, 0.0),
    (-90.0, 0.0),
    (-45.0, 0.0),
    (0.0, 90.0),
    (0.0, -40.0),
];
/// Number of directions.
pub const DIRECTION_COUNT: usize = DIRECTIONS.len();
/// Taps of the reflections' HRTF filters at 44.1 and 48 kHz (0.7 ms: the head's and pinna's
/// colouring; minimum-phase filters hold nearly all their energy there).
pub const EARLY_TAPS: usize = 32;
/// Taps faded out at the end of each shortened filter (a half-Hann), so the cut adds no
/// ripple.
const FADE_TAPS: usize = 8;

/// The unit vectors of [`DIRECTIONS`] (x right, y ahead, z up).
pub fn direction_vectors() -> [[f32; 3]; DIRECTION_COUNT] {
    DIRECTIONS.map(|(az, el)| {
        crate::room::geometry::to_vector(crate::binaural::Position {
            azimuth_deg: az,
            elevation_deg: el,
            distance_m: 1.0,
        })
    })
}

/// The shared lines of every direction and ear, and their filters. Allocates only in
/// [`EarlyField::new`].
#[derive(Debug, Clone)]
pub struct EarlyField {
    /// Per direction and ear (index `2 * direction + ear`): the line, [`EarlyField::len`]
    /// long, a ring.
    lines: Vec<Vec<f32>>,
    /// Where this block starts in every line.
    front: usize,
    /// Per line: its filter, time-reversed, [`EARLY_TAPS`] long.
    filters: Vec<Vec<f32>>,
    /// Per line: the filter's input, history first.
    inputs: Vec<Vec<f32>>,
    /// Convolution output, one block.
    out: Vec<f32>,
    path: SimdPath,
}

impl EarlyField {
    /// Lines long enough for reflections up to `max_delay` samples after the direct sound plus
    /// blocks of `max_block` samples, filters from `hrtf`. Allocates.
    pub fn new(hrtf: &HrtfSet, max_delay: usize, max_block: usize) -> Self {
        let len = max_delay + max_block + 1;
        let lines = 2 * DIRECTION_COUNT;
        let mut field = Self {
            lines: vec![vec![0.0; len]; lines],
            front: 0,
            filters: vec![vec![0.0; EARLY_TAPS]; lines],
            inputs: vec![vec![0.0; EARLY_TAPS - 1 + padded(max_block)]; lines],
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

    /// Takes the filters of `hrtf` (at the field's rate) for every direction. Does not
    /// allocate.
    pub fn set_hrtf(&mut self, hrtf: &HrtfSet) {
        let taps = hrtf.taps();
        let mut pair = [[0.0f32; 512]; 2];
        let full = taps.min(pair[0].len());
        for (d, &(az, el)) in DIRECTIONS.iter().enumerate() {
            let weights = hrtf.weights(az, el);
            let [left, right] = &mut pair;
            hrtf.interpolate_reversed(self.path, &weights, &mut left[..full], &mut right[..full]);
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

    /// Adds `gain × signal[k]` to line `line` (`2 * direction + ear`) at `delay + k` samples
    /// after this block's front, for every `k`; `ramp` (start, step) scales the gain
    /// linearly over the samples.
    #[inline]
    pub fn write(
        &mut self,
        line: usize,
        delay: usize,
        signal: &[f32],
        gain: f32,
        ramp: (f32, f32),
    ) {
        let len = self.line_len();
        let target = &mut self.lines[line];
        let mut at = self.front + delay;
        if at >= len {
            at -= len;
        }
        let first = (len - at).min(signal.len());
        let (start, step) = ramp;
        for (k, (t, &x)) in target[at..at + first].iter_mut().zip(signal).enumerate() {
            *t += gain * (start + step * k as f32) * x;
        }
        for (k, (t, &x)) in target.iter_mut().zip(&signal[first..]).enumerate() {
            *t += gain * (start + step * (first + k) as f32) * x;
        }
    }

    /// Reads the next `left.len()` samples from the front of every line through its filter,
    /// adds them to `left` and `right`, clears them and moves the front on.
    pub fn add_to(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len();
        let len = self.line_len();
        for (index, ((line, filter), input)) in self
            .lines
            .iter_mut()
            .zip(&self.filters)
            .zip(&mut self.inputs)
            .enumerate()
        {
            let history = EARLY_TAPS - 1;
            let first = (len - self.front).min(n);
            input[history..history + first].copy_from_slice(&line[self.front..self.front + first]);
            input[history + first..history + n].copy_from_slice(&line[..n - first]);
            line[self.front..self.front + first].fill(0.0);
            line[..n - first].fill(0.0);
            input[history + n..history + padded(n)].fill(0.0);
            convolve(self.path, input, [filter.as_slice()], [&mut self.out], n);
            let ear = if index % 2 == 0 {
                &mut *left
            } else {
                &mut *right
            };
            for (o, &y) in ear.iter_mut().zip(&self.out[..n]) {
                *o += y;
            }
            input.copy_within(n..n + history, 0);
        }
        self.front = (self.front + n) % len;
    }

    /// Empties every line.
    pub fn clear(&mut self) {
        for line in self.lines.iter_mut().chain(&mut self.inputs) {
            line.fill(0.0);
        }
    }
}
