//! How `cargo xtask` (and the bench, which measures it) use mimalloc, their allocator.
//!
//! mimalloc hands freed memory back to the operating system a page at a time; glibc's malloc
//! keeps it in per-thread arenas, where a large document's freed forms sit beside the IR built
//! after them (the 10,000-schema bench document: peak RSS about 505 MiB with glibc, about
//! 410 with mimalloc handing memory back at once). It is also the faster of the two here.

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc.h, v2 and v3).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Before generating from a document of `bytes`: a large one's freed memory is handed back
/// at once, not after mimalloc's default 10 ms, which lets each stage's garbage pile up beside
/// the next stage's work (10,000 schemas: peak RSS 416 → 387 MiB, for 0.4 s more of 3.2 s);
/// a small one's is not, as that costs time and saves little.
pub fn for_document(bytes: u64) {
    if bytes > generator::LARGE_DOCUMENT as u64 {
        // SAFETY: setting an option has no precondition; mimalloc reads it on each purge.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    }
}
