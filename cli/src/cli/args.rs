//! The command line, declared with clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use ginikit::measure::gini::GiniConvention;
use ginikit::measure::positive::NonPositivePolicy;
use ginikit::report::OutputFormat;
use ginikit::survey::design::LonelyPsu;
use ginikit::table::{InputFormat, ValueLabels};
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
    /// Changes of measures between survey rounds, with standard errors and tests.
    Trend(TrendArgs),
    /// Write a Susenas-shaped synthetic household table calibrated to BPS figures.
    Synth(SynthArgs),
    /// List the measures with their names, formulas' conventions and peers.
    Measures(MeasuresArgs),
    /// Reproduce BPS's national Gini ratios (0.391 in 2017-09, 0.384 in 2018-09) from
    /// household tables, with standard errors, the test of the change, areas, provinces and
    /// charts. Without --data it runs on the bundled synthetic rounds.
    Reproduce(ReproduceArgs),
    /// Inequality and poverty from grouped data (class shares or cumulative shares and the
    /// mean): the World Bank's General Quadratic and Beta Lorenz fits, PIP's choice between
    /// them, and the polygon Gini of the class table.
    Grouped(GroupedArgs),
    /// Growth incidence curve between two rounds: real growth of every percentile, of the
    /// mean and of the bottom-40 % mean, and the shared-prosperity premium, with standard
    /// errors.
    Gic(GicArgs),
    /// Start an Apache Ballista scheduler or executor for `gini compute --cluster` (a build
    /// with the `cluster` feature).
    Cluster(ClusterArgs),
    /// Decompose inequality by groups: GE within/between and Dagum's Gini split per round,
    /// and the change between rounds (Mookherjee–Shorrocks), with replicate standard errors.
    Decompose(DecomposeArgs),
    /// How much of the Gini transfers account for (marginal contributions, Kakwani,
    /// Reynolds–Smolensky, reranking) or income sources (Lerman–Yitzhaki), with standard
    /// errors; with two or more rounds, the change of every term.
    Attribute(AttributeArgs),
    /// Microsimulation of transfer schemes (scale a programme, widen its coverage by welfare
    /// rank, top up the poorest): Gini, shares and poverty before and after with standard
    /// errors, the yearly budget, and the smallest budget that reaches a target Gini.
    Simulate(SimulateArgs),
}

/// `gini synth --family`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SynthFamily {
    LogNormal,
    SinghMaddala,
    Gb2,
}

