//! The measured HRTF set: minimum-phase filter pairs plus an ITD per measured direction, and
//! interpolation between the measured directions.
//!
//! Tingle ships the MIT KEMAR normal-pinna set (Gardner & Martin, MIT Media Lab, 1994),
//! converted by `cargo xtask import-hrtf` (with [`super::sofa`]) into
//! `assets/kemar_minphase.hrtf` and embedded here; a user's own set is converted from its SOFA
//! file the same way at run time.
//!
//! Asset layout (little endian), written by [`HrtfSet::to_bytes`] and read by
//! [`HrtfSet::parse`]: magic `TNGLHRTF`, `u32` version, `u32` sample rate, `u32` taps, `u32`
//! direction count, then per direction: `f32` azimuth (degrees), `f32` elevation (degrees),
//! `f32` ITD (seconds, left ear delay minus right ear delay), `taps` × `f32` left filter,
//! `taps` × `f32` right filter. Version 1 records no measurement distance: an asset is taken
//! as measured at [`MEASUREMENT_DISTANCE_M`] (KEMAR's).
//! Directions use Tingle's convention: azimuth in degrees, 0 = front, positive to the
//! listener's right (90 = right ear, -90 = left ear); elevation in degrees, positive up.

use crate::dsp::minimum_phase::{MinimumPhase, truncate_with_fade};
use crate::dsp::octave;
use crate::dsp::simd::{SimdPath, mul_add};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The embedded, converted KEMAR set (layout in the module documentation).
const KEMAR_ASSET: &[u8] = include_bytes!("../../assets/kemar_minphase.hrtf");
/// Asset magic bytes.
const MAGIC: &[u8; 8] = b"TNGLHRTF";
/// The asset version this loader reads.
const VERSION: u32 = 1;
/// Header size in bytes: magic plus four `u32`.
const HEADER_BYTES: usize = 24;
/// Per-direction fields before the filters: azimuth, elevation, ITD.
const DIRECTION_FIELDS: usize = 3;
/// Smallest FFT used to carry filters to another sample rate.
const RESAMPLE_FFT_MIN: usize = 1024;
/// Shortest filter the set is resampled to (very low sample rates).
const MIN_TAPS: usize = 4;
/// A resampled filter fades out over its last 1/`FADE_DIVISOR` (as the import does).
const FADE_DIVISOR: usize = 4;

/// Most threads that rebuild a set for another sample rate.
const MAX_BUILD_THREADS: usize = 8;

/// How [`HrtfSet::resampled`] carries filters to a new sample rate.
struct Resampling {
    /// New rate over the old.
    ratio: f64,
    /// Filter length at the new rate (samples).
    taps: usize,
    /// Length of the fade-out at the end of a filter (samples).
    fade: usize,
    /// FFT length of the analysis at the old rate.
    source_len: usize,
    /// FFT length of the minimum-phase synthesis at the new rate.
    target_len: usize,
}

impl Resampling {
    /// The time-reversed filters `reversed` (the old rate's taps each), rebuilt and
    /// time-reversed again, one after the other.
    fn run(&self, reversed: &[&[f32]]) -> Vec<f32> {
        let mut min_phase = MinimumPhase::default();
        let source_nyquist_bin = self.source_len / 2;
        let mut out = Vec::with_capacity(reversed.len() * self.taps);
        for src in reversed {
            let forward: Vec<f64> = src.iter().rev().map(|&v| f64::from(v)).collect();
            let magnitude: Vec<f64> = min_phase
                .spectrum(&forward, self.source_len)
                .iter()
                .map(|c| c.norm())
                .collect();
            let resampled: Vec<f64> = (0..=self.target_len / 2)
                .map(|j| {
                    // Frequency of bin j on the source grid, in source bins.
                    let pos =
                        j as f64 * self.ratio * self.source_len as f64 / self.target_len as f64;
                    if pos >= source_nyquist_bin as f64 {
                        return 0.0;
                    }
                    let k = pos as usize;
                    let frac = pos - k as f64;
                    magnitude[k] + frac * (magnitude[k + 1] - magnitude[k])
                })
                .collect();
            let ir = min_phase.filter(&resampled, self.target_len);
            let cut = truncate_with_fade(&ir, self.taps, self.fade);
            out.extend(cut.iter().rev().map(|&v| v as f32));
        }
        out
    }
}

