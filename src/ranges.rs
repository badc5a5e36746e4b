//! Every setting's range and default, in one place: the host parameters (`params`), the
//! engine's clamps, the editor, and the renderer's flag parsers and help text all read them
//! from here, so a range is written once. Units are in the names (`_DEG`, `_DB`, `_M`, ...);
//! a share without a unit is 0 ..= 1 (shown in percent).
//!
//! A test (`no_range_literals_outside_the_ranges_module`) checks that the modules that use
//! these ranges write none of their own.

/// A setting's range (inclusive) and its default, in the setting's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range<T> {
    /// Lowest value.
    pub min: T,
    /// Highest value.
    pub max: T,
    /// The value of a new instance.
    pub default: T,
}

impl<T: PartialOrd + Copy> Range<T> {
    /// `value` held within the range (a NaN stays NaN, as with `f32::clamp`).
    pub fn clamp(&self, value: T) -> T {
        if value < self.min {
            self.min
        } else if value > self.max {
            self.max
        } else {
            value
        }
    }

    /// Whether `value` lies within the range.
    pub fn contains(&self, value: T) -> bool {
        self.min <= value && value <= self.max
    }
}

/// A share, 0 ..= 1, with `default`.
const fn share(default: f32) -> Range<f32> {
    Range {
        min: 0.0,
        max: 1.0,
        default,
    }
}

// Placement: the input's and every layer's.

/// Azimuth (degrees): 0 = front, positive to the right (90 = right ear), ±180 = behind.
pub const AZIMUTH_DEG: Range<f32> = Range {
    min: -180.0,
    max: 180.0,
    default: 0.0,
};
/// Elevation (degrees): -40 (below, the lowest the HRTF measures) ..= 90 (above).
pub const ELEVATION_DEG: Range<f32> = Range {
    min: -40.0,
    max: 90.0,
    default: 0.0,
};
/// Distance from the centre of the head (m): whisper-in-the-ear range up to across a room.
pub const DISTANCE_M: Range<f32> = Range {
    min: 0.1,
    max: 10.0,
    default: 1.0,
};
/// Free motion rate (cycles per second, Hz).
pub const MOTION_RATE_HZ: Range<f32> = Range {
    min: 0.01,
    max: 10.0,
    default: 0.25,
};
/// Motion depth (share of the full motion).
pub const MOTION_DEPTH: Range<f32> = share(1.0);

// The input and the master chain.

/// Input gain (dB).
pub const INPUT_GAIN_DB: Range<f32> = Range {
    min: -48.0,
    max: 24.0,
    default: 0.0,
};
/// Binaural share of the output: 0 = the original, 1 = binaural.
pub const MIX: Range<f32> = share(1.0);
/// Output gain (dB).
pub const OUTPUT_GAIN_DB: Range<f32> = Range {
    min: -48.0,
    max: 12.0,
    default: 0.0,
};
/// Seed of all random variation.
pub const SEED: Range<u32> = Range {
    min: 0,
    max: 999_999,
    default: 1,
};
/// Ambient bed level (dB, read as LUFS); the default is 7 LU under the quietest default
/// trigger layer (a default Paper layer measures about -38 LUFS, a Tap layer -32 LUFS).
pub const BED_LEVEL_DB: Range<f32> = Range {
    min: -60.0,
    max: -12.0,
    default: -45.0,
};
/// Session length (minutes): up to eight hours, a night's sleep.
pub const SESSION_MINUTES: Range<i32> = Range {
    min: 1,
    max: 480,
    default: 30,
};
/// Session fade-out (s).
pub const SESSION_FADE_S: Range<i32> = Range {
    min: 5,
    max: 600,
    default: 60,
};

// A trigger layer.

