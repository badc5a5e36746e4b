//! The session timer: an optional session length after which Tingle fades smoothly to silence
//! (for therapy sessions and sleep).
//!
//! **Time base.** When the host reports a song position ([`Transport::position_seconds`]), the
//! session time *is* the song position: in a DAW the session starts at the song's start,
//! relocating the playhead moves the timer, and while the transport is stopped the time stands.
//! When the host reports none (the offline renderer, and hosts without a transport), the engine
//! counts the samples it has processed since the timer was switched on: the wall clock of the
//! audio. (nice-plug's standalone app reports the samples it has played since it started as the
//! song position, so there the session runs on the wall clock since the app started.)
//!
//! **Fade.** The fade ends at the session length and lasts the fade time, clamped to the
//! length (a 1-minute session with a 10-minute fade fades from the start). Its gain is a
//! raised cosine from 1 to 0, smooth at both ends; after the end the output is silent (and the
//! engine skips its work). A relocation of the song position, or a change of the settings,
//! may ask for another gain at once: the applied gain glides there at no more than a full
//! swing per [`GLIDE_S`], so the level never steps.

use super::tempo::Transport;
use crate::ranges;
use std::f64::consts::PI;

/// Fastest swing of the applied gain: from 1 to 0 or back in this time (s).
pub const GLIDE_S: f32 = 0.1;
/// Seconds per minute.
pub const SECONDS_PER_MINUTE: f32 = 60.0;
/// Default session length (s).
pub const DEFAULT_LENGTH_S: f32 = ranges::SESSION_MINUTES.default as f32 * SECONDS_PER_MINUTE;
/// Default fade-out time (s).
pub const DEFAULT_FADE_S: f32 = ranges::SESSION_FADE_S.default as f32;

/// The timer's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimerSettings {
    /// Whether the timer runs (off by default).
    pub enabled: bool,
    /// Session length (s, 60 ..= 28800 from the parameter's 1 ..= 480 minutes): the fade
    /// ends here.
    pub length_s: f32,
    /// Fade-out time (s, 5 ..= 600), clamped to the length.
    pub fade_s: f32,
}

impl Default for TimerSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            length_s: DEFAULT_LENGTH_S,
            fade_s: DEFAULT_FADE_S,
        }
    }
}

impl TimerSettings {
    /// The fade time actually used (s): the setting, clamped to the session length.
    pub fn effective_fade_s(&self) -> f32 {
        self.fade_s.clamp(0.0, self.length_s.max(0.0))
    }

    /// The fade's gain at session time `t` (s): 1 before the fade, a raised cosine down to 0
    /// during it, 0 from the end on; 1 when the timer is off.
    pub fn gain_at(&self, t: f64) -> f32 {
        if !self.enabled {
            return 1.0;
        }
        let (end, fade) = (f64::from(self.length_s), f64::from(self.effective_fade_s()));
        if t >= end {
            0.0
        } else if t <= end - fade {
            1.0
        } else {
            let x = (t - (end - fade)) / fade;
            (0.5 * (1.0 + (PI * x).cos())) as f32
        }
    }
}

/// The running timer.
#[derive(Debug, Clone)]
pub struct SessionTimer {
    /// Seconds per sample.
    sample_period: f64,
    settings: TimerSettings,
    /// Session time at the start of the next chunk (s).
    elapsed_s: f64,
    /// Whether the time moves while processing (a stopped host transport holds it).
    rolling: bool,
    /// The gain applied to the last sample (linear).
    gain: f32,
    /// Largest change of the applied gain per sample.
    max_step: f32,
}

impl SessionTimer {
    /// A timer at `sample_rate` (Hz), off, at time 0.
    pub fn new(sample_rate: f32) -> Self {
        Self {
            sample_period: 1.0 / f64::from(sample_rate),
            settings: TimerSettings::default(),
            elapsed_s: 0.0,
            rolling: true,
            gain: 1.0,
            max_step: 1.0 / (GLIDE_S * sample_rate),
        }
    }

    /// Takes new settings. Switching the timer on restarts the engine's own count (a host's
    /// song position replaces it at the next [`SessionTimer::locate`]).
    pub fn set(&mut self, settings: &TimerSettings) {
        if settings.enabled && !self.settings.enabled {
            self.elapsed_s = 0.0;
        }
        self.settings = *settings;
    }

    /// Follows the host: its song position, if it reports one, becomes the session time, which
    /// then moves only while the transport plays; without one the engine keeps counting.
    pub fn locate(&mut self, transport: &Transport) {
        match transport.position_seconds {
            Some(seconds) => {
                self.elapsed_s = seconds;
                self.rolling = transport.playing;
            }
            None => self.rolling = true,
        }
    }

