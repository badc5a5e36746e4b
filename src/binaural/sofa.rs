//! Measured HRIR sets from SOFA files (AES69, SimpleFreeFieldHRIR), read with `sofar`, checked
//! for what Tingle needs, and converted into an [`HrtfSet`]. The embedded KEMAR asset is made
//! by this same code (`cargo xtask import-hrtf`), and a user's own set is loaded with it at run
//! time, so both are processed alike.
//!
//! Every measured HRIR pair is split into two minimum-phase filters and one interaural time
//! difference (ITD), as docs/ARCHITECTURE.md (section 3) summarises:
//!
//! 1. Below [`LF_EXTEND_HZ`] the magnitude is held flat: the head is acoustically transparent
//!    there, and what the raw data shows below it is the measurement loudspeaker's roll-off.
//! 2. A diffuse-field equaliser (the inverse of the solid-angle weighted mean power spectrum over
//!    all directions and both ears, third-octave smoothed) removes what every direction shares:
//!    loudspeaker, microphones and ear-canal resonance. That is the equalisation headphones want.
//! 3. The equalised magnitude becomes a minimum-phase filter (folded real cepstrum), truncated to
//!    [`FILTER_S`] with a short half-Hann fade.
//! 4. The ITD is measured the way listeners use it: by cross-correlating the two ears' signals
//!    band-limited below [`ITD_BAND_HZ`]. Because the minimum-phase pair still carries a small
//!    low-frequency delay difference of its own, the stored ITD is the measured one minus that
//!    residual, so that the rendered low-frequency ITD equals the measured one; a file that keeps
//!    broadband delays apart from its IRs (`Data.Delay`) has their difference added. (The acoustic
//!    tests measure the rendered ITD with their own estimator in `tests/common/mod.rs`, kept
//!    independent of this one on purpose, so that a fault here cannot hide itself.)

use super::hrtf::{Direction, HrtfError, HrtfSet};
use crate::dsp::minimum_phase::{self, MinimumPhase};
use realfft::num_complex::Complex;
use std::cell::RefCell;
use std::f64::consts::PI;
use std::fmt;
use std::path::Path;

/// Length of each stored minimum-phase filter (s): 64 taps at 44.1 kHz.
pub const FILTER_S: f64 = 64.0 / 44_100.0;
/// Share of each filter faded out at its end with a half-Hann window (16 of 64 taps).
const FADE_DIVISOR: usize = 4;
/// Smallest FFT size for spectral work on the measurements (zero padded).
const MIN_NFFT: usize = 4096;
/// Below this frequency the magnitude is held at its value here (Hz).
const LF_EXTEND_HZ: f64 = 200.0;
/// Corner of the low-pass weighting used for ITD estimation (Hz).
pub const ITD_BAND_HZ: f64 = 1500.0;
/// Oversampling of the cross-correlation for sub-sample ITD resolution.
const XCORR_OVERSAMPLING: usize = 16;
/// Largest ITD searched for (s); no set's ITD exceeds it by more than its filters' residual.
pub const MAX_ITD_S: f64 = 0.0012;
/// Limit of the diffuse-field equaliser's boost and cut (dB).
const MAX_EQ_DB: f64 = 24.0;
/// Floor of the diffuse-field magnitude before inverting it.
const MAG_FLOOR: f64 = 1e-6;
/// Half the bandwidth of the equaliser's smoothing, in octaves (third-octave smoothing).
const SMOOTHING_HALF_OCTAVES: f64 = 1.0 / 6.0;
/// Directions closer than this in elevation (degrees) share a ring in the solid-angle weights.
const RING_TOLERANCE_DEG: f64 = 0.5;
/// Angles are rounded to 1/this of a degree, removing the trigonometric noise of the
/// cartesian round trip.
const ANGLE_STEPS_PER_DEG: f64 = 100.0;

