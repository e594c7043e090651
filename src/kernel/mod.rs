//! Numeric kernels shared by every measure: a total-order radix sort and deterministic,
//! compensated block sums.
//!
//! Determinism rule: every reported sum is formed in fixed blocks of [`BLOCK`] elements,
//! each block summed with Neumaier compensation, and the block results combined in block
//! order. The block size never depends on the number of threads, so a result is
//! bit-identical on one thread or many.

pub mod hash;
pub mod memory;
pub mod normal;
pub mod random;
pub mod sort;
pub mod sum;

/// Elements per summation block. 4,096 `f64` are 32 KiB: a block's data fits in L1/L2 cache,
/// and 1e7 values make about 2,400 blocks, plenty for rayon to balance across cores.
pub const BLOCK: usize = 4096;
