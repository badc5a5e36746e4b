//! The ear match (src/personal/ear_match): a simulated listener whose ears are one of several
//! candidate heads is matched to its own, a listener answering at random is not, confusions
//! are counted by their rules, a folder of SOFA files loads with its bad files reported, and
//! the tap sounds as it should.
//!
//! The candidate heads are KEMAR scaled in frequency (Middlebrooks 1999), the way heads and
//! ears differ between people. The simulated listener localises by spectral template matching
//! (Middlebrooks 1992; Baumgartner et al. 2014): it compares the sixth-octave band levels of
//! both ears and the interaural delay of what it hears, blurred by internal noise, with those
//! of its own ears at every direction of a regular grid, and points at the best match. The
//! sessions are adaptive: 30 taps in stages of five, three and two sets.

use realfft::RealFftPlanner;
use std::f32::consts::TAU;
use std::path::{Path, PathBuf};
use tingle::binaural::hrtf::HrtfSet;
use tingle::binaural::sofa::SofaError;
use tingle::dsp::math::gain_to_db;
use tingle::dsp::random::{RngExt, SeededRng, seeded};
use tingle::personal::ear_match::confusion::judge;
use tingle::personal::ear_match::filters::pair_at;
use tingle::personal::ear_match::folder::{self, FolderError};
use tingle::personal::ear_match::scaled::frequency_scaled;
use tingle::personal::ear_match::sphere::grid;
use tingle::personal::ear_match::tap::{
    self, BURST_S, BURST_SPACING_S, BURSTS, PEAK_CEILING_DBFS, RMS_DBFS,
};
use tingle::personal::ear_match::{EarMatch, EarMatchError, Heading, Report};

/// The candidate heads: KEMAR's spectral features scaled by these factors.
const HEAD_FACTORS: [f32; 5] = [0.82, 0.90, 1.0, 1.10, 1.21];
/// Taps of a session: the 30 (an adaptive session: 3 per set in each of its stages of
/// five, three and two sets).
const TAPS: usize = 30;
/// Taps per set of the even session that checks the confusion counts.
const TAPS_PER_SET: usize = 6;
/// Sessions run per check, each with a listener and seed drawn at random.
const SESSIONS: usize = 10;
/// Sessions (of [`SESSIONS`]) that must find the listener's own set.
const REQUIRED_MATCHES: usize = 9;
/// Sessions run with a listener answering at random (cheap: many, for a firm count).
const RANDOM_SESSIONS: usize = 50;
/// At most this share of them may find the random listener's "own" set (chance is one in
/// five; 35 % or more happens by chance in about one run of a hundred).
const MAX_RANDOM_MATCH_SHARE: f32 = 0.35;
/// The own set's mean angular error stays below this (degrees).
const OWN_ERROR_MAX_DEG: f32 = 25.0;

/// The simulated listener's bands: sixth octaves (about the ear's critical bands up there)
/// from 1 kHz ...
const BAND_LOWEST_HZ: f32 = 1000.0;
/// ... per octave ...
const BANDS_PER_OCTAVE: f32 = 6.0;
/// ... up to 16 kHz.
const BANDS: usize = 25;
/// FFT length of the listener's spectral analysis (samples): several bins per band.
const FFT_LEN: usize = 1024;
/// Standard deviation of the listener's internal noise on each band level (dB), also the
/// spread its template matching expects. With its own ears the listener then confuses about
/// 1 % of the taps front to back or up and down, and misses by 5 degrees on average.
const BAND_NOISE_DB: f32 = 4.0;
/// Standard deviation of the listener's internal noise on the interaural delay (s).
const ITD_NOISE_S: f32 = 30e-6;

/// What the simulated listener hears of a sound: its band levels at both ears and the
/// interaural delay.
#[derive(Debug, Clone)]
struct Cues {
    /// Left ear band levels (dB).
    left: [f32; BANDS],
    /// Right ear band levels (dB).
    right: [f32; BANDS],
    /// Interaural time difference (s, left ear delay minus right ear delay).
    itd_s: f32,
}

