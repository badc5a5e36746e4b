//! `tingle-render` with the user's own sounds: a scene naming sound files (relative to the
//! scene) renders them at the scheduled times; `--samples` replaces a layer's files; a file
//! that cannot be used stops the render with a message naming it, and writes nothing.

mod common;

use common::{assert_rendered, tingle_render};
use std::path::Path;
use tingle::samples::testfiles::{folder, sine, write_garbage, write_wav};

/// Sample rate of the renders (Hz).
const FS: u32 = 48_000;
/// Level (linear) above which a rendered sample counts as sound.
const ONSET_THRESHOLD: f32 = 0.01;

/// A scene with layer 1 a Sample layer at 2 per second, no timing jitter and no variation,
/// playing `samples`.
fn scene(dir: &Path, samples: &[&str]) -> std::path::PathBuf {
    let path = dir.join("scene.json");
    let scene = serde_json::json!({
        "tingle_scene": 2,
        "params": {"layer_1": {
            "on": true, "family": "sample", "rate": 2.0, "human": 0.0, "ivar": 0.0,
            "pitch_spread": 0.0, "level_spread": 0.0, "start_spread": 0.0, "reverse": 0.0,
            "samples": samples,
        }}
    });
    std::fs::write(&path, scene.to_string()).unwrap();
    path
}

/// The render's samples (both ears summed).
fn read(path: &Path) -> Vec<f32> {
    let mut reader = hound::WavReader::open(path).unwrap();
    let samples: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
    samples.chunks_exact(2).map(|f| f[0] + f[1]).collect()
}

/// Onsets after at least 50 ms of silence (samples).
fn onsets(x: &[f32]) -> Vec<usize> {
    common::sound_starts(x, ONSET_THRESHOLD, FS as usize / 20)
}

/// A scene's relative sound path plays, every half second; `--samples` swaps in another file.
#[test]
fn a_scene_renders_its_sound_files() {
    let dir = folder("render-samples");
    std::fs::create_dir(dir.join("sounds")).unwrap();
    write_wav(
        &dir.join("sounds/tick.wav"),
        44_100,
        1,
        &sine(1_000.0, 0.5, 0.05, 44_100),
    );
    let scene = scene(&dir, &["sounds"]);
    let out = dir.join("out.wav");
    let result = tingle_render(&[&scene, &out, &"--duration", &"3"]);
    assert_rendered(&result);
    let found = onsets(&read(&out));
    assert!(found.len() >= 5, "{found:?}");
    // Within 0.1 ms: the rate parameter stores 2/s as a normalised value, a hair off.
    for pair in found.windows(2) {
        assert!(
            (pair[1] - pair[0]).abs_diff(FS as usize / 2) <= 5,
            "{pair:?}"
        );
    }

    let other = dir.join("tock.wav");
    write_wav(&other, 48_000, 1, &sine(3_000.0, 0.5, 0.05, 48_000));
    let flag = format!("1={}", other.display());
    let swapped = dir.join("swapped.wav");
    let result = tingle_render(&[&scene, &swapped, &"--duration", &"1", &"--samples", &flag]);
    assert_rendered(&result);
    let x = read(&swapped);
    let at = onsets(&x)[0] + 240;
    let crossings = x[at..at + 1_200]
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    // 3 kHz over 25 ms: 150 crossings.
    assert!(crossings.abs_diff(150) <= 4, "{crossings} crossings");
}

/// A missing file and a file that is not audio each stop the render, naming the file, the
/// layer and the reason; no output is written.
#[test]
fn a_bad_sound_file_stops_the_render_naming_it() {
    let dir = folder("render-bad");
    let garbage = dir.join("noise.mp3");
    write_garbage(&garbage);
    for (file, reason) in [
        ("gone.wav", "file not found"),
        ("noise.mp3", "not an audio file"),
    ] {
        let scene = scene(&dir, &[file]);
        let out = dir.join("out.wav");
        let result = tingle_render(&[&scene, &out, &"--duration", &"1"]);
        assert!(!result.status.success());
        let message = String::from_utf8_lossy(&result.stderr);
        assert!(
            message.contains("layer 1") && message.contains(file) && message.contains(reason),
            "{message}"
        );
        assert!(!out.exists(), "nothing written");
    }
}
