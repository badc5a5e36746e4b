//! Binaural placement measured on the engine's output and compared with the measured KEMAR data
//! itself (read from the SOFA file, independently of Tingle's converted asset).

mod common;

use common::*;
use std::f64::consts::{PI, TAU};
use tingle::binaural::hrtf::HrtfSet;
use tingle::dsp::simd::SimdPath;
use tingle::engine::motion::{MotionMode, MotionRate, MotionSettings};

const FS: f32 = 48_000.0;
/// Rendered impulse response length (samples).
const IR_LEN: usize = 1024;
/// The MIT KEMAR set's own sample rate (Hz).
const KEMAR_RATE: f64 = 44_100.0;

fn itd_us(azimuth_deg: f32, elevation_deg: f32, distance_m: f32) -> f64 {
    let (l, r) = impulse_response(FS, at(azimuth_deg, elevation_deg, distance_m), IR_LEN);
    interaural_group_delay(&l, &r, f64::from(FS)) * 1e6
}

fn kemar_itd_us(azimuth_deg: f32) -> f64 {
    let (l, r) = kemar_raw(azimuth_deg, 0.0);
    interaural_group_delay(&l, &r, KEMAR_RATE) * 1e6
}

/// Band-limited test signal for the ITD estimator: a Schroeder-phase multisine (equal
/// components every [`PROBE_SPACING_HZ`] from [`PROBE_SPACING_HZ`] to [`PROBE_TOP_HZ`])
/// under a Hann window [`PROBE_S`] long starting at [`PROBE_START_S`], as a function of time
/// (s). Evaluated at delayed sample times it gives an exactly delayed copy, with no
/// fractional-delay filter between the test and the truth.
fn probe(t: f64) -> f64 {
    let x = (t - PROBE_START_S) / PROBE_S;
    if !(0.0..=1.0).contains(&x) {
        return 0.0;
    }
    let components = (PROBE_TOP_HZ / PROBE_SPACING_HZ) as usize;
    let sum: f64 = (1..=components)
        .map(|k| {
            let schroeder = PI * (k * k) as f64 / components as f64;
            (TAU * PROBE_SPACING_HZ * k as f64 * t + schroeder).sin()
        })
        .sum();
    (0.5 - 0.5 * (TAU * x).cos()) * sum / components as f64
}

/// Spacing and highest frequency of the probe's components (Hz).
const PROBE_SPACING_HZ: f64 = 25.0;
const PROBE_TOP_HZ: f64 = 2000.0;
/// Start and length of the probe's window (s), with room for a millisecond's delay either way.
const PROBE_START_S: f64 = 0.002;
const PROBE_S: f64 = 0.06;
/// Length of the probe renders (samples at [`FS`]): window, delay and silence after.
const PROBE_LEN: usize = 4096;
/// How close the estimator must come to a known delay (us): a fiftieth of a sample at 48 kHz,
/// far below the tolerances the ITD tests use.
const PROBE_TOLERANCE_US: f64 = 0.5;

/// The ITD estimator recovers known delays: the probe delayed in the left ear (positive ITDs,
/// a source on the right) or in the right ear (negative), by whole and fractional samples up
/// to 0.8 ms, comes out within [`PROBE_TOLERANCE_US`] of the delay.
#[test]
fn the_itd_estimator_recovers_a_known_delay() {
    let fs = f64::from(FS);
    for itd_us in [-800.0f64, -333.3, -10.4, 0.0, 20.8333, 123.45, 612.7, 800.0] {
        let itd_s = itd_us * 1e-6;
        let ear = |delay_s: f64| -> Vec<f64> {
            (0..PROBE_LEN)
                .map(|n| probe(n as f64 / fs - delay_s))
                .collect()
        };
        let (left, right) = (ear(itd_s.max(0.0)), ear((-itd_s).max(0.0)));
        let measured = interaural_group_delay(&left, &right, fs) * 1e6;
        println!("delay {itd_us} us: measured {measured:.4} us");
        assert!(
            (measured - itd_us).abs() < PROBE_TOLERANCE_US,
            "delay {itd_us} us measured as {measured} us"
        );
    }
}

