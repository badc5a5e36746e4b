//! Measurement tools for the binaural room's acceptance tests: octave-band decay times
//! (Schroeder), echo density (Abel & Huang), interaural coherence, direct-to-reverberant ratio,
//! discrete reflections, and the diffuse-field coherence a measured head implies.
//!
//! They are written here, apart from the library, so that the tests measure the room with code
//! that shares none of its faults; `tests/room_measure.rs` proves each of them on signals whose
//! answer is known.
#![allow(dead_code)] // each test binary uses a different subset

use super::{inverse_spectrum, spectrum};
use realfft::num_complex::Complex;
use std::f64::consts::{FRAC_1_SQRT_2, PI, SQRT_2};

/// Centre frequencies (Hz) of the octave bands the room is measured in.
pub const OCTAVE_CENTRES_HZ: [f64; 7] = [125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0];

/// The edges (Hz) of the octave band around `centre_hz`: half an octave either side.
pub fn octave_edges(centre_hz: f64) -> (f64, f64) {
    (centre_hz * FRAC_1_SQRT_2, centre_hz * SQRT_2)
}

/// Order of the low-pass prototype of [`octave_band`]'s Butterworth band-pass (which is of
/// twice this order).
const BAND_PASS_PROTOTYPE_ORDER: i32 = 3;
/// Zero padding of [`octave_band`]'s FFT, in periods of the band's centre frequency: the
/// filter's response falls by 150 dB within 21 of them, so nothing wraps around the buffer.
const BAND_FILTER_TAIL_PERIODS: f64 = 40.0;

/// `x` (sampled at `sample_rate` Hz) filtered to the octave band around `centre_hz`
/// ([`octave_edges`]): as long as `x` and aligned with it in time.
///
/// The filter is a sixth-order Butterworth band-pass (-3 dB at the band edges) run forwards
/// and backwards: zero phase, with its magnitude squared (-6 dB at the band edges, -39 dB at
/// twice or half the centre frequency). It is applied as that real gain on the bins of one
/// zero-padded FFT, computed from the analog response: no frequency warping near Nyquist and
/// no start-up or end transients. A brick wall would be sharper, but its sinc response rings on
/// for tens of milliseconds (-30 dB after 60 ms in the 250 Hz band) and would smear the
/// decays measured through it; this filter's response (either side of its peak) dies away
/// exponentially, by 60 dB within 7.4 periods of the centre frequency (30 ms at 250 Hz),
/// several times faster than the shortest decays the room tests measure. Over 1000 Gaussian-noise responses decaying in 0.15 s, [`ensemble_t60`] through
/// this filter reads within 1 % from 125 Hz to 1 kHz; through a brick wall (over 100) it
/// reads 42 % long at 250 Hz and 7 % at 1 kHz. Through the skirts a band's reading takes in a
/// little of its neighbours' decays: with decay times falling by 15 to 30 % an octave, as in
/// rooms, each band still reads within 3 % (`tests/room_measure.rs`).
pub fn octave_band(x: &[f64], sample_rate: f64, centre_hz: f64) -> Vec<f64> {
    let pad = (BAND_FILTER_TAIL_PERIODS * sample_rate / centre_hz).ceil() as usize;
    let len = (x.len() + pad).next_power_of_two();
    let bin_hz = sample_rate / len as f64;
    let (lo, hi) = octave_edges(centre_hz);
    let bandwidth = hi - lo;
    let mut bins = spectrum(x, len);
    for (k, bin) in bins.iter_mut().enumerate() {
        let hz = k as f64 * bin_hz;
        // The low-pass prototype's frequency: 0 at the centre, +-1 at the band edges (minus
        // infinity at 0 Hz, where the gain is 0).
        let prototype = (hz / centre_hz - centre_hz / hz) * centre_hz / bandwidth;
        // Forwards and backwards: the squared magnitude 1 / (1 + prototype^(2 n)).
        *bin *= 1.0 / (1.0 + prototype.powi(2 * BAND_PASS_PROTOTYPE_ORDER));
    }
    let mut band = inverse_spectrum(bins, len);
    band.truncate(x.len());
    band
}

