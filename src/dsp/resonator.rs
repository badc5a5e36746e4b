//! A decaying two-pole resonator: one vibration mode of a struck object.

use std::f32::consts::TAU;

/// One mode: rings at a frequency and decays exponentially when excited.
///
/// `y[n] = 2 r cos(w) y[n-1] - r^2 y[n-2] + sin(w) x[n]`, with `r = exp(-decay / fs)`, so a
/// unit impulse rings as `sin(w (n + 1)) r^n`: at unit amplitude.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resonator {
    c1: f32,
    c2: f32,
    /// Input scale that makes an impulse ring at unit amplitude.
    norm: f32,
    y1: f32,
    y2: f32,
}

impl Resonator {
    /// Tunes to `freq_hz` (Hz, below Nyquist) with amplitude decay rate `decay` (1/s: the
    /// envelope falls as exp(-decay t); T60 = 6.91 / decay) at `sample_rate` (Hz). Keeps the
    /// ringing state.
    pub fn tune(&mut self, freq_hz: f32, decay: f32, sample_rate: f32) {
        let w = TAU * (freq_hz / sample_rate).clamp(1e-5, 0.49);
        let r = (-decay.max(0.0) / sample_rate).exp();
        self.c1 = 2.0 * r * w.cos();
        self.c2 = -r * r;
        self.norm = w.sin();
    }

    /// Adds an excitation sample `x` (scaled so a single unit impulse rings at amplitude 1) and
    /// returns the output.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let y = self.c1 * self.y1 + self.c2 * self.y2 + self.norm * x;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }

    /// Current ringing energy proxy (squared state), to tell when a mode has died away.
    pub fn energy(&self) -> f32 {
        self.y1 * self.y1 + self.y2 * self.y2
    }

    /// Silences the mode.
    pub fn reset(&mut self) {
        self.y1 = 0.0;
        self.y2 = 0.0;
    }
}

/// Up to `N` modes side by side (structure of arrays), summed with a gain each: the modes'
/// recurrences are independent, so one sample of all of them is a few vector operations
/// instead of `N` chained ones. Unused modes stay silent (all coefficients zero); only the
/// groups of [`GROUP`] modes up to the last one set are computed (a silent mode adds exactly
/// nothing to the sum, so leaving it out changes no bit).
#[derive(Debug, Clone, Copy)]
pub struct ResonatorBank<const N: usize> {
    c1: [f32; N],
    c2: [f32; N],
    /// Input scale of each mode: `sin(w) × gain`.
    input: [f32; N],
    y1: [f32; N],
    y2: [f32; N],
    /// Number of modes from the first up to the last one set (the rest are silent).
    used: usize,
}

/// Modes computed together (one vector of four lanes): the bank computes the modes up to its
/// last one set in groups of this many.
const GROUP: usize = 4;

impl<const N: usize> Default for ResonatorBank<N> {
    fn default() -> Self {
        Self {
            c1: [0.0; N],
            c2: [0.0; N],
            input: [0.0; N],
            y1: [0.0; N],
            y2: [0.0; N],
            used: 0,
        }
    }
}

impl<const N: usize> ResonatorBank<N> {
    /// Silences every mode and removes them.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Tunes mode `index` (< N) as [`Resonator::tune`] does and weights it by `gain` (applied
    /// at its input, which for a linear mode is the same as at its output), from silence.
    pub fn set_mode(
        &mut self,
        index: usize,
        freq_hz: f32,
        decay: f32,
        gain: f32,
        sample_rate: f32,
    ) {
        let mut one = Resonator::default();
        one.tune(freq_hz, decay, sample_rate);
        self.c1[index] = one.c1;
        self.c2[index] = one.c2;
        self.input[index] = one.norm * gain;
        self.y1[index] = 0.0;
        self.y2[index] = 0.0;
        self.used = self.used.max(index + 1);
    }

    /// Removes mode `index` (< the number of modes in use) and moves the later ones down one
    /// place, so the modes keep their order (and the sum its bits) while the silent ones
    /// gather at the end, where they cost nothing.
    pub fn remove_mode(&mut self, index: usize) {
        for array in [
            &mut self.c1,
            &mut self.c2,
            &mut self.input,
            &mut self.y1,
            &mut self.y2,
        ] {
            array[index..self.used].rotate_left(1);
            array[self.used - 1] = 0.0;
        }
        self.used -= 1;
    }

    /// Multiplies every mode's gain by `factor`.
    pub fn scale_gains(&mut self, factor: f32) {
        self.input.iter_mut().for_each(|g| *g *= factor);
    }

