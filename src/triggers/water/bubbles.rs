//! Ringing air bubbles: the "plink" of a drop that traps a bubble (Minnaert's resonance, with
//! Longuet-Higgins' rising pitch), and a bank that rings several at once.
//!
//! The bank keeps its bubbles side by side, one lane each, and rings every lane in the same
//! loop: a bubble's phasor is a chain of dependent multiplications that would keep one lane
//! waiting on the last, while eight lanes fill the processor's vector units instead.

use std::f32::consts::TAU;

use super::SILENCE;

/// Most bubbles ringing at once; a new one replaces the quietest when all are busy.
pub(super) const LANES: usize = 8;
/// Smallest and largest radius (m) a bubble may have after its random spread.
const RADIUS_LIMITS_M: (f32, f32) = (0.0006, 0.008);
/// Pitch constant (m/s): a bubble of radius `r` rings at `PITCH_CONSTANT / r` Hz.
pub(super) const PITCH_CONSTANT: f32 = 3.0;
/// Viscous part of the damping (m/s): `d = VISCOUS_DAMPING / r + ...`.
const VISCOUS_DAMPING: f32 = 0.13;
/// Thermal and radiation part of the damping (m^1.5/s): `d = ... + THERMAL_DAMPING r^-1.5`.
const THERMAL_DAMPING: f32 = 0.0072;
/// Pitch rise `sigma`: the frequency is `f0 (1 + sigma d t)` at time `t` (s) into the ring.
pub(super) const PITCH_RISE: f32 = 0.2;
/// Highest frequency a bubble may rise to, as a fraction of the sample rate (it stops there).
const HIGHEST_PITCH_FRACTION: f32 = 0.45;
/// Samples between renormalisations of the phasors, counted from the bank's start (so the
/// result does not depend on the host's block size).
const RENORMALISE_EVERY: usize = 32;

/// Damping (1/s: the amplitude falls as `exp(-d t)`) of a bubble of radius `radius_m` (m).
pub(super) fn damping(radius_m: f32) -> f32 {
    VISCOUS_DAMPING / radius_m + THERMAL_DAMPING * radius_m.powf(-1.5)
}

/// A complex number (real, imaginary).
type Complex = (f32, f32);

/// `exp(i angle)`.
fn rotation(angle: f32) -> Complex {
    (angle.cos(), angle.sin())
}

/// One bubble to ring: a damped sine whose frequency rises linearly in time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bubble {
    /// Samples before it starts ringing.
    wait: usize,
    /// Peak amplitude, where it starts.
    level: f32,
    /// Per-sample amplitude factor `exp(-d / fs)`.
    fall: f32,
    /// First rotation of its phasor: `exp(i w)`, `w` the angular step (rad/sample).
    step: Complex,
    /// Per-sample rotation of the step: the rise of the pitch.
    rise: Complex,
    /// Samples it rings, until it has faded to [`SILENCE`] or risen to the highest pitch.
    ring: usize,
}

impl Bubble {
    /// No bubble: silent, and turning by no angle.
    const IDLE: Self = Self {
        wait: 0,
        level: 0.0,
        fall: 1.0,
        step: (1.0, 0.0),
        rise: (1.0, 0.0),
        ring: 0,
    };

    /// A bubble of radius `radius_m` (m, clamped to 0.6-8 mm) and peak `level` (amplitude),
    /// ringing after `wait` samples at `sample_rate` (Hz).
    pub(super) fn new(radius_m: f32, level: f32, wait: usize, sample_rate: f32) -> Self {
        let fs = sample_rate;
        let radius = radius_m.clamp(RADIUS_LIMITS_M.0, RADIUS_LIMITS_M.1);
        let f0 = PITCH_CONSTANT / radius;
        let d = damping(radius);
        let fading_s = (level / SILENCE).max(1.0).ln() / d;
        let rising_s = (HIGHEST_PITCH_FRACTION * fs / f0 - 1.0).max(0.0) / (PITCH_RISE * d);
        Self {
            wait,
            level,
            fall: (-d / fs).exp(),
            step: rotation(TAU * f0 / fs),
            rise: rotation(TAU * f0 * PITCH_RISE * d / (fs * fs)),
            ring: (fading_s.min(rising_s) * fs) as usize,
        }
    }
}

/// One value per lane.
type Lanes = [f32; LANES];

/// What every lane rings with, per sample, side by side. An idle lane (free, or waiting for
/// its bubble) has amplitude 0 and turns by no angle, so it adds exactly nothing.
#[derive(Debug, Clone, Copy)]
struct Rings {
    /// Current amplitude.
    amplitude: Lanes,
    /// Per-sample amplitude factor.
    fall: Lanes,
    /// The oscillation (a unit phasor whose imaginary part is the output, so it starts at 0).
    re: Lanes,
    im: Lanes,
    /// This sample's rotation of the phasor.
    step_re: Lanes,
    step_im: Lanes,
    /// Per-sample rotation of the step.
    rise_re: Lanes,
    rise_im: Lanes,
}