/// Schroeder's decay curve of `x`, in dB re its total energy (so starting at 0 dB): at each
/// sample, the energy of `x` from there to its end (backward integration of `x` squared).
/// Minus infinity where only zeros are left. `x` must hold the whole decay: integrating up to
/// its end ignores whatever energy would have followed (see [`ensemble_t60`]).
pub fn schroeder_curve_db(x: &[f64]) -> Vec<f64> {
    let energy: Vec<f64> = x.iter().map(|v| v * v).collect();
    energy_decay_db(&energy)
}

/// The backward integral of `energy` (one value per sample) in dB re its total.
fn energy_decay_db(energy: &[f64]) -> Vec<f64> {
    let mut remaining = 0.0;
    let mut integral: Vec<f64> = energy
        .iter()
        .rev()
        .map(|e| {
            remaining += e;
            remaining
        })
        .collect();
    integral.reverse();
    let total = integral.first().copied().unwrap_or(0.0);
    assert!(total > 0.0, "no decay curve of silence");
    integral
        .iter()
        .map(|e| 10.0 * (e / total).log10())
        .collect()
}

/// The levels (dB on the Schroeder curve) between which [`ensemble_t60`] fits the decay: T20
/// as ISO 3382-1 defines it. Starting 5 dB down leaves out the direct sound and the first
/// reflections, which do not decay exponentially yet; stopping at -25 dB keeps to the part of
/// the curve that the end of a finite impulse response bends least, while 20 dB of decay still
/// holds enough of the tail to fit a slope.
pub const T20_RANGE_DB: (f64, f64) = (-5.0, -25.0);
/// The decay (dB) a fitted slope is extrapolated to.
const T60_DB: f64 = 60.0;
/// How far (dB) the band's level at the impulse response's end must lie below its level where
/// the fit ends. The energy that would have followed the end is then under 1 % of the energy
/// left there, and bends the fitted part of the curve by under 0.05 dB.
const TRUNCATION_MARGIN_DB: f64 = 20.0;
/// Window (s) over which [`ensemble_t60`] takes the local levels it compares for the check
/// above.
const LOCAL_LEVEL_WINDOW_S: f64 = 0.02;
/// Relative scatter of one noise-like impulse response's T20 about the true reverberation time
/// T60 in an octave band of width B (Hz) is about this over sqrt(B T60): the band's envelope
/// fluctuates, and the fit range holds only about B T60 / 3 independent stretches of it.
/// Measured over Gaussian-noise responses (`tests/room_measure.rs`): 20 % at 250 Hz and
/// 0.15 s, 9 % at 1 kHz and 0.15 s, 5 % at 250 Hz and 2.5 s, 0.9 % at 4 kHz and 2.5 s.
pub const SINGLE_T20_SCATTER: f64 = 0.9;

/// Reverberation time (s) of the impulse response `ir` (sampled at `sample_rate` Hz) in the
/// octave band around `centre_hz`: [`ensemble_t60`] of that one response. A single noise-like
/// response reads its band's decay only to within about [`SINGLE_T20_SCATTER`] /
/// sqrt(bandwidth × T60) (one standard deviation): about 18 % for a 0.15 s decay at 250 Hz.
pub fn schroeder_t60(ir: &[f64], sample_rate: f64, centre_hz: f64) -> f64 {
    ensemble_t60(&[ir], sample_rate, centre_hz)
}