/// MIT KEMAR's measured grid (Gardner and Martin, MIT Media Lab): per elevation ring (degrees), the
/// number of directions equally spaced in azimuth from 0 degrees; 710 in all.
const KEMAR_RINGS: [(f32, usize); 14] = [
    (-40.0, 56),
    (-30.0, 60),
    (-20.0, 72),
    (-10.0, 72),
    (0.0, 72),
    (10.0, 72),
    (20.0, 72),
    (30.0, 60),
    (40.0, 56),
    (50.0, 45),
    (60.0, 36),
    (70.0, 24),
    (80.0, 12),
    (90.0, 1),
];
/// Largest disagreement (us) near the median plane (azimuths within [`MEDIAN_PLANE_DEG`] of
/// the front or the back), where listeners resolve ITD changes of a few tens of microseconds:
/// under two samples at the set's 44.1 kHz.
const MEDIAN_PLANE_AGREEMENT_US: f64 = 40.0;
/// Azimuths (degrees) within this of 0 or 180 count as near the median plane.
const MEDIAN_PLANE_DEG: f32 = 30.0;
/// Largest disagreement (us) anywhere. The rendered pair is two minimum-phase filters and one
/// delay, so its ITD cannot follow the measured pair's group delay as that varies and ripples
/// over the band; to the side, where the far ear's direct sound is weakest, that costs up to
/// about 115 us (measured: 113 us at 115 degrees, -20 degrees elevation).
const WORST_AGREEMENT_US: f64 = 120.0;
/// Largest RMS disagreement (us) over the grid: the typical direction within one and a half
/// samples at 44.1 kHz.
const RMS_AGREEMENT_US: f64 = 35.0;

/// The importer's ITDs agree with the measured data, by the tests' own estimator: for every
/// direction of the KEMAR grid, the ITD the converted asset renders (its stored ITD plus the
/// interaural group delay of its minimum-phase filter pair, which the delay lines add to)
/// against the interaural group delay of the raw measured pair read from the SOFA file. Within
/// [`MEDIAN_PLANE_AGREEMENT_US`] near the median plane, [`WORST_AGREEMENT_US`] anywhere and
/// [`RMS_AGREEMENT_US`] over the grid. On this data these bounds fail an importer that left
/// out its residual correction (worst 266 us, RMS 102 us) or reversed it (420 us, 182 us),
/// ITDs scaled by a 44.1 / 48 kHz mix-up (worst 139 us, or 51 us near the median plane) and
/// lateral ITDs one sample too large (59 us near the median plane).
#[test]
fn the_importers_itds_agree_with_the_measurement() {
    let set = HrtfSet::kemar();
    let bytes = std::fs::read(KEMAR_SOFA).expect("KEMAR SOFA");
    let measured = tingle::binaural::sofa::read_bytes(&bytes).expect("KEMAR reads");
    assert_eq!(
        KEMAR_RINGS.iter().map(|r| r.1).sum::<usize>(),
        710,
        "KEMAR's grid"
    );
    let (mut median_plane, mut worst, mut sum_sq, mut count) = (0.0f64, 0.0f64, 0.0, 0);
    let mut worst_at = (0.0, 0.0);
    for (elevation, directions) in KEMAR_RINGS {
        for k in 0..directions {
            let azimuth = k as f32 * 360.0 / directions as f32;
            let azimuth = if azimuth > 180.0 {
                azimuth - 360.0
            } else {
                azimuth
            };
            let (raw_left, raw_right) = measured.nearest(f64::from(azimuth), f64::from(elevation));
            let measured_us = interaural_group_delay(raw_left, raw_right, KEMAR_RATE) * 1e6;
            let (mut left, mut right) = (vec![0.0; set.taps()], vec![0.0; set.taps()]);
            let weights = set.weights(azimuth, elevation);
            let stored_s =
                set.interpolate_reversed(SimdPath::PORTABLE, &weights, &mut left, &mut right);
            let forward =
                |reversed: &[f32]| -> Vec<f64> { to_f64(reversed).into_iter().rev().collect() };
            let filters_s = interaural_group_delay(&forward(&left), &forward(&right), KEMAR_RATE);
            let rendered_us = (f64::from(stored_s) + filters_s) * 1e6;
            let error = (rendered_us - measured_us).abs();
            if azimuth.abs() <= MEDIAN_PLANE_DEG || azimuth.abs() >= 180.0 - MEDIAN_PLANE_DEG {
                median_plane = median_plane.max(error);
            }
            if error > worst {
                (worst, worst_at) = (error, (azimuth, elevation));
            }
            sum_sq += error * error;
            count += 1;
        }
    }
    let rms = (sum_sq / f64::from(count)).sqrt();
    println!(
        "{count} directions: rendered vs measured ITD within {median_plane:.1} us near the \
         median plane, {worst:.1} us at worst (azimuth, elevation {worst_at:?}), {rms:.1} us RMS"
    );
    assert!(
        median_plane < MEDIAN_PLANE_AGREEMENT_US,
        "{median_plane} us near the median plane"
    );
    assert!(worst < WORST_AGREEMENT_US, "{worst} us at {worst_at:?}");
    assert!(rms < RMS_AGREEMENT_US, "{rms} us RMS");
}

