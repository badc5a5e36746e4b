//! `cargo xtask import-hrtf`: converts a measured HRIR set (SOFA, SimpleFreeFieldHRIR) into
//! Tingle's compact embedded asset.
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
//!    [`TAPS`] taps with a short half-Hann fade.
//! 4. The ITD is measured the way listeners use it: by cross-correlating the two ears' signals
//!    band-limited below [`ITD_BAND_HZ`]. Because the minimum-phase pair still carries a small
//!    low-frequency delay difference of its own, the stored ITD is the measured one minus that
//!    residual, so that the rendered low-frequency ITD equals the measured one.
//!
//! Asset layout (little endian): magic `TNGLHRTF`, `u32` version, `u32` sample rate, `u32` taps,
//! `u32` direction count, then per direction: `f32` azimuth (degrees, 0 = front, positive = to
//! the listener's right), `f32` elevation (degrees, positive = up), `f32` ITD (seconds, left ear
//! delay minus right ear delay), `taps` × `f32` left filter, `taps` × `f32` right filter.

#[path = "../../src/dsp/minimum_phase.rs"]
mod minimum_phase;

use minimum_phase::MinimumPhase;
use realfft::num_complex::Complex;
use sofar::reader::OpenOptions;
use std::cell::RefCell;
use std::f64::consts::PI;

/// The MIT KEMAR normal-pinna set as committed (from Debian's `libmysofa1` package).
pub const DEFAULT_SOFA_PATH: &str = "assets/source/MIT_KEMAR_normal_pinna.sofa";
/// The asset the plugin embeds.
pub const DEFAULT_ASSET_PATH: &str = "assets/kemar_minphase.hrtf";

/// Asset magic bytes.
const MAGIC: &[u8; 8] = b"TNGLHRTF";
/// Asset format version.
const VERSION: u32 = 1;
/// Length of each stored minimum-phase filter, in samples at the data's rate (1.45 ms at 44.1 kHz).
pub const TAPS: usize = 64;
/// Taps at the end of each filter faded out with a half-Hann window.
const FADE_TAPS: usize = 16;
/// FFT size for spectral work on the 512-tap measurements (zero padded).
const NFFT: usize = 4096;
/// Below this frequency the magnitude is held at its value here (Hz).
const LF_EXTEND_HZ: f64 = 200.0;
/// Corner of the low-pass weighting used for ITD estimation (Hz).
pub const ITD_BAND_HZ: f64 = 1500.0;
/// Oversampling of the cross-correlation for sub-sample ITD resolution.
const XCORR_OVERSAMPLING: usize = 16;
/// Largest ITD searched for (s).
const MAX_ITD_S: f64 = 0.0012;
/// Limit of the diffuse-field equaliser's boost and cut (dB).
const MAX_EQ_DB: f64 = 24.0;
/// Floor of the diffuse-field magnitude before inverting it.
const MAG_FLOOR: f64 = 1e-6;
/// Half the bandwidth of the equaliser's smoothing, in octaves (third-octave smoothing).
const SMOOTHING_HALF_OCTAVES: f64 = 1.0 / 6.0;

/// One measured direction, as read from the SOFA file.
struct Measurement {
    azimuth_deg: f64,
    elevation_deg: f64,
    left: Vec<f64>,
    right: Vec<f64>,
}

