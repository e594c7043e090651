//! Times the Gini of values read from a raw file of little-endian f64 (as numpy's
//! `x.tofile(path)` writes them): the Rust call `benches/peers/python_compare.py` compares the
//! Python package with, on the same slice. Prints the best of `repeat` runs in seconds and the
//! value.
//!
//! `cargo run --release --example time_gini -- x.f64 [repeat]`

use ginikit::measure::{gini::gini, Options};
use ginikit::SortedSample;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: time_gini FILE [REPEAT]")?;
    let repeat: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let bytes = std::fs::read(&path)?;
    let x: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().expect("chunks of 8 bytes")))
        .collect();
    let options = Options::default();
    let (mut best, mut value) = (f64::INFINITY, f64::NAN);
    for _ in 0..repeat {
        let start = Instant::now();
        let sample = SortedSample::new(&x, None)?;
        value = gini(&sample, options.gini)?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!("{best} {value}");
    Ok(())
}
