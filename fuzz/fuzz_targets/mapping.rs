#![no_main]
// kontor::fuzzing::mapping: the same entry the regression test runs over fuzz/regressions/mapping/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::mapping(data));
