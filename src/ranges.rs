//! Every setting's range and default, in one place: the host parameters (`params`), the
//! engine's clamps, the editor, and the renderer's flag parsers and help text all read them
//! from here, so a range is written once. Units are in the names (`_DEG`, `_DB`, `_M`, ...);
//! a share without a unit is 0 ..= 1 (shown in percent).
//!
//! A test (`tests/architecture.rs`, `no_range_literals_outside_the_ranges_module`) checks that
//! the modules that use these ranges write none of their own.

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
/// Room Size: the factor on the room preset's dimensions (shown in percent).
pub const ROOM_SIZE: Range<f32> = Range {
    min: 0.5,
    max: 1.5,
    default: 1.0,
};
/// Room Damping: absorption above 1 kHz (0.5 is the preset as designed).
pub const ROOM_DAMPING: Range<f32> = share(0.5);
/// Room Level (dB): the room's sound against its physical level.
pub const ROOM_LEVEL_DB: Range<f32> = Range {
    min: -24.0,
    max: 6.0,
    default: 0.0,
};
/// A layer's Room Send: the share of its sound sent into the room (amplitude; 1 is the
/// physical level). The default, 15 % (-16.5 dB), keeps a trigger close and clear: at the
/// physical level a sound 1 m away in a bedroom is mostly room, and the judge stops hearing
/// paper as paper (measured in docs/ROOM.md).
pub const ROOM_SEND: Range<f32> = share(0.15);
/// Head Yaw (degrees): the head turned to the right (positive) or left.
pub const HEAD_YAW_DEG: Range<f32> = Range {
    min: -180.0,
    max: 180.0,
    default: 0.0,
};
/// Head Pitch (degrees): the face tilted up (positive) or down.
pub const HEAD_PITCH_DEG: Range<f32> = Range {
    min: -90.0,
    max: 90.0,
    default: 0.0,
};
/// Head Roll (degrees): the head tilted towards the right (positive) or left shoulder.
pub const HEAD_ROLL_DEG: Range<f32> = HEAD_PITCH_DEG;
/// The input's Room Send (off by default: the track's own sound stays dry until asked).
pub const INPUT_ROOM_SEND: Range<f32> = share(0.0);
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

// The Tingle finder's safe ranges: what it may propose. Levels, intensity, gentle mode and the
// limiter are never searched.

/// Rate of a layer of short triggers (events per second): calm, from a lone tap every
/// few seconds to a steady patter (the rates users play, as issue 19 measured them).
pub const FINDER_RATE_PER_S: Range<f32> = Range {
    min: 0.15,
    max: 3.0,
    default: 1.0,
};
/// Rate of a layer of sustained triggers (rain, fire, paper, samples; events per second).
pub const FINDER_SUSTAINED_RATE_PER_S: Range<f32> = Range {
    min: 0.1,
    max: 0.5,
    default: 0.25,
};
/// Distance (m): from a whisper's reach to across a small room.
pub const FINDER_DISTANCE_M: Range<f32> = Range {
    min: 0.15,
    max: 3.0,
    default: 1.0,
};
/// Motion rate (cycles per second, Hz): slow enough to follow, never a spin.
pub const FINDER_MOTION_RATE_HZ: Range<f32> = Range {
    min: 0.02,
    max: 0.25,
    default: 0.1,
};