/// Reverberation time (s) in the octave band around `centre_hz` of several impulse responses
/// taken together (sampled at `sample_rate` Hz; both ears, several positions, several
/// renders), from their summed band energy: each response through [`octave_band`], squared,
/// summed over the responses, Schroeder-integrated up to the end, a least-squares line through
/// every sample of that curve between [`T20_RANGE_DB`], extrapolated to a 60 dB decay.
/// Summing the energies averages the ensemble's decays (Schroeder's result), so the scatter of
/// one response's reading shrinks by the square root of the number of independent responses.
///
/// Panics if the band never decays by 25 dB, or if the responses end (their last non-zero
/// sample) before the band's level has fallen [`TRUNCATION_MARGIN_DB`] below its level at the
/// end of the fit: the missing energy would bend the curve and shorten the result.
pub fn ensemble_t60(irs: &[&[f64]], sample_rate: f64, centre_hz: f64) -> f64 {
    let len = irs.iter().map(|ir| ir.len()).max().unwrap_or(0);
    let mut energy = vec![0.0; len];
    for ir in irs {
        for (e, v) in energy
            .iter_mut()
            .zip(octave_band(ir, sample_rate, centre_hz))
        {
            *e += v * v;
        }
    }
    let curve = energy_decay_db(&energy);
    let (top_db, bottom_db) = T20_RANGE_DB;
    let start = curve
        .iter()
        .position(|&db| db <= top_db)
        .expect("the curve falls");
    let end = curve
        .iter()
        .position(|&db| db <= bottom_db)
        .unwrap_or_else(|| panic!("the {centre_hz} Hz band never decays by {bottom_db} dB"));
    let window = (LOCAL_LEVEL_WINDOW_S * sample_rate).round() as usize;
    // Mean energy over the window ending at sample `last`, in dB.
    let level_db = |last: usize| {
        let last = last.min(len);
        let from = last.saturating_sub(window);
        let frame = &energy[from..last.max(from + 1)];
        10.0 * (frame.iter().sum::<f64>() / frame.len() as f64).log10()
    };
    let sound_end = irs
        .iter()
        .filter_map(|ir| ir.iter().rposition(|&v| v != 0.0))
        .max()
        .map_or(0, |i| i + 1);
    let margin_db = level_db(end + window / 2) - level_db(sound_end);
    assert!(
        margin_db >= TRUNCATION_MARGIN_DB,
        "the impulse response ends too early for the {centre_hz} Hz band: its level there is \
         only {margin_db:.1} dB below the level at the end of the fit"
    );
    let fitted = &curve[start..=end];
    let mean_t = (start + end) as f64 / 2.0 / sample_rate;
    let mean_db = fitted.iter().sum::<f64>() / fitted.len() as f64;
    let (covariance, variance) = fitted
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(c, v), (i, &db)| {
            let dt = (start + i) as f64 / sample_rate - mean_t;
            (c + dt * (db - mean_db), v + dt * dt)
        });
    let slope_db_per_s = covariance / variance;
    -T60_DB / slope_db_per_s
}

/// Window (s) of the echo density profile that [`echo_density_reaches_one_at`] reads, as
/// Abel & Huang (2006) suggest: hundreds of samples for the statistics, short against the
/// build-up of a room's echo density.
pub const NED_WINDOW_S: f64 = 0.02;
/// Step (s) between the windows of [`normalised_echo_density`].
const NED_HOP_S: f64 = 0.001;
/// The share of a Gaussian's samples lying more than one standard deviation from its mean,
/// erfc(1/sqrt(2)): what the echo density is normalised by.
const GAUSSIAN_BEYOND_ONE_SIGMA: f64 = 0.317_310_507_862_914_1;
/// Normalised echo density at which [`echo_density_reaches_one_at`] calls a response
/// Gaussian. Over a 20 ms Hann window at 48 kHz (about 640 samples' worth of weight) the NED of
/// Gaussian noise scatters by about 0.06 (one standard deviation: binomial counts of samples
/// beyond sigma), so noise reaches 0.95 within its first windows, while a tail still made of
/// separate reflections stays far below it (one impulse per millisecond reads under 0.1).
pub const NED_REACHES_ONE: f64 = 0.95;

