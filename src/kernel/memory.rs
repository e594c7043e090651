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

/// The largest scratch buffer kept for the next sort (256 MiB: the scratch of 3·10⁷ values).
const KEEP_SCRATCH_BYTES: usize = 256 << 20;

/// The scratch buffer the last sort gave back (one, of at most [`KEEP_SCRATCH_BYTES`]): the
/// next sort of its element type and a size it holds reuses it instead of having the kernel
/// zero fresh pages (a fifth of the time of sorting 10⁷ values). Its contents are always
/// overwritten before they are read.
static SPARE: std::sync::Mutex<Option<Box<dyn std::any::Any + Send>>> = std::sync::Mutex::new(None);

/// An empty `Vec` with room for `n` elements for a sort's scratch: the buffer given back by
/// [`give_back_scratch`] when it fits, else a fresh [`huge_vec`].
pub fn scratch_vec<T: Send + 'static>(n: usize) -> Vec<T> {
    let fits = |b: &Box<dyn std::any::Any + Send>| {
        b.downcast_ref::<Vec<T>>()
            .is_some_and(|v| v.capacity() >= n)
    };
    let mut spare = SPARE.lock().unwrap_or_else(|e| e.into_inner());
    if spare.as_ref().is_some_and(fits) {
        if let Some(Ok(v)) = spare.take().map(|b| b.downcast::<Vec<T>>()) {
            let mut v = *v;
            v.clear();
            return v;
        }
    }
    drop(spare);
    huge_vec(n)
}

/// Keeps a sort's scratch buffer for the next sort in place of the one kept before (up to
/// [`KEEP_SCRATCH_BYTES`]), or frees it.
pub fn give_back_scratch<T: Send + 'static>(v: Vec<T>) {
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    if (HUGE_MIN_BYTES..=KEEP_SCRATCH_BYTES).contains(&bytes) {
        *SPARE.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(v));
    }
}

pub(crate) fn advise_huge(ptr: *const u8, bytes: usize) {
    if bytes >= HUGE_MIN_BYTES {
        // SAFETY: MADV_HUGEPAGE only changes how the kernel backs the pages, never their
        // contents. A failure is harmless.
        unsafe { advise_pages(ptr, bytes, Advice::Huge) };
    }
}

/// What to tell the kernel about a buffer's pages.
#[derive(Clone, Copy)]
enum Advice {
    Huge,
    Small,
    Release,
}

/// Gives `advice` for the whole pages inside `ptr .. ptr + bytes` (madvise wants a
/// page-aligned start). Nothing on systems other than Linux.
///
/// # Safety
/// The range lies inside an allocation this process owns; for [`Advice::Release`], its
/// contents are never read again.
unsafe fn advise_pages(ptr: *const u8, bytes: usize, advice: Advice) {
    #[cfg(target_os = "linux")]
    {
        let page = 4096usize;
        let start = (ptr as usize).div_ceil(page) * page;
        let end = (ptr as usize + bytes) / page * page;
        if end > start {
            debug_assert!(start >= ptr as usize && end <= ptr as usize + bytes);
            let flag = match advice {
                Advice::Huge => libc::MADV_HUGEPAGE,
                Advice::Small => libc::MADV_NOHUGEPAGE,
                Advice::Release => libc::MADV_DONTNEED,
            };
            // SAFETY: whole pages inside the caller's allocation (see the contract above).
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, flag);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, bytes, advice);
}

/// Returns the allocator's free memory to the system (glibc keeps what the reader's many
/// medium-sized buffers freed, and later large buffers are mapped beside it).
#[cfg(feature = "table")]
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free pages of the heap back to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Gives the whole pages inside `ptr .. ptr + bytes` back to the system while the buffer stays
/// allocated: a buffer consumed front to back can shrink as it is read, so that it and the
/// buffer being filled from it are never both whole in memory.
///
/// # Safety
/// The range lies inside a buffer the caller owns, which never reads those bytes again
/// (they read as zeros afterwards) and frees the buffer normally.
pub unsafe fn release_pages(ptr: *const u8, bytes: usize) {
    // SAFETY: the caller's contract above.
    unsafe { advise_pages(ptr, bytes, Advice::Release) };
}

/// Asks the system to back `ptr .. ptr + bytes` with ordinary pages: for buffers written at
/// thousands of scattered places, where huge pages would each be made resident by a first
/// write long before they are full.
pub fn advise_small_pages(ptr: *const u8, bytes: usize) {
    // SAFETY: only changes how the kernel backs the pages, never their contents.
    unsafe { advise_pages(ptr, bytes, Advice::Small) };
}

/// Bytes free for an unprivileged writer on the file system that holds `dir` (`statvfs`);
/// `None` where the system does not say.
pub(crate) fn free_disk(dir: &std::path::Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: `c` is a valid NUL-terminated path and `stat` a buffer of the right type,
        // which statvfs fills in full when it returns 0.
        let rc = unsafe { libc::statvfs(c.as_ptr(), stat.as_mut_ptr()) };
        if rc != 0 {
            return None;
        }
        // SAFETY: statvfs returned 0, so it initialised the struct.
        let stat = unsafe { stat.assume_init() };
        // fsblkcnt_t and c_ulong are 32 bits wide on some targets.
        #[allow(clippy::unnecessary_cast)]
        let (blocks, size) = (stat.f_bavail as u64, stat.f_frsize as u64);
        Some(blocks.saturating_mul(size))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}
