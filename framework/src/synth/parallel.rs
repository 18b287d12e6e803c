//! Running one function over many items on a few threads, with results in item order.
//!
//! Render is the one phase worth it: stacks are independent until their cross-stack links are
//! joined, and turning a large app's values into text is most of synth's time. The results come
//! back in item order, so the bytes written are the same on one thread or several.

/// `f` over `items`, on up to `available_parallelism` threads when `parallel` (contiguous
/// chunks; results in item order), else on this thread.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], parallel: bool, f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads =
        if parallel { std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len()) } else { 1 };
    if threads <= 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    let run = move |c: usize, part: &[T]| part.iter().enumerate().map(|(j, t)| f(c * chunk + j, t)).collect::<Vec<R>>();
    std::thread::scope(|scope| {
        // The first chunk runs on this thread: one thread (and allocator arena) fewer.
        let mut chunks = items.chunks(chunk).enumerate();
        let first = chunks.next();
        let workers: Vec<_> = chunks.map(|(c, part)| scope.spawn(move || run(c, part))).collect();
        let mut out = first.map(|(c, part)| run(c, part)).unwrap_or_default();
        for w in workers {
            out.extend(w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        out
    })
}
