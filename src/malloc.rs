//! Allocator settings for glibc, whose defaults let a long-running or bulk
//! process keep memory it has freed. Elsewhere these do nothing.

/// glibc gives a thread that finds its malloc arena busy another one, up to
/// eight per core, and each keeps the memory freed into it: after reads,
/// logins and writes a server at a million users rested at 235 MiB, and at
/// 198 MiB with one arena per core (reads as fast; writes 15,300/s instead of
/// 17,900/s, three times the target). Called before the runtime starts its
/// threads.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes an allocator setting; it takes no
        // pointers, and glibc serialises it with allocation itself.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

/// glibc maps a large block (128 KiB and up) from the system and unmaps it
/// when freed, but raises that size to each mapped block freed, up to
/// 32 MiB: after that, the batches and database pages a bulk import or
/// export allocates and frees come from the heap, and stay there, scattered.
/// 40,000 users imported peaked 63–96 MiB above 4,000 from one run to the
/// next; with the size fixed at 128 KiB, 45–51 MiB (and as fast).
/// Called before the command starts its threads.
pub fn keep_large_blocks_mapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: as in `limit_arenas`: a setting, no pointers.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
    }
}
