//! When a layer fires: a free rate or a tempo-synced grid, with humanised timing, probability,
//! bursts, accents and intensity variation. Times are kept in absolute samples (f64), so grid
//! events land within a sample of where they belong however the host slices its blocks.

use super::tempo::{Clock, NoteValue, Transport};
use crate::dsp::random::{RngExt, SeededRng, seeded};
use crate::ranges;

/// Most hits waiting to sound (a few bursts' worth); further hits are dropped, never allocated.
/// So it is also the most hits one [`Rhythm::advance`] emits.
pub const PENDING_CAPACITY: usize = 64;
/// Largest timing jitter at full humanize, as a share of the interval between events.
const MAX_JITTER_SHARE: f64 = 0.25;
/// Largest timing jitter at full humanize (s), however slow the rate.
const MAX_JITTER_S: f64 = 0.05;
/// When free running, every this many events one is accented (when synced: those on a bar line).
pub const ACCENT_PERIOD: u64 = 4;
/// Level drop of unaccented hits at full accent (share of intensity).
pub const ACCENT_DEPTH: f32 = 0.5;

/// How often a layer fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RhythmRate {
    /// Free-running, in events per second (0.05 ..= 30).
    PerSecond(f32),
    /// One event per note value, on the host's grid while its transport plays.
    Synced(NoteValue),
}

/// A layer's rhythm settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RhythmSettings {
    /// Event rate; `None` fires only on MIDI notes.
    pub rate: Option<RhythmRate>,
    /// Timing jitter, 0 ..= 1: at 1 each event moves by up to ±25 % of the interval (at most
    /// ±50 ms), uniformly.
    pub humanize: f32,
    /// Chance that an event fires, 0 ..= 1.
    pub probability: f32,
    /// Hits per event, 1 ..= 8.
    pub burst: u32,
    /// Time between the hits of a burst (s), 0.01 ..= 0.5.
    pub burst_spacing_s: f32,
    /// Accent, 0 ..= 1: accented events (every fourth when free, those on a bar line when
    /// synced) play at full intensity, the others up to 50 % softer.
    pub accent: f32,
    /// Intensity of the hits, 0 ..= 1.
    pub intensity: f32,
    /// Random intensity variation, 0 ..= 1: each hit loses up to this share of its intensity.
    pub intensity_variation: f32,
}

impl Default for RhythmSettings {
    fn default() -> Self {
        Self {
            rate: Some(RhythmRate::PerSecond(1.0)),
            humanize: 0.2,
            probability: 1.0,
            burst: 1,
            burst_spacing_s: 0.08,
            accent: 0.0,
            intensity: 0.7,
            intensity_variation: 0.2,
        }
    }
}

/// A hit due in the current block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Sample offset into the block.
    pub offset: usize,
    /// Intensity, 0 ..= 1.
    pub intensity: f32,
    /// Whether a MIDI note fired it (a note-off can end it), not the rhythm.
    pub from_note: bool,
}

/// A hit waiting to sound.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    /// Absolute sample time, a whole number.
    time: f64,
    intensity: f32,
}

/// The rhythm generator of one layer.
#[derive(Debug, Clone)]
pub struct Rhythm {
    rng: SeededRng,
    sample_rate: f64,
    /// Absolute sample time of the current block's start.
    now: f64,
    /// Free running: absolute time of the next nominal event.
    next_free: f64,
    /// Synced: grid index of the last event generated (events are at index × note length).
    last_grid: Option<i64>,
    /// Events generated so far (for accents when free running).
    events: u64,
    pending: [Pending; PENDING_CAPACITY],
    pending_len: usize,
}

impl Rhythm {
    /// A rhythm at `sample_rate` (Hz) drawing its randomness from `seed`.
    pub fn new(sample_rate: f32, seed: u64) -> Self {
        Self {
            rng: seeded(seed),
            sample_rate: f64::from(sample_rate),
            now: 0.0,
            next_free: 0.0,
            last_grid: None,
            events: 0,
            pending: [Pending::default(); PENDING_CAPACITY],
            pending_len: 0,
        }
    }

    /// Starts over from time 0 with the randomness of `seed`.
    pub fn reset(&mut self, seed: u64) {
        *self = Self::new(self.sample_rate as f32, seed);
    }

    /// Draws from `seed` from now on, keeping the timing.
    pub fn reseed(&mut self, seed: u64) {
        self.rng = seeded(seed);
    }