/// Shortest and longest measurement distances (m) accepted: closer sets are near-field
/// measurements the distance model would count twice, farther ones are no HRTF measurements.
const DISTANCE_RANGE_M: (f64, f64) = (0.5, 5.0);
/// Largest spread of the directions' distances, relative to their mean (one distance only).
const DISTANCE_SPREAD: f64 = 0.05;
/// Fewest measured directions accepted.
const MIN_DIRECTIONS: usize = 36;
/// Largest hole on the sphere (degrees) between neighbouring measured directions, along a ring
/// or between rings: interpolation across wider holes smears the cues.
const MAX_HOLE_DEG: f64 = 30.0;
/// The rings must reach at least this low and this high (degrees): ear height and well above
/// and below it, where Tingle places its sources, must be interpolated, not clamped.
const REQUIRED_ELEVATIONS_DEG: (f64, f64) = (-20.0, 40.0);

/// Why a SOFA file cannot be used; the text says what is wrong in the user's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum SofaError {
    /// The file cannot be read or is no SOFA file (`sofar`'s reason).
    Unreadable(String),
    /// It does not have two receivers (ears).
    Receivers(usize),
    /// It records no sample rate.
    NoSampleRate,
    /// Its sample rate (Hz) is not a usable audio rate.
    SampleRate(f64),
    /// Its source positions give no usable measurement distance (m; NaN if none).
    Distance(f64),
    /// Its directions were measured at several distances (nearest and farthest, m).
    SeveralDistances(f64, f64),
    /// Its impulse responses are missing, empty or do not match its dimensions.
    NoImpulseResponses,
    /// An impulse response holds a value that is not a finite number.
    NonFinite,
    /// It has too few directions.
    TooFewDirections(usize),
    /// Its directions leave parts of the sphere uncovered.
    Spread(String),
    /// Its directions are not on the grid Tingle interpolates over.
    Grid(String),
}

impl fmt::Display for SofaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable(why) => write!(f, "not a readable SOFA file ({why})"),
            Self::Receivers(r) => write!(f, "needs 2 receivers (ears), the file has {r}"),
            Self::NoSampleRate => write!(f, "the file records no sample rate"),
            Self::SampleRate(hz) => write!(f, "sample rate {hz} Hz is not usable"),
            Self::Distance(m) => write!(
                f,
                "measurement distance {m:.2} m is missing or outside {}-{} m",
                DISTANCE_RANGE_M.0, DISTANCE_RANGE_M.1
            ),
            Self::SeveralDistances(near, far) => write!(
                f,
                "directions measured at several distances ({near:.2}-{far:.2} m); one is needed"
            ),
            Self::NoImpulseResponses => write!(f, "the file holds no usable impulse responses"),
            Self::NonFinite => write!(f, "an impulse response holds a non-finite value"),
            Self::TooFewDirections(m) => write!(
                f,
                "only {m} measured directions (at least {MIN_DIRECTIONS} are needed)"
            ),
            Self::Spread(why) => write!(f, "directions leave holes: {why}"),
            Self::Grid(why) => write!(
                f,
                "{why}; Tingle needs directions on elevation rings, each equally spaced in \
                 azimuth from 0 degrees"
            ),
        }
    }
}

impl std::error::Error for SofaError {}

impl From<HrtfError> for SofaError {
    fn from(e: HrtfError) -> Self {
        Self::Grid(e.to_string())
    }
}

/// One measured direction in Tingle's convention.
#[derive(Debug, Clone)]
struct Measurement {
    /// Azimuth (degrees, 0 = front, positive to the listener's right, -180 < az <= 180).
    azimuth_deg: f64,
    /// Elevation (degrees, positive up).
    elevation_deg: f64,
    left: Vec<f64>,
    right: Vec<f64>,
    /// The file's own broadband delays (`Data.Delay`), left minus right (s): files that store
    /// their IRs with the delays taken out keep the ITD there.
    delay_itd_s: f64,
}

/// A measured set, read from a SOFA file and checked: ready to convert.
#[derive(Debug, Clone)]
pub struct MeasuredSet {
    sample_rate: f64,
    distance_m: f64,
    measurements: Vec<Measurement>,
}

