#![no_main]
// kontor::fuzzing::catalogue_text: the same entry the regression test runs over fuzz/regressions/catalogue/.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kontor::fuzzing::catalogue_text(data));
