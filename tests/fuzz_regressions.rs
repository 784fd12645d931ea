//! The inputs the fuzzers found something with (and issue 14's hostile inputs), kept in
//! `fuzz/regressions/<target>/`, run through the same entry functions as the fuzz targets
//! (`kontor::fuzzing`), which check what must hold for any input. Native only.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

#[test]
fn every_fuzz_target_has_an_entry_and_every_kept_input_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut targets: Vec<String> = std::fs::read_dir(root.join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .collect();
    targets.sort();
    let mut entries: Vec<&str> = kontor::fuzzing::TARGETS.iter().map(|(n, _)| *n).collect();
    entries.sort();
    assert_eq!(
        targets, entries,
        "fuzz targets and kontor::fuzzing::TARGETS"
    );
    let mut ran = 0;
    for dir in std::fs::read_dir(root.join("regressions")).expect("fuzz/regressions") {
        let dir = dir.expect("entry").path();
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let entry = kontor::fuzzing::target(name)
            .unwrap_or_else(|| panic!("fuzz/regressions/{name}: no such target"));
        for file in std::fs::read_dir(&dir).expect("dir") {
            let file = file.expect("file").path();
            let data = std::fs::read(&file).expect("read");
            eprintln!("{}", file.display());
            entry(&data);
            ran += 1;
        }
    }
    assert!(ran >= 10, "only {ran} kept inputs");
}