fn ild(azimuth_deg: f32, distance_m: f32, lo: f64, hi: f64) -> f64 {
    let (l, r) = impulse_response(FS, at(azimuth_deg, 0.0, distance_m), IR_LEN);
    ild_db(&l, &r, f64::from(FS), lo, hi)
}

/// ITD at 90 degrees matches the KEMAR data's own low-frequency ITD within 25 us, and the
/// right ear (the near one) leads.
#[test]
fn itd_at_the_side_matches_kemar() {
    let reference = kemar_itd_us(90.0);
    assert!(
        (650.0..760.0).contains(&reference),
        "KEMAR reference ITD {reference} us"
    );
    let rendered = itd_us(90.0, 0.0, 1.4);
    assert!(
        (rendered - reference).abs() < 25.0,
        "rendered {rendered} us vs KEMAR {reference} us"
    );
}

/// Straight ahead the ITD is zero within 20 us; -90 mirrors +90.
#[test]
fn itd_is_zero_in_front_and_mirror_symmetric() {
    let front = itd_us(0.0, 0.0, 1.4);
    assert!(front.abs() < 20.0, "front ITD {front} us");
    let (right, left) = (itd_us(90.0, 0.0, 1.4), itd_us(-90.0, 0.0, 1.4));
    assert!(right > 500.0 && left < -500.0, "signs: {right} / {left}");
    assert!((right + left).abs() < 5.0, "asymmetric: {right} vs {left}");
}

/// The ITD rises monotonically from the front to the side.
#[test]
fn itd_rises_monotonically_to_the_side() {
    let itds: Vec<f64> = (0..=18).map(|k| itd_us(5.0 * k as f32, 0.0, 1.4)).collect();
    for pair in itds.windows(2) {
        assert!(pair[1] > pair[0] - 2.0, "not monotonic: {itds:?}");
    }
    assert!(itds[18] - itds[0] > 500.0);
}

