//! Gentle mode's gain computer: keeps any sudden sound from jumping more than
//! [`MAX_JUMP_DB`] above the running level of what the listener has just heard, with no
//! lookahead and no latency.
//!
//! Three followers of the stereo mean square `(l² + r²) / 2`:
//!
//! - the **fast level** of the signal entering the stage, a mean-square envelope with a
//!   [`ATTACK_S`] attack and a [`RELEASE_S`] release (how loud a trigger is right now);
//! - the **running level** of the output (after the gain), a one-pole mean-square follower of
//!   [`REFERENCE_S`] (the time scale of short-term loudness);
//! - the **held level** of the output: its loudest mean square over the recent [`FRAME_S`]
//!   frames that passed untouched, decaying with [`REFERENCE_S`] (how loud the
//!   recent triggers were). A frame the gain bounded counts only once the sound is back under
//!   the bound, at its bounded level, so the next trigger may come up by one more jump. While a sound is being
//!   bounded the held level stays; when it ends, the held level takes the bounded level, so
//!   the next trigger may come up by one more jump.
//!
//! The bound is [`MAX_JUMP_DB`] above the larger of the running and the held level (and never
//! below [`REFERENCE_FLOOR_DB`]). Whenever the fast level exceeds it the gain is
//! `bound / fast` (in amplitude), so the output's fast level sits on the bound; otherwise it is
//! exactly 1, so material under the bound passes bit for bit. The output is the input of the
//! same sample times the gain: no latency.
//!
//! **Why the held level.** Sparse triggers (a tap a second) sit far above the 3-second mean
//! square of the silences around them, each by its own crest: measured against the mean square
//! alone every ordinary tap would be pulled down (by 7 LU for a default tap layer). Against the
//! held level a trigger as loud as the ones before passes untouched, and one much louder than
//! them is held to [`MAX_JUMP_DB`] above them: that is the jump a listener hears.
//!
//! **Both are measured after the gain**, so a loud hit does not raise its own bound: loud
//! triggers come up by at most [`MAX_JUMP_DB`] per trigger, and a sound that stays loud over
//! seconds, as the running level follows it, instead of at once.
//!
//! **At the start and after a long silence** the floor keeps the bound at
//! [`REFERENCE_FLOOR_DB`] + [`MAX_JUMP_DB`] (-24 dBFS of fast level): the first trigger is
//! heard, softly, and the next ones rise in steps of at most [`MAX_JUMP_DB`].
//!
//! The attack of about a millisecond lets a hit's first samples through above the bound while
//! the fast level catches up; their energy is small, and the hearing-safety limiter after
//! gentle mode still holds every sample under its ceiling. In exchange, the natural peaks of
//! steady noise and the waveform of low tones do not make the gain flutter.

/// Largest jump of the fast level above the running level (dB).
pub const MAX_JUMP_DB: f32 = 12.0;
/// Time constant of the running level (s).
pub const REFERENCE_S: f32 = 3.0;
/// Lowest running level the bound is measured from (dBFS, mean square).
pub const REFERENCE_FLOOR_DB: f32 = -36.0;
/// Length of the frames in which the held level learns the output's level (s): longer than
/// the rising edge of a trigger, so a hit is bounded within the frame it starts in.
pub const FRAME_S: f32 = 0.02;
/// Attack time constant of the fast level (s).
pub const ATTACK_S: f32 = 0.001;
/// Release time constant of the fast level (s).
pub const RELEASE_S: f32 = 0.04;

/// Levels (mean square, relative to [`REFERENCE_FLOOR_DB`]'s) below which the followers are
/// set to zero at a frame's end: 2^-30 of the floor is below the resolution of any bound they
/// could still take part in (the bound never goes under the floor), so this changes no gain,
/// and it lets a silent instance's followers come to rest (see [`Gentle::is_at_rest`]).
const REST_SHARE_OF_FLOOR: f32 = 1.0 / (1u32 << 30) as f32;

