#![no_main]
// kontor::fuzzing::responses: the same entry the regression test runs over fuzz/regressions/responses/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::responses(data));
