//! Direct-form FIR convolution of one signal with several filters at once, the hot loop of the
//! binaural placer. Direct form keeps the placer free of latency; running the old and new
//! filters of a crossfade (and both ears) over the same input in one pass shares every load.
//!
//! On the AVX-512 [`SimdPath`] a hand-vectorised kernel computes 32 outputs per pass in 16-lane
//! registers, even and odd taps in separate accumulators so that enough multiply-adds are in
//! flight; on the AVX2/FMA path (x86-64 CPUs that have both) one computes 16 outputs per pass
//! with eight independent accumulators (the even and odd taps apart when only two filters
//! run); elsewhere a portable kernel that the compiler
//! vectorises does the same arithmetic.

use super::simd::SimdPath;

/// Outputs computed per pass; callers pad their buffers to a multiple of this.
pub const OUTPUT_CHUNK: usize = 16;

/// Runs `F` FIR filters over `x`:
/// `out[f][j] = sum over i of coeffs[f][i] * x[j + i]` for `j` in `0..n`, rounded up to a
/// multiple of [`OUTPUT_CHUNK`] (the extra outputs are scratch).
///
/// - `path` picks the kernel (AVX2/FMA or portable; both give the same sums within rounding).
/// - `coeffs[f]` holds filter `f` time-reversed (`coeffs[f][i] = h_f[taps - 1 - i]`); all have
///   the same length `taps`.
/// - `x` holds `taps - 1` samples of history followed by the new input, and must be at least
///   `padded(n) + taps - 1` long.
/// - every `out[f]` must be at least `padded(n)` long.
///
/// # Panics
/// If a slice is shorter than stated (checked before any work).
pub fn convolve<const F: usize>(
    path: SimdPath,
    x: &[f32],
    coeffs: [&[f32]; F],
    out: [&mut [f32]; F],
    n: usize,
) {
    let taps = coeffs[0].len();
    let padded = padded(n);
    assert!(x.len() + 1 >= padded + taps, "history too short");
    for f in 0..F {
        assert!(
            coeffs[f].len() == taps && out[f].len() >= padded,
            "filter layout"
        );
    }
    #[cfg(target_arch = "x86_64")]
    if path.avx512() {
        // SAFETY: the path is AVX-512 only on a CPU that supports it, and the lengths were
        // checked above.
        unsafe { avx512::convolve(x, coeffs, out, padded) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if path.avx2_fma() {
        // SAFETY: the path is AVX2/FMA only on a CPU that supports both, and the lengths were
        // checked above.
        unsafe { avx2::convolve(x, coeffs, out, padded) };
        return;
    }
    portable(x, coeffs, out, padded);
}

/// `n` rounded up to a whole number of output chunks.
pub fn padded(n: usize) -> usize {
    n.div_ceil(OUTPUT_CHUNK) * OUTPUT_CHUNK
}

#[allow(clippy::needless_range_loop)] // tap index addresses `x` and every filter alike
fn portable<const F: usize>(x: &[f32], coeffs: [&[f32]; F], out: [&mut [f32]; F], padded: usize) {
    let taps = coeffs[0].len();
    for j0 in (0..padded).step_by(OUTPUT_CHUNK) {
        let mut acc = [[0.0f32; OUTPUT_CHUNK]; F];
        for i in 0..taps {
            let xs: &[f32; OUTPUT_CHUNK] = x[j0 + i..j0 + i + OUTPUT_CHUNK].try_into().unwrap();
            for f in 0..F {
                let c = coeffs[f][i];
                for (a, &xv) in acc[f].iter_mut().zip(xs) {
                    *a += c * xv;
                }
            }
        }
        for f in 0..F {
            out[f][j0..j0 + OUTPUT_CHUNK].copy_from_slice(&acc[f]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::OUTPUT_CHUNK;
    use std::arch::x86_64::*;

    /// Multiply-add chains that keep an AVX2/FMA core busy: a multiply-add waits about four
    /// cycles for the one before it on the same accumulator, and two can start per cycle.
    const CHAINS: usize = 8;

    /// AVX2/FMA kernel: per pass, two 8-lane groups of outputs times `F` filters in registers;
    /// with fewer than [`CHAINS`] accumulators that way (one or two filters: a placer that is
    /// not crossfading), the even and the odd taps each get their own, added at the end.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA; `x` must hold `padded + taps - 1` samples and each
    /// `out[f]` `padded` samples, `padded` a multiple of [`OUTPUT_CHUNK`].
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn convolve<const F: usize>(
        x: &[f32],
        coeffs: [&[f32]; F],
        mut out: [&mut [f32]; F],
        padded: usize,
    ) {
        let taps = coeffs[0].len();
        for j0 in (0..padded).step_by(OUTPUT_CHUNK) {
            // SAFETY: as this function's contract, for outputs j0..j0 + 16.
            let sums = if 2 * F < CHAINS {
                unsafe { pass::<F, true>(x, &coeffs, j0, taps) }
            } else {
                unsafe { pass::<F, false>(x, &coeffs, j0, taps) }
            };
            for (sums, out) in sums.iter().zip(out.iter_mut()) {
                let o = &mut out[j0..j0 + OUTPUT_CHUNK];
                // SAFETY: `o` is exactly 16 floats long.
                unsafe {
                    _mm256_storeu_ps(o.as_mut_ptr(), sums[0]);
                    _mm256_storeu_ps(o.as_mut_ptr().add(8), sums[1]);
                }
            }
        }
    }

    /// Adds tap `$i` of every filter in `$coeffs` times the 16 inputs from `$j0 + $i` on (read
    /// through the pointer `$xp`) to the accumulators `$acc` (per filter, two 8-lane groups).
    macro_rules! accumulate {
        ($xp:expr, $j0:expr, $coeffs:expr, $i:expr, $acc:expr) => {{
            let i = $i;
            // SAFETY: the caller's bounds, stated where this is used.
            let (lo, hi) = unsafe {
                (
                    _mm256_loadu_ps($xp.add($j0 + i)),
                    _mm256_loadu_ps($xp.add($j0 + i + 8)),
                )
            };
            for f in 0..F {
                // SAFETY: i < taps, the length of every filter.
                let c = _mm256_set1_ps(unsafe { *$coeffs[f].get_unchecked(i) });
                $acc[f][0] = _mm256_fmadd_ps(c, lo, $acc[f][0]);
                $acc[f][1] = _mm256_fmadd_ps(c, hi, $acc[f][1]);
            }
        }};
    }

    /// The 16 outputs from `j0` on, per filter, in two 8-lane groups; `SPLIT`: the even and
    /// the odd taps summed apart (twice the chains) and added at the end.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA; `x` must hold `j0 + 16 + taps - 1` samples and every
    /// filter `taps` coefficients.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn pass<const F: usize, const SPLIT: bool>(
        x: &[f32],
        coeffs: &[&[f32]; F],
        j0: usize,
        taps: usize,
    ) -> [[__m256; 2]; F] {
        let xp = x.as_ptr();
        let mut even = [[_mm256_setzero_ps(); 2]; F];
        let mut odd = [[_mm256_setzero_ps(); 2]; F];
        let step = if SPLIT { 2 } else { 1 };
        let mut i = 0;
        while i + step <= taps {
            // SAFETY: (both macros) the loads cover x[j0 + i ..][..17]; the largest index,
            // j0 + 15 + taps - 1, is inside `x` by the contract, and i + 1 < taps when SPLIT.
            accumulate!(xp, j0, coeffs, i, even);
            if SPLIT {
                accumulate!(xp, j0, coeffs, i + 1, odd);
            }
            i += step;
        }
        if i < taps {
            accumulate!(xp, j0, coeffs, i, even);
        }
        if SPLIT {
            for (even, odd) in even.iter_mut().zip(&odd) {
                for (e, &o) in even.iter_mut().zip(odd) {
                    *e = _mm256_add_ps(*e, o);
                }
            }
        }
        even
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::OUTPUT_CHUNK;
    use std::arch::x86_64::*;

    /// Outputs per pass of the main loop: two 16-lane registers per filter.
    const WIDE: usize = 2 * OUTPUT_CHUNK;

    /// AVX-512 kernel: per filter, two 16-lane groups of outputs, each with one accumulator
    /// for the even taps and one for the odd taps (a multiply-add waits for the one before it
    /// on the same accumulator, so more accumulators keep the units busy); a last
    /// [`OUTPUT_CHUNK`] of outputs, if any, in one group.
    ///
    /// # Safety
    /// The CPU must support AVX-512F; `x` must hold `padded + taps - 1` samples and each
    /// `out[f]` `padded` samples, `padded` a multiple of [`OUTPUT_CHUNK`].
    #[target_feature(enable = "avx512f")]
    pub unsafe fn convolve<const F: usize>(
        x: &[f32],
        coeffs: [&[f32]; F],
        mut out: [&mut [f32]; F],
        padded: usize,
    ) {
        let taps = coeffs[0].len();
        let mut j0 = 0;
        while j0 + WIDE <= padded {
            // SAFETY: as this function's contract, for outputs j0..j0 + 32.
            let sums = unsafe { pass::<F, 2>(x, &coeffs, j0, taps) };
            store(&sums, &mut out, j0);
            j0 += WIDE;
        }
        if j0 < padded {
            // SAFETY: as this function's contract, for outputs j0..j0 + 16.
            let sums = unsafe { pass::<F, 1>(x, &coeffs, j0, taps) };
            store(&sums, &mut out, j0);
        }
    }

    /// Writes `G` groups of 16 sums per filter to `out[f][j0..]`.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn store<const F: usize, const G: usize>(
        sums: &[[__m512; G]; F],
        out: &mut [&mut [f32]; F],
        j0: usize,
    ) {
        for (sums, out) in sums.iter().zip(out.iter_mut()) {
            for (g, sum) in sums.iter().enumerate() {
                let o = &mut out[j0 + g * OUTPUT_CHUNK..j0 + (g + 1) * OUTPUT_CHUNK];
                // SAFETY: `o` is exactly 16 floats long.
                unsafe { _mm512_storeu_ps(o.as_mut_ptr(), *sum) };
            }
        }
    }

    /// `G` groups of 16 outputs from `j0` on, per filter: the even taps' and the odd taps'
    /// sums, added at the end.
    ///
    /// # Safety
    /// The CPU must support AVX-512F; `x` must hold `j0 + 16 * G + taps - 1` samples and every
    /// filter `taps` coefficients.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn pass<const F: usize, const G: usize>(
        x: &[f32],
        coeffs: &[&[f32]; F],
        j0: usize,
        taps: usize,
    ) -> [[__m512; G]; F] {
        let xp = x.as_ptr();
        let mut even = [[_mm512_setzero_ps(); G]; F];
        let mut odd = [[_mm512_setzero_ps(); G]; F];
        let tap = |acc: &mut [[__m512; G]; F], i: usize| {
            for g in 0..G {
                // SAFETY: the load covers x[j0 + 16g + i ..][..16]; the largest index,
                // j0 + 16G - 1 + taps - 1, is inside `x` by the contract.
                let xs = unsafe { _mm512_loadu_ps(xp.add(j0 + g * OUTPUT_CHUNK + i)) };
                for (acc, filter) in acc.iter_mut().zip(coeffs) {
                    // SAFETY: i < taps, the length of every filter.
                    let c = _mm512_set1_ps(unsafe { *filter.get_unchecked(i) });
                    acc[g] = _mm512_fmadd_ps(c, xs, acc[g]);
                }
            }
        };
        let mut i = 0;
        while i + 2 <= taps {
            tap(&mut even, i);
            tap(&mut odd, i + 1);
            i += 2;
        }
        if i < taps {
            tap(&mut even, i);
        }
        for (even, odd) in even.iter_mut().zip(&odd) {
            for (e, &o) in even.iter_mut().zip(odd) {
                *e = _mm512_add_ps(*e, o);
            }
        }
        even
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel agrees with the textbook convolution sum, for output counts that take the
    /// AVX-512 kernel's wide passes, its narrow pass, or both.
    #[test]
    fn matches_the_direct_sum() {
        for n in [7, 21, 45] {
            matches_the_direct_sum_for(n);
        }
    }

    fn matches_the_direct_sum_for(n: usize) {
        let taps = 37;
        let x: Vec<f32> = (0..padded(n) + taps)
            .map(|i| ((i * 7919) % 13) as f32 - 6.0)
            .collect();
        let h1: Vec<f32> = (0..taps).map(|i| 1.0 / (i + 1) as f32).collect();
        let h2: Vec<f32> = (0..taps).map(|i| (i as f32 * 0.3).sin()).collect();
        let (mut o1, mut o2) = (vec![0.0; padded(n)], vec![0.0; padded(n)]);
        convolve(SimdPath::detect(), &x, [&h1, &h2], [&mut o1, &mut o2], n);
        let (mut a1, mut a2) = (vec![0.0; padded(n)], vec![0.0; padded(n)]);
        let avx2 = SimdPath::detect().at_most_avx2();
        convolve(avx2, &x, [&h1, &h2], [&mut a1, &mut a2], n);
        let (mut p1, mut p2) = (vec![0.0; padded(n)], vec![0.0; padded(n)]);
        portable(&x, [&h1, &h2], [&mut p1, &mut p2], padded(n));
        for j in 0..n {
            let e1: f32 = (0..taps).map(|i| h1[i] * x[j + i]).sum();
            let e2: f32 = (0..taps).map(|i| h2[i] * x[j + i]).sum();
            assert!(
                (o1[j] - e1).abs() < 1e-4 && (o2[j] - e2).abs() < 1e-4,
                "output {j}"
            );
            assert!(
                (a1[j] - e1).abs() < 1e-4 && (a2[j] - e2).abs() < 1e-4,
                "AVX2 {j}"
            );
            assert!(
                (p1[j] - e1).abs() < 1e-4 && (p2[j] - e2).abs() < 1e-4,
                "portable {j}"
            );
        }
    }
}
