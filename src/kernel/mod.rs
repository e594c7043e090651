//! Numeric kernels shared by every measure: a total-order radix sort and deterministic,
//! compensated block sums.
//!
//! Determinism rule: every reported sum is formed in fixed blocks of [`BLOCK`] elements,
//! each block summed with Neumaier compensation, and the block results combined in block
//! order. The block size never depends on the number of threads, so a result is
//! bit-identical on one thread or many.

pub mod beta;
pub mod hash;
pub mod memory;
pub mod normal;
pub mod random;
pub mod sort;
pub mod sum;

/// Elements per summation block. 4,096 `f64` are 32 KiB: a block's data fits in L1/L2 cache,
/// and 1e7 values make about 2,400 blocks, plenty for rayon to balance across cores.
pub const BLOCK: usize = 4096;

/// `column` at the positions `order` names, in that order: a column put in another ranking
/// of the same observations.
///
/// ```
/// assert_eq!(ginikit::internals::gathered(&[2, 0], &[10.0, 20.0, 30.0]), [30.0, 10.0]);
/// ```
pub fn gathered<T: Copy>(order: &[u32], column: &[T]) -> Vec<T> {
    order.iter().map(|&i| column[i as usize]).collect()
}

/// Asks the cache for `s[i]`, which a loop will read or write a few steps later at a place
/// it cannot predict (a gather or scatter through an index): without it, each such access
/// waits for memory. A hint only: it reads nothing the program sees, and does nothing when
/// `i` is out of bounds or the processor has no such instruction.
///
/// ```
/// let v = vec![1.0, 2.0];
/// ginikit::internals::prefetch(&v, 1);
/// ginikit::internals::prefetch(&v, 7); // out of bounds: nothing
/// assert_eq!(v, [1.0, 2.0]);
/// ```
#[inline(always)]
pub fn prefetch<T>(s: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if i < s.len() {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: the address is that of an element of the slice (i < len); a prefetch reads
        // nothing into the program and never faults.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(s.as_ptr().add(i).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (s, i);
}

/// `x` unchanged, through a value the optimizer cannot see into (no instruction is emitted).
///
/// For loops that carry two running sums where one feeds the other (the midpoint Gini's
/// `Σ w(2S + wv)` beside `S`): the compiler packs both additions into one vector instruction,
/// and each step then waits for the other sum's multiplication — measured 2.5 times slower
/// than two scalar additions. Passing one sum through here keeps them apart.
///
/// ```
/// assert_eq!(ginikit::internals::opaque(0.1), 0.1);
/// ```
#[inline(always)]
pub fn opaque(x: f64) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        let mut y = x;
        // SAFETY: an empty instruction sequence that reads and writes only the register
        // holding `y`: nothing in memory, the stack or the flags changes.
        unsafe {
            std::arch::asm!("/* {0} */", inout(xmm_reg) y, options(pure, nomem, nostack, preserves_flags));
        }
        y
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        x
    }
}
