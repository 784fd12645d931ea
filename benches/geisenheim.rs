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

use kontor::order::Order;
use kontor::targets::geisenheim::{build_from_json, build_order, Options};
use serde_json::Value;

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

/// The 10-item order with its items repeated to `n` (distinct SKUs).
fn order_of(text: &str, n: usize) -> String {
    let mut v: Value = serde_json::from_str(text).expect("the benchmark order is JSON");
    let items = v["items"].as_array().cloned().unwrap_or_default();
    let many: Vec<Value> = (0..n)
        .map(|i| {
            let mut it = items[i % items.len()].clone();
            it["sku"] = Value::String(format!("SKU-{i}"));
            it
        })
        .collect();
    v["items"] = Value::Array(many);
    v.to_string()
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
    let payload = check.payload.clone();
    let options_json =
        serde_json::json!({"as": "text", "recipientSalt": "benchmark-salt-0123456789"});

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
        black_box(serde_json::to_string(black_box(&payload)).ok());
    });
    let all = median_us(n, || {
        black_box(kontor::targets::geisenheim::order_body(
            black_box(text),
            &options_json,
            kontor::Issues::new(),
        ));
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
        black_box(serde_json::to_string(&payload).ok());
    });
    println!("geisenheim, 10-item order, native, median per call (allocations):");
    println!("  parse: JSON text -> borrowed JSON doc   {json:8.2} µs  ({a_json})");
    println!("  read: doc -> Order (validate)           {read:8.2} µs  ({a_read})");
    println!("  map: Order -> payload (rules)           {map:8.2} µs  ({a_map})");
    println!("  serialize: payload -> body text         {write:8.2} µs  ({a_write})");
    println!("  all of it (text path, kontor::targets::geisenheim::order_body) {all:8.2} µs");
    println!("geisenheim text path by order size, native, median per order:");
    for items in [1usize, 10, 100, 1000] {
        let t = order_of(text, items);
        let reps = (20_000 / items).max(20) as u32;
        let us = median_us(reps, || {
            black_box(kontor::targets::geisenheim::order_body(
                black_box(&t),
                &options_json,
                kontor::Issues::new(),
            ));
        });
        println!(
            "  {items:5} items  {us:10.2} µs  ({:.2} µs per item)",
            us / items as f64
        );
    }
    let batch: Vec<String> = (0..10_000)
        .map(|i| text.replace("WS-2024-20001", &format!("WS-{i}")))
        .collect();
    let start = Instant::now();
    for t in &batch {
        black_box(kontor::targets::geisenheim::order_body(
            black_box(t),
            &options_json,
            kontor::Issues::new(),
        ));
    }
    let ms = start.elapsed().as_secs_f64() * 1e3;
    println!(
        "  batch of 10,000 10-item orders  {ms:8.1} ms  ({:.2} µs per order)",
        ms * 0.1
    );
}