/// Abel & Huang's (2006) normalised echo density profile of `ir` (sampled at `sample_rate`
/// Hz), one `(window centre in s, NED)` per window of `window_s` seconds, every
/// [`NED_HOP_S`], whole windows only: the Hann-weighted share of the window's samples whose
/// magnitude exceeds the window's Hann-weighted standard deviation (about zero), divided by
/// [`GAUSSIAN_BEYOND_ONE_SIGMA`]. Gaussian noise reads 1; separate reflections read near 0;
/// a silent window reads 0.
pub fn normalised_echo_density(ir: &[f64], sample_rate: f64, window_s: f64) -> Vec<(f64, f64)> {
    let len = (window_s * sample_rate).round() as usize;
    assert!(
        len >= 2 && ir.len() >= len,
        "a {window_s} s window needs an impulse response at least as long"
    );
    // Hann weights without the zero end points, summing to 1.
    let hann: Vec<f64> = (1..=len)
        .map(|n| (PI * n as f64 / (len + 1) as f64).sin().powi(2))
        .collect();
    let total: f64 = hann.iter().sum();
    let weights: Vec<f64> = hann.iter().map(|w| w / total).collect();
    let hop = ((NED_HOP_S * sample_rate).round() as usize).max(1);
    (0..=ir.len() - len)
        .step_by(hop)
        .map(|start| {
            let frame = &ir[start..start + len];
            let sigma = frame
                .iter()
                .zip(&weights)
                .map(|(h, w)| w * h * h)
                .sum::<f64>()
                .sqrt();
            let beyond: f64 = frame
                .iter()
                .zip(&weights)
                .filter(|(h, _)| h.abs() > sigma)
                .map(|(_, w)| w)
                .sum();
            let centre_s = (start as f64 + (len - 1) as f64 / 2.0) / sample_rate;
            (centre_s, beyond / GAUSSIAN_BEYOND_ONE_SIGMA)
        })
        .collect()
}

/// The first window centre (s from the start of `ir`, sampled at `sample_rate` Hz) at which the
/// [`normalised_echo_density`] over [`NED_WINDOW_S`] reaches [`NED_REACHES_ONE`]: where the
/// response has become as dense as Gaussian noise (a mixing time). `None` if it never does.
/// The first possible answer is half a window in.
pub fn echo_density_reaches_one_at(ir: &[f64], sample_rate: f64) -> Option<f64> {
    normalised_echo_density(ir, sample_rate, NED_WINDOW_S)
        .into_iter()
        .find(|&(_, ned)| ned >= NED_REACHES_ONE)
        .map(|(centre_s, _)| centre_s)
}

/// Segment length (s) of [`band_coherence`]'s Welch averages, rounded up to a power of two
/// samples: 4096 at 48 kHz, bins 11.7 Hz wide, eight of them in the 125 Hz octave.
const WELCH_SEGMENT_S: f64 = 4096.0 / 48_000.0;

/// Welch averages of `left` and `right` (Hann windows, 50 % overlap) per bin: the cross
/// spectrum `L conj(R)`, the two power spectra, and the bins' width (Hz).
fn welch_spectra(
    left: &[f64],
    right: &[f64],
    sample_rate: f64,
) -> (Vec<Complex<f64>>, Vec<f64>, Vec<f64>, f64) {
    let len = ((WELCH_SEGMENT_S * sample_rate).round() as usize).next_power_of_two();
    let samples = left.len().min(right.len());
    assert!(
        samples >= len,
        "coherence needs at least {len} samples, got {samples}"
    );
    let hann: Vec<f64> = (0..len)
        .map(|n| (PI * n as f64 / len as f64).sin().powi(2))
        .collect();
    let windowed = |x: &[f64]| -> Vec<f64> { x.iter().zip(&hann).map(|(v, w)| v * w).collect() };
    let bins = len / 2 + 1;
    let (mut cross, mut left_power, mut right_power) = (
        vec![Complex::new(0.0, 0.0); bins],
        vec![0.0; bins],
        vec![0.0; bins],
    );
    for start in (0..=samples - len).step_by(len / 2) {
        let l = spectrum(&windowed(&left[start..start + len]), len);
        let r = spectrum(&windowed(&right[start..start + len]), len);
        for k in 0..bins {
            cross[k] += l[k] * r[k].conj();
            left_power[k] += l[k].norm_sqr();
            right_power[k] += r[k].norm_sqr();
        }
    }
    (cross, left_power, right_power, sample_rate / len as f64)
}