/// Between measured directions the ITD lies between its neighbours' values (in azimuth and in
/// elevation), so motion between grid points is continuous.
#[test]
fn itd_between_measured_directions_lies_between_neighbours() {
    for (mid, a, b) in [
        ((32.5, 0.0), (30.0, 0.0), (35.0, 0.0)),
        ((62.5, 0.0), (60.0, 0.0), (65.0, 0.0)),
        ((45.0, 5.0), (45.0, 0.0), (45.0, 10.0)),
        ((-20.0, 25.0), (-20.0, 20.0), (-20.0, 30.0)),
    ] {
        let (m, x, y) = (
            itd_us(mid.0, mid.1, 1.4),
            itd_us(a.0, a.1, 1.4),
            itd_us(b.0, b.1, 1.4),
        );
        let (lo, hi) = (x.min(y) - 2.0, x.max(y) + 2.0);
        assert!(
            (lo..=hi).contains(&m),
            "{mid:?}: {m} us not between {x} and {y}"
        );
    }
}

/// The 4-8 kHz level difference at 90 degrees, 1.4 m matches the KEMAR data within 2 dB, with
/// the near (right) ear louder.
#[test]
fn high_frequency_ild_matches_kemar() {
    let (kl, kr) = kemar_raw(90.0, 0.0);
    let reference = ild_db(&kl, &kr, KEMAR_RATE, 4000.0, 8000.0);
    assert!(reference > 12.0, "KEMAR ILD {reference} dB");
    let rendered = ild(90.0, 1.4, 4000.0, 8000.0);
    assert!(
        (rendered - reference).abs() < 2.0,
        "rendered {rendered} dB vs KEMAR {reference} dB"
    );
}

/// Near field: the 400-600 Hz level difference matches KEMAR at 1.4 m within 1.5 dB, grows
/// monotonically as the source approaches, and reaches at least 10 dB at 0.15 m.
#[test]
fn low_frequency_ild_grows_in_the_near_field() {
    let (kl, kr) = kemar_raw(90.0, 0.0);
    let reference = ild_db(&kl, &kr, KEMAR_RATE, 400.0, 600.0);
    let at_measurement = ild(90.0, 1.4, 400.0, 600.0);
    assert!(
        (at_measurement - reference).abs() < 1.5,
        "{at_measurement} dB vs KEMAR {reference} dB"
    );
    let distances = [1.4, 1.0, 0.7, 0.5, 0.35, 0.25, 0.2, 0.15];
    let ilds: Vec<f64> = distances
        .iter()
        .map(|&d| ild(90.0, d, 400.0, 600.0))
        .collect();
    for pair in ilds.windows(2) {
        assert!(
            pair[1] > pair[0],
            "ILD does not grow as the source approaches: {ilds:?}"
        );
    }
    assert!(
        ilds[ilds.len() - 1] >= 10.0,
        "ILD at 0.15 m only {} dB",
        ilds[ilds.len() - 1]
    );
}

/// The ITD changes little with distance (Brungart & Rabinowitz 1999): under 40 us between
/// 1.4 m and 0.15 m.
#[test]
fn itd_changes_little_with_distance() {
    let far = itd_us(90.0, 0.0, 1.4);
    let near = itd_us(90.0, 0.0, 0.15);
    assert!(
        (far - near).abs() < 40.0,
        "ITD {far} us at 1.4 m, {near} us at 0.15 m"
    );
}

/// No added latency: an impulse straight ahead comes out within the HRIR's own onset (the
/// first sample above 10 % of the peak), not a block later.
#[test]
fn output_starts_within_the_hrirs_own_onset() {
    let onset = |x: &[f64]| {
        let peak = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        x.iter().position(|v| v.abs() > 0.1 * peak).expect("signal")
    };
    let (kl, _) = kemar_raw(0.0, 0.0);
    let kemar_onset_s = onset(&kl) as f64 / KEMAR_RATE;
    let (l, r) = impulse_response(FS, at(0.0, 0.0, 1.4), IR_LEN);
    let ours_s = onset(&l).min(onset(&r)) as f64 / f64::from(FS);
    assert!(
        ours_s <= kemar_onset_s,
        "onset {ours_s} s after KEMAR's {kemar_onset_s} s"
    );
    assert!(
        ours_s < 4.0 / f64::from(FS),
        "onset at {ours_s} s: a block of delay?"
    );
}

