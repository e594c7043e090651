//! # ginikit — exact, fast, deterministic inequality statistics
//!
//! ginikit turns household survey tables into inequality statistics: the Gini ratio, Lorenz
//! curves, generalized entropy (Theil, MLD), Atkinson, quantile shares (bottom 40 % / middle
//! 40 % / top 20 %, deciles, Palma, S80/S20), mean, median, quantiles and the coefficient of
//! variation; poverty (FGT, Watts, poor persons) and Eurostat's at-risk-of-poverty indicators;
//! and, from class tables, the World Bank's grouped-data Lorenz fits ([`grouped`]) — weighted,
//! per group, bit-identical on any number of threads.
//!
//! ```
//! use ginikit::{Measure, SortedSample, measure::Options};
//! // Per-capita expenditure of five persons and their survey weights.
//! let x = [120.0, 250.0, 90.0, 400.0, 160.0];
//! let w = [2.0, 1.0, 3.0, 1.0, 2.0];
//! let sample = SortedSample::new(&x, Some(&w)).unwrap(); // sorted once
//! let options = Options::default();
//! let gini = Measure::parse("gini").unwrap().evaluate(&sample, &options).unwrap().value;
//! let bottom40 = Measure::parse("share_bottom40").unwrap().evaluate(&sample, &options).unwrap().value;
//! // The same as duplicating each row by its weight (brute force over the 9 duplicated rows: 0.2852852…).
//! assert!((gini - 0.285_285_285_285_285_24).abs() < 1e-12);
//! assert!(bottom40 > 0.0 && bottom40 < 0.4);
//! ```
//!
//! ## Layers
//!
//! The **core** (the private kernel of sorts and sums, [`sample`], [`measure`], [`survey`],
//! [`grouped`], [`decompose`], [`attribute`], [`simulate`], [`report`]'s renderers) builds
//! without default features (no polars). The **table layer** (`table`, feature `table`)
//! reads CSV, Parquet, Stata and SPSS tables into groups and runs the core on them. The
//! **application** ([`bps`], [`synth`], `reproduce`) reproduces BPS's published figures on
//! top of both. Arrows run one way; a unit test checks them on the sources.
//!
//! ## The API in brief
//!
//! What most callers need is re-exported here, at the root: [`SortedSample`] (validated,
//! sorted once, rescaled itself when values lie near the ends of the double range),
//! [`Measure`] with its [`Options`] and [`Estimate`]; for standard errors, [`survey::estimate`]
//! on a [`DesignedSample`] (a sample, its PSUs and a [`Design`]) with a [`Variance`] method
//! and an [`Interval`], giving [`SurveyEstimate`]s; and, with the `table` feature, reading a
//! file into groups (`read_table` with a `TableSpec`) and estimating every group (`compute`,
//! giving `GroupEstimate`s). The modules hold the rest: each family's own functions, the
//! kernels' building blocks, the decompositions, and the application.
//!
//! ## Estimators and conventions
//!
//! | measure | formula (values ascending, `Cᵢ = Σ_{j≤i} wⱼ`, `W = Σ wᵢ`, `μ` weighted mean) | agrees with |
//! |---|---|---|
//! | Gini (default) | `Σ wᵢxᵢ(2Cᵢ − wᵢ) / (W Σ wᵢxᵢ) − 1` | BPS, Eurostat/laeken, PIP, ineqdeco; unweighted: ineq, PySAL |
//! | Gini `convey` | `Σ wᵢxᵢ(2Cᵢ − 1) / (W Σ wᵢxᵢ) − 1` | R convey, vardpoor |
//! | Gini `unbiased-rows` / `unbiased-frequency` | midpoint × n/(n−1), n rows / n = W | ineq `corr=TRUE` / expanded data |
//! | Lorenz `L(p)` | Lorenz polygon through `(Cᵢ/W, Sᵢ/S)` read at p | |
//! | share(a, b) | `L(b) − L(a)`; Palma, S80/S20 are ratios of shares | World Bank criterion as published by BPS |
//! | QSR | `Σ_{x > q₀.₈} wx / Σ_{x ≤ q₀.₂} wx`, cut at weighted quintiles | Eurostat, laeken `qsr`, convey `svyqsr` |
//! | Hoover | `Σ wᵢ|xᵢ − μ| / (2Wμ)` | ineq `RS` (unweighted) |
//! | GE(α) | `[Σ(wᵢ/W)(xᵢ/μ)^α − 1] / (α(α−1))`; MLD = GE(0), Theil T = GE(1) | ineq, PySAL, ineqdeco |
//! | Atkinson(ε) | `1 − [Σ(wᵢ/W)(xᵢ/μ)^(1−ε)]^(1/(1−ε))`; ε = 1 geometric mean | ineq, PySAL, IneqPy |
//! | EDE(ε) | `μ(1 − A(ε))`, the power mean of order 1 − ε (geometric mean at ε = 1) | PySAL `atkinson` |
//! | S-Gini(ν) | `1 − Σ xᵢ[(1 − Fᵢ₋₁)^ν − (1 − Fᵢ)^ν]/μ`, `Fᵢ = Cᵢ/W`; ν = 2 is the Gini | DASP `sgini`, IC2 `calcSGini` |
//! | Wolfson | `(2(0.5 − L(0.5)) − G)·μ/median` | PySAL `wolfson` |
//! | quantile(p) | smallest xᵢ with `Cᵢ/W ≥ p`, averaged with the next at equality | R type 2; laeken `weightedQuantile` except at exact steps |
//! | CV | population sd / mean | ineq `var.coeff` |
//! | FGT(α) (`fgt0`, `fgt1`, `fgt2`) | `Σ wᵢ (1 − xᵢ/zᵢ)^α · 1(xᵢ < zᵢ) / W`, line zᵢ one amount or per row | BPS, World Bank; P0 = laeken's rate at a fixed threshold |
//! | Watts | `Σ wᵢ ln(zᵢ/xᵢ) · 1(xᵢ < zᵢ) / W` | PIP |
//! | poor | `Σ wᵢ · 1(xᵢ < zᵢ)` (persons) | BPS "jumlah penduduk miskin" |
//! | ARPT / ARPR / RMPG (`arpt`, `arpr`, `rmpg`) | `0.6 · Q(0.5)` (laeken's quantile); share below it; `(t − median of the poor)/t` | laeken `arpt`/`arpr`/`rmpg`; SEs as convey `svyarpr`/`svyrmpg` |
//!
//! Values are fractions (0.391, not 39.1). Entropy measures and Atkinson need strictly
//! positive values: zero and negative values are an error by default, or excluded (and
//! counted) under [`measure::positive::NonPositivePolicy::Exclude`]. The Gini, Lorenz curve and
//! shares accept them (the weighted mean must be positive).
//!
//! ## Numerics
//!
//! Values are sorted once by a total order (radix sort on [`f64::total_cmp`] keys). Every
//! reported sum is formed in fixed blocks of 4,096 with Neumaier compensation, combined in
//! block order, so results are bit-identical however many threads run.
//!
//! The library never prints, never reads environment variables and never exits; the `gini`
//! binary does those things. Library errors name columns, rows and values, never
//! command-line flags: [`Error::setting`] says which setting fixes an error, and each front
//! end spells it its own way.
//!
//! The full list of measures with their names is [`measure::registry::FAMILIES`]
//! (`gini measures` prints it).
//!
//! ## Unsafe code
//!
//! Seven places, each with a SAFETY comment: `kernel/sort/` (parallel scatter into disjoint
//! ranges of a buffer's spare capacity, disjoint bucket slices, a bucket's scatter within its
//! counted offsets, and a buffer of doubles viewed as their `u64` sort keys), `kernel/sum.rs`
//! (SSE2 and, where the processor has it, AVX intrinsics for the compensated lanes),
//! `survey/mod.rs` (the variance pass over influence parts called in its AVX-compiled form
//! where the processor has AVX), `sample/sort.rs`
//! (splitting sorted records into two columns written through `MaybeUninit` before
//! `set_len`), `table/columns.rs` (a Parquet chunk rewrapped as a series of its known type) and
//! `kernel/memory.rs` (system calls: `madvise` on pages inside an owned allocation, and
//! `statvfs` for the free space of a disk; the `HugePages` global allocator, which places
//! buffers of 1 MiB or more on pages it maps itself — `mmap`, `mremap`, `munmap` — and keeps
//! a freed buffer's pages for the next buffer they hold, and hands the rest to the system's
//! allocator), and `kernel/mod.rs` (`opaque`: an empty `asm!`
//! that reads and writes one register, so that the optimizer keeps two dependent running sums
//! in scalar registers; `prefetch`: a cache hint for an element of a slice, which reads
//! nothing).