impl From<SynthFamily> for ginikit::synth::Family {
    fn from(f: SynthFamily) -> Self {
        match f {
            SynthFamily::LogNormal => ginikit::synth::Family::LogNormal,
            SynthFamily::SinghMaddala => ginikit::synth::Family::SinghMaddala,
            SynthFamily::Gb2 => ginikit::synth::Family::Gb2,
        }
    }
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The table (one round).
    pub file: PathBuf,
    /// Transfer columns the value includes (per person, in the value's units); schemes scale
    /// or widen these, and the welfare before them ranks households for widening.
    #[arg(long = "transfer", value_name = "COLUMN", value_delimiter = ',', num_args = 1..)]
    pub transfers: Vec<String>,
    /// Scale a transfer: COLUMN=FACTOR (2 doubles it, 0 abolishes it). Repeatable: each is a
    /// scenario.
    #[arg(long, value_name = "COLUMN=FACTOR")]
    pub scale: Vec<String>,
    /// Give a transfer to more households, the poorest first by welfare before transfers
    /// (with --noise): COLUMN=FAMILIES, families as the household weights count them.
    #[arg(long, value_name = "COLUMN=FAMILIES")]
    pub widen: Vec<String>,
    /// Top up the poorest persons by an amount per person (value units): SHARE=AMOUNT, share
    /// in percent (40=50000: 50,000 to the poorest 40 %).
    #[arg(long, value_name = "PERCENT=AMOUNT")]
    pub topup: Vec<String>,
    /// Amount per household per period of the value for households a widened transfer newly
    /// reaches; default: the weighted median among its recipients.
    #[arg(long)]
    pub amount: Option<f64>,
    /// Targeting noise of widening, in log welfare: the score is ln(welfare before transfers)
    /// + noise × a standard normal draw (0: perfect targeting by welfare rank).
    #[arg(long, default_value_t = 0.5)]
    pub noise: f64,
    /// Seed of the targeting draws.
    #[arg(long, default_value_t = 1)]
    pub targeting_seed: u64,
    /// The smallest budget of --lever that brings the Gini to this target (e.g. 0.36), with a
    /// replicate interval.
    #[arg(long)]
    pub target_gini: Option<f64>,
    /// What --target-gini may vary: scale:COLUMN, widen:COLUMN or topup:PERCENT. Repeatable.
    #[arg(long, value_name = "KIND:WHAT")]
    pub lever: Vec<String>,
    /// Measures to give before and after besides the Gini (comma-separated; fgt0 etc. need
    /// --poverty-line).
    #[arg(long, default_value = "share_bottom40")]
    pub measures: String,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub survey: SurveyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct AttributeArgs {
    /// The table; several files (one per round) or --period give the change of each term
    /// between rounds.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Column naming the round; without it each file is a round named after the file.
    #[arg(long)]
    pub period: Option<String>,
    /// Pairs of rounds to compare, e.g. 2017-09:2018-09; default: consecutive rounds.
    #[arg(long)]
    pub pairs: Option<String>,
    /// Transfer columns the value includes (amounts received, in the value's units, per
    /// household with --per-capita like the value): marginal contributions, Kakwani,
    /// Reynolds–Smolensky, reranking, and Lerman–Yitzhaki terms of each transfer and of the
    /// rest of the income. Several: `--transfer a b` or `--transfer a,b`.
    #[arg(
        long = "transfer",
        value_name = "COLUMN",
        value_delimiter = ',',
        num_args = 1..,
        conflicts_with = "sources",
        required_unless_present = "sources"
    )]
    pub transfers: Vec<String>,
    /// Source columns that add up to the value on every row: the Lerman–Yitzhaki
    /// decomposition (share, Gini, Gini correlation, contribution, elasticity of each) and the
    /// Shapley contributions with zero and mean replacement (up to 10 sources).
    #[arg(long = "source", value_name = "COLUMN", value_delimiter = ',', num_args = 1..)]
    pub sources: Vec<String>,
    /// Measures whose marginal contributions to give besides the Gini's (e.g. theil_t,fgt0
    /// with --poverty-line), comma-separated.
    #[arg(long, default_value = "")]
    pub measures: String,
    /// Zero and negative incomes in measures that need positive values: error, or exclude.
    #[arg(long, value_enum, default_value_t = NonPositive::Error)]
    pub non_positive: NonPositive,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub survey: SurveyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ClusterArgs {
    #[command(subcommand)]
    pub role: ClusterRole,
}

