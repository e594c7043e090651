//! The command line, declared with clap.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Inequality statistics (Gini, Lorenz, Theil, Atkinson, shares) from household survey tables.
#[derive(Parser, Debug)]
#[command(name = "gini", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compute measures per group from a CSV or Parquet table.
    Compute(ComputeArgs),
}

/// Columns and options shared by the commands that read tables.
#[derive(Args, Debug, Clone)]
pub struct TableArgs {
    /// Column with the money value (per person; household total with --per-capita).
    #[arg(long)]
    pub value: String,
    /// Column with the survey weight (household weight when --size is given).
    #[arg(long)]
    pub weight: Option<String>,
    /// Column with the household size: each row stands for that many persons
    /// (person weight = weight × size).
    #[arg(long)]
    pub size: Option<String>,
    /// Divide the value by the household size (the value column holds household totals).
    #[arg(long, requires = "size")]
    pub per_capita: bool,
    /// Grouping columns, comma-separated (text or integers).
    #[arg(long, value_delimiter = ',')]
    pub by: Vec<String>,
    /// Input format; by default from the file extension (.parquet/.pq: parquet, else csv).
    #[arg(long, value_parser = ["csv", "parquet"])]
    pub input_format: Option<String>,
}

/// Options for the measures and the output.
#[derive(Args, Debug, Clone)]
pub struct MeasureArgs {
    /// Measures, comma-separated: gini, theil_t, mld, ge_<alpha>, atkinson_<epsilon>,
    /// share_bottom40, share_middle40, share_top20, share_decile<k>, share_<from>_<to>,
    /// palma, s80_s20, mean, median, quantile_<p>, cv.
    #[arg(long, default_value = ginikit::measure::DEFAULT_MEASURES)]
    pub measures: String,
    /// Weighted-Gini estimator: midpoint (BPS, Eurostat/laeken, PIP), convey (R convey's
    /// 2C−1 form), unbiased-rows (× n/(n−1)), unbiased-frequency (× W/(W−1)).
    #[arg(long, default_value = "midpoint")]
    pub gini_convention: String,
    /// Zero and negative values in measures that need positive values (theil_t, mld, ge_*,
    /// atkinson_*): error, or exclude them and report the count.
    #[arg(long, default_value = "error")]
    pub non_positive: String,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "json"])]
    pub format: String,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ComputeArgs {
    /// The table (CSV or Parquet).
    pub file: PathBuf,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub measure: MeasureArgs,
}
