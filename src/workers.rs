//! Work spread over threads, results taken in input order.
//!
//! Three stages need it: an ingest parses the next files while the writer stores the last
//! ones, an export decodes the next graphs while the last ones are written, and a push sends
//! several graphs at once while their outcomes are recorded. All must keep the input's order
//! (an ingest reports and stores files in the order given; an export is byte-identical from
//! run to run; a push records what it sent in order) and bound what waits in memory.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, PoisonError};

/// The cores this process may use (1 when that cannot be told).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// At most a given number of callers inside [`Permits::run`] at once. A push reads graphs
/// on every core but keeps only `--parallel` requests in flight, so that even one request
/// at a time has the next graph read while it is sent.
pub struct Permits {
    free: Mutex<usize>,
    freed: Condvar,
}

impl Permits {
    /// `n` at once (at least one).
    pub fn new(n: usize) -> Self {
        Permits {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    /// Waits for a permit, runs `f`, and gives the permit back, also when `f` panics.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let lock = || self.free.lock().unwrap_or_else(PoisonError::into_inner);
        {
            let mut free = lock();
            while *free == 0 {
                free = self
                    .freed
                    .wait(free)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *free -= 1;
        }
        struct Release<'a>(&'a Permits);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
                self.0.freed.notify_one();
            }
        }
        let _release = Release(self);
        f()
    }
}

/// [`map_in_order`] on every core, two items ahead per thread (enough to keep them busy;
/// 16 gave the same time and peak memory exporting 10 000 documents). For reading the
/// store's graphs, nearly all of an export's time (a dictionary look-up per long term),
/// while the calling thread writes them in order, and for a push's hashing.
pub fn map_in_order_on_all_cores<T: Sync, R: Send, E>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    take: impl FnMut(&T, R) -> Result<(), E>,
) -> Result<(), E> {
    let n = cores();
    map_in_order(items, n, 2 * n, work, take)
}

/// Runs `work` on every item on `workers` threads and hands each result to `take` on the
/// calling thread, in input order, with the workers at most `ahead` items past the one
/// being taken (so memory holds at most `ahead` results besides it). The first error
/// `take` returns stops the workers and is returned; a panic in `work` stops them too and
/// is resumed on the calling thread (never a wait for a result that cannot come). With
/// `workers == 0`, or a single item, everything runs on the calling thread.
pub fn map_in_order<T: Sync, R: Send, E>(
    items: &[T],
    workers: usize,
    ahead: usize,
    work: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(&T, R) -> Result<(), E>,
) -> Result<(), E> {
    if workers == 0 || items.len() < 2 {
        for item in items {
            take(item, work(item))?;
        }
        return Ok(());
    }
    let ahead = ahead.max(1);
    struct Shared<R> {
        next: usize,
        taken: usize,
        stop: bool,
        ready: BTreeMap<usize, std::thread::Result<R>>,
    }
    let state = Mutex::new(Shared {
        next: 0,
        taken: 0,
        stop: false,
        ready: BTreeMap::new(),
    });
    let changed = Condvar::new();
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    // Whatever way the caller leaves (an error, a panic), the workers must not wait for it.
    struct StopOnDrop<'a, R>(&'a Mutex<Shared<R>>, &'a Condvar);
    impl<R> Drop for StopOnDrop<'_, R> {
        fn drop(&mut self) {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
            self.1.notify_all();
        }
    }
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&state, &changed);
        for _ in 0..workers.min(items.len()) {
            scope.spawn(|| loop {
                let i = {
                    let mut st = lock();
                    while !st.stop && st.next < items.len() && st.next >= st.taken + ahead {
                        st = changed.wait(st).unwrap_or_else(PoisonError::into_inner);
                    }
                    if st.stop || st.next >= items.len() {
                        return;
                    }
                    st.next += 1;
                    st.next - 1
                };
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&items[i])));
                lock().ready.insert(i, result);
                changed.notify_all();
            });
        }
        for (i, item) in items.iter().enumerate() {
            let result = {
                let mut st = lock();
                loop {
                    if let Some(r) = st.ready.remove(&i) {
                        st.taken = i + 1;
                        break r;
                    }
                    st = changed.wait(st).unwrap_or_else(PoisonError::into_inner);
                }
            };
            changed.notify_all();
            match result {
                Ok(r) => take(item, r)?,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn results_come_in_input_order_and_workers_stay_within_ahead() {
        let items: Vec<usize> = (0..200).collect();
        let started = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let r: Result<(), ()> = map_in_order(
            &items,
            3,
            4,
            |&i| {
                started.fetch_add(1, Ordering::SeqCst);
                // Later items finish first now and then, to shuffle completion order.
                if i % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                i * 10
            },
            |&i, r| {
                // Workers never run more than `ahead` items past the last one taken.
                assert!(started.load(Ordering::SeqCst) <= i + 4 + 1, "item {i}");
                seen.push((i, r));
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(seen, items.iter().map(|&i| (i, i * 10)).collect::<Vec<_>>());
    }

    #[test]
    fn permits_bound_the_callers_inside_and_come_back_after_a_panic() {
        let permits = Permits::new(3);
        let (inside, most, done) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..5 {
                        permits.run(|| {
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(1));
                            inside.fetch_sub(1, Ordering::SeqCst);
                            done.fetch_add(1, Ordering::SeqCst);
                        })
                    }
                });
            }
        });
        assert_eq!(done.load(Ordering::SeqCst), 40);
        let most = most.load(Ordering::SeqCst);
        assert!((1..=3).contains(&most), "{most} inside at once");
        // A panic gives its permit back: with one permit, the next caller still gets in.
        let one = Permits::new(1);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            one.run(|| panic!("inside"));
        }));
        assert!(caught.is_err());
        assert_eq!(one.run(|| 7), 7);
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let items: Vec<usize> = (0..100).collect();
        let outcome = std::panic::catch_unwind(|| {
            map_in_order(
                &items,
                2,
                4,
                |&i| {
                    assert!(i != 5, "item 5 fails");
                    i
                },
                |_, _| Ok::<(), ()>(()),
            )
        });
        let panic = outcome.expect_err("the panic is resumed");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"item 5 fails"));
    }

    #[test]
    fn the_first_error_stops_the_work() {
        let items: Vec<usize> = (0..1000).collect();
        let done = AtomicUsize::new(0);
        let r = map_in_order(
            &items,
            2,
            8,
            |&i| {
                done.fetch_add(1, Ordering::SeqCst);
                i
            },
            |&i, _| if i == 10 { Err(i) } else { Ok(()) },
        );
        assert_eq!(r, Err(10));
        assert!(done.load(Ordering::SeqCst) <= 10 + 8 + 2, "stopped early");
        let sequential = map_in_order(
            &items,
            0,
            8,
            |&i| i,
            |&i, _| if i == 3 { Err(i) } else { Ok(()) },
        );
        assert_eq!(sequential, Err(3));
    }
}