/// Interaural coherence of `left` and `right` (sampled at `sample_rate` Hz) over the band from
/// `lo_hz` to `hi_hz`: the real part of the summed cross spectrum over the square root of the
/// two summed power spectra, all Welch averages ([`WELCH_SEGMENT_S`] Hann windows, 50 %
/// overlap) summed over the bins in the band. The real part is the coherence at zero lag,
/// signed: 1 for identical ears, 0 for independent ones, negative where a diffuse field's
/// interaural phase turns past 90 degrees. Needs at least one segment's worth of samples.
pub fn band_coherence(
    left: &[f64],
    right: &[f64],
    sample_rate: f64,
    lo_hz: f64,
    hi_hz: f64,
) -> f64 {
    let (cross, left_power, right_power, bin_hz) = welch_spectra(left, right, sample_rate);
    let band = (lo_hz / bin_hz).ceil() as usize..=(hi_hz / bin_hz).floor() as usize;
    assert!(
        !band.is_empty() && *band.end() < cross.len(),
        "no bins between {lo_hz} and {hi_hz} Hz"
    );
    let sum_cross: f64 = cross[band.clone()].iter().map(|c| c.re).sum();
    let sum_left: f64 = left_power[band.clone()].iter().sum();
    let sum_right: f64 = right_power[band].iter().sum();
    sum_cross / (sum_left * sum_right).sqrt()
}

/// Direct-to-reverberant ratio (dB) of a binaural impulse response: the energy of both ears
/// before sample `direct_end_sample` over their energy from it on. The caller chooses the split,
/// e.g. 2.5 ms after the direct sound's onset.
pub fn direct_to_reverberant_db(left: &[f64], right: &[f64], direct_end_sample: usize) -> f64 {
    let energy = |x: &[f64]| x.iter().map(|v| v * v).sum::<f64>();
    let (mut direct, mut reverberant) = (0.0, 0.0);
    for ear in [left, right] {
        let (before, after) = ear.split_at(direct_end_sample.min(ear.len()));
        direct += energy(before);
        reverberant += energy(after);
    }
    10.0 * (direct / reverberant).log10()
}

/// Sample indices, from `start` on, of the peaks of `|x|` above `threshold` (linear): samples
/// whose magnitude exceeds `threshold` and every other magnitude within `min_separation`
/// samples either side (the earliest of equal ones). A reflection rendered through an HRIR is
/// a short oscillating burst: a `min_separation` of about its length (e.g. 0.5 ms) keeps its
/// smaller swings from counting as reflections of their own, and is the closest two
/// reflections can be and still be told apart.
pub fn peaks_after(x: &[f64], start: usize, threshold: f64, min_separation: usize) -> Vec<usize> {
    (start..x.len())
        .filter(|&i| {
            let v = x[i].abs();
            let before = &x[i.saturating_sub(min_separation)..i];
            let after = &x[i + 1..(i + 1 + min_separation).min(x.len())];
            v > threshold
                && before.iter().all(|u| u.abs() < v)
                && after.iter().all(|u| u.abs() <= v)
        })
        .collect()
}

/// Smallest FFT length of [`diffuse_coherence_from_sofa`] (zero padded): bins 10.8 Hz wide at
/// 44.1 kHz, eight of them in the 125 Hz octave.
const SOFA_MIN_FFT: usize = 4096;
/// Directions whose elevations differ by less than this (degrees) share a ring.
const RING_TOLERANCE_DEG: f64 = 0.5;

/// The interaural coherence of a diffuse field, per band (`(lo, hi)` Hz each), as the head
/// measured in the SOFA file at `path` hears it: over all measured directions d and the bins
/// of the band, Re(sum w_d H_L conj(H_R)) / sqrt(sum w_d |H_L|^2 × sum w_d |H_R|^2), with
/// [`solid_angle_weights`] w_d, at the file's own sample rate (bands must lie below its
/// Nyquist frequency). The directions cover the sphere only as far as the file's rings do
/// (MIT KEMAR: -40 to 90 degrees of elevation).
///
/// The measured pairs are those `tingle::binaural::sofa::read_bytes` reads (the file must pass
/// its checks), the raw impulse responses as measured: no equaliser, no minimum phase, no
/// ITD model. The set it returns has no list of its directions, so they are taken from the
/// file's source positions (read by `sofar`) and each one's pair is the set's nearest to it.
pub fn diffuse_coherence_from_sofa(path: &str, bands: &[(f64, f64)]) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let set = tingle::binaural::sofa::read_bytes(&bytes)
        .unwrap_or_else(|e| panic!("cannot use {path}: {e}"));
    let directions = measured_directions(&bytes);
    let elevations: Vec<f64> = directions.iter().map(|&(_, el)| el).collect();
    let weights = solid_angle_weights(&elevations);
    let taps = set.nearest(0.0, 0.0).0.len();
    let len = taps.next_power_of_two().max(SOFA_MIN_FFT);
    let bins = len / 2 + 1;
    let (mut cross, mut left_power, mut right_power) =
        (vec![0.0; bins], vec![0.0; bins], vec![0.0; bins]);
    for (&(azimuth_deg, elevation_deg), &weight) in directions.iter().zip(&weights) {
        let (left, right) = set.nearest(azimuth_deg, elevation_deg);
        let (l, r) = (spectrum(left, len), spectrum(right, len));
        for k in 0..bins {
            cross[k] += weight * (l[k] * r[k].conj()).re;
            left_power[k] += weight * l[k].norm_sqr();
            right_power[k] += weight * r[k].norm_sqr();
        }
    }
    let bin_hz = set.sample_rate() / len as f64;
    bands
        .iter()
        .map(|&(lo, hi)| {
            let band = (lo / bin_hz).ceil() as usize..=(hi / bin_hz).floor() as usize;
            assert!(
                !band.is_empty() && *band.end() < bins,
                "no bins between {lo} and {hi} Hz"
            );
            let sum_cross: f64 = cross[band.clone()].iter().sum();
            let sum_left: f64 = left_power[band.clone()].iter().sum();
            let sum_right: f64 = right_power[band].iter().sum();
            sum_cross / (sum_left * sum_right).sqrt()
        })
        .collect()
}