/// Reads and checks the SOFA file at `path`, then converts it: see [`read_bytes`] and
/// [`MeasuredSet::convert`]. Takes a second or so: never call it on the audio thread.
pub fn load(path: &Path) -> Result<HrtfSet, SofaError> {
    let bytes = std::fs::read(path).map_err(|e| SofaError::Unreadable(e.to_string()))?;
    Ok(read_bytes(&bytes)?.convert()?)
}

/// Reads a SOFA file's contents and checks that Tingle can use it: two receivers, a sample
/// rate, one measurement distance, finite impulse responses, and enough directions on
/// equally spaced elevation rings without big holes.
pub fn read_bytes(bytes: &[u8]) -> Result<MeasuredSet, SofaError> {
    // sofar resamples only when asked for a rate more than 0.1 Hz from the file's; a NaN rate
    // never is, so the file's own rate is kept (the set is resampled after conversion, as
    // KEMAR is).
    // sofar's parser asserts on some damaged files (a truncated one, in debug builds): that
    // is a damaged file too, not a reason to take the loading thread down.
    let opened = std::panic::catch_unwind(|| {
        sofar::reader::OpenOptions::new()
            .normalized(false)
            .sample_rate(f32::NAN)
            .open_data(bytes)
    })
    .map_err(|_| SofaError::Unreadable("the file is damaged".to_owned()))?;
    let sofa = opened.map_err(|e| SofaError::Unreadable(e.to_string()))?;
    let hrtf = sofa.hrtf();
    let (m, r, n) = (hrtf.m() as usize, hrtf.r() as usize, hrtf.n() as usize);
    if r != 2 {
        return Err(SofaError::Receivers(r));
    }
    let sample_rate = f64::from(
        *hrtf
            .data_sampling_rate
            .values
            .first()
            .ok_or(SofaError::NoSampleRate)?,
    );
    // The sample rates Tingle runs at.
    let rates = crate::ranges::SAMPLE_RATE_HZ;
    if !(f64::from(rates.min)..=f64::from(rates.max)).contains(&sample_rate) {
        return Err(SofaError::SampleRate(sample_rate));
    }
    let irs = &hrtf.data_ir.values;
    if n == 0 || m == 0 || irs.len() != m * r * n {
        return Err(SofaError::NoImpulseResponses);
    }
    if !irs.iter().all(|v| v.is_finite()) {
        return Err(SofaError::NonFinite);
    }
    let positions = &hrtf.source_position.values;
    if positions.len() != 3 * m {
        return Err(SofaError::Distance(f64::NAN));
    }
    let radii: Vec<f64> = positions
        .chunks_exact(3)
        .map(|p| p.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt())
        .collect();
    let distance_m = radii.iter().sum::<f64>() / m as f64;
    if !(DISTANCE_RANGE_M.0..=DISTANCE_RANGE_M.1).contains(&distance_m) {
        return Err(SofaError::Distance(distance_m));
    }
    let (near, far) = radii.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    });
    if far - near > DISTANCE_SPREAD * distance_m {
        return Err(SofaError::SeveralDistances(near, far));
    }
    if m < MIN_DIRECTIONS {
        return Err(SofaError::TooFewDirections(m));
    }
    // SOFA: x to the front, y to the left. Receiver 0 is the left ear unless it sits at -y.
    let left_first = hrtf.receiver_position.values.get(1).copied().unwrap_or(1.0) > 0.0;
    // Data.Delay (samples) is one pair for all directions or one per direction; none is zero.
    let delays = &hrtf.data_delay.values;
    if !delays.iter().all(|v| v.is_finite()) {
        return Err(SofaError::NonFinite);
    }
    let delay_itd_s = |i: usize| -> f64 {
        let pair = match delays.len() {
            len if len == r * m => &delays[i * r..(i + 1) * r],
            len if len == r => &delays[..],
            _ => return 0.0,
        };
        let (left, right) = if left_first {
            (pair[0], pair[1])
        } else {
            (pair[1], pair[0])
        };
        f64::from(left - right) / sample_rate
    };
    let measurements: Vec<Measurement> = positions
        .chunks_exact(3)
        .zip(&radii)
        .enumerate()
        .map(|(i, (p, &radius))| {
            let (x, y, z) = (f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
            let ir = |ear: usize| -> Vec<f64> {
                let start = (i * r + ear) * n;
                irs[start..start + n]
                    .iter()
                    .map(|&v| f64::from(v))
                    .collect()
            };
            let (left, right) = if left_first {
                (ir(0), ir(1))
            } else {
                (ir(1), ir(0))
            };
            Measurement {
                // Tingle's azimuth is positive to the right, SOFA's to the left.
                azimuth_deg: round_angle(-y.atan2(x).to_degrees()),
                elevation_deg: round_angle((z / radius).asin().to_degrees()),
                left,
                right,
                delay_itd_s: delay_itd_s(i),
            }
        })
        .collect();
    if measurements
        .iter()
        .any(|d| d.left.iter().chain(&d.right).all(|&v| v == 0.0))
    {
        return Err(SofaError::NoImpulseResponses);
    }
    check_spread(&measurements)?;
    let grid: Vec<(f32, f32)> = measurements
        .iter()
        .map(|d| (d.azimuth_deg as f32, d.elevation_deg as f32))
        .collect();
    HrtfSet::check_grid(&grid)?;
    Ok(MeasuredSet {
        sample_rate,
        distance_m,
        measurements,
    })
}

