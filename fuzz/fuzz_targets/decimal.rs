#![no_main]
// kontor::fuzzing::decimal: the same entry the regression test runs over fuzz/regressions/decimal/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::decimal(data));