/// The processes of a Ballista cluster; each runs until it is stopped.
#[derive(Subcommand, Debug)]
pub enum ClusterRole {
    /// The scheduler: plans queries into stages and hands tasks to executors.
    Scheduler {
        /// Address to listen on (0.0.0.0 to accept executors and clients from other
        /// machines).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port of the scheduler (clients use df://HOST:PORT).
        #[arg(long, default_value_t = 50050)]
        port: u16,
    },
    /// An executor: runs tasks and serves their output to the other executors.
    Executor {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// The name or address other machines reach this executor by, when it differs from
        /// --bind (e.g. --bind 0.0.0.0).
        #[arg(long, value_name = "HOST")]
        external_host: Option<String>,
        /// Port of the executor's data (Arrow Flight) service.
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// Port of the executor's control (gRPC) service.
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// The scheduler's host.
        #[arg(long, default_value = "127.0.0.1")]
        scheduler_host: String,
        /// The scheduler's port.
        #[arg(long, default_value_t = 50050)]
        scheduler_port: u16,
        /// Directory for task output (default: a new temporary directory).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        /// Name of the executor in the scheduler's logs.
        #[arg(long)]
        id: Option<String>,
        /// Tasks run at once (default: the number of cores).
        #[arg(long, value_name = "N")]
        tasks: Option<usize>,
        /// Memory the executor's tasks may use together before their sorts spill to the work
        /// directory, e.g. 4GiB.
        #[arg(long, value_name = "SIZE")]
        memory_limit: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct DecomposeArgs {
    /// One file per round, or one file with a --period column.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Column naming the round; without it each file is a round named after the file.
    #[arg(long)]
    pub period: Option<String>,
    /// Indices to decompose: theil_t, mld, ge_<alpha>, gini.
    #[arg(long, value_delimiter = ',', default_value = "theil_t,mld,gini")]
    pub measures: Vec<String>,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub survey: SurveyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct GicArgs {
    /// One file per round, or one file with a --period column.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Column naming the round; without it each file is a round named after the file.
    #[arg(long)]
    pub period: Option<String>,
    /// The earlier round (default: the first read).
    #[arg(long)]
    pub from: Option<String>,
    /// The later round (default: the last read).
    #[arg(long)]
    pub to: Option<String>,
    /// Population fractions of the curve, comma-separated (e.g. 0.1,0.5,0.9); default the
    /// percentiles 0.01 … 0.99.
    #[arg(long, allow_negative_numbers = true, value_delimiter = ',')]
    pub points: Vec<f64>,
    /// Price level of the later round over the earlier one's (1.0288 for 2.88 % inflation):
    /// growth is real, `x₂/(D·x₁) − 1`. Default 1 (nominal growth).
    #[arg(long, allow_negative_numbers = true, default_value_t = 1.0)]
    pub deflator: f64,
    /// Draw the curve to PATH.svg and PATH.png (one chart per group).
    #[arg(long)]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub survey: SurveyArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// What the welfare column of a class table holds.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WelfareIs {
    /// Each class's share of total welfare (percent or fraction).
    Share,
    /// Each class's mean welfare per person (Datt's table).
    Mean,
}

#[derive(Args, Debug)]
pub struct GroupedArgs {
    /// The class table (CSV or Parquet), classes ordered from the poorest.
    pub file: PathBuf,
    /// Column with each class's share of the population (percent or fraction); with
    /// --cumulative, the cumulative share.
    #[arg(long)]
    pub population: String,
    /// Column with each class's share of welfare, or its mean (--welfare-is mean); with
    /// --cumulative, the cumulative welfare share.
    #[arg(long)]
    pub welfare: String,
    /// What the welfare column holds.
    #[arg(long, value_enum, default_value_t = WelfareIs::Share)]
    pub welfare_is: WelfareIs,
    /// The columns hold cumulative shares (Lorenz points) rather than class shares.
    #[arg(long, conflicts_with = "welfare_is")]
    pub cumulative: bool,
    /// Mean welfare per person of the whole distribution (needed for the median and poverty;
    /// with --welfare-is mean it defaults to the population-weighted class mean).
    #[arg(long, allow_negative_numbers = true)]
    pub mean: Option<f64>,
    /// Poverty line per person, in the units of the mean.
    #[arg(long, allow_hyphen_values = true)]
    pub poverty_line: Option<f64>,
    /// Input format; by default from the file extension.
    #[arg(long, value_enum)]
    pub input_format: Option<FileFormat>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct MeasuresArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Output formats.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

impl From<Format> for OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Table => OutputFormat::Table,
            Format::Csv => OutputFormat::Csv,
            Format::Json => OutputFormat::Json,
        }
    }
}

/// Input file formats.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    #[value(alias = "pq")]
    Parquet,
    /// Stata .dta
    #[value(alias = "dta")]
    Stata,
    /// SPSS .sav
    #[value(alias = "sav")]
    Spss,
}

/// How labelled Stata/SPSS values become group names.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelMode {
    /// The value label (Aceh).
    Labels,
    /// The stored code (11).
    Codes,
    /// Code and label as Stata's numlabel shows them (11. Aceh).
    Both,
}

impl From<LabelMode> for ValueLabels {
    fn from(m: LabelMode) -> Self {
        match m {
            LabelMode::Labels => ValueLabels::Labels,
            LabelMode::Codes => ValueLabels::Codes,
            LabelMode::Both => ValueLabels::Both,
        }
    }
}

impl From<FileFormat> for InputFormat {
    fn from(f: FileFormat) -> Self {
        match f {
            FileFormat::Csv => InputFormat::Csv,
            FileFormat::Parquet => InputFormat::Parquet,
            FileFormat::Stata => InputFormat::Stata,
            FileFormat::Spss => InputFormat::Spss,
        }
    }
}

/// Standard-error methods.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Se {
    Linearization,
    Bootstrap,
    Jackknife,
    Brr,
    Fay,
    ReplicateWeights,
}

/// Weighted-Gini conventions.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    Midpoint,
    Convey,
    UnbiasedRows,
    UnbiasedFrequency,
}