/// Checks that the rings reach [`REQUIRED_ELEVATIONS_DEG`] and leave no hole wider than
/// [`MAX_HOLE_DEG`] between rings or along one.
fn check_spread(measurements: &[Measurement]) -> Result<(), SofaError> {
    let mut rings: Vec<(f64, usize)> = Vec::new();
    for d in measurements {
        match rings
            .iter_mut()
            .find(|(el, _)| (el - d.elevation_deg).abs() < RING_TOLERANCE_DEG)
        {
            Some(ring) => ring.1 += 1,
            None => rings.push((d.elevation_deg, 1)),
        }
    }
    rings.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (lowest, highest) = (rings[0].0, rings[rings.len() - 1].0);
    if lowest > REQUIRED_ELEVATIONS_DEG.0 || highest < REQUIRED_ELEVATIONS_DEG.1 {
        return Err(SofaError::Spread(format!(
            "elevations {lowest}..{highest} degrees do not cover {}..{} degrees",
            REQUIRED_ELEVATIONS_DEG.0, REQUIRED_ELEVATIONS_DEG.1
        )));
    }
    if let Some(gap) = rings.windows(2).find(|w| w[1].0 - w[0].0 > MAX_HOLE_DEG) {
        return Err(SofaError::Spread(format!(
            "no direction between elevations {} and {} degrees",
            gap[0].0, gap[1].0
        )));
    }
    for &(elevation, count) in rings.iter().filter(|r| r.1 > 1) {
        let hole = 360.0 / count as f64 * elevation.to_radians().cos();
        if hole > MAX_HOLE_DEG {
            return Err(SofaError::Spread(format!(
                "{count} directions at elevation {elevation} degrees are {hole:.0} degrees apart"
            )));
        }
    }
    Ok(())
}

impl MeasuredSet {
    /// The sample rate of the measurements (Hz).
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// The measured impulse responses (left, right) of the direction nearest to `azimuth_deg`
    /// and `elevation_deg` (degrees, Tingle's convention), as the file holds them.
    pub fn nearest(&self, azimuth_deg: f64, elevation_deg: f64) -> (&[f64], &[f64]) {
        let want = sofa_cartesian(azimuth_deg, elevation_deg);
        let closeness = |d: &Measurement| {
            let have = sofa_cartesian(d.azimuth_deg, d.elevation_deg);
            (0..3).map(|k| have[k] * want[k]).sum::<f64>()
        };
        let best = self
            .measurements
            .iter()
            .max_by(|a, b| closeness(a).total_cmp(&closeness(b)))
            .expect("a checked set has directions");
        (&best.left, &best.right)
    }