/// One-pole coefficient for a time constant of `seconds` at `sample_rate` (Hz).
fn coefficient(seconds: f32, sample_rate: f32) -> f32 {
    1.0 - (-1.0 / (seconds * sample_rate)).exp()
}

/// The gain that brings the level `fast` down to `bound` (both mean squares). Out of line:
/// the compiler would otherwise compute it for every sample (a division and a square root in
/// the chain from one sample's level to the next) and only then pick 1 nearly always.
#[cold]
#[inline(never)]
fn bounded_gain(bound: f32, fast: f32) -> f32 {
    (bound / fast).sqrt()
}

/// Decibels to a power ratio.
fn db_to_power(db: f32) -> f32 {
    10f32.powf(db / 10.0)
}

/// The gentle-mode gain computer (stereo linked).
#[derive(Debug, Clone)]
pub struct Gentle {
    /// Coefficients of the running level, the attack and the release.
    reference_k: f32,
    attack_k: f32,
    release_k: f32,
    /// Power ratio of [`MAX_JUMP_DB`].
    max_jump: f32,
    /// Mean square of [`REFERENCE_FLOOR_DB`].
    floor: f32,
    /// The running level (mean square).
    reference: f32,
    /// The fast level (mean square).
    fast: f32,
    /// The held level (mean square).
    held: f32,
    /// The loudest bounded output level of the sound being bounded (mean square).
    pending: f32,
    /// Frame length and samples left in the current frame.
    frame_len: usize,
    frame_left: usize,
    /// The output's energy (sum of mean squares) in the current frame, and whether the frame
    /// was bounded.
    frame_sum: f32,
    frame_bounded: bool,
    /// Decay of the held level per frame.
    frame_decay: f32,
}

impl Gentle {
    /// A gain computer at `sample_rate` (Hz), starting from silence.
    pub fn new(sample_rate: f32) -> Self {
        Self {
            reference_k: coefficient(REFERENCE_S, sample_rate),
            attack_k: coefficient(ATTACK_S, sample_rate),
            release_k: coefficient(RELEASE_S, sample_rate),
            max_jump: db_to_power(MAX_JUMP_DB),
            floor: db_to_power(REFERENCE_FLOOR_DB),
            reference: 0.0,
            fast: 0.0,
            held: 0.0,
            pending: 0.0,
            frame_len: ((FRAME_S * sample_rate) as usize).max(1),
            frame_left: ((FRAME_S * sample_rate) as usize).max(1),
            frame_sum: 0.0,
            frame_bounded: false,
            frame_decay: (-FRAME_S / REFERENCE_S).exp(),
        }
    }

    /// The gain for one stereo sample (it measures the sample, then returns the gain to
    /// multiply it by): 1 under the bound, less above.
    #[inline]
    pub fn gain(&mut self, left: f32, right: f32) -> f32 {
        let power = 0.5 * (left * left + right * right);
        let k = if power > self.fast {
            self.attack_k
        } else {
            self.release_k
        };
        self.fast += k * (power - self.fast);
        let bound = self.max_jump * self.reference.max(self.held).max(self.floor);
        let gain = if self.fast > bound {
            bounded_gain(bound, self.fast)
        } else {
            1.0
        };
        let heard = power * gain * gain;
        self.reference += self.reference_k * (heard - self.reference);
        // The held level learns, a frame at a time, how loud the output was in frames that
        // passed untouched; a frame the gain bounded only counts once the sound it bounded has
        // passed (a hit cannot raise its own bound), and then at its bounded level: the next
        // trigger may come up by one more jump.
        self.frame_sum += heard;
        self.frame_bounded |= gain < 1.0;
        self.frame_left -= 1;
        if self.frame_left == 0 {
            self.frame_left = self.frame_len;
            self.held *= self.frame_decay;
            let frame_level = self.frame_sum / self.frame_len as f32;
            if self.frame_bounded {
                self.pending = self.pending.max(frame_level);
            } else {
                self.held = self.held.max(frame_level).max(self.pending);
                self.pending = 0.0;
            }
            self.frame_sum = 0.0;
            self.frame_bounded = false;
            let rest = self.floor * REST_SHARE_OF_FLOOR;
            for level in [&mut self.reference, &mut self.fast, &mut self.held] {
                if *level < rest {
                    *level = 0.0;
                }
            }
        }
        gain
    }

