#![no_main]
// kontor::fuzzing::xml: the same entry the regression test runs over fuzz/regressions/xml/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::xml(data));
