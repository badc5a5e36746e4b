//! Flush-to-zero while the engine runs: decaying filter and resonator states never turn into
//! subnormal numbers, which are slow to compute with on most CPUs and which hosts' validators
//! reject in the output.
//!
//! The plugin's framework sets the same mode around `process()` (nice-plug's
//! `unsafe_flush_denormals` feature); this guard gives the offline renderer, the tests and the
//! benchmarks the same arithmetic.

use std::marker::PhantomData;

/// MXCSR bit 15 (x86-64 SSE): results that would be subnormal become zero.
#[cfg(target_arch = "x86_64")]
const FLUSH_TO_ZERO: u32 = 1 << 15;
/// MXCSR bit 6 (x86-64 SSE): subnormal inputs are read as zero.
#[cfg(target_arch = "x86_64")]
const DENORMALS_ARE_ZERO: u32 = 1 << 6;
/// FPCR bit 24 (AArch64): subnormal inputs and results are flushed to zero.
#[cfg(target_arch = "aarch64")]
const FLUSH_TO_ZERO: u64 = 1 << 24;

/// While alive, the current thread flushes subnormal floats to zero; dropping it restores the
/// mode it found. Not `Send`: the mode belongs to the thread that set it.
pub struct FlushDenormals {
    /// The floating-point control word as it was before.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    saved: ControlWord,
    /// Keeps the guard on its thread.
    _thread_bound: PhantomData<*const ()>,
}

/// The floating-point control register's type.
#[cfg(target_arch = "x86_64")]
type ControlWord = u32;
/// The floating-point control register's type.
#[cfg(target_arch = "aarch64")]
type ControlWord = u64;

impl FlushDenormals {
    /// Switches flush-to-zero on (where the CPU has it) until the guard is dropped.
    #[must_use = "flush-to-zero lasts only while the guard lives"]
    pub fn new() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let saved = read_control();
            write_control(saved | FLUSH_TO_ZERO | DENORMALS_ARE_ZERO);
            Self {
                saved,
                _thread_bound: PhantomData,
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            let saved = read_control();
            write_control(saved | FLUSH_TO_ZERO);
            Self {
                saved,
                _thread_bound: PhantomData,
            }
        }
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        Self {
            _thread_bound: PhantomData,
        }
    }
}

impl Default for FlushDenormals {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        write_control(self.saved);
    }
}

/// Reads MXCSR.
#[cfg(target_arch = "x86_64")]
fn read_control() -> ControlWord {
    let mut value: ControlWord = 0;
    // SAFETY: `stmxcsr` stores the 32-bit MXCSR into the valid, aligned `value`; SSE is part
    // of every x86-64 CPU.
    unsafe {
        std::arch::asm!("stmxcsr [{}]", in(reg) &mut value, options(nostack, preserves_flags));
    }
    value
}

/// Writes MXCSR.
#[cfg(target_arch = "x86_64")]
fn write_control(value: ControlWord) {
    // SAFETY: `ldmxcsr` loads a control word read from MXCSR with only the FTZ and DAZ mode
    // bits changed, both defined on every x86-64 CPU.
    unsafe {
        std::arch::asm!("ldmxcsr [{}]", in(reg) &value, options(nostack, readonly, preserves_flags));
    }
}

/// Reads FPCR.
#[cfg(target_arch = "aarch64")]
fn read_control() -> ControlWord {
    let value: ControlWord;
    // SAFETY: reading FPCR has no side effects.
    unsafe {
        std::arch::asm!("mrs {}, fpcr", out(reg) value, options(nomem, nostack, preserves_flags));
    }
    value
}

/// Writes FPCR.
#[cfg(target_arch = "aarch64")]
fn write_control(value: ControlWord) {
    // SAFETY: writes back FPCR as read, with only the FZ mode bit changed.
    unsafe {
        std::arch::asm!("msr fpcr, {}", in(reg) value, options(nomem, nostack, preserves_flags));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hint::black_box;

    /// Under the guard, a product that would be subnormal is zero, and a subnormal input reads
    /// as zero; after it, subnormals are back.
    #[test]
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    fn subnormals_flush_only_while_the_guard_lives() {
        let tiny = black_box(f32::MIN_POSITIVE);
        let half = black_box(0.5f32);
        {
            let _guard = FlushDenormals::new();
            assert_eq!(black_box(tiny * half), 0.0);
        }
        let subnormal = black_box(tiny * half);
        assert!(subnormal > 0.0 && subnormal < f32::MIN_POSITIVE);
    }
}