#![deny(unsafe_op_in_unsafe_fn)]

pub mod attribute;
pub mod bps;
pub(crate) mod csv_text;
pub mod decompose;
pub mod error;
pub mod grouped;
mod kernel;
pub mod measure;
pub mod memory;
pub mod report;
#[cfg(feature = "table")]
pub mod reproduce;
pub mod sample;
pub mod simulate;
pub mod survey;
pub mod synth;
#[cfg(feature = "table")]
pub mod table;

pub use error::{Error, Result};

/// Sort and sum primitives for the project's own benchmarks and out-of-core engine; not part
/// of the API.
#[doc(hidden)]
pub mod internals {
    pub use crate::csv_text::{fields as csv_fields, records as csv_records};
    pub use crate::kernel::beta::{inverse_regularized_beta, regularized_beta};
    pub use crate::kernel::sort::{
        f64_key, sort_by_key, sorted_copy_by_key_with, sorted_f64_copy_with,
    };
    pub use crate::kernel::sum::{lane_sums, Compensated};
    pub use crate::kernel::{gathered, opaque, prefetch};
}
#[cfg(test)]
mod layering_tests;
pub use measure::{Estimate, Measure, Options};
pub use sample::SortedSample;
pub use survey::design::Design;
pub use survey::{DesignedSample, Interval, SurveyEstimate, Variance};
#[cfg(feature = "table")]
pub use table::{compute, read_table, GroupEstimate, TableSpec};