/// Layer level (dB).
pub const LEVEL_DB: Range<f32> = Range {
    min: -48.0,
    max: 12.0,
    default: 0.0,
};
/// A family's character control (share of its span).
pub const CHARACTER: Range<f32> = share(0.5);
/// Free rhythm rate (events per second).
pub const RHYTHM_RATE_PER_S: Range<f32> = Range {
    min: 0.05,
    max: 30.0,
    default: 1.0,
};
/// Timing looseness (share of the largest humanizing).
pub const HUMANIZE: Range<f32> = share(0.2);
/// Chance that an event fires.
pub const PROBABILITY: Range<f32> = share(1.0);
/// Hits per event.
pub const BURST: Range<u32> = Range {
    min: 1,
    max: 8,
    default: 1,
};
/// Time between the hits of a burst (ms).
pub const BURST_SPACING_MS: Range<f32> = Range {
    min: 10.0,
    max: 500.0,
    default: 80.0,
};
/// Accent depth (share): how much quieter unaccented events are.
pub const ACCENT: Range<f32> = share(0.0);
/// How hard the triggers are played (share).
pub const INTENSITY: Range<f32> = share(0.7);
/// Random variation of the intensity (share).
pub const INTENSITY_VARIATION: Range<f32> = share(0.2);
/// MIDI note that fires a layer; the default is layer 1's (C4), the others follow
/// chromatically.
pub const MIDI_NOTE: Range<u8> = Range {
    min: 0,
    max: 127,
    default: 60,
};
/// A note's velocity (share of the full velocity).
pub const VELOCITY: Range<f32> = share(1.0);
/// Angular spread of a scatter (degrees).
pub const SPREAD_DEG: Range<f32> = Range {
    min: 0.0,
    max: 180.0,
    default: 30.0,
};
/// Distance spread of a scatter (octaves).
pub const DISTANCE_SPREAD_OCT: Range<f32> = Range {
    min: 0.0,
    max: 2.0,
    default: 0.0,
};
/// A Sample layer's attack (ms).
pub const SAMPLE_ATTACK_MS: Range<f32> = Range {
    min: 1.0,
    max: 2000.0,
    default: 2.0,
};
/// A Sample layer's release (ms).
pub const SAMPLE_RELEASE_MS: Range<f32> = Range {
    min: 1.0,
    max: 5000.0,
    default: 10.0,
};
/// A Sample layer's length (s); the top of the range means the whole clip.
pub const SAMPLE_LENGTH_S: Range<f32> = Range {
    min: 0.02,
    max: 20.0,
    default: 20.0,
};

// Sessions and renders.

/// Sample rates Tingle runs at and SOFA files may have (Hz); renders default to 48 kHz.
pub const SAMPLE_RATE_HZ: Range<u32> = Range {
    min: 8_000,
    max: 384_000,
    default: 48_000,
};
/// Tempo (quarter notes per minute) where the host gives none, and of offline renders.
pub const TEMPO_BPM: Range<f32> = Range {
    min: 10.0,
    max: 999.0,
    default: 120.0,
};

// The offline renderer's own flags.