impl From<Convention> for GiniConvention {
    fn from(c: Convention) -> Self {
        match c {
            Convention::Midpoint => GiniConvention::Midpoint,
            Convention::Convey => GiniConvention::ConveyCumulative,
            Convention::UnbiasedRows => GiniConvention::SmallSampleRows,
            Convention::UnbiasedFrequency => GiniConvention::SmallSampleFrequency,
        }
    }
}

/// Zero and negative values in measures that need positive values.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonPositive {
    Error,
    Exclude,
}

impl From<NonPositive> for NonPositivePolicy {
    fn from(p: NonPositive) -> Self {
        match p {
            NonPositive::Error => NonPositivePolicy::Error,
            NonPositive::Exclude => NonPositivePolicy::Exclude,
        }
    }
}

/// Where a group's at-risk-of-poverty threshold is estimated.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// From the whole table or survey round (laeken breakdown, convey domains, Eurostat).
    Population,
    /// From each group's own values.
    Group,
}

impl From<Threshold> for ginikit::measure::ThresholdScope {
    fn from(t: Threshold) -> Self {
        match t {
            Threshold::Population => Self::Population,
            Threshold::Group => Self::Group,
        }
    }
}

/// Strata with a single PSU.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lonely {
    #[value(alias = "fail")]
    Error,
    Certainty,
    #[value(alias = "centre", alias = "center")]
    Adjust,
}

impl From<Lonely> for LonelyPsu {
    fn from(l: Lonely) -> Self {
        match l {
            Lonely::Error => LonelyPsu::Error,
            Lonely::Certainty => LonelyPsu::Certainty,
            Lonely::Adjust => LonelyPsu::Adjust,
        }
    }
}

/// Confidence intervals.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    Normal,
    Percentile,
}

#[derive(Args, Debug)]
pub struct ReproduceArgs {
    /// Household tables (CSV or Parquet), one per round (named after the file) or with a
    /// --round column. Default: the bundled synthetic rounds 2017-09, 2018-03, 2018-09.
    #[arg(long, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// Column naming the round (e.g. 2017-09); without it each file is one round.
    #[arg(long)]
    pub round: Option<String>,
    /// Transfer columns the value includes (per person): when every file has them, the
    /// report adds "Did the programmes do it?" (their marginal contribution to the Gini in
    /// both rounds, its change, and the cost of a Gini of 0.36).
    #[arg(
        long = "transfer",
        value_delimiter = ',',
        num_args = 1..,
        default_value = "pkh_per_capita,bpnt_per_capita,rastra_per_capita"
    )]
    pub transfers: Vec<String>,
    /// Per-capita expenditure column (Susenas: kapita).
    #[arg(long, default_value = "expenditure_per_capita")]
    pub value: String,
    /// Divide the value column by the household size (it holds household totals).
    #[arg(long)]
    pub per_capita: bool,
    /// Household weight column (Susenas: wert); person weight = weight × size.
    #[arg(long, default_value = "weight")]
    pub weight: String,
    /// Household size column (Susenas: r301).
    #[arg(long, default_value = "household_size")]
    pub size: String,
    /// Urban/rural column: 1/2 codes (Susenas r105) or text.
    #[arg(long, default_value = "area")]
    pub area: String,
    /// Province column: BPS codes (Susenas r101) or names.
    #[arg(long, default_value = "province_code")]
    pub province: String,
    /// Stratum column.
    #[arg(long, default_value = "stratum")]
    pub strata: String,
    /// PSU (census block) column.
    #[arg(long, default_value = "psu")]
    pub psu: String,
    /// PSU codes restart within each stratum.
    #[arg(long)]
    pub nest: bool,
    /// Strata with one PSU.
    #[arg(long, value_enum, default_value_t = Lonely::Error)]
    pub lonely_psu: Lonely,
    /// Earlier round of the tested change.
    #[arg(long, default_value = "2017-09")]
    pub from: String,
    /// Later round of the tested change.
    #[arg(long, default_value = "2018-09")]
    pub to: String,
    /// Standard errors: linearization, bootstrap or jackknife.
    #[arg(long, value_enum, default_value_t = Se::Linearization)]
    pub se: Se,
    /// Bootstrap replicates.
    #[arg(long, default_value_t = 1000)]
    pub replicates: usize,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 20181)]
    pub seed: u64,
    /// The full series: `all`, `FROM..TO` or a list of published rounds (2016-03 … 2021-09);
    /// rounds not bundled are generated like the bundled ones (seed 1), and every round's
    /// Gini, the consecutive changes, the window's change and linear trends are reported.
    #[arg(long)]
    pub rounds: Option<String>,
    /// Bootstrap replicates for the standard errors of the decompositions of the change
    /// (under --se linearization; with --se bootstrap or jackknife those are used).
    #[arg(long, default_value_t = 200)]
    pub decomposition_replicates: usize,
    /// Confidence level.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.95)]
    pub level: f64,
    /// Folder for the charts (SVG and PNG).
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Do not draw charts.
    #[arg(long)]
    pub no_plots: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Input format; by default from each file's extension.
    #[arg(long, value_enum)]
    pub input_format: Option<FileFormat>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Survey round, e.g. 2017-09 (any round of the published province tables, 2016-03 … 2021-09).
    #[arg(long)]
    pub round: String,
    /// Households to draw (rounded up to whole census blocks of 10).
    #[arg(long, default_value_t = 75_000)]
    pub households: usize,
    /// A census instead of a survey sample: households in every province × area cell in
    /// proportion to its population (67000000 households is Indonesia's about 265 million
    /// persons), written to Parquet one row group at a time (memory holds one chunk).
    #[arg(long)]
    pub census: bool,
    /// Seed: the same seed gives the same table on any machine.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output file (.parquet or .csv).
    #[arg(long)]
    pub output: PathBuf,
    /// Output format; by default from the extension.
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Distribution within a cell: gb2 (the default: cell Gini and P0 kept exactly; shapes
    /// p = 50, from a joint fit of the national figures, and q, for the national Gini,
    /// common to all cells), singh-maddala (GB2 with p = 1) or log-normal (cell Gini and P0,
    /// then one shrink of the cell locations for the national Gini, which moves the cell P0s).
    #[arg(long, value_enum, default_value_t = SynthFamily::Gb2)]
    pub family: SynthFamily,
    /// Format of the calibration report printed on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub report_format: Format,
    /// Print nothing (no calibration report, no summary line).
    #[arg(long)]
    pub quiet: bool,
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
    #[arg(long, value_enum)]
    pub input_format: Option<FileFormat>,
    /// Group names of labelled Stata/SPSS variables: the label (Aceh), the stored code (11)
    /// or both (11. Aceh).
    #[arg(long, value_enum, default_value_t = LabelMode::Labels)]
    pub value_labels: LabelMode,
    /// Poverty line of fgt0/fgt1/fgt2/watts/poor: one amount per person (a number, in the
    /// units of the value), or the name of a column holding each row's line (e.g. BPS lines by
    /// province × area).
    #[arg(long, value_name = "AMOUNT|COLUMN", allow_hyphen_values = true)]
    pub poverty_line: Option<String>,
}

