//! Seeded randomness: the generator every trigger, rhythm and noise source draws from, and the
//! distributions they share (white noise, jitter, Poisson gaps).

pub use rand::RngExt;
use rand::SeedableRng;
use rand::rngs::SmallRng;

/// The random generator every trigger, rhythm and noise source draws from (seeded, small and fast).
pub type SeededRng = SmallRng;

/// A generator seeded with `seed`: the same seed gives the same trigger, bit for bit.
pub fn seeded(seed: u64) -> SeededRng {
    SmallRng::seed_from_u64(seed)
}

/// One sample of white noise, uniform in -1..1.
#[inline]
pub fn white(rng: &mut SeededRng) -> f32 {
    rng.random::<f32>() * 2.0 - 1.0
}

/// Power (mean square) of [`white`] noise.
pub const WHITE_POWER: f32 = 1.0 / 3.0;

/// A uniform random value in `-spread..spread`.
pub fn jitter(rng: &mut SeededRng, spread: f32) -> f32 {
    rng.random_range(-spread..spread)
}

/// A standard normal draw (mean 0, standard deviation 1), by the Box-Muller transform.
pub fn normal(rng: &mut SeededRng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A random wait, exponentially distributed with mean 1 (scale it by the mean wait): the gaps
/// between the events of a Poisson stream.
pub fn exponential(rng: &mut SeededRng) -> f32 {
    -(1.0 - rng.random::<f32>()).ln()
}