impl Default for Rings {
    /// Every lane idle.
    fn default() -> Self {
        let idle = Bubble::IDLE;
        Self {
            amplitude: [idle.level; LANES],
            fall: [idle.fall; LANES],
            re: [1.0; LANES],
            im: [0.0; LANES],
            step_re: [idle.step.0; LANES],
            step_im: [idle.step.1; LANES],
            rise_re: [idle.rise.0; LANES],
            rise_im: [idle.rise.1; LANES],
        }
    }
}

impl Rings {
    /// Starts `bubble` ringing in `lane`.
    fn load(&mut self, lane: usize, bubble: &Bubble) {
        self.amplitude[lane] = bubble.level;
        self.fall[lane] = bubble.fall;
        (self.re[lane], self.im[lane]) = (1.0, 0.0);
        (self.step_re[lane], self.step_im[lane]) = bubble.step;
        (self.rise_re[lane], self.rise_im[lane]) = bubble.rise;
    }

    /// Makes `lane` idle.
    fn clear(&mut self, lane: usize) {
        self.load(lane, &Bubble::IDLE);
    }

    /// Puts every phasor back on the unit circle, which rounding drifts off.
    fn renormalise(&mut self) {
        let unit = |re: &mut Lanes, im: &mut Lanes| {
            for (r, i) in re.iter_mut().zip(im.iter_mut()) {
                let norm = (*r * *r + *i * *i).sqrt().max(f32::MIN_POSITIVE);
                (*r, *i) = (*r / norm, *i / norm);
            }
        };
        unit(&mut self.re, &mut self.im);
        unit(&mut self.step_re, &mut self.step_im);
    }

    /// Adds every lane's next `out.len()` samples to `out`.
    fn add_to(&mut self, out: &mut [f32]) {
        let mut s = *self;
        for o in out {
            *o += sum(std::array::from_fn(|l| s.amplitude[l] * s.im[l]));
            for l in 0..LANES {
                let (re, im) = (s.re[l], s.im[l]);
                s.re[l] = re * s.step_re[l] - im * s.step_im[l];
                s.im[l] = re * s.step_im[l] + im * s.step_re[l];
                let (sr, si) = (s.step_re[l], s.step_im[l]);
                s.step_re[l] = sr * s.rise_re[l] - si * s.rise_im[l];
                s.step_im[l] = sr * s.rise_im[l] + si * s.rise_re[l];
                s.amplitude[l] *= s.fall[l];
            }
        }
        *self = s;
    }
}

/// The lanes' sum, in pairs (the same order every sample).
#[inline]
fn sum(y: Lanes) -> f32 {
    const _: () = assert!(
        LANES == 8,
        "the sum's last steps are written out for 8 lanes"
    );
    const HALF: usize = LANES / 2;
    let mut half = [0.0f32; HALF];
    for l in 0..HALF {
        half[l] = y[l] + y[l + HALF];
    }
    let quarter = [half[0] + half[2], half[1] + half[3]];
    quarter[0] + quarter[1]
}

/// Up to [`LANES`] bubbles ringing at once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bubbles {
    /// The lanes' ringing state.
    rings: Rings,
    /// Each lane's bubble, while it waits to ring.
    waiting: [Bubble; LANES],
    /// Samples each lane still waits before its bubble rings (0 once it rings, or when free).
    wait: [usize; LANES],
    /// Samples each lane still rings (0 when free or waiting).
    left: [usize; LANES],
    /// Samples rung since the bank's start (the renormalisation grid).
    clock: usize,
}

impl Default for Bubbles {
    /// No bubble.
    fn default() -> Self {
        Self {
            rings: Rings::default(),
            waiting: [Bubble::IDLE; LANES],
            wait: [0; LANES],
            left: [0; LANES],
            clock: 0,
        }
    }
}

impl Bubbles {
    /// Whether a bubble rings or waits to.
    pub(super) fn is_active(&self) -> bool {
        self.wait.iter().chain(&self.left).any(|&n| n > 0)
    }