/// Options for the measures and the output.
#[derive(Args, Debug, Clone)]
pub struct MeasureArgs {
    /// Measures, comma-separated (`gini measures` lists them).
    #[arg(long, default_value = ginikit::measure::DEFAULT_MEASURES,
          long_help = measures_help())]
    pub measures: String,
    /// Weighted-Gini estimator: midpoint (BPS, Eurostat/laeken, PIP), convey (R convey's
    /// 2C−1 form), unbiased-rows (× n/(n−1)), unbiased-frequency (× W/(W−1)).
    #[arg(long, value_enum, default_value_t = Convention::Midpoint)]
    pub gini_convention: Convention,
    /// Zero and negative values in measures that need positive values (theil_t, mld, ge_*,
    /// atkinson_*): error, or exclude them and report the count.
    #[arg(long, value_enum, default_value_t = NonPositive::Error)]
    pub non_positive: NonPositive,
    /// Per group, the at-risk-of-poverty threshold of arpt/arpr/rmpg: the whole population's
    /// (all groups of the file or round, as laeken's breakdown and Eurostat's regional rates)
    /// or each group's own.
    #[arg(long, value_enum, default_value_t = Threshold::Population)]
    pub threshold: Threshold,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Survey design and standard errors.
#[derive(Args, Debug, Clone)]
pub struct SurveyArgs {
    /// Standard errors: linearization, bootstrap (Rao–Wu), jackknife (JKn), brr, fay, or
    /// replicate-weights (columns given by --repweights). Without design flags each row is
    /// its own PSU (simple random sampling).
    #[arg(long, value_enum)]
    pub se: Option<Se>,
    /// Stratum column.
    #[arg(long)]
    pub strata: Option<String>,
    /// Primary sampling unit (cluster) column.
    #[arg(long)]
    pub psu: Option<String>,
    /// Finite-population correction column: sampling fraction (≤ 1) or population number of
    /// PSUs (> 1), constant within a stratum.
    #[arg(long)]
    pub fpc: Option<String>,
    /// PSU codes restart within each stratum.
    #[arg(long)]
    pub nest: bool,
    /// Strata with a single PSU: error, certainty (no variance), or adjust (centre at the
    /// grand mean; also `centre`).
    #[arg(long, value_enum, default_value_t = Lonely::Error)]
    pub lonely_psu: Lonely,
    /// Bootstrap replicates.
    #[arg(long, default_value_t = 1000)]
    pub replicates: usize,
    /// Bootstrap seed: the same seed gives the same replicates on any machine and thread count.
    #[arg(long, default_value_t = 20181)]
    pub seed: u64,
    /// Fay's ρ for --se fay.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.5)]
    pub fay_rho: f64,
    /// Replicate-weight columns: a comma-separated list, or a prefix ending in `*`.
    #[arg(long)]
    pub repweights: Option<String>,
    /// Variance scale for --repweights: v = scale · Σ (θ_r − θ̄)².
    #[arg(long, allow_negative_numbers = true)]
    pub rep_scale: Option<f64>,
    /// Centre replicate deviations on the full-sample estimate instead of their mean.
    #[arg(long)]
    pub rep_mse: bool,
    /// Confidence level.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.95)]
    pub level: f64,
    /// Interval: normal, or percentile (bootstrap only).
    #[arg(long, value_enum, default_value_t = Ci::Normal)]
    pub ci: Ci,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct ComputeArgs {
    /// The table (CSV or Parquet); `-` reads CSV from standard input. With --engine
    /// datafusion or --cluster, a directory stands for all its Parquet (or CSV) files, read
    /// as one table.
    pub file: PathBuf,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub measure: MeasureArgs,
    #[command(flatten)]
    pub survey: SurveyArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Where the computation runs.
#[derive(Args, Debug, Clone)]
pub struct EngineArgs {
    /// memory: the in-memory kernel; datafusion: out of core on Apache DataFusion (exact Gini
    /// from sorted range buckets, spilling to disk under --memory-limit; needs a build with
    /// the `datafusion` feature). Without it: in memory, and — in a build with the feature —
    /// out of core, with a note, when the in-memory engine would not fit in the memory
    /// available and DataFusion computes what was asked.
    #[arg(long, value_enum)]
    pub engine: Option<EngineKind>,
    /// Memory the DataFusion engine may use before it spills, e.g. 512MiB or 2G.
    #[arg(long, value_name = "SIZE", requires = "engine")]
    pub memory_limit: Option<String>,
    /// Directory for the DataFusion engine's spill files (default: the system's temporary
    /// directory).
    #[arg(long, value_name = "DIR", requires = "engine")]
    pub spill_dir: Option<PathBuf>,
    /// Run on the Apache Ballista cluster whose scheduler is at URL (df://HOST:PORT; see
    /// `gini cluster`): the DataFusion engine's plans, split into tasks on the cluster's
    /// executors, with the same results. The file must be readable at the same absolute path
    /// here and on every executor. Needs a build with the `cluster` feature.
    #[arg(long, value_name = "URL", conflicts_with = "engine")]
    pub cluster: Option<String>,
}

/// Computation engines.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    Memory,
    Datafusion,
}

#[derive(Args, Debug)]
pub struct TrendArgs {
    /// One file per round, or one file with a --period column.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Column naming the round; without it each file is a round named after the file.
    #[arg(long)]
    pub period: Option<String>,
    /// Pairs to compare, e.g. 2017-09:2018-09,2018-03:2018-09; default: consecutive rounds.
    #[arg(long)]
    pub pairs: Option<String>,
    #[command(flatten)]
    pub table: TableArgs,
    #[command(flatten)]
    pub measure: MeasureArgs,
    #[command(flatten)]
    pub survey: SurveyArgs,
}

/// The long help of `--measures`, generated from the measure registry.
fn measures_help() -> String {
    let mut text = String::from("Measures, comma-separated:\n");
    for f in ginikit::measure::registry::FAMILIES {
        text.push_str(&format!("  {}: {}\n", f.syntax, f.summary));
    }
    text
}
