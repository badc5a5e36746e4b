//! Halving and doubling the sample rate with polyphase IIR half-band filters: each filter is
//! two parallel chains of first-order all-passes at the low rate (Valenzuela and Constantinides'
//! structure, with an elliptic design), so a halving or doubling costs a few multiply-adds per
//! sample and delays the signal by only a few samples (its phase is not linear, but it is the
//! same for every channel run through the same filter, so interaural time and level
//! differences pass unchanged).
//!
//! [`Halver`] and [`Doubler`] stream blocks of any length: a block of `n` samples at the high
//! rate gives the halver `(phase + n) / 2` low-rate samples, and the doubler, given those, gives
//! back exactly `n` high-rate samples, so a halver and a doubler run on the same blocks stay in
//! step without any buffering by their caller.

use std::f64::consts::PI;

/// Low-rate samples after which an impulse halved and doubled back has fallen more than
/// 100 dB below its peak (measured: 174): how long a halving and doubling ring after their input
/// ends.
pub const RING: usize = 192;
/// All-pass coefficients of the half-band filter ([`COEFFICIENTS`] of them, alternating
/// between the two chains).
pub const COEFFICIENTS: usize = 8;
/// Transition band of the design, as a fraction of the high sample rate: the pass band ends
/// `TRANSITION` below a quarter of the rate, the stop band starts as far above it. At 96 kHz:
/// pass band to 20 kHz, stop band from 28 kHz, so whatever folds over lands above 20 kHz.
pub const TRANSITION: f64 = 1.0 / 24.0;

/// The design's all-pass coefficients for `transition` (fraction of the high rate, 0..0.25):
/// the elliptic half-band design of Valenzuela and Constantinides, coefficient `i` for chain
/// `i % 2`.
pub fn design(transition: f64) -> [f32; COEFFICIENTS] {
    // Elliptic modulus and nome of the transition band.
    let k = ((1.0 - 4.0 * transition) * PI / 4.0).tan().powi(2);
    let root = (1.0 - k * k).sqrt().sqrt();
    let e = 0.5 * (1.0 - root) / (1.0 + root);
    let e4 = e.powi(4);
    let q = e * (1.0 + e4 * (2.0 + e4 * (15.0 + 150.0 * e4)));
    let order = (2 * COEFFICIENTS + 1) as f64;
    std::array::from_fn(|index| {
        let c = (index + 1) as f64;
        // Theta-function series, summed until their terms vanish.
        let mut num = 0.0;
        let mut sign = 1.0;
        for i in 0..32 {
            let term = q.powi(i * (i + 1)) * ((2 * i + 1) as f64 * c * PI / order).sin() * sign;
            num += term;
            sign = -sign;
            if term.abs() < 1e-30 {
                break;
            }
        }
        let mut den = 0.0;
        let mut sign = -1.0;
        for i in 1..32 {
            let term = q.powi(i * i) * (2.0 * i as f64 * c * PI / order).cos() * sign;
            den += term;
            sign = -sign;
            if term.abs() < 1e-30 {
                break;
            }
        }
        let w = num * q.sqrt().sqrt() / (den + 0.5);
        let w2 = w * w;
        let x = ((1.0 - w2 * k) * (1.0 - w2 / k)).sqrt() / (1.0 + w2);
        ((1.0 - x) / (1.0 + x)) as f32
    })
}

/// The two all-pass chains: `x` and `y` hold each section's last input and output.
#[derive(Debug, Clone, Copy, Default)]
struct Chains {
    x: [f32; COEFFICIENTS],
    y: [f32; COEFFICIENTS],
}

impl Chains {
    /// Runs `a` through chain 0 (the even coefficients) and `b` through chain 1 (the odd
    /// ones), one sample each: every section is `y = c (x - y') + x'`, a first-order all-pass
    /// at the low rate.
    #[inline(always)]
    fn run(&mut self, coefficients: &[f32; COEFFICIENTS], mut a: f32, mut b: f32) -> (f32, f32) {
        for i in (0..COEFFICIENTS).step_by(2) {
            let ya = coefficients[i] * (a - self.y[i]) + self.x[i];
            let yb = coefficients[i + 1] * (b - self.y[i + 1]) + self.x[i + 1];
            (self.x[i], self.x[i + 1]) = (a, b);
            (self.y[i], self.y[i + 1]) = (ya, yb);
            (a, b) = (ya, yb);
        }
        (a, b)
    }
}