    /// Calls `fire` for every hit due in the next `len` samples, in time order, then moves on.
    /// `clock` and `transport` describe the block's song position.
    pub fn advance(
        &mut self,
        len: usize,
        settings: &RhythmSettings,
        transport: &Transport,
        clock: &Clock,
        mut fire: impl FnMut(Hit),
    ) {
        let end = self.now + len as f64;
        if let Some(rate) = settings.rate {
            self.generate(end, rate, settings, transport, clock);
        } else {
            self.last_grid = None;
            self.next_free = end;
        }
        // Emit due hits in time order; keep the rest.
        self.pending[..self.pending_len].sort_unstable_by(|a, b| a.time.total_cmp(&b.time));
        let due = self.pending[..self.pending_len]
            .iter()
            .take_while(|p| p.time < end)
            .count();
        for p in &self.pending[..due] {
            let offset = ((p.time - self.now).max(0.0) as usize).min(len.saturating_sub(1));
            fire(Hit {
                offset,
                intensity: p.intensity,
                from_note: false,
            });
        }
        self.pending.copy_within(due..self.pending_len, 0);
        self.pending_len -= due;
        self.now = end;
    }

    /// Generates the nominal events whose jittered hits may fall before `end`.
    fn generate(
        &mut self,
        end: f64,
        rate: RhythmRate,
        settings: &RhythmSettings,
        transport: &Transport,
        clock: &Clock,
    ) {
        let synced_grid = match rate {
            RhythmRate::Synced(note) => clock
                .beats_at(0)
                .filter(|_| transport.playing)
                .map(|b| (note, b)),
            RhythmRate::PerSecond(_) => None,
        };
        match synced_grid {
            Some((note, block_beats)) => {
                let note_beats = note.beats(transport.beats_per_bar);
                let samples_per_beat = self.sample_rate * 60.0 / transport.tempo_bpm;
                let interval = note_beats * samples_per_beat;
                let lookahead = self.max_jitter(interval, settings.humanize);
                let first = (block_beats / note_beats - 1e-9).ceil() as i64;
                // A jump back (loop, relocation) restarts the grid.
                let mut index = match self.last_grid {
                    Some(last) if last + 1 >= first && last < first + 2 => last + 1,
                    _ => first,
                };
                loop {
                    let offset = (index as f64 * note_beats - block_beats) * samples_per_beat;
                    let time = self.now + offset.round();
                    if time >= end + lookahead {
                        break;
                    }
                    let accented = (index as f64 * note_beats / transport.beats_per_bar)
                        .fract()
                        .abs()
                        < 1e-9;
                    self.event(time, interval, accented, settings);
                    self.last_grid = Some(index);
                    index += 1;
                }
                self.next_free = end;
            }
            None => {
                self.last_grid = None;
                let seconds = match rate {
                    RhythmRate::PerSecond(hz) => 1.0 / f64::from(hz.max(1e-3)),
                    RhythmRate::Synced(note) => note.seconds(transport),
                };
                let interval = seconds * self.sample_rate;
                let lookahead = self.max_jitter(interval, settings.humanize);
                self.next_free = self.next_free.max(self.now);
                while self.next_free < end + lookahead {
                    let accented = self.events.is_multiple_of(ACCENT_PERIOD);
                    self.event(self.next_free, interval, accented, settings);
                    self.next_free += interval;
                }
            }
        }
    }

    /// Largest jitter (samples) for events `interval` samples apart.
    fn max_jitter(&self, interval: f64, humanize: f32) -> f64 {
        f64::from(ranges::HUMANIZE.clamp(humanize))
            * (MAX_JITTER_SHARE * interval).min(MAX_JITTER_S * self.sample_rate)
    }