/// Band levels (dB) of `filter` (time order) at `sample_rate` (Hz): mean power of the FFT bins
/// within each sixth-octave band.
fn band_levels(
    planner: &mut RealFftPlanner<f32>,
    filter: &[f32],
    sample_rate: f32,
) -> [f32; BANDS] {
    let fft = planner.plan_fft_forward(FFT_LEN);
    let mut input = vec![0.0; FFT_LEN];
    input[..filter.len()].copy_from_slice(filter);
    let mut spectrum = fft.make_output_vec();
    fft.process(&mut input, &mut spectrum)
        .expect("buffers fit the plan");
    let bin_hz = sample_rate / FFT_LEN as f32;
    std::array::from_fn(|band| {
        let centre = BAND_LOWEST_HZ * 2f32.powf(band as f32 / BANDS_PER_OCTAVE);
        let half_band = 2f32.powf(1.0 / (2.0 * BANDS_PER_OCTAVE));
        let bins = (centre / half_band / bin_hz).ceil() as usize
            ..=((centre * half_band / bin_hz).floor() as usize).min(FFT_LEN / 2);
        let count = bins.clone().count().max(1) as f32;
        let power: f32 = spectrum[bins].iter().map(|c| c.norm_sqr()).sum::<f32>() / count;
        10.0 * power.log10()
    })
}

/// The cues of a source at `heading` heard through `set`.
fn cues(planner: &mut RealFftPlanner<f32>, set: &HrtfSet, heading: Heading) -> Cues {
    let pair = pair_at(set, heading);
    Cues {
        left: band_levels(planner, &pair.left, set.sample_rate()),
        right: band_levels(planner, &pair.right, set.sample_rate()),
        itd_s: pair.itd_s,
    }
}

/// A normally distributed value with standard deviation `sd` (Box-Muller).
fn gaussian(rng: &mut SeededRng, sd: f32) -> f32 {
    let (u, v) = (1.0 - rng.random::<f32>(), rng.random::<f32>());
    sd * (-2.0 * u.ln()).sqrt() * (TAU * v).cos()
}

/// A listener localising by template matching against its own ears.
struct Listener {
    /// Its own ears' cues at every direction of the grid.
    templates: Vec<(Heading, Cues)>,
    /// Its internal noise.
    rng: SeededRng,
    /// FFT plans.
    planner: RealFftPlanner<f32>,
}

impl Listener {
    /// A listener whose ears are `own`, with internal noise from `seed`.
    fn new(own: &HrtfSet, seed: u64) -> Self {
        let mut planner = RealFftPlanner::new();
        let templates = grid(own.elevation_range())
            .into_iter()
            .map(|h| (h, cues(&mut planner, own, h)))
            .collect();
        Self {
            templates,
            rng: seeded(seed),
            planner,
        }
    }

    /// Where the listener hears a tap played through `set` at `target`: the grid direction
    /// whose cues best match the noisy cues heard. The mismatch sums, in units of the noise,
    /// the squared differences of the band levels (less their common mean: the listener does
    /// not know the sound's level, only how it differs between bands and ears) and of the
    /// interaural delay.
    fn locate(&mut self, set: &HrtfSet, target: Heading) -> Heading {
        let mut heard = cues(&mut self.planner, set, target);
        for level in heard.left.iter_mut().chain(&mut heard.right) {
            *level += gaussian(&mut self.rng, BAND_NOISE_DB);
        }
        heard.itd_s += gaussian(&mut self.rng, ITD_NOISE_S);
        let mismatch = |template: &Cues| {
            let differences: Vec<f32> = heard
                .left
                .iter()
                .zip(&template.left)
                .chain(heard.right.iter().zip(&template.right))
                .map(|(a, b)| a - b)
                .collect();
            let mean = differences.iter().sum::<f32>() / differences.len() as f32;
            let spectral: f32 = differences
                .iter()
                .map(|d| ((d - mean) / BAND_NOISE_DB).powi(2))
                .sum();
            spectral + ((heard.itd_s - template.itd_s) / ITD_NOISE_S).powi(2)
        };
        self.templates
            .iter()
            .min_by(|a, b| mismatch(&a.1).total_cmp(&mismatch(&b.1)))
            .map(|(h, _)| *h)
            .expect("the grid has directions")
    }
}

