//! What the audio thread tells the editor: each trigger as it sounds (through a lock-free
//! queue) and the meters and current positions (through atomics). The audio side never
//! allocates, locks or waits: a full queue drops the flash. The other way, the editor sends
//! short cues to play (the ear match's taps) down a hand-over line, and asks for quiet.

use super::LAYERS;
use crate::binaural::Position;
use crate::handover;
use atomic_float::AtomicF32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Flashes the queue holds before the audio thread starts dropping them.
pub const FLASH_CAPACITY: usize = 1024;
/// Cues the line to the audio thread holds (each way).
pub const CUE_CAPACITY: usize = 4;

/// A short stereo sound the editor asks the audio thread to play once, at the output's sample
/// rate (an ear-match tap). It plays through the master chain (output gain, gentle mode,
/// limiter), starting at the next block; a cue sent while one plays replaces it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// Left channel samples, full scale -1 ..= 1.
    pub left: Box<[f32]>,
    /// Right channel samples, as many as `left`.
    pub right: Box<[f32]>,
}

/// A trigger at the moment it sounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TriggerFlash {
    /// Layer index, 0 ..= 7.
    pub layer: usize,
    /// Where it sounded.
    pub position: Position,
    /// Its intensity, 0 ..= 1.
    pub intensity: f32,
}

/// A position shared through atomics (azimuth and elevation in degrees, distance in metres).
#[derive(Debug, Default)]
pub struct SharedPosition([AtomicF32; 3]);

impl SharedPosition {
    /// Publishes `p`.
    pub fn store(&self, p: &Position) {
        self.0[0].store(p.azimuth_deg, Ordering::Relaxed);
        self.0[1].store(p.elevation_deg, Ordering::Relaxed);
        self.0[2].store(p.distance_m, Ordering::Relaxed);
    }

    /// The last published position.
    pub fn load(&self) -> Position {
        Position {
            azimuth_deg: self.0[0].load(Ordering::Relaxed),
            elevation_deg: self.0[1].load(Ordering::Relaxed),
            distance_m: self.0[2].load(Ordering::Relaxed),
        }
    }
}

/// Meters and positions, written by the audio thread once per block.
#[derive(Debug, Default)]
pub struct Meters {
    /// Per channel, the largest sample magnitude since the editor last took it (linear).
    pub peak: [AtomicF32; 2],
    /// Short-term loudness of the output (LUFS).
    pub short_term_lufs: AtomicF32,
    /// The safety limiter's gain reduction (dB, >= 0).
    pub limiter_reduction_db: AtomicF32,
    /// The share of one core the engine takes (time spent over audio time: 0.01 = 1 %),
    /// smoothed over about half a second; measured only while an editor listens.
    pub cpu_share: AtomicF32,
    /// Seconds left in the session (0 once it ended; NaN while the session timer is off).
    pub timer_remaining_s: AtomicF32,
    /// Where the input source is now (after glides and motion).
    pub input_position: SharedPosition,
    /// Where each layer is now (after glides and motion).
    pub layer_positions: [SharedPosition; LAYERS],
    /// Whether an editor is open and reading them: the audio thread measures only then.
    pub listening: AtomicBool,
    /// Voices sounding in each layer (written every block, editor or not).
    pub layer_voices: [AtomicU32; LAYERS],
    /// The output's sample rate (Hz; 0 until an engine runs).
    pub sample_rate: AtomicF32,
    /// How many times the tingle note has been played (MIDI), counting up from 0 and wrapping;
    /// the editor logs a tingle for each step it sees.
    pub tingles: AtomicU32,
    /// Set by the editor while a cue session runs (the ear match): the scene (input, layers,
    /// room, bed) fades out within [`QUIET_FADE_S`] so the cues are heard alone, and fades
    /// back in when it is cleared.
    pub quiet: AtomicBool,
}

/// Seconds the scene takes to fade out or back in when [`Meters::quiet`] changes.
pub const QUIET_FADE_S: f32 = 0.5;

impl Meters {
    /// Tells the audio thread whether an editor reads the meters (`true` while one is open).
    pub fn set_listening(&self, on: bool) {
        self.listening.store(on, Ordering::Relaxed);
    }

    /// Whether an editor reads the meters.
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    /// Takes the peak of `channel` (0 = left, 1 = right) since the last call, resetting it.
    pub fn take_peak(&self, channel: usize) -> f32 {
        self.peak[channel].swap(0.0, Ordering::Relaxed)
    }
}

/// The audio thread's end.
pub struct TelemetrySender {
    flashes: rtrb::Producer<TriggerFlash>,
    meters: Arc<Meters>,
    /// Cues from the editor, and the played ones handed back to be dropped there.
    pub cues: handover::Receiver<Cue>,
}

/// The editor's end.
pub struct TelemetryReceiver {
    /// Triggers as they sounded, oldest first.
    pub flashes: rtrb::Consumer<TriggerFlash>,
    /// Meters and positions.
    pub meters: Arc<Meters>,
    /// Sends cues to play (and drops the played ones the audio thread hands back).
    pub cues: handover::Sender<Cue>,
}

/// A connected pair. Allocates.
pub fn telemetry() -> (TelemetrySender, TelemetryReceiver) {
    let (producer, consumer) = rtrb::RingBuffer::new(FLASH_CAPACITY);
    let (cue_sender, cue_receiver) = handover::line(CUE_CAPACITY);
    let meters = Arc::new(Meters::default());
    (
        TelemetrySender {
            flashes: producer,
            meters: meters.clone(),
            cues: cue_receiver,
        },
        TelemetryReceiver {
            flashes: consumer,
            meters,
            cues: cue_sender,
        },
    )
}

impl TelemetrySender {
    /// Reports a trigger; drops it if the editor is not keeping up.
    pub fn flash(&mut self, flash: TriggerFlash) {
        let _ = self.flashes.push(flash);
    }

    /// The meters to write.
    pub fn meters(&self) -> &Meters {
        &self.meters
    }
}