    /// One nominal event at absolute time `time`: decides whether it fires, jitters it and
    /// queues its burst of hits.
    fn event(&mut self, time: f64, interval: f64, accented: bool, settings: &RhythmSettings) {
        self.events += 1;
        // Draw every random number whether or not the event fires, so changing the probability
        // does not reshuffle the rest of the pattern.
        let chance: f32 = self.rng.random();
        let jitter =
            (self.rng.random::<f64>() * 2.0 - 1.0) * self.max_jitter(interval, settings.humanize);
        if chance >= settings.probability {
            return;
        }
        let accent = if accented {
            1.0
        } else {
            1.0 - ACCENT_DEPTH * ranges::ACCENT.clamp(settings.accent)
        };
        let spacing = f64::from(settings.burst_spacing_s) * self.sample_rate;
        for hit in 0..ranges::BURST.clamp(settings.burst) {
            let variation = 1.0
                - ranges::INTENSITY_VARIATION.clamp(settings.intensity_variation)
                    * self.rng.random::<f32>();
            if self.pending_len < PENDING_CAPACITY {
                self.pending[self.pending_len] = Pending {
                    time: (time + jitter + f64::from(hit) * spacing)
                        .round()
                        .max(self.now),
                    intensity: ranges::INTENSITY.clamp(settings.intensity * accent * variation),
                };
                self.pending_len += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(
        settings: &RhythmSettings,
        transport: &Transport,
        seconds: f32,
        block: usize,
    ) -> Vec<(usize, f32)> {
        let fs = 48_000.0;
        let mut r = Rhythm::new(fs, 7);
        let mut clock = Clock::new(transport, fs);
        let mut out = Vec::new();
        let mut start = 0;
        while start < (seconds * fs) as usize {
            r.advance(block, settings, transport, &clock, |h| {
                out.push((start + h.offset, h.intensity))
            });
            clock.advance(block);
            start += block;
        }
        out
    }

    fn exact(rate: RhythmRate) -> RhythmSettings {
        RhythmSettings {
            rate: Some(rate),
            humanize: 0.0,
            intensity_variation: 0.0,
            ..RhythmSettings::default()
        }
    }

    #[test]
    fn free_rate_lands_on_its_grid() {
        let h = hits(
            &exact(RhythmRate::PerSecond(3.0)),
            &Transport::default(),
            4.0,
            100,
        );
        assert_eq!(h.len(), 12);
        for (k, (t, _)) in h.iter().enumerate() {
            let expected = k as f64 * 16_000.0;
            assert!(
                (*t as f64 - expected).abs() <= 1.0,
                "hit {k} at {t}, expected {expected}"
            );
        }
    }

    #[test]
    fn synced_eighths_follow_the_song_position_at_several_tempos() {
        for (bpm, start_beats) in [(90.0, 0.0), (120.0, 3.3), (137.0, 17.25)] {
            let t = Transport {
                tempo_bpm: bpm,
                playing: true,
                position_beats: Some(start_beats),
                ..Transport::default()
            };
            let h = hits(&exact(RhythmRate::Synced(NoteValue::Eighth)), &t, 3.0, 256);
            let spb = 48_000.0 * 60.0 / bpm;
            assert!(h.len() as f64 >= 3.0 * 2.0 * bpm / 60.0 - 1.0);
            for (t, _) in &h {
                let beats = start_beats + *t as f64 / spb;
                let from_grid = (beats / 0.5 - (beats / 0.5).round()).abs() * 0.5 * spb;
                assert!(
                    from_grid <= 1.0,
                    "{bpm} BPM: hit at {t} is {from_grid} samples off the grid"
                );
            }
        }
    }

    #[test]
    fn probability_and_jitter_follow_their_settings() {
        let settings = RhythmSettings {
            probability: 0.3,
            humanize: 1.0,
            ..exact(RhythmRate::PerSecond(10.0))
        };
        let h = hits(&settings, &Transport::default(), 200.0, 512);
        let share = h.len() as f64 / 2000.0;
        assert!((share - 0.3).abs() < 0.04, "fired {share}");
        // Deviation from the 10/s grid: uniform within ±25 ms (a quarter of 100 ms), std 14.4 ms.
        let dev: Vec<f64> = h
            .iter()
            .map(|(t, _)| (*t as f64 / 4800.0 - (*t as f64 / 4800.0).round()) * 0.1)
            .collect();
        let max = dev.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        let std = (dev.iter().map(|d| d * d).sum::<f64>() / dev.len() as f64).sqrt();
        assert!(max <= 0.025 + 1e-4, "jitter {max} s");
        assert!(
            (std - 0.025 / 3f64.sqrt()).abs() < 0.002,
            "jitter std {std} s"
        );
    }

    #[test]
    fn bursts_and_accents() {
        let settings = RhythmSettings {
            burst: 3,
            burst_spacing_s: 0.05,
            accent: 1.0,
            ..exact(RhythmRate::PerSecond(1.0))
        };
        let h = hits(&settings, &Transport::default(), 4.0, 64);
        assert_eq!(h.len(), 12);
        assert_eq!(h[1].0 - h[0].0, 2400);
        assert!(
            (h[0].1 - 0.7).abs() < 1e-6 && (h[3].1 - 0.35).abs() < 1e-6,
            "{h:?}"
        );
    }
}