    /// The distance (m) at which the set was measured.
    pub fn distance_m(&self) -> f64 {
        self.distance_m
    }

    /// Converts the measurements into minimum-phase filters plus ITDs at their own sample
    /// rate (module documentation). Takes a second or so.
    pub fn convert(&self) -> Result<HrtfSet, HrtfError> {
        let longest = self.measurements[0].left.len();
        let nfft = (2 * longest).next_power_of_two().max(MIN_NFFT);
        let spectra = Spectra::new(self.sample_rate, nfft);
        let magnitudes: Vec<[Vec<f64>; 2]> = self
            .measurements
            .iter()
            .map(|d| {
                [
                    spectra.extended_magnitude(&d.left),
                    spectra.extended_magnitude(&d.right),
                ]
            })
            .collect();
        let eq = spectra.diffuse_field_eq(&self.measurements, &magnitudes);
        let taps = (FILTER_S * self.sample_rate).round() as usize;
        let converted: Vec<(f32, [Vec<f32>; 2])> = self
            .measurements
            .iter()
            .zip(&magnitudes)
            .map(|(d, mags)| {
                let filters = mags.each_ref().map(|mag| {
                    let eqd: Vec<f64> = mag.iter().zip(&eq).map(|(a, b)| a * b).collect();
                    spectra.truncated_minimum_phase(&eqd, taps)
                });
                let measured = spectra.low_frequency_itd(&d.left, &d.right);
                let residual = spectra.low_frequency_itd(&filters[0], &filters[1]);
                let narrow = |f: &Vec<f64>| f.iter().map(|&v| v as f32).collect();
                let mut itd = measured - residual;
                if d.delay_itd_s != 0.0 {
                    itd += d.delay_itd_s;
                }
                (itd as f32, filters.each_ref().map(narrow))
            })
            .collect();
        let directions =
            self.measurements
                .iter()
                .zip(&converted)
                .map(|(d, (itd, [left, right]))| Direction {
                    azimuth_deg: d.azimuth_deg as f32,
                    elevation_deg: d.elevation_deg as f32,
                    itd_s: *itd,
                    left,
                    right,
                });
        HrtfSet::from_directions(
            self.sample_rate as f32,
            taps,
            self.distance_m as f32,
            directions,
        )
    }
}

/// The SOFA cartesian unit vector (x to the front, y to the left, z up) of a direction in
/// Tingle's convention (azimuth in degrees, positive to the right; elevation in degrees).
pub fn sofa_cartesian(azimuth_deg: f64, elevation_deg: f64) -> [f64; 3] {
    let (az, el) = (azimuth_deg.to_radians(), elevation_deg.to_radians());
    [el.cos() * az.cos(), -el.cos() * az.sin(), el.sin()]
}

/// Rounds to 1/[`ANGLE_STEPS_PER_DEG`] of a degree, wrapping -180 to 180.
fn round_angle(v: f64) -> f64 {
    let r = (v * ANGLE_STEPS_PER_DEG).round() / ANGLE_STEPS_PER_DEG;
    if r <= -180.0 { r + 360.0 } else { r }
}

/// FFT plans and the spectral operations of the conversion.
struct Spectra {
    min_phase: RefCell<MinimumPhase>,
    sample_rate: f64,
    /// FFT size of the spectral work on the measurements.
    nfft: usize,
}

impl Spectra {
    fn new(sample_rate: f64, nfft: usize) -> Self {
        Self {
            min_phase: RefCell::new(MinimumPhase::default()),
            sample_rate,
            nfft,
        }
    }

    fn bin_hz(&self, len: usize) -> f64 {
        self.sample_rate / len as f64
    }

