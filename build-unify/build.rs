//! Empty: the build dependencies are here only to have their features unified.
fn main() {}
