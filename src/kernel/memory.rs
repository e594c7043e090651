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

/// The most memory kept for the next sorts (256 MiB: a sort's scratch and output of 1.6·10⁷
/// values).
const KEEP_BYTES: usize = 256 << 20;
/// The most buffers kept: a sort needs two (its scratch and its output).
const KEEP_BUFFERS: usize = 2;

/// A buffer kept for reuse, with its size in bytes (capacity × element size).
struct Kept {
    buffer: Box<dyn std::any::Any + Send>,
    bytes: usize,
}

/// Buffers that finished sorts and dropped samples gave back (at most [`KEEP_BUFFERS`], of
/// at most [`KEEP_BYTES`] together): the next sort of their element type and a size they hold
/// reuses them instead of having the kernel zero fresh pages (a quarter of the time of
/// sorting 10⁷ values). Each keeps its length: the elements below it were written, so a
/// buffer that must start initialised ([`filled_vec`]) can start from them.
static KEPT: std::sync::Mutex<Vec<Kept>> = std::sync::Mutex::new(Vec::new());

/// A kept `Vec<T>` of capacity at least `n` whose length is at least `min_len`, taken out of
/// the pool (the smallest that fits).
fn take_kept<T: Send + 'static>(n: usize, min_len: usize) -> Option<Vec<T>> {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let fits = |k: &Kept| {
        k.buffer
            .downcast_ref::<Vec<T>>()
            .is_some_and(|v| v.capacity() >= n && v.len() >= min_len)
    };
    let best = (0..kept.len())
        .filter(|&i| fits(&kept[i]))
        .min_by_key(|&i| kept[i].bytes)?;
    kept.swap_remove(best)
        .buffer
        .downcast::<Vec<T>>()
        .ok()
        .map(|v| *v)
}

/// An empty `Vec` with room for `n` elements for a sort's scratch: a buffer given back by
/// [`give_back`] when one fits, else a fresh [`huge_vec`].
pub fn scratch_vec<T: Send + 'static>(n: usize) -> Vec<T> {
    match take_kept::<T>(n, 0) {
        Some(mut v) => {
            v.clear();
            v
        }
        None => huge_vec(n),
    }
}

/// A `Vec` of `n` initialised elements whose values do not matter (the caller overwrites
/// them all): `n` elements of a kept buffer that held at least `n`, else `n` copies of the
/// default value on pages the system zeroes as they are first touched (calloc: no pass of
/// its own).
pub fn filled_vec<T: Copy + Default + Send + 'static>(n: usize) -> Vec<T> {
    match take_kept::<T>(n, n) {
        Some(mut v) => {
            v.truncate(n);
            v
        }
        None => {
            let v = vec![T::default(); n];
            advise_huge(v.as_ptr() as *const u8, n * std::mem::size_of::<T>());
            v
        }
    }
}

/// Keeps a buffer for the next sorts (in place of the smallest kept ones, within
/// [`KEEP_BUFFERS`] and [`KEEP_BYTES`]), or frees it. Buffers under 1 MiB are freed: the
/// allocator reuses those itself.
pub fn give_back<T: Send + 'static>(v: Vec<T>) {
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    if !(HUGE_MIN_BYTES..=KEEP_BYTES).contains(&bytes) {
        return;
    }
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    kept.push(Kept {
        buffer: Box::new(v),
        bytes,
    });
    // Largest first; drop the smallest beyond the limits (freed after the lock is released).
    kept.sort_by_key(|k| std::cmp::Reverse(k.bytes));
    let mut total = 0;
    let keep = kept
        .iter()
        .take(KEEP_BUFFERS)
        .take_while(|k| {
            total += k.bytes;
            total <= KEEP_BYTES
        })
        .count();
    let freed: Vec<Kept> = kept.drain(keep..).collect();
    drop(kept);
    drop(freed);
}

/// A huge page: the unit a [`HugePages`] buffer is placed in.
const HUGE_PAGE: usize = 2 << 20;
/// A small page.
const PAGE: usize = 4096;

