//! Run-time CPU-feature dispatch shared by the binaural hot paths: a hot function's body is
//! written once, generic over `const FMA: bool`, and instantiated twice, in a wrapper compiled
//! for AVX2 and FMA (called when [`avx2_fma_available`]) and in a portable one.

/// Whether the CPU supports AVX2 and FMA (checked at run time; always false off x86-64).
pub fn avx2_fma_available() -> bool {
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