    fn forward(&self, signal: &[f64], len: usize) -> Vec<Complex<f64>> {
        self.min_phase.borrow_mut().spectrum(signal, len)
    }

    fn inverse(&self, spectrum: &[Complex<f64>], len: usize) -> Vec<f64> {
        self.min_phase.borrow_mut().signal(spectrum, len)
    }

    /// Magnitude spectrum with the response below [`LF_EXTEND_HZ`] held flat.
    fn extended_magnitude(&self, ir: &[f64]) -> Vec<f64> {
        let mut mag: Vec<f64> = self
            .forward(ir, self.nfft)
            .iter()
            .map(|c| c.norm())
            .collect();
        let lf_bin = (LF_EXTEND_HZ / self.bin_hz(self.nfft)).round() as usize;
        let held = mag[lf_bin];
        mag[..lf_bin].iter_mut().for_each(|m| *m = held);
        mag
    }

    /// The inverse of the solid-angle weighted, third-octave smoothed diffuse-field magnitude.
    /// Each direction weighs the solid angle of its ring's band (from halfway to the ring
    /// below to halfway to the ring above) shared among the ring's directions.
    fn diffuse_field_eq(&self, dirs: &[Measurement], mags: &[[Vec<f64>; 2]]) -> Vec<f64> {
        let bins = self.nfft / 2 + 1;
        let mut elevations: Vec<f64> = Vec::new();
        for d in dirs {
            if !elevations
                .iter()
                .any(|e| (e - d.elevation_deg).abs() < RING_TOLERANCE_DEG)
            {
                elevations.push(d.elevation_deg);
            }
        }
        elevations.sort_by(f64::total_cmp);
        let mut power = vec![0.0; bins];
        let mut total_weight = 0.0;
        for (d, pair) in dirs.iter().zip(mags) {
            let on_ring =
                |o: &Measurement| (o.elevation_deg - d.elevation_deg).abs() < RING_TOLERANCE_DEG;
            let ring = dirs.iter().filter(|o| on_ring(o)).count() as f64;
            let weight = band_solid_angle(&elevations, d.elevation_deg) / ring;
            total_weight += 2.0 * weight;
            for ear in pair {
                for (p, m) in power.iter_mut().zip(ear) {
                    *p += weight * m * m;
                }
            }
        }
        let mean: Vec<f64> = power.iter().map(|p| p / total_weight).collect();
        let bin_hz = self.bin_hz(self.nfft);
        let factor = 2f64.powf(SMOOTHING_HALF_OCTAVES);
        let limit = 10f64.powf(MAX_EQ_DB / 20.0);
        (0..bins)
            .map(|k| {
                let f = (k as f64 * bin_hz).max(bin_hz);
                let lo = ((f / factor) / bin_hz).floor() as usize;
                let hi = (((f * factor) / bin_hz).ceil() as usize).min(bins - 1);
                let band = &mean[lo..=hi];
                let smoothed = band.iter().sum::<f64>() / band.len() as f64;
                (1.0 / smoothed.sqrt().max(MAG_FLOOR)).clamp(1.0 / limit, limit)
            })
            .collect()
    }

    /// The minimum-phase filter with magnitude `mag` (one-sided, `nfft / 2 + 1` bins), cut to
    /// `taps` taps with a half-Hann fade over the last quarter.
    fn truncated_minimum_phase(&self, mag: &[f64], taps: usize) -> Vec<f64> {
        let ir = self.min_phase.borrow_mut().filter(mag, self.nfft);
        minimum_phase::truncate_with_fade(&ir, taps, taps / FADE_DIVISOR)
    }

