#![no_main]
// kontor::fuzzing::order_json: the same entry the regression test runs over fuzz/regressions/order/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::order_json(data));