/// The candidate heads, named by their factors.
fn heads() -> Vec<(String, HrtfSet)> {
    let kemar = HrtfSet::kemar();
    HEAD_FACTORS
        .iter()
        .map(|&f| (format!("KEMAR x{f:.2}"), frequency_scaled(&kemar, f)))
        .collect()
}

/// Runs a full adaptive session of [`TAPS`] taps over `heads` with `answer` pointing for each tap (given the set that
/// plays it and its target) and returns the report.
fn run_session(
    heads: &[(String, HrtfSet)],
    seed: u64,
    mut answer: impl FnMut(&HrtfSet, Heading) -> Heading,
) -> Report {
    let mut session = EarMatch::adaptive(heads.to_vec(), TAPS, seed).expect("five sets");
    assert_eq!(session.progress(), (0, TAPS));
    while let Some(trial) = session.next_trial() {
        let heard = answer(&session.candidates()[trial.set].1, trial.target);
        assert!(session.answer(heard.azimuth_deg, heard.elevation_deg));
    }
    assert!(!session.answer(0.0, 0.0), "no tap is left to answer");
    let (done, total) = session.progress();
    assert_eq!(done, total);
    session.report()
}

/// Prints a report's per-set lines.
fn print_report(report: &Report) {
    let percent = |rate: Option<f32>| rate.map_or("-".to_owned(), |r| format!("{:.0}%", 100.0 * r));
    for set in &report.sets {
        println!(
            "    {:12} stage {} taps {:2} error {:5.1} deg, front-back {:>4}, up-down {:>4}, score {:5.1}",
            set.name,
            set.stage,
            set.answered,
            set.mean_error_deg.unwrap_or(f32::NAN),
            percent(set.front_back_rate),
            percent(set.up_down_rate),
            set.score.unwrap_or(f32::NAN),
        );
    }
}

/// The requirement: a listener whose ears are one of five heads is matched to its own
/// in at least 9 of 10 sessions of 30 taps; its own set's error is small, the farthest head's
/// larger.
#[test]
fn a_listener_is_matched_to_its_own_ears() {
    let heads = heads();
    let mut draw = seeded(24);
    let mut matches = 0;
    for session in 0..SESSIONS {
        let own = draw.random_range(0..heads.len());
        let seed: u64 = draw.random();
        let mut listener = Listener::new(&heads[own].1, seed);
        let report = run_session(&heads, seed, |set, target| listener.locate(set, target));
        let best = report.best().expect("every set was answered");
        matches += usize::from(best == own);
        println!(
            "session {session}: ears {}, matched to {}",
            heads[own].0, heads[best].0
        );
        print_report(&report);
        let error = |i: usize| report.sets[i].mean_error_deg.expect("answered");
        let farthest = if own < heads.len() / 2 {
            heads.len() - 1
        } else {
            0
        };
        assert!(
            error(own) < OWN_ERROR_MAX_DEG,
            "own set's error {} deg",
            error(own)
        );
        assert!(
            error(farthest) > error(own),
            "the farthest head ({} deg) does no worse than the own ({} deg)",
            error(farthest),
            error(own)
        );
    }
    println!("matched {matches} of {SESSIONS}");
    assert!(
        matches >= REQUIRED_MATCHES,
        "matched {matches} of {SESSIONS}"
    );
}

