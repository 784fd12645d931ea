//! Native benchmark: a 10-item order from JSON text to the Geisenheim payload text, and its
//! stages. Measures and prints; asserts nothing about time. Run: `cargo bench`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts allocations, so that the figures show where allocation-heavy code is (native only:
/// in Wasm the crate brings its own allocator).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), global_allocator)]
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
static GLOBAL: Counting = Counting;

/// Allocations (and reallocations) made by one call of `f`.
fn allocations(mut f: impl FnMut()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

use kontor::geisenheim::{build_from_json, build_order, Options};
use kontor::order::Order;

/// Median time of one call of `f`, in microseconds, over 7 samples of `n` calls.
fn median_us(n: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..n / 5 {
        f();
    }
    let mut samples: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed().as_secs_f64() / f64::from(n) * 1e6
        })
        .collect();
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn main() {
    let text = include_str!("ten_items.json");
    let options = Options {
        recipient_salt: Some("benchmark-salt-0123456789".into()),
        strict: false,
    };
    let check = build_from_json(text, &options);
    assert!(check.payload.is_some(), "{:?}", check.issues);
    let tree = kontor::json::parse(text).unwrap();
    let (order, issues) = Order::from_json(&tree);

    let n = 5_000;
    let json = median_us(n, || {
        black_box(kontor::json::parse(black_box(text)).ok());
    });
    let read = median_us(n, || {
        black_box(Order::from_json(black_box(&tree)));
    });
    let map = median_us(n, || {
        black_box(build_order(black_box(&order), issues.clone(), &options));
    });
    let write = median_us(n, || {
        black_box(serde_json::to_string(black_box(&check)).ok());
    });
    let all = median_us(n, || {
        let built = build_from_json(black_box(text), &options);
        black_box(serde_json::to_string(&built).ok());
    });
    let a_json = allocations(|| {
        black_box(kontor::json::parse(text).ok());
    });
    let a_read = allocations(|| {
        black_box(Order::from_json(&tree));
    });
    let a_map = allocations(|| {
        black_box(build_order(&order, issues.clone(), &options));
    });
    let a_write = allocations(|| {
        black_box(serde_json::to_string(&check).ok());
    });
    println!("geisenheim, 10-item order, native, median per call (allocations):");
    println!("  JSON text -> borrowed JSON tree  {json:8.2} µs  ({a_json})");
    println!("  tree -> Order (read, validate)   {read:8.2} µs  ({a_read})");
    println!("  Order -> payload (map, rules)    {map:8.2} µs  ({a_map})");
    println!("  result -> JSON text              {write:8.2} µs  ({a_write})");
    println!("  all of it                        {all:8.2} µs");
}
