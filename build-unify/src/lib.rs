//! No code: see Cargo.toml. Depending on this crate makes a build resolve the same features
//! of polars' dependencies as the other builds of the test command, so they share one polars.
