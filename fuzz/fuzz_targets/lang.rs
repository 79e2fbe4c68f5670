//! Fuzz target over the whole text path of the language: bytes -> source text -> tokens ->
//! statements -> canonical text -> statements again, and variable resolution. The checks live
//! in `kcsh::lang::invariants` so that the corpus replay test runs exactly the same ones.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kcsh::lang::invariants::check(data));