    /// Lets `bubble` ring in a free lane. When all are busy it takes the quietest lane's place
    /// if it is louder, else it is left out: what is cut or left out is always the quietest.
    pub(super) fn add(&mut self, bubble: Bubble) {
        let level = |l: usize| {
            if self.wait[l] > 0 {
                self.waiting[l].level
            } else {
                self.rings.amplitude[l]
            }
        };
        let free = (0..LANES).find(|&l| self.wait[l] == 0 && self.left[l] == 0);
        let lane = match free {
            Some(lane) => lane,
            None => match (0..LANES).min_by(|&a, &b| level(a).total_cmp(&level(b))) {
                Some(quietest) if level(quietest) < bubble.level => quietest,
                _ => return,
            },
        };
        self.rings.clear(lane);
        self.left[lane] = 0;
        self.wait[lane] = bubble.wait;
        self.waiting[lane] = bubble;
        if bubble.wait == 0 {
            self.wake(lane);
        }
    }

    /// Starts the bubble waiting in `lane`.
    fn wake(&mut self, lane: usize) {
        let bubble = self.waiting[lane];
        self.rings.load(lane, &bubble);
        self.left[lane] = bubble.ring;
    }

    /// Adds the next `out.len()` samples of every bubble to `out`.
    pub(super) fn add_to(&mut self, out: &mut [f32]) {
        let mut done = 0;
        while done < out.len() {
            // A run ends where a lane starts or stops ringing, or at a renormalisation.
            let mut run =
                (out.len() - done).min(RENORMALISE_EVERY - self.clock % RENORMALISE_EVERY);
            for &n in self.wait.iter().chain(&self.left).filter(|&&n| n > 0) {
                run = run.min(n);
            }
            if self.left.iter().any(|&n| n > 0) {
                self.rings.add_to(&mut out[done..done + run]);
            }
            for l in 0..LANES {
                if self.wait[l] > 0 {
                    self.wait[l] -= run;
                    if self.wait[l] == 0 {
                        self.wake(l);
                    }
                } else if self.left[l] > 0 {
                    self.left[l] -= run;
                    if self.left[l] == 0 {
                        self.rings.clear(l);
                    }
                }
            }
            self.clock += run;
            if self.clock.is_multiple_of(RENORMALISE_EVERY) {
                self.rings.renormalise();
            }
            done += run;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FS: f32 = 48_000.0;

    /// Renders `bubbles` for `seconds` in blocks of `block` samples.
    fn render(mut bubbles: Bubbles, seconds: f32, block: usize) -> Vec<f32> {
        let mut x = vec![0.0f32; (seconds * FS) as usize];
        for chunk in x.chunks_mut(block) {
            bubbles.add_to(chunk);
        }
        x
    }

    /// Several bubbles at once sound as their sum: each lane rendered alone and summed matches
    /// the bank (to rounding), whatever the block size, and every lane waits its delay.
    #[test]
    fn lanes_ring_as_their_sum_in_any_blocks() {
        let bubbles: Vec<Bubble> = (0..LANES)
            .map(|k| Bubble::new(0.001 + 0.0005 * k as f32, 0.1, 37 * k, FS))
            .collect();
        let mut bank = Bubbles::default();
        for b in &bubbles {
            bank.add(*b);
        }
        let whole = render(bank, 0.2, 64);
        for block in [1, 13, 500] {
            assert_eq!(render(bank, 0.2, block), whole, "block {block}");
        }
        let mut summed = vec![0.0f32; whole.len()];
        for b in &bubbles {
            let mut one = Bubbles::default();
            one.add(*b);
            let x = render(one, 0.2, 64);
            assert!(x[..b.wait].iter().all(|&v| v == 0.0), "waits");
            assert!(
                x[b.wait..b.wait + 20].iter().any(|&v| v != 0.0),
                "then rings"
            );
            for (s, v) in summed.iter_mut().zip(x) {
                *s += v;
            }
        }
        let error = whole
            .iter()
            .zip(&summed)
            .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(error < 1e-6, "bank against summed lanes: {error}");
    }

    /// A ninth bubble takes the quietest lane if it is louder, else it is left out; the bank is
    /// silent and idle once all have rung.
    #[test]
    fn a_full_bank_replaces_its_quietest_and_ends() {
        let mut bank = Bubbles::default();
        for k in 0..LANES {
            bank.add(Bubble::new(0.002, 0.1 + 0.1 * k as f32, 0, FS));
        }
        let before = bank.rings.amplitude;
        bank.add(Bubble::new(0.002, 0.05, 0, FS));
        assert_eq!(bank.rings.amplitude, before, "a quieter one is left out");
        bank.add(Bubble::new(0.002, 0.15, 0, FS));
        assert!(
            !bank.rings.amplitude.contains(&before[0]),
            "the quietest is replaced"
        );
        assert!(bank.rings.amplitude.contains(&0.15));
        let x = render(bank, 1.0, 64);
        assert!(x[(0.9 * FS) as usize..].iter().all(|&v| v == 0.0));
        let mut ended = bank;
        ended.add_to(&mut vec![0.0; FS as usize]);
        assert!(!ended.is_active());
    }
}