/// Halves the sample rate of a stream (low-pass, then every second sample).
#[derive(Debug, Clone)]
pub struct Halver {
    coefficients: [f32; COEFFICIENTS],
    chains: Chains,
    /// The first sample of an unfinished pair, if the last block ended between two.
    pending: Option<f32>,
}

impl Halver {
    /// A halver at rest with the coefficients of [`design`] (for [`TRANSITION`]).
    pub fn new(coefficients: [f32; COEFFICIENTS]) -> Self {
        Self {
            coefficients,
            chains: Chains::default(),
            pending: None,
        }
    }

    /// How many low-rate samples the next block of `n` high-rate samples gives.
    pub fn output_len(&self, n: usize) -> usize {
        (n + usize::from(self.pending.is_some())) / 2
    }

    /// Halves `input` into the start of `out` and returns how many samples it wrote
    /// ([`Halver::output_len`]; `out` must hold them).
    pub fn process(&mut self, input: &[f32], out: &mut [f32]) -> usize {
        let mut written = 0;
        let mut rest = input;
        if let Some(first) = self.pending.take() {
            let Some((&second, tail)) = rest.split_first() else {
                self.pending = Some(first);
                return 0;
            };
            out[0] = self.pair(first, second);
            written = 1;
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        for (o, pair) in out[written..].iter_mut().zip(&mut pairs) {
            *o = self.pair(pair[0], pair[1]);
            written += 1;
        }
        self.pending = pairs.remainder().first().copied();
        written
    }

    /// One low-rate sample from two high-rate ones.
    #[inline(always)]
    fn pair(&mut self, first: f32, second: f32) -> f32 {
        let (a, b) = self.chains.run(&self.coefficients, second, first);
        0.5 * (a + b)
    }

    /// Returns to rest.
    pub fn reset(&mut self) {
        self.chains = Chains::default();
        self.pending = None;
    }
}

/// Doubles the sample rate of a stream (a zero between samples, then low-pass), in step with a
/// [`Halver`] fed the same high-rate blocks.
#[derive(Debug, Clone)]
pub struct Doubler {
    coefficients: [f32; COEFFICIENTS],
    chains: Chains,
    /// The second output of the last low-rate sample, owed to the next block (a doubler starts
    /// owing one, a zero: its output lags by one high-rate sample).
    owed: Option<f32>,
}

impl Doubler {
    /// A doubler at rest with the coefficients of [`design`] (for [`TRANSITION`]).
    pub fn new(coefficients: [f32; COEFFICIENTS]) -> Self {
        Self {
            coefficients,
            chains: Chains::default(),
            owed: Some(0.0),
        }
    }

    /// Doubles `input` into `out`, adding: `out` must be `2 * input.len()` long, less one if a
    /// sample is owed from the last block, plus one if it is not (what a [`Halver`] gave for a
    /// block of `out.len()` samples is exactly such an `input`).
    ///
    /// # Panics
    /// If `out` does not have that length.
    pub fn add_to(&mut self, input: &[f32], out: &mut [f32]) {
        let owed = usize::from(self.owed.is_some());
        let produced = 2 * input.len() + owed;
        assert!(
            produced == out.len() || produced == out.len() + 1,
            "doubler out of step"
        );
        let mut slots = out.iter_mut();
        if self.owed.is_some()
            && let Some(o) = slots.next()
        {
            *o += self.owed.take().unwrap_or_default();
        }
        for &x in input {
            let (a, b) = self.chains.run(&self.coefficients, x, x);
            if let Some(o) = slots.next() {
                *o += a;
            }
            match slots.next() {
                Some(o) => *o += b,
                None => self.owed = Some(b),
            }
        }
    }

    /// Returns to rest.
    pub fn reset(&mut self) {
        self.chains = Chains::default();
        self.owed = Some(0.0);
    }

