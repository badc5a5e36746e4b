//! Run-time CPU-feature dispatch shared by the binaural hot paths: a hot function's body is
//! written once, generic over `const FMA: bool`, and instantiated in wrappers compiled for
//! AVX-512, for AVX2 and FMA, and in a portable one. Which of them runs is decided in one place,
//! a [`SimdPath`] made when a processor is built and passed down to every stage it runs, so one
//! switch covers them all.

use std::sync::atomic::{AtomicU8, Ordering};

/// The highest level [`SimdPath::detect`] returns in this process (see
/// [`SimdPath::cap_at_avx2`]), as a [`Level`]'s number.
static CEILING: AtomicU8 = AtomicU8::new(Level::Avx512 as u8);

/// The instruction-set levels a build of the hot paths can target, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
enum Level {
    /// Plain code the compiler vectorises for the baseline target.
    Portable,
    /// x86-64 AVX2 with FMA: 8 lanes.
    Avx2Fma,
    /// x86-64 AVX-512F (with AVX2 and FMA): 16 lanes.
    Avx512,
}

/// Which build of the hot paths runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimdPath {
    /// Only ever above [`Level::Portable`] on a CPU that has that level's features.
    level: Level,
}

impl SimdPath {
    /// The portable build, on any CPU.
    pub const PORTABLE: Self = Self {
        level: Level::Portable,
    };

    /// The best build this CPU supports (at most the AVX2/FMA build once
    /// [`SimdPath::cap_at_avx2`] was called).
    pub fn detect() -> Self {
        let ceiling = if CEILING.load(Ordering::Relaxed) == Level::Avx512 as u8 {
            Level::Avx512
        } else {
            Level::Avx2Fma
        };
        Self {
            level: detect_level().min(ceiling),
        }
    }

    /// From now on, [`SimdPath::detect`] in this process never returns more than the AVX2/FMA
    /// build, so that a benchmark on an AVX-512 machine can time the AVX2 path too
    /// (processors built before keep the path they were built with).
    pub fn cap_at_avx2() {
        CEILING.store(Level::Avx2Fma as u8, Ordering::Relaxed);
    }

    /// This path, but never above the AVX2/FMA build (for comparing the builds in tests and
    /// benchmarks).
    pub fn at_most_avx2(self) -> Self {
        Self {
            level: self.level.min(Level::Avx2Fma),
        }
    }

    /// Whether an AVX2/FMA build runs (true on the AVX-512 path too, whose CPU has both).
    pub fn avx2_fma(self) -> bool {
        self.level >= Level::Avx2Fma
    }

    /// Whether the AVX-512 build runs (then the CPU supports AVX-512F, AVX2 and FMA).
    pub fn avx512(self) -> bool {
        self.level == Level::Avx512
    }

    /// The build's name, for reports: "AVX-512", "AVX2/FMA" or "portable".
    pub fn name(self) -> &'static str {
        match self.level {
            Level::Avx512 => "AVX-512",
            Level::Avx2Fma => "AVX2/FMA",
            Level::Portable => "portable",
        }
    }
}

/// The highest level this CPU supports (checked at run time; always portable off x86-64).
fn detect_level() -> Level {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx2") && has!("fma") {
            return if has!("avx512f") {
                Level::Avx512
            } else {
                Level::Avx2Fma
            };
        }
    }
    Level::Portable
}

/// `a * b + c`, fused in code compiled for FMA (`FMA = true`), a plain multiply and add
/// otherwise (where a fused one would be a slow library call).
#[inline(always)]
pub fn mul_add<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Capping at AVX2 never raises a path, and the portable path stays portable.
    #[test]
    fn capping_keeps_the_order() {
        let best = SimdPath::detect();
        assert!(!best.at_most_avx2().avx512());
        assert_eq!(best.at_most_avx2().avx2_fma(), best.avx2_fma());
        assert_eq!(SimdPath::PORTABLE.at_most_avx2(), SimdPath::PORTABLE);
        assert!(!SimdPath::PORTABLE.avx2_fma());
    }
}