/// A global allocator for programs built on the toolkit: the system's allocator for buffers
/// under 1 MiB; on Linux, buffers of 1 MiB or more are placed one after another in address
/// space reserved for them (a gigabyte at a time, advised to be backed by huge pages), each on
/// whole small pages of its own. A run that keeps tens of such buffers (an attribution's
/// rankings and influence values: 47,000 page faults and a third of its time with the
/// system's allocator alone) then takes one fault per 2 MiB instead of 512, and since the
/// buffers are packed, a huge page holds the end of one and the start of the next rather than
/// memory nobody uses: the kernel zeroes each page it gives, and here zeroing is most of the
/// cost of fresh memory (buffers of 2.4 MB each on mappings of their own, with their last
/// part on one more huge page: peak memory 245 MB instead of 150 MB, and 5 % more time). A
/// fresh page reads as zeros, so a zeroed buffer costs no pass of its own.
///
/// A freed buffer's pages are kept for the next buffers (up to 64 MiB in up to 32 ranges,
/// neighbours merged; beyond that they go back to the system, `munmap`): the table reader's
/// and the sorts' buffers, freed before the estimation starts, then hold the first of its
/// rankings and influence values instead of pages the kernel must find and zero (an
/// attribution of three transfers on 300,000 households: 5–9 % less time). A reused buffer
/// asked for zeroed is zeroed by a pass of its own, which costs less than fresh pages. When
/// a buffer comes that no kept range holds, the kept ranges go back to the system before
/// fresh pages are taken, so that keeping them does not raise the most memory a run holds
/// (3,000,000 households: 295 MB against 289 MB without keeping). Buffers larger than
/// 256 MiB are mappings of their own, aligned to 2 MiB. Resizing a buffer moves its pages
/// (`mremap`) rather than copying them.
///
/// ```
/// use ginikit::memory::HugePages;
/// use std::alloc::{GlobalAlloc, Layout};
/// let layout = Layout::from_size_align(3 << 20, 8).unwrap();
/// unsafe {
///     let p = HugePages.alloc_zeroed(layout);
///     assert!(!p.is_null() && *p.add((3 << 20) - 1) == 0);
///     *p = 7;
///     let q = HugePages.realloc(p, layout, 5 << 20);
///     assert!(!q.is_null() && *q == 7);
///     HugePages.dealloc(q, Layout::from_size_align(5 << 20, 8).unwrap());
/// }
/// ```
pub struct HugePages;

/// Whether a request is served by mapped pages of its own (Linux; at least [`MAPPED_MIN`];
/// an alignment any page satisfies, so that pages the kernel moves keep it).
fn mapped(layout: std::alloc::Layout) -> bool {
    cfg!(target_os = "linux") && layout.size() >= MAPPED_MIN && layout.align() <= PAGE
}