/// Processing block size (samples); it does not change the sound.
pub const BLOCK_SIZE: Range<u32> = Range {
    min: 1,
    max: 65_536,
    default: 512,
};
/// Silence rendered after a placed file, so the filter tails ring out (s).
pub const TAIL_S: Range<f32> = Range {
    min: 0.0,
    max: 60.0,
    default: 0.05,
};
/// Length of a scene render (s): up to a day.
pub const DURATION_S: Range<f32> = Range {
    min: 0.1,
    max: 86_400.0,
    default: 30.0,
};
/// Length of each render of a gallery (s).
pub const GALLERY_S: Range<f32> = Range {
    min: 0.1,
    max: 3600.0,
    default: 10.0,
};
/// Fade-in and fade-out of a render (s; 0: none).
pub const RENDER_FADE_S: Range<f32> = Range {
    min: 0.0,
    max: 86_400.0,
    default: 0.0,
};
/// Integrated loudness (EBU R128, LUFS) a render may be set to; the default is the level the
/// factory scenes play at.
pub const LOUDNESS_LUFS: Range<f32> = Range {
    min: -60.0,
    max: -5.0,
    default: -26.0,
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Folders whose code uses the settings' ranges.
    const USERS: [&str; 6] = [
        "src/params",
        "src/engine",
        "src/editor",
        "src/scene",
        "src/bin",
        "src/binaural",
    ];
    /// Folders where a literal 0 ..= 1 would be a share setting's range (elsewhere, e.g. in the
    /// editor's drawing, it is a fraction of a bar or a fade).
    const SHARE_USERS: [&str; 3] = ["src/params", "src/engine", "src/bin"];

    /// (min, max) of every range in this module.
    fn known() -> Vec<(f64, f64)> {
        let f = |r: Range<f32>| (f64::from(r.min), f64::from(r.max));
        let i = |r: Range<i32>| (f64::from(r.min), f64::from(r.max));
        let u = |r: Range<u32>| (f64::from(r.min), f64::from(r.max));
        vec![
            f(AZIMUTH_DEG),
            f(ELEVATION_DEG),
            f(DISTANCE_M),
            f(MOTION_RATE_HZ),
            f(INPUT_GAIN_DB),
            f(OUTPUT_GAIN_DB),
            u(SEED),
            f(BED_LEVEL_DB),
            i(SESSION_MINUTES),
            i(SESSION_FADE_S),
            f(LEVEL_DB),
            f(RHYTHM_RATE_PER_S),
            u(BURST),
            f(BURST_SPACING_MS),
            (f64::from(MIDI_NOTE.min), f64::from(MIDI_NOTE.max)),
            f(SPREAD_DEG),
            f(DISTANCE_SPREAD_OCT),
            f(SAMPLE_ATTACK_MS),
            f(SAMPLE_RELEASE_MS),
            f(SAMPLE_LENGTH_S),
            u(SAMPLE_RATE_HZ),
            f(TEMPO_BPM),
            u(BLOCK_SIZE),
            f(TAIL_S),
            f(DURATION_S),
            f(GALLERY_S),
            f(RENDER_FADE_S),
            f(LOUDNESS_LUFS),
        ]
    }

    /// The numbers written in `code` (a line without its comment), with where each starts and
    /// ends.
    fn numbers(code: &str) -> Vec<(usize, usize, f64)> {
        let bytes = code.as_bytes();
        let mut found = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let starts_number = bytes[at].is_ascii_digit()
                && (at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'));
            if !starts_number {
                at += 1;
                continue;
            }
            let negative = at > 0 && bytes[at - 1] == b'-';
            let start = if negative { at - 1 } else { at };
            let mut end = at;
            while end < bytes.len()
                && (bytes[end].is_ascii_digit()
                    || bytes[end] == b'_'
                    || (bytes[end] == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
            {
                end += 1;
            }
            if let Ok(value) = code[start..end].replace('_', "").parse::<f64>() {
                found.push((start, end, value));
            }
            at = end;
        }
        found
    }

    /// Pairs of numbers written as a range: `clamp(a, b)`, `a..=b`, or `min: a, max: b`.
    fn literal_ranges(code: &str) -> Vec<(f64, f64)> {
        let numbers = numbers(code);
        numbers
            .windows(2)
            .filter(|pair| {
                let squeeze = |text: &str| -> String {
                    text.chars().filter(|c| !c.is_whitespace()).collect()
                };
                let before = squeeze(&code[..pair[0].0]);
                match squeeze(&code[pair[0].1..pair[1].0]).as_str() {
                    "..=" => true,
                    "," => before.ends_with("clamp("),
                    ",max:" => before.ends_with("min:"),
                    _ => false,
                }
            })
            .map(|pair| (pair[0].2, pair[1].2))
            .collect()
    }

    /// Every `.rs` file under `dir`.
    fn sources(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                sources(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }

    /// The scanner finds ranges written the ways code writes them, and only those.
    #[test]
    fn literal_ranges_are_found() {
        assert_eq!(literal_ranges("x.clamp(-40.0, 90.0)"), [(-40.0, 90.0)]);
        assert_eq!(literal_ranges("8_000..=384_000"), [(8000.0, 384_000.0)]);
        assert_eq!(
            literal_ranges("Linear { min: 0.05, max: 30.0 }"),
            [(0.05, 30.0)]
        );
        assert!(literal_ranges("f(0.5, 2.0) + g(2.0)").is_empty());
        assert!(literal_ranges("for ear in 0..2 { LAYER_2, 3 }").is_empty());
    }

    /// No file that uses the settings' ranges writes one of them as literal numbers (outside
    /// its tests and comments): they come from this module.
    #[test]
    fn no_range_literals_outside_the_ranges_module() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let known = known();
        let mut files = Vec::new();
        for dir in USERS {
            sources(&root.join(dir), &mut files);
        }
        let mut found = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("a source file");
            let shares = SHARE_USERS.iter().any(|d| file.starts_with(root.join(d)));
            for (n, line) in text.lines().enumerate() {
                if line.trim_start() == "#[cfg(test)]" {
                    break;
                }
                let code = line.split("//").next().unwrap_or("");
                for pair in literal_ranges(code) {
                    if known.contains(&pair) || (shares && pair == (0.0, 1.0)) {
                        found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "ranges written out of ranges.rs:\n{}",
            found.join("\n")
        );
    }
}