    /// Low-frequency ITD in seconds (left ear delay minus right ear delay): the lag of the
    /// cross-correlation peak of the two signals weighted by a 4th-order Butterworth low-pass
    /// power response at [`ITD_BAND_HZ`], found on a 16× oversampled lag grid.
    fn low_frequency_itd(&self, left: &[f64], right: &[f64]) -> f64 {
        let len = (left.len() + right.len()).next_power_of_two();
        let l = self.forward(left, len);
        let r = self.forward(right, len);
        let bin_hz = self.bin_hz(len);
        let fine = len * XCORR_OVERSAMPLING;
        let mut cross = vec![Complex::new(0.0, 0.0); fine / 2 + 1];
        for (k, (a, b)) in l.iter().zip(&r).enumerate() {
            let f = k as f64 * bin_hz;
            let weight = 1.0 / (1.0 + (f / ITD_BAND_HZ).powi(8));
            cross[k] = a * b.conj() * weight;
        }
        let xc = self.inverse(&cross, fine);
        let fine_rate = self.sample_rate * XCORR_OVERSAMPLING as f64;
        let max_lag = (MAX_ITD_S * fine_rate) as isize;
        let at = |lag: isize| xc[lag.rem_euclid(fine as isize) as usize];
        let best = (-max_lag..=max_lag)
            .max_by(|&a, &b| at(a).total_cmp(&at(b)))
            .unwrap_or(0);
        // Parabolic refinement around the peak.
        let (y0, y1, y2) = (at(best - 1), at(best), at(best + 1));
        let denom = y0 - 2.0 * y1 + y2;
        let offset = if denom.abs() > f64::EPSILON {
            0.5 * (y0 - y2) / denom
        } else {
            0.0
        };
        (best as f64 + offset) / fine_rate
    }
}

