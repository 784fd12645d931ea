#![no_main]
// kontor::fuzzing::shop_orders: the same entry the regression test runs over fuzz/regressions/shops/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::shop_orders(data));
