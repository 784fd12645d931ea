#![no_main]
// kontor::fuzzing::request: the same entry the regression test runs over fuzz/regressions/request/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::request(data));