/// The distance (m) at which the KEMAR set (and any asset) was measured; rendering at a set's
/// measurement distance reproduces it.
pub const MEASUREMENT_DISTANCE_M: f32 = 1.4;

/// Why an HRTF asset could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum HrtfError {
    /// The data does not start with the expected magic bytes and version.
    NotAnHrtfAsset,
    /// The data is shorter than its header says.
    Truncated,
    /// The directions do not form equally spaced elevation rings.
    IrregularGrid(String),
}

impl fmt::Display for HrtfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnHrtfAsset => write!(f, "not a Tingle HRTF asset (bad magic or version)"),
            Self::Truncated => write!(f, "HRTF asset is truncated"),
            Self::IrregularGrid(why) => write!(f, "HRTF grid is not regular: {why}"),
        }
    }
}

impl std::error::Error for HrtfError {}

/// One elevation ring of measurements, equally spaced in azimuth starting at 0 degrees.
#[derive(Debug, Clone)]
struct Ring {
    /// Elevation of the ring (degrees).
    elevation: f32,
    /// Direction indices ordered by azimuth slot: slot `k` is at `k * 360 / len` degrees.
    members: Vec<usize>,
}

/// A set of minimum-phase HRIR pairs with ITDs at one sample rate.
#[derive(Debug, Clone)]
pub struct HrtfSet {
    sample_rate: f32,
    taps: usize,
    /// Distance (m) from the head's centre at which the set was measured.
    measurement_distance_m: f32,
    /// Per direction, its (azimuth, elevation) in degrees, in the order measured.
    positions: Vec<(f32, f32)>,
    /// ITD per direction in seconds: left ear delay minus right ear delay.
    itd: Vec<f32>,
    /// Per direction, the left then the right filter, each stored time-reversed (the layout the
    /// convolution kernel reads).
    reversed: Vec<f32>,
    /// Rings sorted by rising elevation.
    rings: Vec<Ring>,
    /// The diffuse-field interaural coherence per octave band, worked out on first use.
    diffuse: OnceLock<[f32; octave::BANDS]>,
}

/// One measured direction of a set being built (see [`HrtfSet::from_directions`]).
#[derive(Debug, Clone, Copy)]
pub struct Direction<'a> {
    /// Azimuth (degrees, 0 = front, positive to the listener's right).
    pub azimuth_deg: f32,
    /// Elevation (degrees, positive up).
    pub elevation_deg: f32,
    /// Interaural time difference (s): left ear delay minus right ear delay.
    pub itd_s: f32,
    /// Left ear minimum-phase filter (at least the set's taps long, in time order).
    pub left: &'a [f32],
    /// Right ear minimum-phase filter (at least the set's taps long, in time order).
    pub right: &'a [f32],
}

/// Interpolation weights: eight (direction index, weight) pairs summing to 1 (a direction may
/// appear more than once, and cubic weights can be slightly negative).
pub type Weights = [(usize, f32); 8];

impl HrtfSet {
    /// The embedded MIT KEMAR set at its native 44.1 kHz.
    pub fn kemar() -> Self {
        Self::parse(KEMAR_ASSET).expect("the embedded HRTF asset is valid (checked by tests)")
    }