// SAFETY: a request is mapped or passed to the system allocator by `mapped(layout)` alone,
// and deallocation and reallocation are given the layout of the allocation (the trait's
// contract), so each buffer goes back to where it came from. Mapped buffers are private,
// anonymous, readable and writable, whole pages of their own, at least `size` bytes,
// aligned to a page; a freed buffer's pages are kept by the arena (under its lock) until
// one later buffer is carved from them, so no two live buffers share a page.
unsafe impl std::alloc::GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if mapped(layout) {
            place(layout.size(), false)
        } else {
            // SAFETY: the caller's layout, passed on.
            unsafe { std::alloc::System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if mapped(layout) {
            place(layout.size(), true)
        } else {
            // SAFETY: the caller's layout, passed on.
            unsafe { std::alloc::System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if mapped(layout) {
            // SAFETY: `ptr` is a buffer of `layout.size()` bytes made by `place`.
            unsafe { release(ptr, layout.size()) }
        } else {
            // SAFETY: `ptr` came from the system allocator with this layout.
            unsafe { std::alloc::System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees that `new_size` rounded up to the alignment does not
        // overflow.
        let asked =
            unsafe { std::alloc::Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (mapped(layout), mapped(asked)) {
            // SAFETY: `ptr` came from the system allocator with `layout`.
            (false, false) => unsafe { std::alloc::System.realloc(ptr, layout, new_size) },
            (true, true) => {
                // SAFETY: `ptr` is a buffer of `layout.size()` bytes made by `place`.
                let moved = unsafe { remap(ptr, layout.size(), new_size) };
                if !moved.is_null() {
                    return moved;
                }
                // A buffer made of reused ranges can lie across two of the system's mappings
                // (one advised onto small pages), which it does not move as one: copied, as
                // below.
                // SAFETY: as below.
                unsafe { self.copied_over(ptr, layout, asked) }
            }
            // SAFETY: the caller's buffer and layout, and a non-zero new size.
            _ => unsafe { self.copied_over(ptr, layout, asked) },
        }
    }
}

impl HugePages {
    /// A new buffer for `asked` holding the bytes of `ptr` both hold, `ptr` freed; null (the
    /// old buffer untouched) when there is no memory.
    ///
    /// # Safety
    /// `ptr` was made by this allocator with `layout`; `asked` has a non-zero size.
    unsafe fn copied_over(
        &self,
        ptr: *mut u8,
        layout: std::alloc::Layout,
        asked: std::alloc::Layout,
    ) -> *mut u8 {
        use std::alloc::GlobalAlloc;
        // SAFETY: `ptr` holds `layout.size()` bytes and the new buffer `asked.size()`; the
        // old one is given back where it came from.
        unsafe {
            let p = self.alloc(asked);
            if !p.is_null() {
                std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(asked.size()));
                self.dealloc(ptr, layout);
            }
            p
        }
    }
}

/// The smallest request served by mapped pages of its own (1 MiB).
const MAPPED_MIN: usize = HUGE_PAGE / 2;
/// The address space reserved for packed buffers at a time (1 GiB: no memory until used).
const ARENA_SPAN: usize = 1 << 30;
/// The largest buffer placed in the arena; larger ones are mappings of their own.
const ARENA_MAX: usize = ARENA_SPAN / 4;

/// The most free ranges the arena remembers for reuse.
const FREE_SLOTS: usize = 32;
/// The most memory the arena keeps in freed ranges for reuse (64 MiB); a buffer freed beyond
/// it goes back to the system.
const FREE_MAX_BYTES: usize = 64 << 20;

/// Whole pages at `at .. at + len`.
#[derive(Clone, Copy)]
struct Range {
    at: usize,
    len: usize,
}

/// The unused part of the address space reserved for packed buffers (`next .. end`), and the
/// ranges of freed buffers kept for the next ones (`free[..free_count]`, `free_bytes` in all,
/// adjacent ones merged).
struct Arena {
    next: usize,
    end: usize,
    free: [Range; FREE_SLOTS],
    free_count: usize,
    free_bytes: usize,
}

/// A lock that never allocates (a futex on Linux), taken for a few instructions per buffer.
static ARENA: std::sync::Mutex<Arena> = std::sync::Mutex::new(Arena::EMPTY);

impl Arena {
    /// No address space reserved, no range kept.
    const EMPTY: Arena = Arena {
        next: 0,
        end: 0,
        free: [Range { at: 0, len: 0 }; FREE_SLOTS],
        free_count: 0,
        free_bytes: 0,
    };

    /// The first `len` bytes of the smallest kept free range that holds them, taken out of it.
    fn take_free(&mut self, len: usize) -> Option<usize> {
        let best = (0..self.free_count)
            .filter(|&i| self.free[i].len >= len)
            .min_by_key(|&i| self.free[i].len)?;
        let range = &mut self.free[best];
        let at = range.at;
        range.at += len;
        range.len -= len;
        if range.len == 0 {
            self.free_count -= 1;
            self.free[best] = self.free[self.free_count];
        }
        self.free_bytes -= len;
        Some(at)
    }

    /// Keeps `at .. at + len` for reuse, merged with kept ranges it touches; false (nothing
    /// kept) when that would pass [`FREE_MAX_BYTES`] or [`FREE_SLOTS`].
    fn keep_free(&mut self, at: usize, len: usize) -> bool {
        if self.free_bytes + len > FREE_MAX_BYTES {
            return false;
        }
        let mut merged = Range { at, len };
        let mut i = 0;
        while i < self.free_count {
            let r = self.free[i];
            if r.at + r.len == merged.at || merged.at + merged.len == r.at {
                merged = Range {
                    at: r.at.min(merged.at),
                    len: r.len + merged.len,
                };
                self.free_count -= 1;
                self.free[i] = self.free[self.free_count];
            } else {
                i += 1;
            }
        }
        if self.free_count == FREE_SLOTS {
            // No neighbour merged (a merge frees a slot): nothing was changed.
            return false;
        }
        self.free[self.free_count] = merged;
        self.free_count += 1;
        self.free_bytes += len;
        true
    }
}

/// Whole pages for a buffer of `size` bytes (zeroed when `zeroed`): the first ones of a kept
/// free range, else (the kept ranges given back to the system) the next ones of the arena (a
/// new span reserved when this one is used up), or a mapping of its own for a large buffer;
/// null when the system refuses.
fn place(size: usize, zeroed: bool) -> *mut u8 {
    let len = size.next_multiple_of(PAGE);
    let mut arena = ARENA.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(at) = arena.take_free(len) {
        drop(arena);
        if zeroed {
            // SAFETY: whole pages of a freed buffer, now this one's alone.
            unsafe { std::ptr::write_bytes(at as *mut u8, 0, size) };
        }
        return at as *mut u8;
    }
    // No kept range holds this buffer: they go back to the system before fresh pages are
    // taken, so that keeping freed pages never adds to the most memory a run holds.
    let unused = std::mem::replace(&mut arena.free, Arena::EMPTY.free);
    let unused = &unused[..std::mem::take(&mut arena.free_count)];
    arena.free_bytes = 0;
    let at = if len > ARENA_MAX {
        None
    } else if arena.end - arena.next >= len {
        Some(arena.next)
    } else {
        // The rest of the old span stays reserved, untouched: address space, not memory.
        let span = reserve(ARENA_SPAN);
        (!span.is_null()).then(|| {
            arena.end = span as usize + ARENA_SPAN;
            span as usize
        })
    };
    if let Some(at) = at {
        arena.next = at + len;
    }
    drop(arena);
    for r in unused {
        // SAFETY: kept ranges are whole pages of freed buffers that nothing uses.
        unsafe { unmap(r.at as *mut u8, r.len) };
    }
    match at {
        Some(at) => at as *mut u8,
        None => map(len),
    }
}

/// Frees a buffer of `size` bytes made by [`place`]: kept for reuse within the limits, else
/// given back to the system.
///
/// # Safety
/// `ptr` is such a buffer, never used again.
unsafe fn release(ptr: *mut u8, size: usize) {
    let len = size.next_multiple_of(PAGE);
    if len <= ARENA_MAX {
        let mut arena = ARENA.lock().unwrap_or_else(|e| e.into_inner());
        if arena.keep_free(ptr as usize, len) {
            return;
        }
    }
    // SAFETY: the caller's contract.
    unsafe { unmap(ptr, size) }
}

/// `len` bytes of address space aligned to 2 MiB and advised onto huge pages, with no memory
/// (or swap) set aside until its pages are touched; null when the system refuses.
fn reserve(len: usize) -> *mut u8 {
    #[cfg(target_os = "linux")]
    return map_with(len, libc::MAP_NORESERVE);
    #[cfg(not(target_os = "linux"))]
    map_with(len, 0)
}

/// A private anonymous mapping of at least `size` bytes aligned to 2 MiB (a larger one is
/// made and its ends cut off), advised onto huge pages; null when the system refuses.
fn map(size: usize) -> *mut u8 {
    map_with(size, 0)
}

/// [`map`], with `flags` added to the mapping's.
fn map_with(size: usize, flags: i32) -> *mut u8 {
    #[cfg(target_os = "linux")]
    {
        let len = size.next_multiple_of(PAGE);
        let span = len + HUGE_PAGE;
        // SAFETY: a new mapping, touching no existing memory; the cut ends lie inside it.
        unsafe {
            let base = libc::mmap(
                std::ptr::null_mut(),
                span,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | flags,
                -1,
                0,
            );
            if base == libc::MAP_FAILED {
                return std::ptr::null_mut();
            }
            let start = (base as usize).next_multiple_of(HUGE_PAGE);
            let head = start - base as usize;
            if head > 0 {
                libc::munmap(base, head);
            }
            let tail = span - head - len;
            if tail > 0 {
                libc::munmap((start + len) as *mut libc::c_void, tail);
            }
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
            start as *mut u8
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (size, flags);
        std::ptr::null_mut()
    }
}

/// Gives back the pages of a buffer of `size` bytes made by [`place`].
///
/// # Safety
/// `ptr` is such a buffer, never used again.
unsafe fn unmap(ptr: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    // SAFETY: the whole pages of the caller's mapping.
    unsafe {
        libc::munmap(ptr as *mut libc::c_void, size.next_multiple_of(PAGE));
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, size);
}

/// Resizes a buffer of `size` bytes made by [`place`] to `new_size` bytes, moving its pages
/// where it cannot grow in place; null (the old buffer untouched) when the system refuses.
///
/// # Safety
/// `ptr` is such a buffer; on success it is not used again.
unsafe fn remap(ptr: *mut u8, size: usize, new_size: usize) -> *mut u8 {
    #[cfg(target_os = "linux")]
    // SAFETY: the whole pages of the caller's mapping, which the kernel moves or resizes.
    unsafe {
        let p = libc::mremap(
            ptr as *mut libc::c_void,
            size.next_multiple_of(PAGE),
            new_size.next_multiple_of(PAGE),
            libc::MREMAP_MAYMOVE,
        );
        if p == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        p as *mut u8
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (ptr, size, new_size);
        std::ptr::null_mut()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Buffers given back are reused within the limits (at most two, 256 MiB together), and
    /// whatever the pool holds, a reused buffer has the length asked for.
    #[test]
    fn kept_buffers_stay_within_limits_and_come_back_the_right_size() {
        for n in [1usize << 18, 1 << 19, 1 << 20, 1 << 25] {
            give_back(vec![7.0f64; n]);
            let kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
            assert!(kept.len() <= KEEP_BUFFERS);
            assert!(kept.iter().map(|k| k.bytes).sum::<usize>() <= KEEP_BYTES);
        }
        let filled = filled_vec::<f64>(1 << 18);
        assert_eq!(filled.len(), 1 << 18);
        let scratch = scratch_vec::<f64>(1 << 18);
        assert!(scratch.is_empty() && scratch.capacity() >= 1 << 18);
        give_back(vec![0u8; 10]); // under 1 MiB: simply freed
    }

    /// One lock for the tests that use the shared arena, so that each sees its own
    /// buffers reused.
    static ARENA_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// The bookkeeping of freed ranges: the smallest range that fits is carved from its start,
    /// neighbours merge (in either order), and nothing is kept beyond the slots or the bytes.
    #[test]
    fn free_ranges_are_carved_smallest_first_merged_and_bounded() {
        let mut arena = Arena::EMPTY;
        let mib = 1 << 20;
        assert!(arena.keep_free(100 * mib, 8 * mib));
        assert!(arena.keep_free(200 * mib, 3 * mib));
        // The 3 MiB range is the smallest that holds 2 MiB: carved from its start.
        assert_eq!(arena.take_free(2 * mib), Some(200 * mib));
        assert_eq!(arena.take_free(mib), Some(202 * mib));
        assert_eq!((arena.free_count, arena.free_bytes), (1, 8 * mib));
        assert_eq!(arena.take_free(9 * mib), None);
        // Neighbours on both sides merge into one range of 8 + 4 + 2 MiB.
        assert!(arena.keep_free(108 * mib, 4 * mib));
        assert!(arena.keep_free(98 * mib, 2 * mib));
        assert_eq!(arena.free_count, 1);
        assert_eq!(arena.take_free(14 * mib), Some(98 * mib));
        assert_eq!((arena.free_count, arena.free_bytes), (0, 0));
        // The byte limit: nothing kept beyond FREE_MAX_BYTES.
        assert!(arena.keep_free(0, FREE_MAX_BYTES));
        assert!(!arena.keep_free(FREE_MAX_BYTES + mib, PAGE));
        assert_eq!(arena.take_free(FREE_MAX_BYTES), Some(0));
        // The slot limit: ranges apart from each other fill the slots; a neighbour of a kept
        // one still merges.
        for i in 0..FREE_SLOTS {
            assert!(arena.keep_free(i * 2 * mib, PAGE));
        }
        assert!(!arena.keep_free(1000 * mib, PAGE));
        assert!(arena.keep_free(PAGE, PAGE));
        assert_eq!(
            (arena.free_count, arena.free_bytes),
            (FREE_SLOTS, (FREE_SLOTS + 1) * PAGE)
        );
    }

    /// Freed buffers' pages come back: a buffer asked for zeroed is zeroed even where it
    /// reuses a written one, live buffers never share a byte, and a buffer carved across two
    /// of the system's mappings (a freed buffer advised onto small pages and its neighbour)
    /// still grows with its contents.
    #[test]
    #[cfg(target_os = "linux")]
    fn freed_pages_come_back_zeroed_apart_and_growable() {
        use std::alloc::{GlobalAlloc, Layout};
        let _one = ARENA_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        let mib = 1 << 20;
        let layout = |size: usize| Layout::from_size_align(size, 8).unwrap();
        // SAFETY: each buffer is used within its size and freed once, with its layout.
        unsafe {
            // Three neighbours, written through; the middle one advised onto small pages.
            let sizes = [3 * mib, 2 * mib + 5, 4 * mib];
            let bufs: Vec<*mut u8> = sizes.iter().map(|&s| HugePages.alloc(layout(s))).collect();
            for (&p, &s) in bufs.iter().zip(&sizes) {
                assert!(!p.is_null());
                std::ptr::write_bytes(p, 0xAB, s);
            }
            advise_small_pages(bufs[1], sizes[1]);
            HugePages.dealloc(bufs[0], layout(sizes[0]));
            HugePages.dealloc(bufs[1], layout(sizes[1]));
            // A zeroed buffer where the written ones were.
            let z = HugePages.alloc_zeroed(layout(5 * mib));
            assert!(!z.is_null());
            let zs = std::slice::from_raw_parts(z, 5 * mib);
            assert!(zs.iter().all(|&b| b == 0), "a reused buffer is not zeroed");
            // It and the live third buffer do not overlap, and the third kept its bytes.
            let (a, b) = (z as usize, bufs[2] as usize);
            assert!(a + 5 * mib <= b || b + sizes[2] <= a);
            let third = std::slice::from_raw_parts(bufs[2], sizes[2]);
            assert!(third.iter().all(|&b| b == 0xAB));
            // Written, then grown: the contents move with it.
            for (i, byte) in std::slice::from_raw_parts_mut(z, 5 * mib)
                .iter_mut()
                .enumerate()
            {
                *byte = (i % 251) as u8;
            }
            let grown = HugePages.realloc(z, layout(5 * mib), 40 * mib);
            assert!(!grown.is_null());
            let g = std::slice::from_raw_parts(grown, 5 * mib);
            assert!(g.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
            HugePages.dealloc(grown, layout(40 * mib));
            HugePages.dealloc(bufs[2], layout(sizes[2]));
            // Kept now; a buffer none of them holds gives them all back to the system.
            assert!(ARENA.lock().unwrap().free_bytes >= 40 * mib);
            let big = HugePages.alloc(layout(50 * mib));
            assert!(!big.is_null());
            let arena = ARENA.lock().unwrap();
            assert_eq!((arena.free_count, arena.free_bytes), (0, 0));
            drop(arena);
            HugePages.dealloc(big, layout(50 * mib));
        }
    }

    /// Threads allocating, growing and freeing buffers of 1–9 MiB at once (some zeroed, some
    /// advised onto small pages) never see another's bytes: each buffer keeps the pattern of
    /// its thread and round, and a zeroed one starts as zeros.
    #[test]
    #[cfg(target_os = "linux")]
    fn buffers_of_threads_at_once_stay_their_own() {
        use std::alloc::{GlobalAlloc, Layout};
        let _one = ARENA_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        let layout = |size: usize| Layout::from_size_align(size, 8).unwrap();
        std::thread::scope(|scope| {
            for thread in 0..4u64 {
                scope.spawn(move || {
                    let mut random = crate::kernel::random::SplitMix64::for_stream(7, thread);
                    let mut next = move || random.next_u64();
                    let mut live: Vec<(*mut u8, usize, u8)> = Vec::new();
                    for round in 0..60u64 {
                        let size = (1 << 20) + (next() % (8 << 20)) as usize;
                        let mark = (thread * 61 + round) as u8 | 1;
                        // SAFETY: each buffer is used within its size and freed once, with
                        // its layout.
                        unsafe {
                            let p = if next() % 2 == 0 {
                                let p = HugePages.alloc_zeroed(layout(size));
                                assert!(!p.is_null());
                                let bytes = std::slice::from_raw_parts(p, size);
                                assert!(bytes.iter().step_by(4093).all(|&b| b == 0));
                                assert_eq!(bytes[size - 1], 0);
                                p
                            } else {
                                HugePages.alloc(layout(size))
                            };
                            assert!(!p.is_null());
                            if next() % 5 == 0 {
                                advise_small_pages(p, size);
                            }
                            std::ptr::write_bytes(p, mark, size);
                            live.push((p, size, mark));
                            if next() % 3 == 0 {
                                // Grow one: its pattern moves with it.
                                let i = (next() % live.len() as u64) as usize;
                                let (p, size, mark) = live[i];
                                let grown = size + (1 << 20);
                                let q = HugePages.realloc(p, layout(size), grown);
                                assert!(!q.is_null());
                                std::ptr::write_bytes(q.add(size), mark, grown - size);
                                live[i] = (q, grown, mark);
                            }
                            if live.len() > 4 {
                                let i = (next() % live.len() as u64) as usize;
                                let (p, size, mark) = live.swap_remove(i);
                                let bytes = std::slice::from_raw_parts(p, size);
                                assert!(bytes.iter().all(|&b| b == mark), "thread {thread}");
                                HugePages.dealloc(p, layout(size));
                            }
                        }
                    }
                    for (p, size, mark) in live {
                        // SAFETY: as above.
                        unsafe {
                            let bytes = std::slice::from_raw_parts(p, size);
                            assert!(bytes.iter().all(|&b| b == mark), "thread {thread}");
                            HugePages.dealloc(p, layout(size));
                        }
                    }
                });
            }
        });
    }

    /// Packed buffers: each starts zeroed on a page of its own, none overlaps another (each
    /// keeps the pattern written into it while the others are written, grown and freed),
    /// across the end of a reserved span, beside buffers too large for the arena, and through
    /// growth and shrinking.
    #[test]
    #[cfg(target_os = "linux")]
    fn packed_buffers_are_zeroed_apart_and_keep_their_contents() {
        use std::alloc::{GlobalAlloc, Layout};
        let _one = ARENA_TESTS.lock().unwrap_or_else(|e| e.into_inner());
        // 7 × 180 MiB (more than one span) and one of 300 MiB (a mapping of its own), all but
        // a few pages never touched; sizes not whole pages.
        let sizes: Vec<usize> = (0..7)
            .map(|i| (180 << 20) + 4096 * i + 123)
            .chain([(300 << 20) + 5])
            .collect();
        let layout = |size: usize| Layout::from_size_align(size, 8).unwrap();
        // SAFETY: each buffer is used within its size and freed once, with its layout.
        unsafe {
            let mut buffers: Vec<(*mut u8, usize)> = Vec::new();
            for (i, &size) in sizes.iter().enumerate() {
                let p = HugePages.alloc_zeroed(layout(size));
                assert!(!p.is_null() && p as usize % PAGE == 0);
                for at in [0, PAGE, size / 2, size - 1] {
                    assert_eq!(*p.add(at), 0, "buffer {i} not zeroed at {at}");
                    *p.add(at) = i as u8 + 1;
                }
                buffers.push((p, size));
            }
            // Grow one and shrink another: their contents move with them.
            let (p, size) = buffers[1];
            let q = HugePages.realloc(p, layout(size), size + (3 << 20));
            assert!(!q.is_null() && *q == 2 && *q.add(size - 1) == 2);
            buffers[1] = (q, size + (3 << 20));
            let (p, size) = buffers[2];
            let q = HugePages.realloc(p, layout(size), 1 << 20);
            assert!(!q.is_null() && *q == 3 && *q.add(PAGE) == 3);
            buffers[2] = (q, 1 << 20);
            for (i, &(p, size)) in buffers.iter().enumerate() {
                let mark = i as u8 + 1;
                assert_eq!((*p, *p.add(PAGE)), (mark, mark), "buffer {i}");
                if i != 1 && i != 2 {
                    assert_eq!(
                        (*p.add(size / 2), *p.add(size - 1)),
                        (mark, mark),
                        "buffer {i}"
                    );
                }
            }
            for (p, size) in buffers {
                HugePages.dealloc(p, layout(size));
            }
        }
    }
}
