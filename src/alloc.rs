//! The memory allocator of referat's programs: mimalloc for Rust's allocations, with
//! memory that C code allocated handed back to the C library's `free`.
//!
//! Why: Oxigraph's evaluator allocates and frees a tuple per row and join, and the parser
//! makes about 3 000 small strings per document; with glibc's malloc, malloc and free were
//! a fifth of a large query's time (bench/RESULTS.md, Queries). mimalloc does that work
//! in fewer instructions. Plain mimalloc cannot be the global allocator here, though:
//! Oxigraph frees the error text that RocksDB makes with C's `strdup` (a store that is
//! busy, a full disk) through Rust's allocator, and mimalloc crashes on a pointer it did
//! not hand out. So [`Allocator`] asks mimalloc whether it owns a pointer before freeing
//! it, and gives any other back to `free`. A library does not pick the allocator: the
//! binaries do, with `#[global_allocator]`.

use std::alloc::{GlobalAlloc, Layout};

/// mimalloc, tolerant of pointers that the C library allocated (see the module docs).
pub struct Allocator;

/// mimalloc's `mi_option_purge_delay`, which the Rust binding does not name: the option
/// just before `mi_option_use_numa_nodes` in mimalloc's v2 and v3 headers alike (the unit
/// test checks its default, 1 000 ms in the v3 that `libmimalloc-sys` builds).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// Gives freed memory back to the system at once instead of a second later. For long
/// streaming jobs (`ingest`): with the default delay an ingest of 10 000 documents peaked
/// at 430 MiB instead of 295 MiB (bench/RESULTS.md), while a query, which allocates and
/// frees in quick bursts, is about 10 % faster with the delay.
pub fn return_freed_memory_at_once() {
    // SAFETY: setting an option is allowed at any time; mimalloc reads it when it purges.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

/// Hands the memory both allocators hold free back to the system, for a process about to
/// start a long pass of another kind (a dump's next pass over a reopened store). mimalloc
/// keeps freed pages of Rust's allocations for reuse, and the C library's `malloc` those of
/// RocksDB's caches; either way they count in the resident memory until reused.
pub fn return_freed_memory() {
    // SAFETY: collecting frees nothing in use; it returns what mimalloc holds free.
    unsafe { libmimalloc_sys::mi_collect(true) }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases memory the allocator holds free.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// True when mimalloc handed out `ptr`.
fn owned(ptr: *mut u8) -> bool {
    // SAFETY: the call only compares the address with mimalloc's map of its own memory.
    unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
}

// SAFETY: allocation and reallocation are mimalloc's own (which meets `GlobalAlloc`'s
// contract); memory mimalloc does not own can only have come from the C library's
// malloc (Rust code allocates through this type only), so it goes back to `free`.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        mimalloc::MiMalloc.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        mimalloc::MiMalloc.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if owned(ptr) {
            mimalloc::MiMalloc.dealloc(ptr, layout);
        } else {
            free_foreign(ptr);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if owned(ptr) {
            return mimalloc::MiMalloc.realloc(ptr, layout, new_size);
        }
        // Memory from the C library: move it into mimalloc's heap.
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            free_foreign(ptr);
        }
        new
    }
}

/// Gives memory the C library allocated back to it.
#[cfg(unix)]
unsafe fn free_foreign(ptr: *mut u8) {
    libc::free(ptr.cast());
}

/// Elsewhere nothing is known to come from the C library: leak rather than guess.
#[cfg(not(unix))]
unsafe fn free_foreign(_ptr: *mut u8) {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an option is allowed at any time.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        // mimalloc v3's default (src/options.c); the header's comment still says 10.
        assert_eq!(default, 1000, "mimalloc's default purge delay (ms)");
    }

    #[test]
    fn frees_what_mimalloc_and_what_the_c_library_allocated() {
        let a = Allocator;
        let layout = Layout::from_size_align(100, 8).expect("layout");
        // SAFETY: each pointer is used within its size and freed once, by its owner.
        unsafe {
            let p = a.alloc(layout);
            assert!(!p.is_null() && owned(p));
            p.write_bytes(7, 100);
            let q = a.realloc(p, layout, 5000);
            assert!(owned(q));
            assert_eq!(*q.add(99), 7);
            a.dealloc(q, Layout::from_size_align(5000, 8).expect("layout"));

            // What RocksDB's error path hands Rust: a C string from `strdup`.
            let c = libc::strdup(c"the store is busy".as_ptr());
            assert!(!c.is_null());
            assert!(
                !owned(c.cast()),
                "mimalloc claims a pointer of the C library"
            );
            a.dealloc(c.cast(), Layout::from_size_align(18, 1).expect("layout"));
            let c = libc::strdup(c"grows".as_ptr());
            let g = a.realloc(c.cast(), Layout::from_size_align(6, 1).expect("layout"), 64);
            assert!(owned(g));
            assert_eq!(std::slice::from_raw_parts(g, 5), b"grows");
            a.dealloc(g, Layout::from_size_align(64, 1).expect("layout"));
        }
    }
}