    /// Moves the session time on by `samples` processed samples.
    pub fn advance(&mut self, samples: usize) {
        if self.rolling {
            self.elapsed_s += samples as f64 * self.sample_period;
        }
    }

    /// Multiplies `left` and `right` by the fade's gain, sample by sample (the session time
    /// at their start is the current one).
    pub fn apply(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let step = if self.rolling {
            self.sample_period
        } else {
            0.0
        };
        let last_target = self.settings.gain_at(self.elapsed_s + n as f64 * step);
        let first_target = self.settings.gain_at(self.elapsed_s);
        if self.gain == 1.0 && first_target == 1.0 && last_target == 1.0 {
            return;
        }
        for (i, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let target = self.settings.gain_at(self.elapsed_s + i as f64 * step);
            self.gain += (target - self.gain).clamp(-self.max_step, self.max_step);
            *l *= self.gain;
            *r *= self.gain;
        }
    }

    /// Whether the session has ended and the output is silent (the engine may skip its work
    /// until a relocation or a change of the settings).
    pub fn has_ended(&self) -> bool {
        self.gain == 0.0 && self.settings.gain_at(self.elapsed_s) == 0.0
    }

    /// Seconds left until the end of the session (0 once it ended), `None` while the timer is
    /// off.
    pub fn remaining_s(&self) -> Option<f32> {
        self.settings
            .enabled
            .then(|| (f64::from(self.settings.length_s) - self.elapsed_s).max(0.0) as f32)
    }

    /// Puts the applied gain where the fade is now (no glide), e.g. at an engine reset.
    pub fn settle(&mut self) {
        self.gain = self.settings.gain_at(self.elapsed_s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FS: f32 = 1000.0;

    fn on(length_s: f32, fade_s: f32) -> TimerSettings {
        TimerSettings {
            enabled: true,
            length_s,
            fade_s,
        }
    }

    /// The curve: 1 before the fade, half way at its middle, 0 at the end; the fade is clamped
    /// to the length.
    #[test]
    fn raised_cosine_ending_at_the_length() {
        let s = on(60.0, 10.0);
        assert_eq!(s.gain_at(49.9), 1.0);
        assert!((s.gain_at(55.0) - 0.5).abs() < 1e-6);
        assert_eq!(s.gain_at(60.0), 0.0);
        assert_eq!(TimerSettings::default().gain_at(1e9), 1.0);
        let short = on(60.0, 600.0);
        assert_eq!(short.effective_fade_s(), 60.0);
        assert_eq!(short.gain_at(0.0), 1.0);
        assert!((short.gain_at(30.0) - 0.5).abs() < 1e-6);
    }

    /// A relocation past the end glides down, a relocation back glides up, each at no more
    /// than one swing per glide time; a stopped transport holds the time.
    #[test]
    fn relocations_glide_and_stopped_time_stands() {
        let mut t = SessionTimer::new(FS);
        t.set(&on(60.0, 10.0));
        let mut playing = Transport {
            playing: true,
            position_seconds: Some(70.0),
            ..Transport::default()
        };
        t.locate(&playing);
        let (mut l, mut r) = (vec![1.0; 200], vec![1.0; 200]);
        t.apply(&mut l, &mut r);
        let steps = l.windows(2).map(|w| (w[1] - w[0]).abs());
        assert!(steps.fold(0.0, f32::max) <= t.max_step * 1.0001);
        assert_eq!(l[(GLIDE_S * FS) as usize], 0.0, "down within the glide");
        t.advance(200);
        assert!(t.has_ended());
        assert_eq!(t.remaining_s(), Some(0.0));

        playing.position_seconds = Some(10.0);
        playing.playing = false;
        t.locate(&playing);
        let (mut l, mut r) = (vec![1.0; 200], vec![1.0; 200]);
        t.apply(&mut l, &mut r);
        assert!((l[50] - 0.5).abs() < 0.02, "half way up: {}", l[50]);
        assert_eq!(l[199], 1.0);
        t.advance(200);
        assert_eq!(
            t.remaining_s(),
            Some(50.0),
            "a stopped transport holds the time"
        );
    }

    /// Without a host position the timer counts its samples from the moment it is switched on.
    #[test]
    fn own_count_starts_when_switched_on() {
        let mut t = SessionTimer::new(FS);
        t.locate(&Transport::default());
        t.advance(5000);
        t.set(&on(60.0, 10.0));
        assert_eq!(t.remaining_s(), Some(60.0));
        t.advance(1500);
        assert_eq!(t.remaining_s(), Some(58.5));
    }
}