    /// Excites every mode with `force` and writes the weighted sum of their outputs to `out`.
    #[inline]
    pub fn process(&mut self, force: &[f32], out: &mut [f32]) {
        match self.used.div_ceil(GROUP) {
            0 | 1 => self.process_first::<GROUP>(force, out),
            2 => self.process_first::<{ 2 * GROUP }>(force, out),
            3 => self.process_first::<{ 3 * GROUP }>(force, out),
            _ => self.process_first::<N>(force, out),
        }
    }

    /// [`Self::process`] for the first `M` modes (at most `N`; the later ones are silent).
    #[inline]
    fn process_first<const M: usize>(&mut self, force: &[f32], out: &mut [f32]) {
        for (o, &f) in out.iter_mut().zip(force) {
            let mut sum = 0.0;
            for m in 0..M.min(N) {
                let y = self.c1[m] * self.y1[m] + self.c2[m] * self.y2[m] + self.input[m] * f;
                self.y2[m] = self.y1[m];
                self.y1[m] = y;
                sum += y;
            }
            *o = sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rings at unit amplitude and decays at the set rate.
    #[test]
    fn rings_and_decays_as_tuned() {
        let fs = 48_000.0;
        let mut r = Resonator::default();
        r.tune(1000.0, 10.0, fs);
        let out: Vec<f32> = (0..48_000)
            .map(|n| r.process(if n == 0 { 1.0 } else { 0.0 }))
            .collect();
        let peak = |a: usize| out[a..a + 480].iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!((peak(0) - 1.0).abs() < 0.02, "first peak {}", peak(0));
        // After 0.1 s the envelope is exp(-1).
        assert!(
            (peak(4800) - (-1.0f32).exp()).abs() < 0.02,
            "decay {}",
            peak(4800)
        );
    }

    /// Removing a mode leaves the others ringing on bit for bit: after the removal, a bank of
    /// three modes sounds exactly like a bank that only ever had the other two, and with the
    /// last mode removed as well, like a bank of the first alone.
    #[test]
    fn removed_modes_leave_the_others_ringing() {
        let fs = 48_000.0;
        let modes = [
            (440.0, 3.0, 0.5),
            (1234.0, 20.0, -0.25),
            (3000.0, 80.0, 1.0),
        ];
        let bank_of = |indices: &[usize]| {
            let mut bank = ResonatorBank::<8>::default();
            for (slot, &m) in indices.iter().enumerate() {
                let (f, d, g) = modes[m];
                bank.set_mode(slot, f, d, g, fs);
            }
            bank
        };
        let force: Vec<f32> = (0..64).map(|n| if n < 8 { 1.0 } else { 0.0 }).collect();
        let run = |bank: &mut ResonatorBank<8>| {
            let mut out = vec![0.0; force.len()];
            bank.process(&force, &mut out);
            out
        };
        let (mut all, mut outer, mut first) =
            (bank_of(&[0, 1, 2]), bank_of(&[0, 2]), bank_of(&[0]));
        assert_ne!(run(&mut all), run(&mut outer), "the middle mode sounds");
        all.remove_mode(1);
        assert_eq!(all.used, 2);
        assert_eq!(run(&mut all), run(&mut outer));
        // The first mode alone, as far as the others have rung.
        run(&mut first);
        run(&mut first);
        all.remove_mode(1);
        outer.remove_mode(1);
        assert_eq!(all.used, 1);
        let alone = run(&mut first);
        assert!(alone.iter().any(|&v| v != 0.0));
        assert_eq!(run(&mut all), alone);
        assert_eq!(run(&mut outer), alone);
    }

    /// A bank of modes sums exactly what the single resonators give, each times its gain.
    #[test]
    fn bank_matches_single_resonators() {
        let fs = 48_000.0;
        let modes = [
            (440.0, 3.0, 0.5),
            (1234.0, 20.0, -0.25),
            (3000.0, 80.0, 1.0),
        ];
        let mut bank = ResonatorBank::<4>::default();
        let mut singles = [Resonator::default(); 3];
        for (i, &(f, d, g)) in modes.iter().enumerate() {
            bank.set_mode(i, f, d, g, fs);
            singles[i].tune(f, d, fs);
        }
        let force: Vec<f32> = (0..256).map(|n| if n < 8 { 1.0 } else { 0.0 }).collect();
        let mut out = vec![0.0; force.len()];
        bank.process(&force, &mut out);
        for (n, &f) in force.iter().enumerate() {
            let want: f32 = singles
                .iter_mut()
                .zip(&modes)
                .map(|(r, m)| m.2 * r.process(f))
                .sum();
            assert!(
                (out[n] - want).abs() < 1e-5,
                "sample {n}: {} vs {want}",
                out[n]
            );
        }
    }
}
