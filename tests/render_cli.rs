//! End-to-end tests of the `tingle-render` command: renders WAV files with the built binary and
//! checks the output's format and levels, and that user errors fail cleanly.

use hound::{SampleFormat, WavReader, WavSpec, WavWriter};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Sample rate of the test signals (Hz).
const RATE: u32 = 48_000;
/// Peak level of the test noise (linear).
const NOISE_LEVEL: f32 = 0.25;
/// The renderer's default tail (s).
const DEFAULT_TAIL_S: f64 = 0.05;
/// Analysis window for level balances (s).
const WINDOW_S: f64 = 0.1;

/// A fresh, empty scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tingle-render-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

/// Runs `tingle-render` with `args`.
fn render(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tingle-render"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("run tingle-render")
}

/// Asserts that `out` is a success.
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "tingle-render failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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

/// `seconds` of repeatable white noise at [`NOISE_LEVEL`].
fn noise(seconds: f64) -> Vec<f32> {
    let mut state = 0x1234_5678u32;
    (0..(seconds * f64::from(RATE)) as usize)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            NOISE_LEVEL * (state as f32 / u32::MAX as f32 * 2.0 - 1.0)
        })
        .collect()
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

/// RMS level in dB.
fn rms_db(x: &[f32]) -> f64 {
    let power = x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64;
    10.0 * power.max(1e-20).log10()
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
        assert_ok(&render(&[&input, &output, &"--azimuth", &azimuth]));
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
    assert_ok(&render(&[&mono, &output, &"--mix", &"0", &"--tail", &"0"]));
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
    assert_ok(&render(&[&stereo, &output, &"--mix", &"0"]));
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
    assert_fails_naming(&render(&[&missing, &output]), "missing.wav");

    let text = dir.join("notes.wav");
    std::fs::write(&text, "these are not audio samples\n").unwrap();
    assert_fails_naming(&render(&[&text, &output]), "notes.wav");

    let surround = dir.join("three.wav");
    write_float_wav(&surround, 3, &noise(0.03));
    let message = assert_fails_naming(&render(&[&surround, &output]), "three.wav");
    assert!(message.contains("unsupported"), "{message}");
    assert!(!output.exists(), "no output is written for a bad input");

    let good = dir.join("good.wav");
    write_float_wav(&good, 1, &noise(0.03));
    let unwritable = dir.join("no-such-dir").join("out.wav");
    assert_fails_naming(&render(&[&good, &unwritable]), "out.wav");
    assert_fails_naming(&render(&[&good, &good]), "good.wav");

    let far = render(&[&good, &output, &"--distance", &"50"]);
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
    assert_ok(&render(&args));
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
    let result = render(&[&scene, &out, &"--duration", &"2"]);
    assert_ok(&result);
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
    let result = render(&[&scene, &dir.join("out.wav")]);
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
    let result = render(&[
        &"gallery",
        &dir,
        &"--family",
        &"tap",
        &"--seeds",
        &"1,2",
        &"--seconds",
        &seconds.to_string(),
    ]);
    assert_ok(&result);
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
    let unknown = render(&[&"gallery", &dir, &"--family", &"kazoo"]);
    assert_fails_naming(&unknown, "kazoo");
    let _ = std::fs::remove_dir_all(dir);
}