    /// Whether every follower is at zero with nothing pending: silence then changes nothing
    /// but the frame phase, and [`Gentle::skip`] may stand in for processing it.
    pub fn is_at_rest(&self) -> bool {
        self.reference == 0.0
            && self.fast == 0.0
            && self.held == 0.0
            && self.pending == 0.0
            && self.frame_sum == 0.0
            && !self.frame_bounded
    }

    /// Advances `n` samples of silence (the gain for each is 1) exactly as `n` calls of
    /// [`Gentle::gain`] with zeros would; cheap while [`Gentle::is_at_rest`].
    pub fn skip(&mut self, n: usize) {
        if !self.is_at_rest() {
            for _ in 0..n {
                self.gain(0.0, 0.0);
            }
            return;
        }
        self.frame_left = if n < self.frame_left {
            self.frame_left - n
        } else {
            self.frame_len - (n - self.frame_left) % self.frame_len
        };
    }

    /// Back to silence.
    pub fn reset(&mut self) {
        self.reference = 0.0;
        self.fast = 0.0;
        self.held = 0.0;
        self.pending = 0.0;
        self.frame_left = self.frame_len;
        self.frame_sum = 0.0;
        self.frame_bounded = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::TAU;

    const FS: f32 = 48_000.0;

    /// A sine at `amplitude` and 440 Hz, sample `n`.
    fn sine(amplitude: f32, n: usize) -> f32 {
        amplitude * (TAU * 440.0 * n as f32 / FS).sin()
    }

    /// A steady tone is never touched once the running level knows it (after its first
    /// second: it starts 4 dB above the floor's bound): the gain is exactly 1.
    #[test]
    fn steady_material_passes_untouched() {
        let mut g = Gentle::new(FS);
        let warm_up = FS as usize;
        for n in 0..(10.0 * FS) as usize {
            let x = sine(0.1, n);
            let gain = g.gain(x, x);
            assert!(n < warm_up || gain == 1.0, "sample {n}: gain {gain}");
        }
    }

    /// After seconds of a quiet tone, a tone 30 dB louder is held to 12 dB above the running
    /// (and held) level within a millisecond, and released once it stops.
    #[test]
    fn a_jump_is_held_to_the_bound() {
        let mut g = Gentle::new(FS);
        let quiet = 0.05;
        let settle = (6.0 * FS) as usize;
        for n in 0..settle {
            let x = sine(quiet, n);
            g.gain(x, x);
        }
        let reference_db = 10.0 * g.reference.max(g.held).log10();
        let mut late_peak = 0.0f32;
        for n in settle..settle + (0.05 * FS) as usize {
            // Peaks after the first 2 ms (the attack).
            let x = sine(quiet * 31.6, n);
            let y = x * g.gain(x, x);
            if n > settle + (0.002 * FS) as usize {
                late_peak = late_peak.max(y.abs());
            }
        }
        // The bound on mean square, as a sine's peak: +3 dB.
        let peak_db = 20.0 * late_peak.log10();
        let allowed = reference_db + MAX_JUMP_DB + 3.0;
        assert!(
            peak_db < allowed + 0.5,
            "peak {peak_db} dB against {allowed} dB"
        );
        let mut gain = 0.0;
        for n in 0..(0.5 * FS) as usize {
            let x = sine(quiet, n);
            gain = g.gain(x, x);
        }
        assert_eq!(gain, 1.0, "released");
    }
}