/// The scoring can fail: a listener pointing anywhere at random is matched to "its own" set no
/// more often than chance allows.
#[test]
fn a_random_listener_is_not_matched() {
    let heads = heads();
    let mut draw = seeded(25);
    let mut matches = 0;
    for _ in 0..RANDOM_SESSIONS {
        let own = draw.random_range(0..heads.len());
        let seed: u64 = draw.random();
        let mut pointer = seeded(seed);
        let report = run_session(&heads, seed, |_, _| {
            // Uniform over the sphere: uniform azimuth, sine of the elevation uniform.
            let azimuth = pointer.random_range(-180.0..180.0);
            let elevation = pointer.random_range(-1.0f32..1.0).asin().to_degrees();
            Heading::new(azimuth, elevation)
        });
        matches += usize::from(report.best() == Some(own));
    }
    println!("random listener matched {matches} of {RANDOM_SESSIONS}");
    assert!(
        matches as f32 <= MAX_RANDOM_MATCH_SHARE * RANDOM_SESSIONS as f32,
        "matched {matches} of {RANDOM_SESSIONS}"
    );
}

/// Confusions follow their rules: a mirrored answer counts, a target near the mirror plane
/// counts none, and a session's rates and ranking follow from them.
#[test]
fn confusions_are_counted_by_their_rules() {
    let at = Heading::new;
    // Front-back: the mirror image of 30 degrees right is 150 degrees right.
    let mirrored = judge(at(30.0, 0.0), at(150.0, 0.0));
    assert_eq!(mirrored.front_back, Some(true));
    assert!((mirrored.error_deg - 120.0).abs() < 1e-3);
    assert_eq!(judge(at(30.0, 0.0), at(60.0, 10.0)).front_back, Some(false));
    // Behind and heard in front (closer to the mirror than to the target) counts too.
    assert_eq!(
        judge(at(-160.0, 20.0), at(-30.0, 20.0)).front_back,
        Some(true)
    );
    // Near the ear, front and back meet: a target 5 degrees off the frontal plane counts none.
    assert_eq!(judge(at(85.0, 0.0), at(95.0, 0.0)).front_back, None);
    assert_eq!(judge(at(0.0, 80.0), at(180.0, 80.0)).front_back, None);
    // Up-down: mirrored about the horizontal plane; a target near it counts none.
    let flipped = judge(at(20.0, 30.0), at(20.0, -30.0));
    assert_eq!(
        (flipped.up_down, flipped.front_back),
        (Some(true), Some(false))
    );
    assert_eq!(judge(at(20.0, 30.0), at(20.0, 5.0)).up_down, Some(false));
    assert_eq!(judge(at(20.0, 10.0), at(20.0, -10.0)).up_down, None);

    // A session: every tap of the first set heard mirrored front to back, every tap of the
    // second heard where it played.
    let kemar = HrtfSet::kemar();
    let pair = vec![
        ("flips".to_owned(), kemar.clone()),
        ("fits".to_owned(), kemar),
    ];
    let mut session = EarMatch::new(pair, TAPS_PER_SET, 1).expect("two sets");
    while let Some(trial) = session.next_trial() {
        let heard = if trial.set == 0 {
            trial.target.mirrored_front_back()
        } else {
            trial.target
        };
        session.answer(heard.azimuth_deg, heard.elevation_deg);
    }
    let report = session.report();
    let (flips, fits) = (&report.sets[0], &report.sets[1]);
    assert_eq!(
        (flips.answered, fits.answered),
        (TAPS_PER_SET, TAPS_PER_SET)
    );
    assert_eq!(
        (flips.front_back_rate, flips.up_down_rate),
        (Some(1.0), Some(0.0))
    );
    assert_eq!(flips.confusions, TAPS_PER_SET);
    assert_eq!((fits.front_back_rate, fits.confusions), (Some(0.0), 0));
    assert!(fits.mean_error_deg.expect("answered") < 1e-2);
    assert_eq!(
        (report.best(), report.ranking.as_slice()),
        (Some(1), [1, 0].as_slice())
    );
    assert_eq!(
        session.into_candidate(1).map(|(name, _)| name).as_deref(),
        Some("fits")
    );
    assert_eq!(
        EarMatch::new(vec![("one".to_owned(), HrtfSet::kemar())], 1, 0).err(),
        Some(EarMatchError::TooFewSets(1))
    );
    assert_eq!(
        EarMatch::adaptive(heads(), 9, 0).err(),
        Some(EarMatchError::TooFewTaps(10))
    );
}

