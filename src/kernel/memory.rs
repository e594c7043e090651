//! Large buffers backed by transparent huge pages.
//!
//! Sorting 1e7 weighted values touches about half a gigabyte of fresh memory; with 4 KiB
//! pages that is over 100,000 page faults, each zeroing a page, which measured at a quarter of
//! a whole `gini compute` run. Asking the kernel for 2 MiB pages (`madvise(MADV_HUGEPAGE)`)
//! before the first touch removes almost all of them. Where the kernel does not honour the
//! request, nothing changes but speed.

/// Below this size a buffer is not worth a system call (1 MiB).
const HUGE_MIN_BYTES: usize = 1 << 20;

/// An empty `Vec` with room for `n` elements, its memory advised to use huge pages.
pub fn huge_vec<T>(n: usize) -> Vec<T> {
    let v: Vec<T> = Vec::with_capacity(n);
    advise_huge(v.as_ptr() as *const u8, n * std::mem::size_of::<T>());
    v
}

#[cfg(target_os = "linux")]
fn advise_huge(ptr: *const u8, bytes: usize) {
    if bytes < HUGE_MIN_BYTES {
        return;
    }
    // madvise wants a page-aligned start: advise the whole pages inside the buffer.
    let page = 4096usize;
    let start = (ptr as usize).div_ceil(page) * page;
    let end = (ptr as usize + bytes) / page * page;
    if end > start {
        debug_assert!(start >= ptr as usize && end <= ptr as usize + bytes);
        // SAFETY: the range lies inside an allocation this process owns; MADV_HUGEPAGE only
        // changes how the kernel backs it, never its contents. A failure is harmless.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_ptr: *const u8, _bytes: usize) {}