    /// Reads an asset written by [`HrtfSet::to_bytes`] (`cargo xtask import-hrtf`).
    pub fn parse(bytes: &[u8]) -> Result<Self, HrtfError> {
        let word = |i: usize| -> Result<u32, HrtfError> {
            let b = bytes
                .get(MAGIC.len() + 4 * i..MAGIC.len() + 4 * (i + 1))
                .ok_or(HrtfError::Truncated)?;
            Ok(u32::from_le_bytes(b.try_into().expect("four bytes")))
        };
        if bytes.get(..MAGIC.len()) != Some(MAGIC.as_slice()) || word(0)? != VERSION {
            return Err(HrtfError::NotAnHrtfAsset);
        }
        let (sample_rate, taps, count) = (word(1)? as f32, word(2)? as usize, word(3)? as usize);
        let stride = DIRECTION_FIELDS + 2 * taps;
        let body = bytes
            .get(HEADER_BYTES..HEADER_BYTES + 4 * stride * count)
            .ok_or(HrtfError::Truncated)?;
        let values: Vec<f32> = body
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().expect("four bytes")))
            .collect();
        let directions = values.chunks_exact(stride).map(|record| Direction {
            azimuth_deg: record[0],
            elevation_deg: record[1],
            itd_s: record[2],
            left: &record[DIRECTION_FIELDS..DIRECTION_FIELDS + taps],
            right: &record[DIRECTION_FIELDS + taps..],
        });
        Self::from_directions(sample_rate, taps, MEASUREMENT_DISTANCE_M, directions)
    }

    /// A set at `sample_rate` (Hz) of filters `taps` long, measured at `measurement_distance_m`
    /// (m), from its directions in measured order. Fails unless the directions lie on at least
    /// two elevation rings, each equally spaced in azimuth from 0 degrees (or a single pole).
    pub fn from_directions<'a>(
        sample_rate: f32,
        taps: usize,
        measurement_distance_m: f32,
        directions: impl ExactSizeIterator<Item = Direction<'a>>,
    ) -> Result<Self, HrtfError> {
        let count = directions.len();
        let mut positions = Vec::with_capacity(count);
        let mut itd = Vec::with_capacity(count);
        let mut reversed = Vec::with_capacity(count * 2 * taps);
        for d in directions {
            positions.push((d.azimuth_deg, d.elevation_deg));
            itd.push(d.itd_s);
            for ear in [d.left, d.right] {
                reversed.extend(ear[..taps].iter().rev());
            }
        }
        Ok(Self {
            sample_rate,
            taps,
            measurement_distance_m,
            rings: build_rings(&positions)?,
            positions,
            itd,
            reversed,
            diffuse: OnceLock::new(),
        })
    }

    /// Checks that directions at `positions` ((azimuth, elevation) in degrees) can make a set
    /// (see [`HrtfSet::from_directions`]), before any work is spent on their filters.
    pub fn check_grid(positions: &[(f32, f32)]) -> Result<(), HrtfError> {
        build_rings(positions).map(|_| ())
    }

    /// The set as an asset [`HrtfSet::parse`] reads (the measurement distance is not stored).
    pub fn to_bytes(&self) -> Vec<u8> {
        let count = self.positions.len();
        let mut out =
            Vec::with_capacity(HEADER_BYTES + 4 * count * (DIRECTION_FIELDS + 2 * self.taps));
        out.extend_from_slice(MAGIC);
        for v in [
            VERSION,
            self.sample_rate as u32,
            self.taps as u32,
            count as u32,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let pairs = self.reversed.chunks_exact(2 * self.taps);
        for ((&(azimuth, elevation), &itd), pair) in self.positions.iter().zip(&self.itd).zip(pairs)
        {
            for v in [azimuth, elevation, itd] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            for ear in pair.chunks_exact(self.taps) {
                for &v in ear.iter().rev() {
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        out
    }

    /// The same set with every filter made `taps` long: cut with a half-Hann fade over its
    /// last quarter, or padded with zeros. Sets that replace one another in a running engine
    /// share one length. Allocates.
    pub fn with_taps(&self, taps: usize) -> Self {
        if taps == self.taps {
            return self.clone();
        }
        let fade = taps / FADE_DIVISOR;
        let reversed = self
            .reversed
            .chunks_exact(self.taps)
            .flat_map(|filter| {
                let forward: Vec<f64> = filter.iter().rev().map(|&v| f64::from(v)).collect();
                let mut fitted = if taps < self.taps {
                    truncate_with_fade(&forward, taps, fade)
                } else {
                    forward
                };
                fitted.resize(taps, 0.0);
                fitted.into_iter().rev().map(|v| v as f32)
            })
            .collect();
        self.with_filters(taps, reversed)
    }

    /// This set's directions and ITDs with other filters: `taps` long each, time-reversed,
    /// left then right per direction.
    fn with_filters(&self, taps: usize, reversed: Vec<f32>) -> Self {
        Self {
            sample_rate: self.sample_rate,
            taps,
            measurement_distance_m: self.measurement_distance_m,
            positions: self.positions.clone(),
            itd: self.itd.clone(),
            reversed,
            rings: self.rings.clone(),
            // The same head at another rate or length: its diffuse-field coherence (per octave
            // band, all below the new Nyquist frequency) carries over.
            diffuse: self.diffuse.clone(),
        }
    }

    /// The distance (m) from the head's centre at which the set was measured.
    pub fn measurement_distance_m(&self) -> f32 {
        self.measurement_distance_m
    }

    /// The sample rate (Hz) of the filters.
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Filter length in samples.
    pub fn taps(&self) -> usize {
        self.taps
    }

    /// The lowest and highest measured elevations (degrees).
    pub fn elevation_range(&self) -> (f32, f32) {
        (
            self.rings[0].elevation,
            self.rings[self.rings.len() - 1].elevation,
        )
    }

    /// The interpolated ITD (s, left ear delay minus right ear delay) for `weights`.
    pub fn itd(&self, weights: &Weights) -> f32 {
        weights.iter().map(|&(i, w)| w * self.itd[i]).sum()
    }

    /// The interaural coherence of a diffuse field heard through this set, per octave band of
    /// [`octave::CENTRES_HZ`] (see [`super::diffuse`]). Worked out on the first call (some
    /// milliseconds): call it off the audio thread first, as [`super::cache`] does; later
    /// calls only read it.
    pub fn diffuse_coherence(&self) -> [f32; octave::BANDS] {
        *self.diffuse.get_or_init(|| super::diffuse::coherence(self))
    }

    /// The diffuse-field coherence if it was worked out already (never computes: safe on the
    /// audio thread).
    pub fn known_diffuse_coherence(&self) -> Option<[f32; octave::BANDS]> {
        self.diffuse.get().copied()
    }

    /// Per measured direction: its time-reversed left and right filters, its ITD (s) and its
    /// share of the sphere (weights summing to 1 over the set: each elevation ring gets its
    /// cosine, split evenly between its directions).
    pub fn directions(&self) -> impl Iterator<Item = (&[f32], &[f32], f32, f32)> + '_ {
        let ring_weight: Vec<(f32, usize)> = self
            .rings
            .iter()
            .map(|r| (r.elevation.to_radians().cos().max(0.0), r.members.len()))
            .collect();
        let total: f32 = ring_weight.iter().map(|&(w, _)| w).sum();
        let share = move |elevation: f32| {
            self.rings
                .iter()
                .zip(&ring_weight)
                .find(|(r, _)| r.elevation == elevation)
                .map_or(0.0, |(_, &(w, n))| w / (n as f32 * total))
        };
        self.reversed
            .chunks_exact(2 * self.taps)
            .zip(&self.positions)
            .zip(&self.itd)
            .map(move |((pair, &(_, elevation)), &itd)| {
                let (left, right) = pair.split_at(self.taps);
                (left, right, itd, share(elevation))
            })
    }

    /// Largest |ITD| in the set, in seconds.
    pub fn max_itd(&self) -> f32 {
        self.itd.iter().fold(0.0, |m, v| m.max(v.abs()))
    }

    /// The set rebuilt for `sample_rate` (Hz): each filter's magnitude response is carried
    /// over to the new rate's frequency grid (nothing above the original Nyquist frequency) and
    /// made minimum-phase again, keeping the filter's duration. Allocates: call from
    /// `activate()`.
    pub fn resampled(&self, sample_rate: f32) -> Self {
        if sample_rate == self.sample_rate {
            return self.clone();
        }
        let ratio = f64::from(sample_rate) / f64::from(self.sample_rate);
        let taps = ((self.taps as f64 * ratio).ceil() as usize).max(MIN_TAPS);
        let fade = taps / FADE_DIVISOR;
        let source_len = (2 * self.taps).next_power_of_two().max(RESAMPLE_FFT_MIN);
        let target_len = ((source_len as f64 * ratio).ceil() as usize).next_power_of_two();
        let plan = Resampling {
            ratio,
            taps,
            fade,
            source_len,
            target_len,
        };
        // Every distinct filter is rebuilt once (the set mirrors one ear's measurements, so
        // half of them repeat), on its own: the work is shared out among the CPU's threads
        // (the result does not depend on how it is shared).
        let mut distinct: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut filters: Vec<&[f32]> = Vec::new();
        let which: Vec<usize> = self
            .reversed
            .chunks_exact(self.taps)
            .map(|filter| {
                let bits = filter.iter().map(|v| v.to_bits()).collect();
                *distinct.entry(bits).or_insert_with(|| {
                    filters.push(filter);
                    filters.len() - 1
                })
            })
            .collect();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_BUILD_THREADS);
        let per_thread = filters.len().div_ceil(threads).max(1);
        let plan = &plan;
        let rebuilt = std::thread::scope(|scope| {
            let parts: Vec<_> = filters
                .chunks(per_thread)
                .map(|part| scope.spawn(move || plan.run(part)))
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().expect("resampling a filter does not panic"))
                .collect::<Vec<f32>>()
        });
        let reversed = which
            .iter()
            .flat_map(|&i| &rebuilt[i * taps..(i + 1) * taps])
            .copied()
            .collect();
        Self {
            sample_rate,
            ..self.with_filters(taps, reversed)
        }
    }

    /// Interpolation weights for a direction: cubic (Catmull-Rom) over the four nearest
    /// azimuths on each of the two neighbouring elevation rings, linear between the rings.
    /// The cubic keeps the interpolated filter's rate of change continuous as a source sweeps
    /// past measured directions; linear weights would kink there, 72 times per second for a
    /// 1 Hz orbit, and those kinks are audible as sidebands. (The cubic's curvature still
    /// changes at every measured direction; the placer smooths the filters' path in time,
    /// which removes that and keeps the weights exact at the measured directions.)
    /// `azimuth_deg` is any angle (wrapped); `elevation_deg` is clamped to the measured range.
    pub fn weights(&self, azimuth_deg: f32, elevation_deg: f32) -> Weights {
        let (lowest, highest) = self.elevation_range();
        let el = elevation_deg.clamp(lowest, highest);
        let upper = self
            .rings
            .iter()
            .position(|r| r.elevation >= el)
            .unwrap_or(0)
            .max(1);
        let (below, above) = (&self.rings[upper - 1], &self.rings[upper]);
        let t = (el - below.elevation) / (above.elevation - below.elevation);
        let az = azimuth_deg.rem_euclid(360.0);
        let mut weights = [(0, 0.0); 8];
        for (half, (ring, ring_weight)) in [(below, 1.0 - t), (above, t)].into_iter().enumerate() {
            let slots = ring.members.len();
            let pos = az * slots as f32 / 360.0;
            let k = (pos as usize).min(slots - 1);
            let cubic = catmull_rom(pos - k as f32);
            // The slot before `k`, then onwards round the ring (one division, not four).
            let mut slot = (k + slots - 1) % slots;
            for (i, c) in cubic.into_iter().enumerate() {
                weights[4 * half + i] = (ring.members[slot], ring_weight * c);
                slot = if slot + 1 == slots { 0 } else { slot + 1 };
            }
        }
        weights
    }

    /// Writes the interpolated, time-reversed left and right filters for `weights` into `left`
    /// and `right` (each [`HrtfSet::taps`] long) and returns the interpolated ITD in seconds
    /// (left ear delay minus right ear delay), with the build `path` picks.
    pub fn interpolate_reversed(
        &self,
        path: SimdPath,
        weights: &Weights,
        left: &mut [f32],
        right: &mut [f32],
    ) -> f32 {
        #[cfg(target_arch = "x86_64")]
        if path.avx512() {
            // SAFETY: the path is AVX-512 only on a CPU that supports it (and AVX2 and FMA).
            return unsafe { self.interpolate_avx512(weights, left, right) };
        }
        #[cfg(target_arch = "x86_64")]
        if path.avx2_fma() {
            // SAFETY: the path is AVX2/FMA only on a CPU that supports both.
            return unsafe { self.interpolate_avx2(weights, left, right) };
        }
        self.interpolate::<false>(weights, left, right)
    }

    /// [`HrtfSet::interpolate_reversed`] compiled for AVX-512.
    ///
    /// # Safety
    /// The CPU must support AVX-512F, AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn interpolate_avx512(
        &self,
        weights: &Weights,
        left: &mut [f32],
        right: &mut [f32],
    ) -> f32 {
        self.interpolate::<true>(weights, left, right)
    }

    /// [`HrtfSet::interpolate_reversed`] compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn interpolate_avx2(
        &self,
        weights: &Weights,
        left: &mut [f32],
        right: &mut [f32],
    ) -> f32 {
        self.interpolate::<true>(weights, left, right)
    }

    /// The body of [`HrtfSet::interpolate_reversed`] (`FMA`: fuse the multiply-adds).
    #[inline(always)]
    fn interpolate<const FMA: bool>(
        &self,
        weights: &Weights,
        left: &mut [f32],
        right: &mut [f32],
    ) -> f32 {
        let taps = self.taps;
        let (left, right) = (&mut left[..taps], &mut right[..taps]);
        let filters =
            |dir: usize| self.reversed[dir * 2 * taps..(dir + 1) * 2 * taps].split_at(taps);
        let mut itd = 0.0;
        // Two directions per pass over the outputs; the first pass writes, the others add.
        let mut first = true;
        for pair in weights.chunks_exact(2) {
            let [(dir_a, w_a), (dir_b, w_b)] = [pair[0], pair[1]];
            if w_a == 0.0 && w_b == 0.0 {
                continue;
            }
            let ((left_a, right_a), (left_b, right_b)) = (filters(dir_a), filters(dir_b));
            for (out, a, b) in [
                (&mut *left, left_a, left_b),
                (&mut *right, right_a, right_b),
            ] {
                for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
                    let sum = mul_add::<FMA>(w_a, x, w_b * y);
                    *o = if first { sum } else { *o + sum };
                }
            }
            first = false;
            itd += w_a * self.itd[dir_a] + w_b * self.itd[dir_b];
        }
        itd
    }
}