    /// Returns to rest in step with a stream that has already run `high_rate_samples` (the
    /// count of high-rate samples before the next block): as if it had doubled silence from
    /// the stream's start.
    pub fn reset_at(&mut self, high_rate_samples: u64) {
        self.chains = Chains::default();
        self.owed = high_rate_samples.is_multiple_of(2).then_some(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HIGH_RATE: f64 = 96_000.0;

    /// A sine at `hz` (at [`HIGH_RATE`]), `len` samples.
    fn sine(hz: f64, len: usize) -> Vec<f32> {
        (0..len)
            .map(|n| (2.0 * PI * hz * n as f64 / HIGH_RATE).sin() as f32)
            .collect()
    }

    /// RMS of the second half of `x` (after the filters have settled).
    fn settled_rms(x: &[f32]) -> f64 {
        let tail = &x[x.len() / 2..];
        (tail.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / tail.len() as f64).sqrt()
    }

    /// Runs `input` through a halver and a doubler in uneven blocks (each block's low-rate
    /// samples go straight to the doubler).
    fn round_trip(input: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let c = design(TRANSITION);
        let (mut halver, mut doubler) = (Halver::new(c), Doubler::new(c));
        let (mut low, mut out) = (Vec::new(), vec![0.0; input.len()]);
        let mut start = 0;
        for block in [1, 0, 7, 64, 2, 33, 128].iter().cycle() {
            let end = (start + block).min(input.len());
            let mut part = [0.0; 128];
            let expected = halver.output_len(end - start);
            let k = halver.process(&input[start..end], &mut part);
            assert_eq!(k, expected);
            doubler.add_to(&part[..k], &mut out[start..end]);
            low.extend_from_slice(&part[..k]);
            start = end;
            if start == input.len() {
                break;
            }
        }
        (low, out)
    }

    /// The pass band (to 20 kHz at 96 kHz) survives a halving and doubling within 0.01 dB.
    #[test]
    fn pass_band_is_flat() {
        for hz in [50.0, 1000.0, 10_000.0, 18_000.0, 20_000.0] {
            let x = sine(hz, 16_384);
            let (low, out) = round_trip(&x);
            let through = 20.0 * (settled_rms(&out) / settled_rms(&x)).log10();
            assert!(through.abs() < 0.01, "{hz} Hz round trip: {through:.4} dB");
            let halved = 20.0 * (settled_rms(&low) / settled_rms(&x)).log10();
            assert!(halved.abs() < 0.01, "{hz} Hz halved: {halved:.4} dB");
        }
    }

    /// What would fold into the audio band when halving (28 to 48 kHz at 96 kHz) is at least
    /// 90 dB down, and so are the doubler's images of the pass band.
    #[test]
    fn stop_band_is_90_db_down() {
        for hz in [28_000.0, 30_000.0, 36_000.0, 47_000.0] {
            let (low, _) = round_trip(&sine(hz, 16_384));
            let db = 20.0 * (settled_rms(&low) / settled_rms(&sine(hz, 16_384))).log10();
            assert!(db < -90.0, "{hz} Hz folds over at {db:.1} dB");
        }
        // A 20 kHz tone at the low rate, doubled: its image at 28 kHz.
        let c = design(TRANSITION);
        let mut doubler = Doubler::new(c);
        let low: Vec<f32> = (0..8192)
            .map(|n| (2.0 * PI * 20_000.0 * n as f64 / (HIGH_RATE / 2.0)).sin() as f32)
            .collect();
        let mut high = vec![0.0; 2 * low.len()];
        doubler.add_to(&low, &mut high);
        let (tone, image) = (goertzel(&high, 20_000.0), goertzel(&high, 28_000.0));
        let db = 20.0 * (image / tone).log10();
        assert!(db < -90.0, "image at {db:.1} dB");
    }

    /// A pulse comes through a halving and doubling 10 samples late (at most 12 allowed, not
    /// dozens), and within [`RING`] low-rate samples it has died 100 dB below its peak.
    #[test]
    fn delay_is_a_few_samples_and_the_ring_short() {
        let mut x = vec![0.0; 4 * RING];
        x[64] = 1.0;
        let (_, out) = round_trip(&x);
        let peak = (0..out.len())
            .max_by(|&a, &b| out[a].abs().total_cmp(&out[b].abs()))
            .unwrap();
        assert!((65..=76).contains(&peak), "peak at {peak}");
        let last_loud = (0..out.len())
            .rev()
            .find(|&i| out[i].abs() > 1e-5 * out[peak].abs())
            .unwrap();
        assert!(last_loud < 64 + 2 * RING, "rings until {last_loud}");
    }

    /// Amplitude at `hz` of the second half of `x` (at [`HIGH_RATE`]), Hann-windowed so that
    /// a strong tone elsewhere does not leak into it.
    fn goertzel(x: &[f32], hz: f64) -> f64 {
        let tail = &x[x.len() / 2..];
        let w = 2.0 * PI * hz / HIGH_RATE;
        let (mut s1, mut s2) = (0.0f64, 0.0f64);
        for (n, &v) in tail.iter().enumerate() {
            let hann = 0.5 - 0.5 * (2.0 * PI * n as f64 / tail.len() as f64).cos();
            let s = f64::from(v) * hann + 2.0 * w.cos() * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        (s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2).sqrt() / tail.len() as f64
    }
}
