//! Replays the committed fuzz corpus (`fuzz/corpus/lang`) and every input that once crashed
//! (`fuzz/regressions/lang`) through the language's invariants, so a fixed fuzz finding stays
//! fixed in every test run. Needs no cluster.

use std::path::Path;

fn replay(dir: &Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| kcsh::lang::invariants::check(&data));
        assert!(
            outcome.is_ok(),
            "fuzz input {} breaks an invariant",
            path.display()
        );
        count += 1;
    }
    count
}

#[test]
fn fuzz_corpus_and_regressions_keep_the_invariants() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = replay(&root.join("corpus/lang"));
    assert!(
        corpus > 50,
        "the committed corpus is missing ({corpus} inputs)"
    );
    replay(&root.join("regressions/lang"));
}