/// A 1 kHz tone orbiting the head once per second keeps everything outside 1 kHz +/- 100 Hz at
/// least 70 dB below the tone: no zipper noise, no clicks. Measured over 4 s after a settling
/// quarter second, in both ears.
fn assert_clean_orbit(block_sizes: &mut dyn FnMut() -> usize) {
    for (ear, spur) in
        ["left", "right"]
            .into_iter()
            .zip(orbit_out_of_band_db(1.0, 1.4, block_sizes))
    {
        assert!(spur < -70.0, "{ear} ear: out-of-band energy at {spur} dB");
    }
}

/// Renders a 1 kHz tone orbiting the head level at `rate_hz` and `distance_m` through the
/// engine in blocks of `block_sizes()` samples, and returns each ear's (left, right) energy
/// outside 1 kHz +/- 100 Hz relative to the energy inside (dB), over 4 s after a settling
/// quarter second.
fn orbit_out_of_band_db(
    rate_hz: f32,
    distance_m: f32,
    block_sizes: &mut dyn FnMut() -> usize,
) -> [f64; 2] {
    const SETTLE: usize = 12_000;
    const LEN: usize = 4 * 48_000;
    let mut params = static_params(at(0.0, 0.0, distance_m));
    params.input.motion = MotionSettings {
        mode: MotionMode::Orbit,
        rate: MotionRate::Hertz(rate_hz),
        depth: 0.0,
    };
    let input: Vec<f32> = (0..SETTLE + LEN)
        .map(|n| 0.25 * (std::f64::consts::TAU * 1000.0 * n as f64 / f64::from(FS)).sin() as f32)
        .collect();
    let mut engine = tingle::engine::Engine::new(FS, 512);
    engine.set_settings(&params);
    engine.reset();
    let mut left = input.clone();
    let mut right = vec![0.0; input.len()];
    let mut start = 0;
    while start < input.len() {
        let end = (start + block_sizes()).min(input.len());
        engine.process(
            &mut left[start..end],
            &mut right[start..end],
            tingle::engine::InputChannels::Mono,
        );
        start = end;
    }
    [&left, &right].map(|x| out_of_band_db(&x[SETTLE..], f64::from(FS), 1000.0, 100.0))
}

#[test]
fn orbiting_tone_is_free_of_zipper_noise() {
    assert_clean_orbit(&mut || 64);
}

#[test]
fn orbiting_tone_is_clean_with_random_block_sizes() {
    let mut state: u32 = 0x1234_5678;
    assert_clean_orbit(&mut || {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        1 + (state >> 8) as usize % 512
    });
}

/// Fast and close motion stays as clean as slow far motion: a 1 kHz tone orbiting at 1, 3
/// and 10 Hz (10 Hz is faster than synced 1/16 notes at 120 BPM), at 1.4, 0.3 and 0.15 m,
/// keeps everything outside 1 kHz +/- 100 Hz at least 70 dB below the tone at 1 and 3 Hz and
/// at least 60 dB below at 10 Hz, in both ears. (The physical Doppler shift, under 30 Hz at
/// 10 Hz and 0.15 m, stays inside the band.)
#[test]
fn fast_and_close_orbits_are_clean() {
    let mut table = String::from("rate    distance   left dB   right dB   limit dB\n");
    let mut failures = Vec::new();
    for (rate_hz, limit_db) in [(1.0, -70.0), (3.0, -70.0), (10.0, -60.0)] {
        for distance_m in [1.4, 0.3, 0.15] {
            let spurs = orbit_out_of_band_db(rate_hz, distance_m, &mut || 64);
            table += &format!(
                "{rate_hz:>4} Hz  {distance_m:>5} m  {:>8.1}  {:>9.1}  {limit_db:>9.1}\n",
                spurs[0], spurs[1]
            );
            if spurs.iter().any(|&s| s >= limit_db) {
                failures.push((rate_hz, distance_m, spurs));
            }
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "not clean: {failures:?}\n{table}");
}
