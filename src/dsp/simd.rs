//! Run-time CPU-feature dispatch shared by the binaural hot paths: a hot function's body is
//! written once, generic over `const FMA: bool`, and instantiated twice, in a wrapper compiled
//! for AVX2 and FMA and in a portable one. Which of the two runs is decided in one place, a
//! [`SimdPath`] made when a processor is built and passed down to every stage it runs, so one
//! switch covers them all.

/// Which build of the hot paths runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimdPath {
    /// Whether the AVX2/FMA build runs: only ever true on a CPU that has both.
    avx2_fma: bool,
}

impl SimdPath {
    /// The portable build, on any CPU.
    pub const PORTABLE: Self = Self { avx2_fma: false };

    /// The best build this CPU supports.
    pub fn detect() -> Self {
        Self {
            avx2_fma: avx2_fma_available(),
        }
    }

    /// Whether the AVX2/FMA build runs (then the CPU supports AVX2 and FMA).
    pub fn avx2_fma(self) -> bool {
        self.avx2_fma
    }
}

/// Whether the CPU supports AVX2 and FMA (checked at run time; always false off x86-64).
fn avx2_fma_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `a * b + c`, fused in code compiled for FMA (`FMA = true`), a plain multiply and add
/// otherwise (where a fused one would be a slow library call).
#[inline(always)]
pub fn mul_add<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}
