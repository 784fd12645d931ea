#![no_main]
// kontor::fuzzing::street: the same entry the regression test runs over fuzz/regressions/street/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::street(data));