/// Catmull-Rom weights of the points at -1, 0, 1, 2 for a position `t` in 0..1 between 0 and 1.
fn catmull_rom(t: f32) -> [f32; 4] {
    let (t2, t3) = (t * t, t * t * t);
    [
        0.5 * (-t3 + 2.0 * t2 - t),
        0.5 * (3.0 * t3 - 5.0 * t2 + 2.0),
        0.5 * (-3.0 * t3 + 4.0 * t2 + t),
        0.5 * (t3 - t2),
    ]
}

/// Groups directions into elevation rings and checks each is equally spaced from 0 degrees.
fn build_rings(positions: &[(f32, f32)]) -> Result<Vec<Ring>, HrtfError> {
    let mut elevations: Vec<f32> = positions.iter().map(|p| p.1).collect();
    elevations.sort_by(f32::total_cmp);
    elevations.dedup();
    if elevations.len() < 2 {
        return Err(HrtfError::IrregularGrid(
            "fewer than two elevation rings".into(),
        ));
    }
    elevations
        .iter()
        .map(|&elevation| {
            let on_ring: Vec<usize> = (0..positions.len())
                .filter(|&i| positions[i].1 == elevation)
                .collect();
            let slots = on_ring.len();
            if slots == 1 {
                // A pole: its azimuth carries no meaning.
                return Ok(Ring {
                    elevation,
                    members: on_ring,
                });
            }
            let mut members = vec![usize::MAX; slots];
            for &i in &on_ring {
                let pos = positions[i].0.rem_euclid(360.0) * slots as f32 / 360.0;
                let k = pos.round() as usize % slots;
                if (pos - pos.round()).abs() > 0.01 || members[k] != usize::MAX {
                    return Err(HrtfError::IrregularGrid(format!(
                        "ring at {elevation} degrees is not equally spaced"
                    )));
                }
                members[k] = i;
            }
            Ok(Ring { elevation, members })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_set_is_the_kemar_grid() {
        let set = HrtfSet::kemar();
        assert_eq!(set.itd.len(), 710);
        assert_eq!(set.elevation_range(), (-40.0, 90.0));
        assert_eq!(
            set.rings.iter().map(|r| r.members.len()).sum::<usize>(),
            710
        );
        // The right ear lags for a source on the left and leads for one on the right.
        let weights = set.weights(90.0, 0.0);
        let &(right, w) = weights.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        assert_eq!(w, 1.0);
        assert!(
            set.itd[right] > 500e-6,
            "ITD at 90 degrees {}",
            set.itd[right]
        );
    }

    /// Writing the embedded set gives back the embedded asset, byte for byte.
    #[test]
    fn asset_round_trips() {
        assert_eq!(HrtfSet::kemar().to_bytes(), KEMAR_ASSET);
    }

    /// Cutting filters to fewer taps fades their ends; lengthening pads them with zeros.
    #[test]
    fn filters_fit_another_length() {
        let set = HrtfSet::kemar();
        let weights = set.weights(30.0, 0.0);
        let interpolated = |s: &HrtfSet| {
            let (mut l, mut r) = (vec![0.0; s.taps()], vec![0.0; s.taps()]);
            s.interpolate_reversed(SimdPath::detect(), &weights, &mut l, &mut r);
            l.into_iter().rev().collect::<Vec<f32>>()
        };
        let original = interpolated(&set);
        let longer = interpolated(&set.with_taps(80));
        assert_eq!(longer[..64], original[..]);
        assert!(longer[64..].iter().all(|&v| v == 0.0));
        let shorter = interpolated(&set.with_taps(48));
        assert_eq!(shorter.len(), 48);
        assert_eq!(shorter[..36], original[..36]);
        assert!(shorter[47].abs() < original[47].abs());
    }

    #[test]
    fn weights_sum_to_one_and_move_continuously() {
        let set = HrtfSet::kemar();
        let mut last: Option<Weights> = None;
        for step in 0..=3600 {
            let az = -180.0 + step as f32 * 0.1;
            let w = set.weights(az, 15.0);
            let sum: f32 = w.iter().map(|p| p.1).sum();
            assert!((sum - 1.0).abs() < 1e-5 && w.iter().all(|p| p.1 > -0.1));
            if let Some(prev) = last {
                // Total weight moved between 0.1-degree steps stays small.
                let moved: f32 = (0..710)
                    .map(|d| {
                        let a: f32 = prev.iter().filter(|p| p.0 == d).map(|p| p.1).sum();
                        let b: f32 = w.iter().filter(|p| p.0 == d).map(|p| p.1).sum();
                        (a - b).abs()
                    })
                    .sum();
                assert!(moved < 0.08, "weights jump at {az}: {moved}");
            }
            last = Some(w);
        }
    }

    /// The portable interpolation matches the AVX2/FMA one (where the CPU has it).
    #[test]
    fn portable_interpolation_matches_the_vectorised_one() {
        let set = HrtfSet::kemar();
        let weights = set.weights(-47.0, 12.5);
        let taps = set.taps();
        let (mut l, mut r) = (vec![0.0; taps], vec![0.0; taps]);
        let (mut pl, mut pr) = (vec![0.0; taps], vec![0.0; taps]);
        let itd = set.interpolate_reversed(SimdPath::detect(), &weights, &mut l, &mut r);
        let portable_itd = set.interpolate::<false>(&weights, &mut pl, &mut pr);
        assert!((itd - portable_itd).abs() < 1e-9);
        for (a, b) in l.iter().chain(&r).zip(pl.iter().chain(&pr)) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    /// Carrying the set to 96 kHz keeps each filter's duration and its magnitude response
    /// (within 0.5 dB from 100 Hz to 16 kHz).
    #[test]
    fn resampling_keeps_duration_and_response() {
        let set = HrtfSet::kemar();
        let up = set.resampled(96_000.0);
        assert_eq!(up.taps(), (64.0f64 * 96_000.0 / 44_100.0).ceil() as usize);
        let level_db = |s: &HrtfSet, hz: f64| -> f64 {
            let w = s.weights(-60.0, 10.0);
            let (mut l, mut r) = (vec![0.0; s.taps()], vec![0.0; s.taps()]);
            s.interpolate_reversed(SimdPath::detect(), &w, &mut l, &mut r);
            let forward: Vec<f64> = l.iter().rev().map(|&v| f64::from(v)).collect();
            let len = 8192;
            let spec = MinimumPhase::default().spectrum(&forward, len);
            let bin = (hz * len as f64 / f64::from(s.sample_rate())).round() as usize;
            20.0 * spec[bin].norm().log10()
        };
        for hz in [100.0, 500.0, 1000.0, 3000.0, 6000.0, 10_000.0, 16_000.0] {
            let change = level_db(&up, hz) - level_db(&set, hz);
            assert!(change.abs() < 0.5, "{hz} Hz changed by {change} dB");
        }
    }
}