/// The measured directions of a SOFA file, `(azimuth, elevation)` in degrees in Tingle's
/// convention (azimuth positive to the right), from its source positions as `sofar` reads them
/// (converted to cartesian: x to the front, y to the left, z up).
fn measured_directions(bytes: &[u8]) -> Vec<(f64, f64)> {
    // A NaN rate keeps the file's own (sofar resamples only to a rate more than 0.1 Hz away).
    let sofa = sofar::reader::OpenOptions::new()
        .normalized(false)
        .sample_rate(f32::NAN)
        .open_data(bytes)
        .expect("a readable SOFA file");
    sofa.hrtf()
        .source_position
        .values
        .chunks_exact(3)
        .map(|p| {
            let [x, y, z] = [p[0], p[1], p[2]].map(f64::from);
            let radius = (x * x + y * y + z * z).sqrt();
            ((-y).atan2(x).to_degrees(), (z / radius).asin().to_degrees())
        })
        .collect()
}

/// Solid-angle weight of each direction, given every direction's elevation (degrees): the
/// area of its elevation ring's band of the unit sphere, shared equally among the ring's
/// directions (KEMAR's rings hold 72 directions near the horizontal, fewer above and below, 1
/// at the zenith). A ring's band reaches halfway to the neighbouring rings; the lowest and
/// highest rings' bands reach as far again beyond them, up to the poles.
fn solid_angle_weights(elevations_deg: &[f64]) -> Vec<f64> {
    let mut rings: Vec<f64> = Vec::new();
    for &el in elevations_deg {
        if !rings.iter().any(|r| (r - el).abs() < RING_TOLERANCE_DEG) {
            rings.push(el);
        }
    }
    rings.sort_by(f64::total_cmp);
    assert!(rings.len() >= 2, "directions on at least two rings");
    let ring_of = |el: f64| {
        rings
            .iter()
            .position(|r| (r - el).abs() < RING_TOLERANCE_DEG)
            .expect("every direction is on a ring")
    };
    let mut counts = vec![0usize; rings.len()];
    elevations_deg
        .iter()
        .for_each(|&el| counts[ring_of(el)] += 1);
    let last = rings.len() - 1;
    let area = |i: usize| {
        let below = if i == 0 {
            2.0 * rings[0] - rings[1]
        } else {
            rings[i - 1]
        };
        let above = if i == last {
            2.0 * rings[last] - rings[last - 1]
        } else {
            rings[i + 1]
        };
        let edge = |neighbour: f64| {
            ((rings[i] + neighbour) / 2.0)
                .clamp(-90.0, 90.0)
                .to_radians()
        };
        edge(above).sin() - edge(below).sin()
    };
    elevations_deg
        .iter()
        .map(|&el| {
            let ring = ring_of(el);
            area(ring) / counts[ring] as f64
        })
        .collect()
}