/// A fresh, empty folder under the system's temporary folder.
fn temp_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tingle-ear-match-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// A folder with KEMAR's SOFA file twice and a broken one gives two sets and names the broken
/// file; a folder with one usable set is refused.
#[test]
fn a_folder_of_sofa_files_loads() {
    let kemar =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/source/MIT_KEMAR_normal_pinna.sofa");
    let dir = temp_folder("three");
    for name in ["b_kemar.sofa", "a_kemar.SOFA"] {
        std::fs::copy(&kemar, dir.join(name)).expect("copy the KEMAR file");
    }
    std::fs::write(dir.join("c_broken.sofa"), b"not a SOFA file").expect("write a file");
    std::fs::write(dir.join("notes.txt"), b"not a set").expect("write a file");
    let mut progress = Vec::new();
    let loaded = folder::load(&dir, &mut |done, total| progress.push((done, total)))
        .expect("two usable sets");
    assert_eq!(
        progress,
        [(0, 3), (1, 3), (2, 3), (3, 3)],
        "progress before and after each file"
    );
    let names: Vec<&str> = loaded.sets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a_kemar.SOFA", "b_kemar.sofa"]);
    assert_eq!(loaded.failures.len(), 1);
    assert_eq!(loaded.failures[0].0, "c_broken.sofa");
    assert!(matches!(loaded.failures[0].1, SofaError::Unreadable(_)));

    std::fs::remove_file(dir.join("b_kemar.sofa")).expect("remove a file");
    match folder::load(&dir, &mut |_, _| {}) {
        Err(e @ FolderError::TooFewSets { loaded: 1, .. }) => {
            let message = e.to_string();
            assert!(message.contains("c_broken.sofa"), "{message}");
            println!("refused: {message}");
        }
        other => panic!("a folder with one usable set was not refused: {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(
        folder::load(&dir, &mut |_, _| {}),
        Err(FolderError::Unreadable(_))
    ));
}

/// Lag (s) at which `late` best matches `early` delayed, searched up to `max_s` either way, to
/// a fraction of a sample (parabola through the peak of the cross-correlation).
fn lag_s(early: &[f32], late: &[f32], sample_rate: f32, max_s: f32) -> f32 {
    let max_lag = (max_s * sample_rate) as isize;
    let correlation = |lag: isize| -> f32 {
        (0..late.len() as isize)
            .filter_map(|n| Some(late[n as usize] * *early.get(usize::try_from(n - lag).ok()?)?))
            .sum()
    };
    let values: Vec<f32> = (-max_lag..=max_lag).map(correlation).collect();
    let peak = (1..values.len() - 1)
        .max_by(|&a, &b| values[a].total_cmp(&values[b]))
        .expect("lags to search");
    let (a, b, c) = (values[peak - 1], values[peak], values[peak + 1]);
    let offset = 0.5 * (a - c) / (a - 2.0 * b + c);
    (peak as f32 + offset - max_lag as f32) / sample_rate
}

/// The seed of the checked taps' noise.
const TAP_SEED: u64 = 3;
/// Below this a sample counts as silence (-80 dBFS).
const SILENCE: f32 = 1e-4;
/// The onset of a burst: its first half millisecond (s), where the fade-in holds it below 15 %.
const ONSET_S: f32 = 0.0005;
/// Largest sample-to-sample jump at a burst's onset, as a share of the largest anywhere: a
/// click would jump as far as anywhere.
const MAX_ONSET_JUMP_SHARE: f32 = 0.3;
/// A tap at the ear is louder there by at least this much (dB; pink noise carries most of its
/// power at low frequencies, where the head shadows little).
const MIN_ILD_DB: f32 = 4.0;
/// The nearer ear's level stays within this of the tap's level (dB).
const LEVEL_TOLERANCE_DB: f32 = 8.0;
/// A tap at the ear reaches it earlier by this much (s, least and most).
const ITD_RANGE_S: (f32, f32) = (0.4e-3, 0.9e-3);
/// Interaural lags searched (s, either way).
const ITD_SEARCH_S: f32 = 1.5e-3;
/// Rounding allowed on the peak ceiling (dB).
const CEILING_ROUNDING_DB: f32 = 1e-3;

