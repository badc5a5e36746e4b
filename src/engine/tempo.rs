//! Musical time: the host transport as the engine sees it, and tempo-synced note values.

/// The host's transport at the start of a block, in plain numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transport {
    /// Tempo in beats (quarter notes) per minute, > 0.
    pub tempo_bpm: f64,
    /// Quarter notes per bar (4 in 4/4, 3 in 6/8).
    pub beats_per_bar: f64,
    /// Whether the transport is playing.
    pub playing: bool,
    /// Song position in quarter notes at the start of the block, when the host says.
    pub position_beats: Option<f64>,
    /// Song position in seconds at the start of the block, when the host says (the session
    /// timer follows it; see [`super::timer`]).
    pub position_seconds: Option<f64>,
}

/// Tempo assumed when the host does not report one (beats per minute).
pub const DEFAULT_TEMPO_BPM: f64 = crate::ranges::TEMPO_BPM.default as f64;

impl Default for Transport {
    /// Stopped, 120 BPM, 4/4, position unknown.
    fn default() -> Self {
        Self {
            tempo_bpm: DEFAULT_TEMPO_BPM,
            beats_per_bar: 4.0,
            playing: false,
            position_beats: None,
            position_seconds: None,
        }
    }
}

/// The song position while a block is processed: where it started and how fast it moves.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Clock {
    /// Song position (quarter notes) at the current block's start, when known.
    beats: Option<f64>,
    /// Quarter notes per sample at the current tempo.
    beats_per_sample: f64,
}

impl Clock {
    /// The clock of a block starting at `transport`, at `sample_rate` (Hz).
    pub fn new(transport: &Transport, sample_rate: f32) -> Self {
        Self {
            beats: transport.position_beats,
            beats_per_sample: transport.tempo_bpm / 60.0 / f64::from(sample_rate),
        }
    }

    /// Song position `offset` samples into the block.
    pub fn beats_at(&self, offset: usize) -> Option<f64> {
        self.beats
            .map(|b| b + offset as f64 * self.beats_per_sample)
    }

    /// Moves the block start on by `samples`.
    pub fn advance(&mut self, samples: usize) {
        self.beats = self.beats_at(samples);
    }
}

/// A note value for tempo-synced rates: the length of one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteValue {
    /// Four bars.
    FourBars,
    /// Two bars.
    TwoBars,
    /// One bar.
    OneBar,
    /// A half note.
    Half,
    /// A dotted half note.
    HalfDotted,
    /// A half-note triplet.
    HalfTriplet,
    /// A quarter note (one beat).
    Quarter,
    /// A dotted quarter note.
    QuarterDotted,
    /// A quarter-note triplet.
    QuarterTriplet,
    /// An eighth note.
    Eighth,
    /// A dotted eighth note.
    EighthDotted,
    /// An eighth-note triplet.
    EighthTriplet,
    /// A sixteenth note.
    Sixteenth,
    /// A dotted sixteenth note.
    SixteenthDotted,
    /// A sixteenth-note triplet.
    SixteenthTriplet,
    /// A thirty-second note.
    ThirtySecond,
    /// A sixty-fourth note.
    SixtyFourth,
}

impl NoteValue {
    /// Length in quarter notes, with bars of `beats_per_bar` quarter notes.
    pub fn beats(self, beats_per_bar: f64) -> f64 {
        const DOTTED: f64 = 1.5;
        const TRIPLET: f64 = 2.0 / 3.0;
        match self {
            Self::FourBars => 4.0 * beats_per_bar,
            Self::TwoBars => 2.0 * beats_per_bar,
            Self::OneBar => beats_per_bar,
            Self::Half => 2.0,
            Self::HalfDotted => 2.0 * DOTTED,
            Self::HalfTriplet => 2.0 * TRIPLET,
            Self::Quarter => 1.0,
            Self::QuarterDotted => DOTTED,
            Self::QuarterTriplet => TRIPLET,
            Self::Eighth => 0.5,
            Self::EighthDotted => 0.5 * DOTTED,
            Self::EighthTriplet => 0.5 * TRIPLET,
            Self::Sixteenth => 0.25,
            Self::SixteenthDotted => 0.25 * DOTTED,
            Self::SixteenthTriplet => 0.25 * TRIPLET,
            Self::ThirtySecond => 0.125,
            Self::SixtyFourth => 0.0625,
        }
    }

    /// Length in seconds at `transport`'s tempo and metre.
    pub fn seconds(self, transport: &Transport) -> f64 {
        self.beats(transport.beats_per_bar) * 60.0 / transport.tempo_bpm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_lengths_at_120_bpm() {
        let t = Transport::default();
        assert_eq!(NoteValue::OneBar.seconds(&t), 2.0);
        assert_eq!(NoteValue::QuarterDotted.seconds(&t), 0.75);
        assert!((NoteValue::EighthTriplet.seconds(&t) - 1.0 / 6.0).abs() < 1e-12);
        let six_eight = Transport {
            beats_per_bar: 3.0,
            ..t
        };
        assert_eq!(NoteValue::TwoBars.seconds(&six_eight), 3.0);
    }
}
