//! Gentle mode's gain computer: keeps any sudden sound from jumping more than
//! [`MAX_JUMP_DB`] above the running short-term level, with no lookahead and no latency.
//!
//! Two followers of the stereo mean square `(l² + r²) / 2`:
//!
//! - the **running level** of the output (what the listener hears, after the gain), a
//!   one-pole mean-square follower of [`REFERENCE_S`] (the time scale of short-term
//!   loudness), floored at [`REFERENCE_FLOOR_DB`];
//! - the **fast level** of the signal entering the stage, a mean-square envelope with a
//!   [`ATTACK_S`] attack and a [`RELEASE_S`] release.
//!
//! Whenever the fast level exceeds the running level by more than [`MAX_JUMP_DB`] the gain is
//! `bound / fast` (in amplitude), so the output's fast level sits on the bound; otherwise it is
//! exactly 1, so material under the bound passes bit for bit. The gain recovers as the fast
//! envelope releases, smoothly and within tens of milliseconds. The output is the input of the
//! same sample times the gain: no latency.
//!
//! **The reference is measured after the gain**, so a loud hit does not raise its own bound:
//! measured before, a hit 30 dB louder than what went before would lift the 3-second mean by
//! 12 dB within its first 50 ms and pass its tail 24 dB above the earlier level. Measured
//! after, the bound rises only as fast as the bounded output feeds it (at most about 22 dB
//! per second), so a sound that stays loud comes up over a second or two instead of at once.
//!
//! **At the start, after a long silence, and under sparse sounds**, the running level is low;
//! the floor keeps the bound at [`REFERENCE_FLOOR_DB`] + [`MAX_JUMP_DB`] (-24 dBFS of fast
//! level), so the first trigger is heard, softly, and is never startling; as the running level
//! builds up, the bound rises with it. Triggers sparser than about four a second cannot hold
//! the running level up by themselves (each is, after all, a jump far above the silences
//! around it), so in gentle mode their fast level stays at most at that floor's bound.
//!
//! The attack of about a millisecond lets a hit's first samples through above the bound while
//! the fast level catches up (for a jump of 30 dB: +17 dB for the first sample, under +2 dB
//! after 1 ms); their energy is small (the level over 10 ms overshoots by about 1 dB), and the
//! hearing-safety limiter after gentle mode still holds every sample under its ceiling. In
//! exchange, the natural peaks of steady noise and the waveform of low tones do not make the
//! gain flutter.

/// Largest jump of the fast level above the running level (dB).
pub const MAX_JUMP_DB: f32 = 12.0;
/// Time constant of the running level (s).
pub const REFERENCE_S: f32 = 3.0;
/// Lowest running level the bound is measured from (dBFS, mean square).
pub const REFERENCE_FLOOR_DB: f32 = -36.0;
/// Attack time constant of the fast level (s).
pub const ATTACK_S: f32 = 0.001;
/// Release time constant of the fast level (s).
pub const RELEASE_S: f32 = 0.04;

/// One-pole coefficient for a time constant of `seconds` at `sample_rate` (Hz).
fn coefficient(seconds: f32, sample_rate: f32) -> f32 {
    1.0 - (-1.0 / (seconds * sample_rate)).exp()
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
        let bound = self.max_jump * self.reference.max(self.floor);
        let gain = if self.fast > bound {
            (bound / self.fast).sqrt()
        } else {
            1.0
        };
        let heard = power * gain * gain;
        self.reference += self.reference_k * (heard - self.reference);
        gain
    }

    /// Back to silence.
    pub fn reset(&mut self) {
        self.reference = 0.0;
        self.fast = 0.0;
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
    /// level within a millisecond, and released once it stops.
    #[test]
    fn a_jump_is_held_to_the_bound() {
        let mut g = Gentle::new(FS);
        let quiet = 0.05;
        let settle = (6.0 * FS) as usize;
        for n in 0..settle {
            let x = sine(quiet, n);
            g.gain(x, x);
        }
        let reference_db = 10.0 * g.reference.log10();
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