/// The level (dBFS RMS over the bursts' sounding time) of one ear of a tap at `sample_rate`
/// (Hz).
fn tap_level_db(ear: &[f32], sample_rate: f32) -> f32 {
    let sounding = BURSTS as f32 * BURST_S * sample_rate;
    10.0 * (ear.iter().map(|v| v * v).sum::<f32>() / sounding).log10()
}

/// The tap is finite, starts and ends in silence, fades in without a click, stays under its
/// peak ceiling near its level, and a tap at either ear is louder and earlier there.
#[test]
fn the_tap_sounds_right() {
    let set = HrtfSet::kemar();
    let tap = tap::render(&set, Heading::new(90.0, 0.0), TAP_SEED);
    let rate = tap.sample_rate;
    assert_eq!(tap.left.len(), tap.right.len());
    assert!(tap.left.iter().chain(&tap.right).all(|v| v.is_finite()));
    for ear in [&tap.left, &tap.right] {
        let ends = [ear[0], ear[ear.len() - 1]];
        assert!(ends.iter().all(|v| v.abs() < SILENCE), "ends {ends:?}");
        let jumps: Vec<f32> = ear.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let largest = jumps.iter().fold(0.0f32, |m, &j| m.max(j));
        for burst in 0..BURSTS {
            let start = (burst as f32 * BURST_SPACING_S * rate) as usize;
            let onset = start
                + ear[start..]
                    .iter()
                    .position(|v| v.abs() > SILENCE)
                    .expect("the burst sounds");
            let at_onset = jumps[onset..onset + (ONSET_S * rate) as usize]
                .iter()
                .fold(0.0f32, |m, &j| m.max(j));
            assert!(
                at_onset < MAX_ONSET_JUMP_SHARE * largest,
                "burst {burst} jumps {at_onset} at its onset, {largest} at most"
            );
        }
    }
    let peak_db = gain_to_db(
        tap.left
            .iter()
            .chain(&tap.right)
            .fold(0.0f32, |m, v| m.max(v.abs())),
    );
    assert!(
        peak_db <= PEAK_CEILING_DBFS + CEILING_ROUNDING_DB,
        "peak {peak_db} dBFS"
    );
    let (left_db, right_db) = (
        tap_level_db(&tap.left, rate),
        tap_level_db(&tap.right, rate),
    );
    println!("tap at +90: left {left_db:.1}, right {right_db:.1} dBFS RMS, peak {peak_db:.1} dBFS");
    assert!(
        right_db - left_db > MIN_ILD_DB,
        "ILD {} dB",
        right_db - left_db
    );
    assert!(
        (right_db - RMS_DBFS).abs() < LEVEL_TOLERANCE_DB,
        "right ear at {right_db} dBFS"
    );
    let itd = lag_s(&tap.right, &tap.left, rate, ITD_SEARCH_S);
    println!("tap at +90: right ear earlier by {:.2} ms", itd * 1e3);
    assert!((ITD_RANGE_S.0..ITD_RANGE_S.1).contains(&itd), "ITD {itd} s");
    // The mirror image: at the left ear the left is louder and earlier.
    let left_tap = tap::render(&set, Heading::new(-90.0, 0.0), TAP_SEED);
    let ild = tap_level_db(&left_tap.left, rate) - tap_level_db(&left_tap.right, rate);
    let itd = lag_s(&left_tap.left, &left_tap.right, rate, ITD_SEARCH_S);
    println!(
        "tap at -90: left ear louder by {ild:.1} dB, earlier by {:.2} ms",
        itd * 1e3
    );
    assert!(ild > MIN_ILD_DB, "ILD {ild} dB");
    assert!((ITD_RANGE_S.0..ITD_RANGE_S.1).contains(&itd), "ITD {itd} s");
}
