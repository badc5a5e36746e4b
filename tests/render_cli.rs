//! End-to-end tests of the `tingle-render` command: renders WAV files with the built binary and
//! checks the output's format and levels, and that user errors fail cleanly.

mod common;

use common::{assert_rendered, rms_db, tingle_render, white_noise};
use hound::{SampleFormat, WavReader, WavSpec, WavWriter};
use std::path::{Path, PathBuf};
use std::process::Output;

/// Sample rate of the test signals (Hz).
const RATE: u32 = 48_000;
/// Peak level of the test noise (linear).
const NOISE_LEVEL: f32 = 0.25;
/// Seed of the test noise.
const NOISE_SEED: u32 = 0x1234_5678;
/// The renderer's default tail (s).
const DEFAULT_TAIL_S: f64 = tingle::ranges::TAIL_S.default as f64;
/// Analysis window for level balances (s).
const WINDOW_S: f64 = 0.1;

/// A fresh, empty scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tingle-render-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

/// Asserts that `out` failed with an error message containing `needle`, and returns it.
fn assert_fails_naming(out: &Output, needle: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "should fail; stderr: {stderr}");
    assert!(
        stderr.contains(needle),
        "message should name {needle}: {stderr}"
    );
    stderr
}

/// `seconds` of repeatable white noise at [`NOISE_LEVEL`], at [`RATE`].
fn noise(seconds: f64) -> Vec<f32> {
    white_noise(
        (seconds * f64::from(RATE)) as usize,
        NOISE_LEVEL,
        NOISE_SEED,
    )
}

/// Writes interleaved float `samples` as a WAV with `channels` channels.
fn write_float_wav(path: &Path, channels: u16, samples: &[f32]) {
    let spec = WavSpec {
        channels,
        sample_rate: RATE,
        bits_per_sample: 32,
        sample_format: SampleFormat::Float,
    };
    let mut w = WavWriter::create(path, spec).expect("create test input");
    for &s in samples {
        w.write_sample(s).expect("write test input");
    }
    w.finalize().expect("finalize test input");
}

/// Reads a rendered file: asserts it is stereo 32-bit float at [`RATE`], returns (left, right).
fn read_stereo(path: &Path) -> (Vec<f32>, Vec<f32>) {
    let mut r = WavReader::open(path).expect("open output");
    let spec = r.spec();
    assert_eq!(spec.channels, 2);
    assert_eq!(spec.sample_rate, RATE);
    assert_eq!(spec.sample_format, SampleFormat::Float);
    assert_eq!(spec.bits_per_sample, 32);
    let samples: Vec<f32> = r.samples::<f32>().map(|s| s.unwrap()).collect();
    samples.chunks_exact(2).map(|f| (f[0], f[1])).unzip()
}

/// Left minus right RMS level (dB).
fn balance_db(left: &[f32], right: &[f32]) -> f64 {
    rms_db(left) - rms_db(right)
}