/// Converts `sofa_path` into the asset at `out_path` and prints a short summary.
pub fn run(sofa_path: &str, out_path: &str) -> Result<(), String> {
    let sofa = OpenOptions::new()
        .normalized(false)
        .sample_rate(44_100.0)
        .open(sofa_path)
        .map_err(|e| format!("cannot read {sofa_path}: {e}"))?;
    let hrtf = sofa.hrtf();
    let sample_rate = f64::from(hrtf.sample_rate());
    let (m, r, n) = (hrtf.m() as usize, hrtf.r() as usize, hrtf.n() as usize);
    if r != 2 {
        return Err(format!("expected 2 receivers (ears), found {r}"));
    }
    let receivers = &hrtf.receiver_position.values;
    // SOFA: x to the front, y to the left. Receiver 0 must be the left ear.
    let left_first = receivers.get(1).copied().unwrap_or(1.0) > 0.0;
    let measurements: Vec<Measurement> = (0..m)
        .map(|i| {
            let p = &hrtf.source_position.values[i * 3..i * 3 + 3];
            let (x, y, z) = (f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
            let radius = (x * x + y * y + z * z).sqrt();
            let ir = |ear: usize| -> Vec<f64> {
                let start = (i * r + ear) * n;
                hrtf.data_ir.values[start..start + n]
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
                azimuth_deg: round_centi(-y.atan2(x).to_degrees()),
                elevation_deg: round_centi((z / radius).asin().to_degrees()),
                left,
                right,
            }
        })
        .collect();

    let spectra = Spectra::new(sample_rate);
    let magnitudes: Vec<[Vec<f64>; 2]> = measurements
        .iter()
        .map(|d| {
            [
                spectra.extended_magnitude(&d.left),
                spectra.extended_magnitude(&d.right),
            ]
        })
        .collect();
    let eq = spectra.diffuse_field_eq(&measurements, &magnitudes);

    let mut out = Vec::with_capacity(24 + m * (12 + 8 * TAPS));
    out.extend_from_slice(MAGIC);
    for v in [VERSION, sample_rate as u32, TAPS as u32, m as u32] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let mut max_itd: f64 = 0.0;
    for (d, mags) in measurements.iter().zip(&magnitudes) {
        let filters = mags.each_ref().map(|mag| {
            let eqd: Vec<f64> = mag.iter().zip(&eq).map(|(a, b)| a * b).collect();
            spectra.truncated_minimum_phase(&eqd)
        });
        let measured = spectra.low_frequency_itd(&d.left, &d.right);
        let residual = spectra.low_frequency_itd(&filters[0], &filters[1]);
        let itd = measured - residual;
        max_itd = max_itd.max(itd.abs());
        for v in [d.azimuth_deg, d.elevation_deg, itd] {
            out.extend_from_slice(&(v as f32).to_le_bytes());
        }
        for filter in &filters {
            for &v in filter {
                out.extend_from_slice(&(v as f32).to_le_bytes());
            }
        }
    }
    std::fs::write(out_path, &out).map_err(|e| format!("cannot write {out_path}: {e}"))?;
    println!(
        "wrote {out_path}: {m} directions, {TAPS} taps at {sample_rate} Hz, {} bytes, max |ITD| {:.0} us",
        out.len(),
        max_itd * 1e6
    );
    Ok(())
}

/// Rounds to 0.01 (degrees), removing the trigonometric noise of the cartesian round trip.
fn round_centi(v: f64) -> f64 {
    let r = (v * 100.0).round() / 100.0;
    if r <= -180.0 { r + 360.0 } else { r }
}

/// FFT plans and the spectral operations of the conversion.
struct Spectra {
    min_phase: RefCell<MinimumPhase>,
    sample_rate: f64,
}

impl Spectra {
    fn new(sample_rate: f64) -> Self {
        Self {
            min_phase: RefCell::new(MinimumPhase::default()),
            sample_rate,
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
        let mut mag: Vec<f64> = self.forward(ir, NFFT).iter().map(|c| c.norm()).collect();
        let lf_bin = (LF_EXTEND_HZ / self.bin_hz(NFFT)).round() as usize;
        let held = mag[lf_bin];
        mag[..lf_bin].iter_mut().for_each(|m| *m = held);
        mag
    }

    /// The inverse of the solid-angle weighted, third-octave smoothed diffuse-field magnitude.
    fn diffuse_field_eq(&self, dirs: &[Measurement], mags: &[[Vec<f64>; 2]]) -> Vec<f64> {
        let bins = NFFT / 2 + 1;
        let mut power = vec![0.0; bins];
        let mut total_weight = 0.0;
        for (d, pair) in dirs.iter().zip(mags) {
            let ring = dirs
                .iter()
                .filter(|o| (o.elevation_deg - d.elevation_deg).abs() < 0.5)
                .count() as f64;
            let weight = ring_solid_angle(d.elevation_deg) / ring;
            total_weight += 2.0 * weight;
            for ear in pair {
                for (p, m) in power.iter_mut().zip(ear) {
                    *p += weight * m * m;
                }
            }
        }
        let mean: Vec<f64> = power.iter().map(|p| p / total_weight).collect();
        let bin_hz = self.bin_hz(NFFT);
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

    /// The minimum-phase filter with magnitude `mag` (one-sided, `NFFT / 2 + 1` bins), cut to
    /// [`TAPS`] taps with a half-Hann fade over the last [`FADE_TAPS`].
    fn truncated_minimum_phase(&self, mag: &[f64]) -> Vec<f64> {
        let ir = self.min_phase.borrow_mut().filter(mag, NFFT);
        minimum_phase::truncate_with_fade(&ir, TAPS, FADE_TAPS)
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

/// Solid angle (sr) of the 10-degree elevation band around `elevation_deg`, clipped at the poles.
fn ring_solid_angle(elevation_deg: f64) -> f64 {
    const HALF_BAND_DEG: f64 = 5.0;
    let top = (elevation_deg + HALF_BAND_DEG).min(90.0).to_radians();
    let bottom = (elevation_deg - HALF_BAND_DEG).max(-90.0).to_radians();
    2.0 * PI * (top.sin() - bottom.sin())
}