/// Solid angle (sr) of the elevation band of the ring at `elevation_deg` among the rings at
/// `elevations` (sorted): from halfway to the ring below to halfway to the ring above (the
/// outermost rings reach as far out as in), clipped at the poles.
fn band_solid_angle(elevations: &[f64], elevation_deg: f64) -> f64 {
    let i = elevations
        .iter()
        .position(|e| (e - elevation_deg).abs() < RING_TOLERANCE_DEG)
        .unwrap_or(0);
    let below = i.checked_sub(1).map(|j| elevations[j]);
    let above = elevations.get(i + 1).copied();
    let e = elevations[i];
    let half_below = below.map_or_else(|| above.map_or(90.0, |a| (a - e) / 2.0), |b| (e - b) / 2.0);
    let half_above = above.map_or(half_below, |a| (a - e) / 2.0);
    let top = (e + half_above).min(90.0).to_radians();
    let bottom = (e - half_below).max(-90.0).to_radians();
    2.0 * PI * (top.sin() - bottom.sin())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::simd::SimdPath;

    /// The committed source of the embedded set.
    const KEMAR_SOFA: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/source/MIT_KEMAR_normal_pinna.sofa"
    );
    /// Largest difference (s) between a converted ITD and the committed one: the committed
    /// asset's median-plane ITDs (zero but for round-off, about 1e-18 s) depend on the FFT
    /// code path of the machine that made it.
    const ITD_ROUND_OFF_S: f32 = 1e-15;

    /// Converting the committed KEMAR SOFA file gives the embedded asset: every direction,
    /// filter tap and ITD (the last to round-off).
    #[test]
    fn converting_kemar_gives_the_embedded_asset() {
        let converted = load(Path::new(KEMAR_SOFA)).expect("KEMAR converts");
        assert_eq!(converted.measurement_distance_m(), 1.4);
        let ours = converted.to_bytes();
        let embedded = HrtfSet::kemar().to_bytes();
        assert_eq!(ours.len(), embedded.len());
        let words = |b: &[u8]| -> Vec<u32> {
            b.chunks_exact(4)
                .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
                .collect()
        };
        let (a, b) = (words(&ours), words(&embedded));
        // Magic (two words), version, rate, taps, count; then per direction az, el, ITD, filters.
        let (header, stride) = (6, 3 + 2 * converted.taps());
        assert_eq!(a[..header], b[..header]);
        for (i, (x, y)) in a[header..].iter().zip(&b[header..]).enumerate() {
            if i % stride == 2 {
                let (x, y) = (f32::from_bits(*x), f32::from_bits(*y));
                assert!((x - y).abs() < ITD_ROUND_OFF_S, "ITD {x} vs {y}");
            } else {
                assert_eq!(x, y, "word {i} of direction {}", i / stride);
            }
        }
    }

    /// Directions on rings at `rings` (elevation in degrees, directions on the ring), equally
    /// spaced from 0 degrees, with placeholder responses.
    fn grid(rings: &[(f64, usize)]) -> Vec<Measurement> {
        rings
            .iter()
            .flat_map(|&(elevation_deg, count)| {
                (0..count).map(move |k| Measurement {
                    azimuth_deg: round_angle(k as f64 * 360.0 / count as f64),
                    elevation_deg,
                    left: vec![1.0],
                    right: vec![1.0],
                    delay_itd_s: 0.0,
                })
            })
            .collect()
    }

    /// A KEMAR-like spread passes; too little coverage, a gap between rings and a sparse ring
    /// are refused, each naming what is wrong.
    #[test]
    fn spreads_with_holes_are_refused() {
        let ear_height: Vec<(f64, usize)> = (-4..=8).map(|k| (f64::from(k) * 10.0, 36)).collect();
        assert_eq!(check_spread(&grid(&ear_height)), Ok(()));
        let refused = |rings: &[(f64, usize)], says: &str| {
            let err = check_spread(&grid(rings)).unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        };
        refused(
            &[(-10.0, 36), (0.0, 36), (30.0, 36)],
            "do not cover -20..40",
        );
        refused(
            &[(-20.0, 36), (0.0, 36), (40.0, 36)],
            "between elevations 0 and 40",
        );
        refused(
            &[(-20.0, 36), (0.0, 8), (20.0, 36), (40.0, 36)],
            "45 degrees apart",
        );
    }

    /// Directions off the equally spaced rings are refused naming the ring.
    #[test]
    fn irregular_rings_are_refused() {
        let mut directions = grid(&[(-20.0, 36), (0.0, 36), (20.0, 36), (40.0, 36)]);
        directions[40].azimuth_deg += 3.0;
        let positions: Vec<(f32, f32)> = directions
            .iter()
            .map(|d| (d.azimuth_deg as f32, d.elevation_deg as f32))
            .collect();
        let err = SofaError::from(HrtfSet::check_grid(&positions).unwrap_err());
        assert!(err.to_string().contains("ring at 0 degrees"), "{err}");
    }

    /// A file's own broadband delays (`Data.Delay`) add their difference to every ITD.
    #[test]
    fn broadband_delays_add_to_the_itd() {
        /// The right ear's extra delay (s): 10 samples at 44.1 kHz.
        const RIGHT_DELAY_S: f64 = 10.0 / 44_100.0;
        let bytes = std::fs::read(KEMAR_SOFA).expect("KEMAR SOFA");
        let mut measured = read_bytes(&bytes).expect("KEMAR reads");
        let plain = measured.convert().expect("converts");
        for d in &mut measured.measurements {
            d.delay_itd_s = -RIGHT_DELAY_S;
        }
        let delayed = measured.convert().expect("converts");
        let itd = |set: &HrtfSet, az: f32| {
            let weights = set.weights(az, 0.0);
            let (mut l, mut r) = (vec![0.0; set.taps()], vec![0.0; set.taps()]);
            f64::from(set.interpolate_reversed(SimdPath::detect(), &weights, &mut l, &mut r))
        };
        for az in [0.0, 45.0, -90.0] {
            let change = itd(&delayed, az) - itd(&plain, az);
            assert!(
                (change + RIGHT_DELAY_S).abs() < 1e-7,
                "{az} deg: {change} s"
            );
        }
    }

    /// Bytes that are no SOFA file are refused with sofar's reason.
    #[test]
    fn garbage_is_refused() {
        let err = read_bytes(b"definitely not HDF5").unwrap_err();
        assert!(matches!(err, SofaError::Unreadable(_)), "{err}");
    }
}