/// Mono noise at azimuth +/-90 deg: the near ear is > 6 dB louder; the file is stereo float,
/// at the input rate, input plus default tail long.
#[test]
fn a_source_at_the_side_is_louder_in_that_ear() {
    let dir = scratch("side");
    let input = dir.join("noise.wav");
    let signal = noise(1.0);
    write_float_wav(&input, 1, &signal);
    let tail = (DEFAULT_TAIL_S * f64::from(RATE)).round() as usize;

    for (azimuth, sign) in [("90", -1.0), ("-90", 1.0)] {
        let output = dir.join(format!("az{azimuth}.wav"));
        assert_rendered(&tingle_render(&[&input, &output, &"--azimuth", &azimuth]));
        let (left, right) = read_stereo(&output);
        assert_eq!(left.len(), signal.len() + tail, "input plus tail");
        let balance = balance_db(&left, &right);
        assert!(
            sign * balance > 6.0,
            "azimuth {azimuth}: left - right = {balance:.1} dB"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// `--hrtf FILE.sofa` renders with that file's set: with the ears-swapped KEMAR test set a
/// source on the right is louder in the left ear; an unusable file fails naming it and why.
#[test]
fn hrtf_renders_with_the_given_sofa_file() {
    let dir = scratch("hrtf");
    let input = dir.join("noise.wav");
    write_float_wav(&input, 1, &noise(1.0));
    let sofa = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/kemar_mirrored_coarse.sofa"
    );
    let output = dir.join("mirrored.wav");
    assert_rendered(&tingle_render(&[
        &input,
        &output,
        &"--azimuth",
        &"90",
        &"--hrtf",
        &sofa,
    ]));
    let (left, right) = read_stereo(&output);
    let balance = balance_db(&left, &right);
    assert!(balance > 6.0, "left - right = {balance:.1} dB");

    let one_ear = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/kemar_one_receiver.sofa"
    );
    let out = tingle_render(&[&input, &output, &"--hrtf", &one_ear]);
    let message = assert_fails_naming(&out, "kemar_one_receiver.sofa");
    assert!(message.contains("2 receivers"), "{message}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `--mix 0` passes mono (duplicated) and stereo input through unchanged.
#[test]
fn a_dry_mix_reproduces_the_input() {
    let dir = scratch("dry");
    let signal = noise(0.5);

    // Mono 16-bit: the input is duplicated to both ears, exactly up to the 16-bit scaling.
    let mono = dir.join("mono16.wav");
    let spec = WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: SampleFormat::Int,
    };
    let mut w = WavWriter::create(&mono, spec).unwrap();
    let ints: Vec<i16> = signal.iter().map(|&s| (s * 32_768.0) as i16).collect();
    ints.iter().for_each(|&s| w.write_sample(s).unwrap());
    w.finalize().unwrap();
    let output = dir.join("mono-dry.wav");
    assert_rendered(&tingle_render(&[
        &mono, &output, &"--mix", &"0", &"--tail", &"0",
    ]));
    let (left, right) = read_stereo(&output);
    assert_eq!(left.len(), ints.len());
    for (i, &s) in ints.iter().enumerate() {
        let expected = f32::from(s) / 32_768.0;
        assert!((left[i] - expected).abs() < 1e-6 && (right[i] - expected).abs() < 1e-6);
    }

    // Stereo float: each channel passes through unchanged.
    let stereo = dir.join("stereo.wav");
    let interleaved: Vec<f32> = signal.iter().flat_map(|&s| [s, -0.5 * s]).collect();
    write_float_wav(&stereo, 2, &interleaved);
    let output = dir.join("stereo-dry.wav");
    assert_rendered(&tingle_render(&[&stereo, &output, &"--mix", &"0"]));
    let (left, right) = read_stereo(&output);
    for (i, &s) in signal.iter().enumerate() {
        assert!((left[i] - s).abs() < 1e-6 && (right[i] + 0.5 * s).abs() < 1e-6);
    }
    assert!(
        left[signal.len()..].iter().all(|&s| s == 0.0),
        "silent tail"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Missing, non-WAV and unsupported inputs, an unwritable or clashing output and an
/// out-of-range flag each fail with a message naming the culprit.
#[test]
fn user_errors_fail_with_a_message_naming_the_file() {
    let dir = scratch("errors");
    let output = dir.join("out.wav");

    let missing = dir.join("missing.wav");
    assert_fails_naming(&tingle_render(&[&missing, &output]), "missing.wav");

    let text = dir.join("notes.wav");
    std::fs::write(&text, "these are not audio samples\n").unwrap();
    assert_fails_naming(&tingle_render(&[&text, &output]), "notes.wav");

    let surround = dir.join("three.wav");
    write_float_wav(&surround, 3, &noise(0.03));
    let message = assert_fails_naming(&tingle_render(&[&surround, &output]), "three.wav");
    assert!(message.contains("unsupported"), "{message}");
    assert!(!output.exists(), "no output is written for a bad input");

    let good = dir.join("good.wav");
    write_float_wav(&good, 1, &noise(0.03));
    let unwritable = dir.join("no-such-dir").join("out.wav");
    assert_fails_naming(&tingle_render(&[&good, &unwritable]), "out.wav");
    assert_fails_naming(&tingle_render(&[&good, &good]), "good.wav");

    let far = tingle_render(&[&good, &output, &"--distance", &"50"]);
    assert_fails_naming(&far, "--distance");
    let _ = std::fs::remove_dir_all(dir);
}

/// A one-bar orbit at 120 BPM swings the left/right balance through both ears in 2 s.
#[test]
fn a_synced_orbit_circles_once_per_bar() {
    let dir = scratch("orbit");
    let input = dir.join("noise.wav");
    write_float_wav(&input, 1, &noise(2.0));
    let output = dir.join("orbit.wav");
    let args: [&dyn AsRef<std::ffi::OsStr>; 8] = [
        &input,
        &output,
        &"--motion",
        &"orbit",
        &"--sync",
        &"1bar",
        &"--tempo",
        &"120",
    ];
    assert_rendered(&tingle_render(&args));
    let (left, right) = read_stereo(&output);
    let window = (WINDOW_S * f64::from(RATE)) as usize;
    let balances: Vec<f64> = left
        .chunks_exact(window)
        .zip(right.chunks_exact(window))
        .take(20)
        .map(|(l, r)| balance_db(l, r))
        .collect();
    let (min, max) = balances
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &b| (lo.min(b), hi.max(b)));
    assert!(
        min < -3.0 && max > 3.0,
        "balance must swing: {balances:.1?}"
    );
    // One bar at 120 BPM is 2 s and the orbit turns clockwise from the front: the source
    // passes the right ear at 0.5 s and the left ear at 1.5 s.
    assert!(balances[5] < -3.0, "right at 0.5 s: {balances:.1?}");
    assert!(balances[15] > 3.0, "left at 1.5 s: {balances:.1?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A scene file renders its layers for the requested duration; an ear-to-ear scatter puts
/// alternate triggers in alternate ears.
#[test]
fn a_scene_renders_its_layers() {
    let dir = scratch("scene");
    let scene = dir.join("taps.json");
    let out = dir.join("scene.wav");
    std::fs::write(
        &scene,
        r#"{"params": {"on_1": true, "family_1": "tone", "rate_1": {"f32": 2.0}, "human_1": 0.0,
            "c1_1": 0.75, "c2_1": 0.0, "scatter_1": "ear2ear", "spread_1": 0.0}}"#,
    )
    .expect("write scene");
    let result = tingle_render(&[&scene, &out, &"--duration", &"2"]);
    assert_rendered(&result);
    let (left, right) = read_stereo(&out);
    assert_eq!(
        left.len(),
        ((2.0 + DEFAULT_TAIL_S) * f64::from(RATE)).round() as usize
    );
    // Triggers at 0 s, 0.5 s, 1 s, 1.5 s: left ear, right ear, left, right.
    let at = |t: f64| (t * f64::from(RATE)) as usize..((t + 0.08) * f64::from(RATE)) as usize;
    let sides: Vec<f64> = [0.0, 0.5, 1.0, 1.5]
        .iter()
        .map(|&t| balance_db(&left[at(t)], &right[at(t)]))
        .collect();
    assert!(
        sides[0] > 3.0 && sides[1] < -3.0 && sides[2] > 3.0 && sides[3] < -3.0,
        "{sides:?}"
    );
}

/// A bad scene file fails with a message naming the file and the field.
#[test]
fn a_bad_scene_names_the_field() {
    let dir = scratch("bad-scene");
    let scene = dir.join("bad.json");
    std::fs::write(&scene, r#"{"params": {"on_1": true, "rate_1": "fast"}}"#).expect("write scene");
    let result = tingle_render(&[&scene, &dir.join("out.wav")]);
    let message = assert_fails_naming(&result, "bad.json");
    assert!(message.contains("params.rate_1"), "{message}");
    assert!(!dir.join("out.wav").exists(), "no output left behind");
}

/// `gallery` renders every variant of a family at every seed, each to its own non-silent
/// stereo file; seeds and variants sound different. An unknown family is refused by name.
#[test]
fn the_gallery_renders_every_variant_at_every_seed() {
    let dir = scratch("gallery");
    let seconds = 1.2;
    let result = tingle_render(&[
        &"gallery",
        &dir,
        &"--family",
        &"tap",
        &"--seeds",
        &"1,2",
        &"--seconds",
        &seconds.to_string(),
    ]);
    assert_rendered(&result);
    let variants = tingle::triggers::tap::INFO.variants;
    let mut renders = Vec::new();
    for name in variants {
        for seed in [1, 2] {
            let slug = name.to_lowercase().replace(' ', "-");
            let (left, right) = read_stereo(&dir.join(format!("tap-{slug}-seed{seed}.wav")));
            assert_eq!(left.len(), (seconds * f64::from(RATE)).round() as usize);
            assert!(
                rms_db(&left) > -60.0 && rms_db(&right) > -60.0,
                "{name} {seed} silent"
            );
            renders.push(left);
        }
    }
    assert_eq!(
        std::fs::read_dir(&dir).expect("list gallery").count(),
        2 * variants.len(),
        "one file per variant and seed"
    );
    for (i, a) in renders.iter().enumerate() {
        for b in &renders[i + 1..] {
            assert_ne!(a, b, "two renders are the same");
        }
    }
    let unknown = tingle_render(&[&"gallery", &dir, &"--family", &"kazoo"]);
    assert_fails_naming(&unknown, "kazoo");
    let _ = std::fs::remove_dir_all(dir);
}

/// A steady scene: rain at 200 heavy drops per second and taps eight times a second.
const RAIN_AND_TAPS: &str = r#"{"params": {
    "on_1": true, "family_1": "water", "variant_1": 1, "rate_1": 0.125, "c2_1": 0.8,
    "c3_1": 1.0, "level_1": -12,
    "on_2": true, "family_2": "tap", "rate_2": 8, "level_2": -12}}"#;

/// Writes [`RAIN_AND_TAPS`] into `dir` and returns its path.
fn rain_and_taps(dir: &Path) -> PathBuf {
    let scene = dir.join("rain-and-taps.json");
    std::fs::write(&scene, RAIN_AND_TAPS).expect("write scene");
    scene
}

/// The raised-cosine fade gain `x` of the way through a fade (0 at its silent end).
fn raised_cosine(x: f64) -> f64 {
    0.5 - 0.5 * (std::f64::consts::PI * x).cos()
}

/// Dry noise with a 0.5 s fade-in and a 0.5 s fade-out: the output is silent at both ends,
/// follows the raised cosine sample by sample (so it has no step), its level rises through
/// the fade-in and falls through the fade-out, and in between it is the input unchanged.
#[test]
fn fades_rise_from_silence_and_fall_to_silence() {
    let dir = scratch("fades");
    let input = dir.join("noise.wav");
    let signal = noise(2.0);
    write_float_wav(&input, 1, &signal);
    let output = dir.join("faded.wav");
    let args: [&dyn AsRef<std::ffi::OsStr>; 10] = [
        &input,
        &output,
        &"--mix",
        &"0",
        &"--tail",
        &"0",
        &"--fade-in",
        &"0.5",
        &"--fade-out",
        &"0.5",
    ];
    assert_rendered(&tingle_render(&args));
    let (left, right) = read_stereo(&output);
    assert_eq!(left, right, "dry mono input: both ears alike");
    let len = signal.len();
    assert_eq!(left.len(), len);
    let fade = (0.5 * f64::from(RATE)) as usize;

    // Silent ends: the first and the last sample are zero, the first and the last 10 ms are
    // more than 60 dB below the input.
    assert_eq!((left[0], left[len - 1]), (0.0, 0.0));
    let ten_ms = (0.01 * f64::from(RATE)) as usize;
    let input_db = rms_db(&signal);
    for (end, part) in [("start", &left[..ten_ms]), ("end", &left[len - ten_ms..])] {
        let level = rms_db(part) - input_db;
        assert!(
            level < -60.0,
            "first/last 10 ms at the {end}: {level:.1} dB"
        );
    }

    // Every sample is the input times the raised cosine: smooth, no step.
    for (i, (&out, &inp)) in left.iter().zip(&signal).enumerate() {
        let gain = if i < fade {
            raised_cosine(i as f64 / fade as f64)
        } else if len - 1 - i < fade {
            raised_cosine((len - 1 - i) as f64 / fade as f64)
        } else {
            1.0
        };
        let expected = f64::from(inp) * gain;
        assert!(
            (f64::from(out) - expected).abs() < 1e-6,
            "sample {i}: {out} instead of {expected}"
        );
    }

    // The level rises through the fade-in and falls through the fade-out, window by window.
    let window = (0.05 * f64::from(RATE)) as usize;
    let levels = |part: &[f32]| -> Vec<f64> { part.chunks_exact(window).map(rms_db).collect() };
    let rising = levels(&left[..fade]);
    assert!(rising.windows(2).all(|w| w[1] > w[0]), "{rising:.1?}");
    let falling = levels(&left[len - fade..]);
    assert!(falling.windows(2).all(|w| w[1] < w[0]), "{falling:.1?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Integrated loudness (LUFS) and sample peak (dBFS) of a stereo render, measured with the
/// `ebur128` crate.
fn loudness(left: &[f32], right: &[f32]) -> (f64, f64) {
    use ebur128::{EbuR128, Mode};
    let mut meter = EbuR128::new(2, RATE, Mode::I | Mode::SAMPLE_PEAK).expect("meter");
    meter
        .add_frames_planar_f32(&[left, right])
        .expect("measure");
    let peak = meter
        .sample_peak(0)
        .unwrap()
        .max(meter.sample_peak(1).unwrap());
    (meter.loudness_global().unwrap(), 20.0 * peak.log10())
}

/// The number after `label` in the renderer's report line.
fn reported(stdout: &str, label: &str) -> f64 {
    let after = stdout
        .split(label)
        .nth(1)
        .unwrap_or_else(|| panic!("no '{label}' in the report: {stdout}"));
    after
        .trim_start()
        .split(|c: char| !(c.is_ascii_digit() || "+-.".contains(c)))
        .next()
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no number after '{label}': {stdout}"))
}

/// A 60 s scene with fades rendered at `--loudness -23` measures -23 +/- 0.5 LUFS (EBU R128,
/// fades included), as the renderer reports with the peak; the limiter still holds the peaks
/// under -1 dBFS.
#[test]
fn a_loudness_target_is_met_within_half_a_lu() {
    let dir = scratch("loudness");
    let scene = rain_and_taps(&dir);
    let output = dir.join("session.wav");
    let args: [&dyn AsRef<std::ffi::OsStr>; 10] = [
        &scene,
        &output,
        &"--duration",
        &"60",
        &"--fade-in",
        &"5",
        &"--fade-out",
        &"10",
        &"--loudness",
        &"-23",
    ];
    let result = tingle_render(&args);
    assert_rendered(&result);
    let (left, right) = read_stereo(&output);
    let (lufs, peak_db) = loudness(&left, &right);
    assert!((lufs + 23.0).abs() <= 0.5, "measured {lufs:.2} LUFS");
    assert!(peak_db <= -1.0 + 1e-3, "peak {peak_db:.2} dBFS");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let claimed = reported(&stdout, "loudness:");
    assert!((claimed - lufs).abs() < 0.05, "reports {claimed}: {stdout}");
    let claimed_peak = reported(&stdout, "peak");
    assert!((claimed_peak - peak_db).abs() < 0.05, "{stdout}");
    assert_eq!(reported(&stdout, "target"), -23.0, "{stdout}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The fields of a FLAC file's STREAMINFO block.
#[derive(Debug, PartialEq)]
struct StreamInfo {
    sample_rate: u32,
    channels: u8,
    bits_per_sample: u8,
    total_samples: u64,
}

/// Parses the `fLaC` marker and the STREAMINFO block that must follow it.
fn stream_info(bytes: &[u8]) -> StreamInfo {
    assert_eq!(&bytes[..4], b"fLaC", "FLAC marker");
    assert_eq!(bytes[4] & 0x7F, 0, "STREAMINFO comes first");
    let length = u32::from_be_bytes([0, bytes[5], bytes[6], bytes[7]]);
    assert_eq!(length, 34, "STREAMINFO length");
    let info = &bytes[8..42];
    // 20 bits of sample rate, 3 of channels - 1, 5 of bits - 1, 36 of total samples.
    let packed = u64::from_be_bytes(info[10..18].try_into().unwrap());
    StreamInfo {
        sample_rate: (packed >> 44) as u32,
        channels: ((packed >> 41) & 0x7) as u8 + 1,
        bits_per_sample: ((packed >> 36) & 0x1F) as u8 + 1,
        total_samples: packed & ((1 << 36) - 1),
    }
}

/// A FLAC render is a FLAC stream: its STREAMINFO gives 48 kHz stereo 24-bit and the render's
/// length (the WAV render's), the first frame follows with its sync code, and the file is
/// smaller than the raw samples, even at a loudness where sharp transients come near full
/// scale (once the encoder blew such a frame up a thousandfold).
#[test]
fn a_flac_render_has_a_valid_stream_header() {
    let dir = scratch("flac");
    let scene = rain_and_taps(&dir);
    let (flac, wav) = (dir.join("session.flac"), dir.join("session.wav"));
    for output in [&flac, &wav] {
        let args: [&dyn AsRef<std::ffi::OsStr>; 6] =
            [&scene, output, &"--duration", &"10", &"--loudness", &"-23"];
        assert_rendered(&tingle_render(&args));
    }
    let frames = read_stereo(&wav).0.len() as u64;
    let bytes = std::fs::read(&flac).expect("read FLAC");
    let info = stream_info(&bytes);
    assert_eq!(
        info,
        StreamInfo {
            sample_rate: RATE,
            channels: 2,
            bits_per_sample: 24,
            total_samples: frames,
        }
    );
    assert_eq!(&bytes[42..44], &[0xFF, 0xF8], "frame sync code");
    let raw = frames * 2 * 3;
    assert!(
        (bytes.len() as u64) < raw,
        "{} bytes for {raw} bytes of samples",
        bytes.len()
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The same scene, seed and flags render the same file, bit for bit, loudness passes and fades
/// included; `--seed` overrides the scene's seed, and another seed renders other triggers.
#[test]
fn the_same_seed_renders_the_same_file() {
    let dir = scratch("seed");
    let scene = rain_and_taps(&dir);
    let seeded = dir.join("seeded.json");
    std::fs::write(
        &seeded,
        RAIN_AND_TAPS.replace("\"on_1\"", "\"seed\": 7, \"on_1\""),
    )
    .unwrap();
    let session = |scene: &Path, name: &str, seed: Option<&str>| {
        let output = dir.join(name);
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &scene,
            &output,
            &"--duration",
            &"3",
            &"--fade-in",
            &"1",
            &"--fade-out",
            &"1",
            &"--loudness",
            &"-30",
        ];
        let seed = seed.map(|n| ("--seed", n));
        if let Some((flag, value)) = &seed {
            args.extend([flag as &dyn AsRef<std::ffi::OsStr>, value]);
        }
        assert_rendered(&tingle_render(&args));
        std::fs::read(&output).expect("read render")
    };
    let first = session(&scene, "a.wav", Some("7"));
    assert_eq!(first, session(&scene, "b.wav", Some("7")), "same seed");
    assert_eq!(first, session(&seeded, "c.wav", None), "the scene's seed 7");
    assert_ne!(
        first,
        session(&seeded, "d.wav", Some("8")),
        "--seed overrides"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Fades longer than the render, an unknown output format, a loudness out of range and a WAV
/// longer than the format holds each fail with a message naming the culprit, before writing.
#[test]
fn session_errors_name_the_flag() {
    let dir = scratch("session-errors");
    let scene = rain_and_taps(&dir);
    let output = dir.join("out.wav");
    let fades = tingle_render(&[
        &scene,
        &output,
        &"--duration",
        &"10",
        &"--fade-in",
        &"6",
        &"--fade-out",
        &"5",
    ]);
    assert_fails_naming(&fades, "--fade-in");
    let mp3 = dir.join("out.mp3");
    let message = assert_fails_naming(&tingle_render(&[&scene, &mp3]), "out.mp3");
    assert!(message.contains(".flac"), "{message}");
    let quiet = tingle_render(&[&scene, &output, &"--loudness", &"-70"]);
    assert_fails_naming(&quiet, "--loudness");
    // Twelve hours is a valid length, but not in a float WAV (4 GiB): FLAC holds it.
    let long = tingle_render(&[&scene, &output, &"--duration", &"43200"]);
    let message = assert_fails_naming(&long, "out.wav");
    assert!(message.contains("FLAC"), "{message}");
    assert!(!output.exists() && !mp3.exists(), "nothing written");
    let _ = std::fs::remove_dir_all(dir);
}

/// The placement flags are the plugin's parameters by another name: the motion shape reads in
/// the CLI's spelling, the scene's id and the plugin's display name alike, and a value out of
/// the parameter's range or an unknown name is refused naming the flag.
#[test]
fn flags_read_like_the_plugins_parameters() {
    let dir = scratch("flags");
    let input = dir.join("noise.wav");
    write_float_wav(&input, 1, &noise(0.5));
    let mut outputs = Vec::new();
    for (i, spelling) in ["ear-to-ear", "ear2ear", "Ear to Ear"].iter().enumerate() {
        let output = dir.join(format!("e2e{i}.wav"));
        assert_rendered(&tingle_render(&[
            &input,
            &output,
            &"--motion",
            spelling,
            &"--rate",
            &"2",
        ]));
        outputs.push(std::fs::read(&output).expect("rendered"));
    }
    assert!(
        outputs.windows(2).all(|w| w[0] == w[1]),
        "one motion, three spellings"
    );
    let output = dir.join("bad.wav");
    assert_fails_naming(
        &tingle_render(&[&input, &output, &"--azimuth", &"400"]),
        "--azimuth",
    );
    assert_fails_naming(
        &tingle_render(&[&input, &output, &"--motion", &"spin"]),
        "--motion",
    );
    assert_fails_naming(
        &tingle_render(&[&input, &output, &"--sync", &"1/5"]),
        "--sync",
    );
    assert_rendered(&tingle_render(&[&input, &output, &"--sync", &"1/4."]));
}

/// Every placement and gain flag left unset takes the plugin's default: placing a file with no
/// flags writes the same bits as placing it with the plugin's default state saved as a scene
/// (as the plugin saves it); a flag set to its default changes nothing, and one set elsewhere
/// does (so the comparison can fail).
#[test]
fn unset_flags_take_the_plugins_defaults() {
    let dir = scratch("defaults");
    let input = dir.join("noise.wav");
    write_float_wav(&input, 2, &noise(0.5));
    let by_flags = dir.join("flags.wav");
    assert_rendered(&tingle_render(&[&input, &by_flags]));
    let scene = dir.join("defaults.json");
    let defaults = tingle::params::TingleParams::default();
    std::fs::write(
        &scene,
        tingle::scene::write(&defaults, &tingle::scene::SceneInfo::default()),
    )
    .expect("scene written");
    let by_scene = dir.join("scene.wav");
    assert_rendered(&tingle_render(&[&input, &by_scene, &"--scene", &scene]));
    let read = |p: &PathBuf| std::fs::read(p).expect("rendered");
    assert!(
        read(&by_flags) == read(&by_scene),
        "no flags and the defaults differ"
    );
    let rate = tingle::ranges::MOTION_RATE_HZ.default.to_string();
    let at_default = dir.join("at-default.wav");
    assert_rendered(&tingle_render(&[
        &input,
        &at_default,
        &"--motion",
        &"orbit",
        &"--rate",
        &rate,
    ]));
    let orbit = dir.join("orbit.wav");
    assert_rendered(&tingle_render(&[&input, &orbit, &"--motion", &"orbit"]));
    assert!(
        read(&orbit) != read(&by_flags),
        "a set flag changes the render"
    );
    assert!(
        read(&orbit) == read(&at_default),
        "the default rate is the plugin's"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Flags and scenes go one way: placing a file with the placement and gain flags and placing it
/// with a scene of the same settings (`--scene`) write the same file, bit for bit; and a
/// different setting in the scene does change it (so the scene is really read).
#[test]
fn flags_and_a_scene_with_the_same_settings_render_the_same_bits() {
    let dir = scratch("flags-scene");
    let input = dir.join("noise.wav");
    write_float_wav(&input, 2, &noise(0.5));
    let by_flags = dir.join("flags.wav");
    assert_rendered(&tingle_render(&[
        &input,
        &by_flags,
        &"--azimuth",
        &"-60",
        &"--elevation",
        &"20",
        &"--distance",
        &"0.4",
        &"--motion",
        &"figure-eight",
        &"--rate",
        &"0.7",
        &"--depth",
        &"50",
        &"--input-gain",
        &"-3",
        &"--mix",
        &"80",
        &"--output-gain",
        &"-2",
    ]));
    let settings = r#""az": -60, "el": 20, "dist_m": 0.4, "motion": "Figure Eight",
        "mrate": 0.7, "mdepth": 0.5, "ingain": -3, "mix": 0.8, "outgain": -2"#;
    let scene = dir.join("same.json");
    std::fs::write(
        &scene,
        format!(r#"{{"tingle_scene": 2, "params": {{{settings}}}}}"#),
    )
    .expect("scene written");
    let by_scene = dir.join("scene.wav");
    assert_rendered(&tingle_render(&[&input, &by_scene, &"--scene", &scene]));
    let read = |p: &PathBuf| std::fs::read(p).expect("rendered");
    assert!(read(&by_flags) == read(&by_scene), "flags and scene differ");
    let other = dir.join("other.json");
    std::fs::write(
        &other,
        format!(r#"{{"tingle_scene": 2, "params": {{{settings}, "az": -59}}}}"#),
    )
    .expect("scene written");
    let by_other = dir.join("other.wav");
    assert_rendered(&tingle_render(&[&input, &by_other, &"--scene", &other]));
    assert!(read(&by_other) != read(&by_scene), "the scene is read");
    // The scene replaces the flags, so both at once is refused, naming the flag.
    assert_fails_naming(
        &tingle_render(&[&input, &by_other, &"--scene", &scene, &"--azimuth", &"10"]),
        "--azimuth",
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The room flags read like the parameters and apply over a scene's: a scene rendered with
/// `--room bedroom --room-size 120 --room-damping 70 --room-level -3 --layer-room-send 80`
/// writes the same bits as the scene with those values in it; the same scene with `--room off`
/// differs and carries less energy; an unknown room or an out-of-range size is refused naming
/// its flag.
#[test]
fn room_flags_equal_a_scene_with_the_room_and_apply_over_it() {
    let dir = scratch("room");
    let scene = rain_and_taps(&dir);
    let roomy = dir.join("roomy.json");
    let layer_sends = (1..=8)
        .map(|n| format!(r#""roomsend_{n}": 0.8"#))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        &roomy,
        RAIN_AND_TAPS.replace(
            "{\"params\": {",
            &format!(
                r#"{{"params": {{"room": "bedroom", "roomsize": 1.2, "roomdamp": 0.7,
                "roomlevel": -3, {layer_sends}, "#
            ),
        ),
    )
    .expect("scene written");
    let render = |scene: &Path, name: &str, extra: &[&str]| {
        let output = dir.join(name);
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&scene, &output, &"--duration", &"2"];
        args.extend(extra.iter().map(|a| a as &dyn AsRef<std::ffi::OsStr>));
        assert_rendered(&tingle_render(&args));
        output
    };
    let by_flags = render(
        &scene,
        "flags.wav",
        &[
            "--room",
            "bedroom",
            "--room-size",
            "120",
            "--room-damping",
            "70",
            "--room-level",
            "-3",
            "--layer-room-send",
            "80",
        ],
    );
    let by_scene = render(&roomy, "scene.wav", &[]);
    let read = |p: &PathBuf| std::fs::read(p).expect("rendered");
    assert!(read(&by_flags) == read(&by_scene), "flags and scene differ");
    let dry = render(&roomy, "dry.wav", &["--room", "off"]);
    assert!(read(&dry) != read(&by_scene), "--room off is applied");
    // The room adds its reflections and tail to the same triggers: more energy.
    let energy = |p: &PathBuf| {
        let (l, r) = read_stereo(p);
        l.iter()
            .chain(&r)
            .map(|v| f64::from(*v).powi(2))
            .sum::<f64>()
    };
    assert!(
        energy(&by_scene) > 1.2 * energy(&dry),
        "room {} vs dry {}",
        energy(&by_scene),
        energy(&dry)
    );
    let out = dir.join("bad.wav");
    assert_fails_naming(
        &tingle_render(&[&scene, &out, &"--room", &"cathedral"]),
        "--room",
    );
    assert_fails_naming(
        &tingle_render(&[&scene, &out, &"--room-size", &"400"]),
        "--room-size",
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `--head-yaw 90` turns the listener to the right, so noise placed ahead is heard at the
/// left ear; `--head-track` plays a recorded track (ahead for the first half second, then
/// turned right): the first half is balanced, the second leans left as `--head-yaw 90` does.
/// A track with a bad value or times that go back is refused, naming the line.
#[test]
fn head_flags_and_a_recorded_track_turn_the_head() {
    let dir = scratch("head");
    let input = dir.join("noise.wav");
    write_float_wav(&input, 1, &noise(1.0));
    let turned = dir.join("turned.wav");
    assert_rendered(&tingle_render(&[&input, &turned, &"--head-yaw", &"90"]));
    let (l, r) = read_stereo(&turned);
    let by_flag = balance_db(&l, &r);
    assert!(
        by_flag > 6.0,
        "--head-yaw 90: left minus right {by_flag} dB"
    );

    let track = dir.join("track.csv");
    std::fs::write(
        &track,
        "time_s,yaw_deg,pitch_deg,roll_deg\n0,0,0,0\n0.5,90,0,0\n",
    )
    .expect("track written");
    let tracked = dir.join("tracked.wav");
    assert_rendered(&tingle_render(&[&input, &tracked, &"--head-track", &track]));
    let (l, r) = read_stereo(&tracked);
    let half = 24_000;
    // Skip the glide's few milliseconds after the turn.
    let settled = half + 2_400;
    let (first, second) = (
        balance_db(&l[..half], &r[..half]),
        balance_db(&l[settled..48_000], &r[settled..48_000]),
    );
    println!("tracked: first half {first:.2} dB, second {second:.2} dB, flag {by_flag:.2} dB");
    assert!(first.abs() < 0.5, "ahead: {first} dB");
    assert!(
        (second - by_flag).abs() < 1.0,
        "turned: {second} dB vs {by_flag} dB"
    );

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "0,0,0,0\n1,ninety,0,0\n").expect("track written");
    let out = dir.join("bad.wav");
    let message = assert_fails_naming(
        &tingle_render(&[&input, &out, &"--head-track", &bad]),
        "--head-track",
    );
    assert!(
        message.contains("line 2") && message.contains("yaw_deg"),
        "{message}"
    );
    std::fs::write(&bad, "0,0,0,0\n1,10,0,0\n0.5,20,0,0\n").expect("track written");
    let message = assert_fails_naming(
        &tingle_render(&[&input, &out, &"--head-track", &bad]),
        "--head-track",
    );
    assert!(message.contains("line 3"), "{message}");
    let _ = std::fs::remove_dir_all(dir);
}
