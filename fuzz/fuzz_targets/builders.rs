#![no_main]
// kontor::fuzzing::builders: the same entry the regression test runs over fuzz/regressions/builders/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::builders(data));
