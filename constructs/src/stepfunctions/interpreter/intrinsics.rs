//! (Being written: see the module list in `interpreter/mod.rs`.)
