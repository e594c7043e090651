//! Design-based inference for the groups of a table: one design per survey round, groups as
//! domains of it.

use super::{Group, Table};
use crate::error::{Error, Location, Result};
use crate::kernel::gathered;
use crate::measure::positive::NonPositivePolicy;
use crate::measure::{Measure, Options};
use crate::sample::{Components, PovertyLines, SortedSample};
use crate::survey::design::{Design, DesignCodes, LonelyPsu};
use crate::survey::replicate::{ReplicateMethod, Replicates};
use crate::survey::{estimate, DesignedSample, Interval, SurveyEstimate, Tick, Variance};
use ndarray::Array2;
use rayon::prelude::*;

/// How standard errors are computed.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum SeMethod {
    Linearization,
    Replicates(ReplicateMethod),
    /// Replicate-weight columns of the file, with their variance scale; `mse` centres on the
    /// full-sample estimate.
    GivenReplicates {
        scale: f64,
        mse: bool,
    },
}

/// The design columns (as positions in [`super::TableSpec::extra`]) and the inference
/// settings.
#[derive(Debug, Clone, Copy)]
pub struct SurveySpec {
    pub method: SeMethod,
    pub strata: Option<usize>,
    pub psu: Option<usize>,
    pub fpc: Option<usize>,
    pub nested: bool,
    pub lonely: LonelyPsu,
    pub level: f64,
    pub interval: Interval,
}

impl Default for SurveySpec {
    /// Linearized standard errors without design columns (each row its own PSU), lonely PSUs
    /// refused, 95 % normal intervals.
    ///
    /// ```
    /// use ginikit::table::survey::{SeMethod, SurveySpec};
    /// let s = SurveySpec { strata: Some(0), ..SurveySpec::default() };
    /// assert!(matches!(s.method, SeMethod::Linearization) && s.level == 0.95);
    /// ```
    fn default() -> Self {
        SurveySpec {
            method: SeMethod::Linearization,
            strata: None,
            psu: None,
            fpc: None,
            nested: false,
            lonely: LonelyPsu::default(),
            level: 0.95,
            interval: Interval::default(),
        }
    }
}

impl SurveySpec {
    /// True when no design column was given: each row is its own PSU (simple random sampling).
    pub fn assumes_srs(&self) -> bool {
        self.strata.is_none() && self.psu.is_none()
    }
}

/// One measure for one group, with its inference.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInference {
    pub key: Vec<String>,
    pub measure: Measure,
    pub result: SurveyEstimate,
}

/// The total number of replicates each group will run (for a progress display).
pub fn replicate_count(table: &Table, spec: &SurveySpec) -> usize {
    match spec.method {
        SeMethod::Linearization => 0,
        SeMethod::GivenReplicates { .. } => table
            .groups
            .first()
            .map_or(0, |g| g.replicate_weights.len()),
        SeMethod::Replicates(ReplicateMethod::Bootstrap { replicates, .. }) => replicates,
        SeMethod::Replicates(_) => 0,
    }
}

/// Estimates `measures` with inference for the groups `members` of `table`, which together
/// form one survey round: the design is built from their rows, and each group is a domain.
pub fn infer(
    table: &Table,
    members: &[usize],
    spec: &SurveySpec,
    measures: &[Measure],
    options: &Options,
    tick: Tick<'_>,
) -> Result<Vec<GroupInference>> {
    let groups: Vec<&Group> = members.iter().map(|&g| &table.groups[g]).collect();
    check_inference_memory(&groups)?;
    let (design, psu_by_group) = build_design(table, &groups, spec)?;
    let round = Round::new(
        table,
        &groups,
        &psu_by_group,
        design,
        spec,
        measures,
        options,
        tick,
    )?;
    // Groups run in parallel (each one's numbers do not depend on the others or on the
    // threads); the rows, and the first error, come back in group order.
    let per_group: Vec<Result<Vec<GroupInference>>> = groups
        .par_iter()
        .zip(psu_by_group.into_par_iter())
        .enumerate()
        .map(|(g, (group, psu_of_obs))| round.group(g, group, psu_of_obs))
        .collect();
    let mut rows = Vec::new();
    for r in per_group {
        rows.extend(r?);
    }
    Ok(rows)
}

/// One estimate of a group, in the data's units, and (for measures on the pooled round) the
/// group's own population.
type Scaled = (SurveyEstimate, Option<f64>);

/// What the groups of one round share while each is estimated as a domain of it.
struct Round<'a> {
    table: &'a Table,
    spec: &'a SurveySpec,
    measures: &'a [Measure],
    options: &'a Options,
    tick: Tick<'a>,
    design: Design,
    /// The design's replicates (for the replicate methods).
    shared: Option<Replicates>,
    /// The first measure that needs positive values, if any.
    needs_positive: Option<String>,
    /// Relative-poverty measures take the threshold from the whole round: they are estimated
    /// on the round's pooled sample, each group a domain of it (convey's domain
    /// linearization; replicates re-estimate the threshold from the whole round).
    pooled_measures: Vec<Measure>,
    own_measures: Vec<Measure>,
    given_weights: bool,
    pool: Option<Pool>,
    /// The file's replicate weights of the pooled rows.
    pool_given: Option<Replicates>,
}

impl<'a> Round<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        table: &'a Table,
        groups: &[&Group],
        psu_by_group: &[Vec<u32>],
        design: Design,
        spec: &'a SurveySpec,
        measures: &'a [Measure],
        options: &'a Options,
        tick: Tick<'a>,
    ) -> Result<Self> {
        let shared = match spec.method {
            SeMethod::Replicates(method) => Some(Replicates::new(method, &design)?),
            _ => None,
        };
        let pooled_measures =
            super::compute::population_threshold_measures(groups.len(), measures, options);
        let own_measures = measures
            .iter()
            .filter(|m| !pooled_measures.contains(m))
            .cloned()
            .collect();
        let given_weights = matches!(spec.method, SeMethod::GivenReplicates { .. });
        let pool = if pooled_measures.is_empty() {
            None
        } else {
            Some(Pool::new(table, groups, psu_by_group, given_weights)?)
        };
        let pool_given = match (&pool, spec.method) {
            (Some(p), SeMethod::GivenReplicates { scale, mse }) => {
                Some(given_replicates(&p.group, scale, mse))
            }
            _ => None,
        };
        Ok(Round {
            table,
            spec,
            measures,
            options,
            tick,
            design,
            shared,
            needs_positive: measures
                .iter()
                .find(|m| m.needs_positive_values())
                .map(Measure::name),
            pooled_measures,
            own_measures,
            given_weights,
            pool,
            pool_given,
        })
    }

    /// Every measure of group `g` (its PSU numbers `psu_of_obs`, in file order) with its
    /// inference, in the order of the measures.
    fn group(&self, g: usize, group: &Group, psu_of_obs: Vec<u32>) -> Result<Vec<GroupInference>> {
        let context = group.describe(&self.table.by);
        self.check(group, &context)?;
        let in_group = |e: Error| {
            e.at_component_columns(&self.table.path, &self.table.components)
                .at_column(&value_location(self.table))
                .in_context(&context)
        };
        let (sample, psu_sorted) =
            domain_sample(self.table, group, &psu_of_obs, self.given_weights, false)
                .map_err(in_group)?;
        // The group's PSU numbers now travel with the sorted sample.
        drop(psu_of_obs);
        let psu_sorted: &[u32] = match &psu_sorted {
            Some(p) => p,
            None => sample.labels().expect("the sample was built with labels"),
        };
        let given;
        let variance = match self.spec.method {
            SeMethod::Linearization => Variance::Linearization,
            SeMethod::Replicates(_) => Variance::Replicates(
                self.shared
                    .as_ref()
                    .expect("replicates were built for this method"),
            ),
            SeMethod::GivenReplicates { scale, mse } => {
                given = given_replicates(group, scale, mse);
                Variance::Replicates(&given)
            }
        };
        let ds = DesignedSample {
            sample: &sample,
            psu: psu_sorted,
            design: &self.design,
            persons: group.persons,
        };
        let mut own = self
            .estimate(&ds, &variance, &self.own_measures)
            .map_err(in_group)?
            .into_iter()
            .map(|r| (r, None));
        let mut pooled = self
            .pooled(g, group, &sample, &variance)
            .map_err(in_group)?
            .into_iter();
        let mut out = Vec::with_capacity(self.measures.len());
        for m in self.measures {
            let scaled = if self.pooled_measures.contains(m) {
                pooled.next()
            } else {
                own.next()
            }
            .expect("one result per measure");
            out.push(GroupInference {
                key: group.key.clone(),
                measure: m.clone(),
                result: in_units(m, scaled).map_err(in_group)?,
            });
        }
        Ok(out)
    }

    /// A group has positive values where its measures need them (under the error policy)
    /// and two observations of positive weight.
    fn check(&self, group: &Group, context: &str) -> Result<()> {
        if self.options.non_positive == NonPositivePolicy::Error {
            if let Some(m) = &self.needs_positive {
                group.require_positive(self.table, m)?;
            }
        }
        // Rows of zero weight stand for nobody: they do not count as observations.
        let observed = group.weights.as_ref().map_or(group.values.len(), |w| {
            w.iter().filter(|&&w| w > 0.0).count()
        });
        if observed < 2 {
            // One observation has no spread between PSUs or replicates to speak of: every
            // method would report 0, which is not an estimate of anything.
            return Err(Error::Undefined {
                location: value_location(self.table),
                measure: "the standard error".into(),
                reason: format!(
                    "the group has {observed} observation(s) with a positive weight; drop it, merge it with another group, or compute it without standard errors"
                ),
                context: context.to_string(),
            });
        }
        Ok(())
    }

    fn estimate(
        &self,
        ds: &DesignedSample<'_>,
        variance: &Variance<'_>,
        measures: &[Measure],
    ) -> Result<Vec<SurveyEstimate>> {
        estimate(
            ds,
            variance,
            measures,
            self.options,
            self.spec.level,
            self.spec.interval,
            self.tick,
        )
    }

    /// The measures on the pooled round for group `g` (its rows `sample`), a
    /// domain of the round: no design effect (the influence spans the whole round), and the
    /// group's own rows and population.
    fn pooled(
        &self,
        g: usize,
        group: &Group,
        sample: &SortedSample,
        variance: &Variance<'_>,
    ) -> Result<Vec<Scaled>> {
        let Some(p) = &self.pool else {
            return Ok(Vec::new());
        };
        let domain = p.sample.in_domain(p.ids.clone(), g as u32);
        let pool_variance = match (variance, &self.pool_given) {
            (Variance::Replicates(_), Some(given)) => Variance::Replicates(given),
            (Variance::Replicates(shared), None) => Variance::Replicates(shared),
            (Variance::Linearization, _) => Variance::Linearization,
        };
        let ds = DesignedSample {
            sample: &domain,
            psu: &p.psu_sorted,
            design: &self.design,
            persons: group.persons,
        };
        // The group's own rows and population, in the data's units.
        let n = sample.len();
        let population = sample.scale().persons_back(sample.total_weight());
        Ok(self
            .estimate(&ds, &pool_variance, &self.pooled_measures)?
            .into_iter()
            .map(|mut r| {
                r.estimate.n = n;
                r.estimate.excluded = 0;
                r.inference.deff = None;
                (r, Some(population))
            })
            .collect())
    }
}

/// A result with the population given for pooled measures, each number checked finite.
fn in_units(m: &Measure, (mut r, population): Scaled) -> Result<SurveyEstimate> {
    if let Some(p) = population {
        r.estimate.population = p;
    }
    let i = &r.inference;
    super::require_finite(r.estimate.value, m, "estimate")?;
    for (value, what) in [
        (i.se, "standard error"),
        (i.ci_lower, "interval"),
        (i.ci_upper, "interval"),
    ] {
        super::require_finite(value, m, what)?;
    }
    Ok(r)
}

/// Bytes per observation of the round that the design holds beside the table while it is
/// built and used (codes in file order, each observation's PSU number), and bytes per
/// observation of a group being estimated (its sort of 12-byte records held twice, the sorted
/// columns, influence values): upper figures, measured on the 67-million-household census
/// table (12 and 32 bytes).
const DESIGN_BYTES_PER_ROW: u64 = 16;
const INFERENCE_BYTES_PER_ROW: u64 = 40;

/// Refuses, before any work, standard errors whose groups would need more memory than is
/// available: groups run in parallel, so the largest ones (one per thread) are in memory at
/// once, beside the round's design. A run the system would kill stops with both figures and
/// the ways out instead.
fn check_inference_memory(groups: &[&Group]) -> Result<()> {
    let mut sizes: Vec<u64> = groups.iter().map(|g| g.values.len() as u64).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let threads = rayon::current_num_threads();
    let in_flight: u64 = sizes.iter().take(threads).sum();
    let round: u64 = sizes.iter().sum();
    crate::memory::require(
        || {
            format!(
                "standard errors for groups of up to {} observations ({} at once)",
                sizes.first().copied().unwrap_or(0),
                threads.min(sizes.len())
            )
        },
        in_flight
            .saturating_mul(INFERENCE_BYTES_PER_ROW)
            .saturating_add(round.saturating_mul(DESIGN_BYTES_PER_ROW)),
        "compute them for smaller groups",
        Some(crate::error::Setting::OutOfCore),
    )
}

/// Estimates measures that read the groups of one pooled sample (the terms of a
/// decomposition, [`crate::decompose::Component`]) for the survey round formed by the groups
/// `members`: all their rows sorted once, each observation carrying its group's index
/// (position in `members`) as the sample's domain ids; one result per measure.
pub fn infer_pooled(
    table: &Table,
    members: &[usize],
    spec: &SurveySpec,
    measures: &[Measure],
    options: &Options,
    tick: Tick<'_>,
) -> Result<Vec<SurveyEstimate>> {
    let groups: Vec<&Group> = members.iter().map(|&g| &table.groups[g]).collect();
    let (design, psu_by_group) = build_design(table, &groups, spec)?;
    let given_weights = matches!(spec.method, SeMethod::GivenReplicates { .. });
    let pool = Pool::new(table, &groups, &psu_by_group, given_weights)?;
    let built;
    let variance = match spec.method {
        SeMethod::Linearization => Variance::Linearization,
        SeMethod::Replicates(method) => {
            built = Replicates::new(method, &design)?;
            Variance::Replicates(&built)
        }
        SeMethod::GivenReplicates { scale, mse } => {
            built = given_replicates(&pool.group, scale, mse);
            Variance::Replicates(&built)
        }
    };
    let sample = pool.sample.in_domain(pool.ids.clone(), 0);
    let ds = DesignedSample {
        sample: &sample,
        psu: &pool.psu_sorted,
        design: &design,
        persons: pool.group.persons,
    };
    let location = value_location(table);
    let mut out = estimate(
        &ds,
        &variance,
        measures,
        options,
        spec.level,
        spec.interval,
        tick,
    )
    .map_err(|e| e.at_column(&location))?;
    for (m, r) in measures.iter().zip(out.iter_mut()) {
        super::require_finite(r.estimate.value, m, "estimate")
            .map_err(|e| e.at_column(&location))?;
        super::require_finite(r.inference.se, m, "standard error")
            .map_err(|e| e.at_column(&location))?;
    }
    Ok(out)
}

/// A domain's sample, sorted once, and the PSU of each sorted observation. The sort carries
/// each observation's PSU, or, when replicate weights from the file or per-row poverty lines
/// must follow the observations, its position in the group (to find its replicate weights and
/// its line). The table's poverty line, one amount or per row, is attached to the sample.
fn domain_sample(
    table: &Table,
    group: &Group,
    psu_of_obs: &[u32],
    given_weights: bool,
    keep_positions: bool,
) -> Result<(SortedSample, Option<Vec<u32>>)> {
    let by_position =
        given_weights || group.lines.is_some() || keep_positions || !group.components.is_empty();
    let positions: Vec<u32>;
    let labels: &[u32] = if by_position {
        positions = (0..group.values.len() as u32).collect();
        &positions
    } else {
        psu_of_obs
    };
    // The sample rescales values or weights near the ends of the double range, choosing
    // the power of two with the amounts attached to it below.
    let line: Vec<f64> = table.poverty_line.into_iter().collect();
    let mut sample = SortedSample::with_labels_beside(
        &group.values,
        group.weights.as_deref(),
        labels,
        &group.beside(&line),
    )?;
    let sorted_labels = sample.labels().expect("the sample was built with labels");
    // Sorted by PSU, the sample's labels are the PSUs themselves (no copy). The PSUs and the
    // components (in sorted order; the sample rescales them like the values) are gathered
    // side by side: each gather reads all over its column.
    let (psu_sorted, components): (Option<Vec<u32>>, Option<Vec<Vec<f64>>>) = rayon::join(
        || by_position.then(|| gathered(sorted_labels, psu_of_obs)),
        || {
            (!group.components.is_empty()).then(|| {
                group
                    .components
                    .par_iter()
                    .map(|c| gathered(sorted_labels, c))
                    .collect()
            })
        },
    );
    if group
        .lines
        .as_ref()
        .is_some_and(|l| l.len() != group.values.len())
    {
        return Err(Error::LengthMismatch {
            left: "values",
            left_len: group.values.len(),
            right: "poverty lines",
            right_len: group.lines.as_ref().map_or(0, Vec::len),
        });
    }
    let lines = match (&group.lines, table.poverty_line) {
        (Some(lines), _) => Some(PovertyLines::PerObservation(std::sync::Arc::new(gathered(
            sorted_labels,
            lines,
        )))),
        (None, Some(z)) => Some(PovertyLines::Constant(z)),
        (None, None) => None,
    };
    if let Some(lines) = lines {
        sample.set_poverty_lines(lines);
    }
    if let Some(columns) = components {
        sample.set_components(Components::new(table.components.clone(), columns));
    }
    Ok((sample, psu_sorted))
}

/// A survey round's groups pooled into one sample, sorted once, with the group index and PSU
/// of each sorted observation: the population that relative-poverty thresholds come from.
struct Pool {
    /// The pooled rows as one group (for replicate weights from the file).
    group: Group,
    sample: SortedSample,
    psu_sorted: Vec<u32>,
    ids: std::sync::Arc<Vec<u32>>,
}

impl Pool {
    fn new(
        table: &Table,
        groups: &[&Group],
        psu_by_group: &[Vec<u32>],
        given: bool,
    ) -> Result<Pool> {
        let mut pooled = Group {
            key: Vec::new(),
            values: Vec::new(),
            weights: groups.iter().any(|g| g.weights.is_some()).then(Vec::new),
            rows: Vec::new(),
            extra: Vec::new(),
            persons: 0.0,
            replicate_weights: vec![Vec::new(); groups[0].replicate_weights.len()],
            lines: groups[0].lines.as_ref().map(|_| Vec::new()),
            components: vec![Vec::new(); groups[0].components.len()],
        };
        let mut psu = Vec::new();
        let mut id_of_position = Vec::new();
        for (g, (group, group_psu)) in groups.iter().zip(psu_by_group).enumerate() {
            let n = group.values.len();
            pooled.values.extend_from_slice(&group.values);
            if let Some(w) = pooled.weights.as_mut() {
                match &group.weights {
                    Some(gw) => w.extend_from_slice(gw),
                    None => w.extend(std::iter::repeat_n(1.0, n)),
                }
            }
            for (t, r) in pooled
                .replicate_weights
                .iter_mut()
                .zip(&group.replicate_weights)
            {
                t.extend_from_slice(r);
            }
            if let (Some(t), Some(l)) = (pooled.lines.as_mut(), group.lines.as_ref()) {
                t.extend_from_slice(l);
            }
            for (t, c) in pooled.components.iter_mut().zip(&group.components) {
                t.extend_from_slice(c);
            }
            pooled.persons += group.persons;
            psu.extend_from_slice(group_psu);
            id_of_position.extend(std::iter::repeat_n(g as u32, n));
        }
        let (sample, psu_sorted) = domain_sample(table, &pooled, &psu, given, true)
            .map_err(|e| e.at_column(&value_location(table)))?;
        let psu_sorted = psu_sorted.expect("sorted with positions, PSUs gathered");
        let ids = sample
            .labels()
            .expect("sorted with positions")
            .iter()
            .map(|&i| id_of_position[i as usize])
            .collect();
        Ok(Pool {
            group: pooled,
            sample,
            psu_sorted,
            ids: std::sync::Arc::new(ids),
        })
    }
}

/// The replicate weights a group's rows carry, as replicates.
fn given_replicates(group: &Group, scale: f64, mse: bool) -> Replicates {
    let (r, n) = (group.replicate_weights.len(), group.values.len());
    let flat: Vec<f64> = group.replicate_weights.iter().flatten().copied().collect();
    let w =
        Array2::from_shape_vec((r, n), flat).expect("each replicate column has one weight per row");
    Replicates::given(w, scale, mse)
}

fn value_location(table: &Table) -> Location {
    Location::column(table.path.clone(), table.value_column.clone())
}

/// The round's observations in file order, as `(row, group, position in group)` (12 bytes a
/// row; nothing for one group that holds every row in order, the national case).
struct FileOrder {
    order: Vec<(u32, u32, u32)>,
}

impl FileOrder {
    fn new(groups: &[&Group]) -> FileOrder {
        if let [one] = groups {
            if one.rows.is_empty() {
                return FileOrder { order: Vec::new() };
            }
        }
        let mut order: Vec<(u32, u32, u32)> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| {
                (0..group.values.len()).map(move |k| (group.row(k), g as u32, k as u32))
            })
            .collect();
        if !order.is_sorted() {
            order.par_sort_unstable();
        }
        FileOrder { order }
    }

    /// The 1-based data rows in file order (`None`: one group, rows 1, 2, …).
    fn rows(&self) -> Option<Vec<u32>> {
        (!self.order.is_empty()).then(|| self.order.iter().map(|t| t.0).collect())
    }

    /// Calls `f(i, row, group, position)` for the `i`-th observation in file order.
    fn for_each(&self, groups: &[&Group], mut f: impl FnMut(usize, u32, usize, usize)) {
        if self.order.is_empty() {
            for k in 0..groups[0].values.len() {
                f(k, k as u32 + 1, 0, k);
            }
            return;
        }
        for (i, &(r, g, k)) in self.order.iter().enumerate() {
            f(i, r, g as usize, k as usize);
        }
    }
}

/// Builds the round's design from its groups' rows (in file order) and returns, for each
/// group, the PSU number of each of its observations.
fn build_design(
    table: &Table,
    groups: &[&Group],
    spec: &SurveySpec,
) -> Result<(Design, Vec<Vec<u32>>)> {
    let n: usize = groups.iter().map(|g| g.values.len()).sum();
    let order = FileOrder::new(groups);
    let code = |slot: Option<usize>| -> Option<Vec<u32>> {
        slot.map(|e| {
            let mut v = vec![0u32; n];
            order.for_each(groups, |i, _, g, k| v[i] = groups[g].extra[e][k]);
            v
        })
    };
    // Stratum codes are numbered over the whole table; a round holds only some of them (a
    // pooled file whose rounds have different strata), so number them again within the
    // round, keeping the table's code of each for messages.
    let (strata, stratum_code) = match code(spec.strata) {
        Some(codes) => {
            let (dense, table_codes) = dense_codes(codes);
            (Some(dense), table_codes)
        }
        None => (None, Vec::new()),
    };
    let psu = code(spec.psu);
    let fpc: Option<Vec<f64>> = match spec.fpc {
        None => None,
        Some(e) => {
            let labels = &table.extra_labels[e];
            let mut v = vec![0.0; n];
            let mut bad = None;
            order.for_each(groups, |i, r, g, k| {
                let text = &labels[groups[g].extra[e][k] as usize];
                match text.trim().parse::<f64>() {
                    Ok(x) => v[i] = x,
                    Err(_) => {
                        bad.get_or_insert((r, text.clone()));
                    }
                }
            });
            if let Some((r, text)) = bad {
                return Err(Error::NonNumeric {
                    location: design_location(table, "fpc"),
                    count: 1,
                    first: crate::error::Position::Row(r as usize),
                    text,
                });
            }
            Some(v)
        }
    };
    let rows = order.rows();
    let codes = DesignCodes {
        strata: strata.as_deref(),
        psu: psu.as_deref(),
        fpc: fpc.as_deref(),
        nested: spec.nested,
        rows: rows.as_deref(),
    };
    let (design, psu_of_obs) =
        Design::from_codes(n, codes, spec.lonely, &|role| design_location(table, role))?;
    drop((strata, psu, fpc, rows));
    // A stratum whose weights are all zero represents nobody: almost always a data error.
    let mut stratum_weight = vec![0.0; design.stratum_count()];
    order.for_each(groups, |i, _, g, k| {
        let w = groups[g].weights.as_ref().map_or(1.0, |w| w[k]);
        stratum_weight[design.stratum_of(psu_of_obs[i] as usize)] += w;
    });
    if let Some(h) = stratum_weight.iter().position(|&w| w == 0.0) {
        let label = match (spec.strata, stratum_code.get(h)) {
            (Some(e), Some(&c)) => table.extra_labels[e][c as usize].clone(),
            _ => (h + 1).to_string(),
        };
        return Err(Error::InvalidDesign {
            location: design_location(table, "strata"),
            problem: format!("stratum '{label}' has zero total weight"),
            fix: "every stratum needs positive weights; check the weight column for that stratum"
                .into(),
            setting: None,
        });
    }
    let mut by_group: Vec<Vec<u32>> = groups.iter().map(|g| vec![0; g.values.len()]).collect();
    order.for_each(groups, |i, _, g, k| by_group[g][k] = psu_of_obs[i]);
    Ok((design, by_group))
}

/// Codes renumbered 0, 1, 2, … in order of first appearance (in place), and the original
/// code of each new one.
fn dense_codes(mut codes: Vec<u32>) -> (Vec<u32>, Vec<u32>) {
    let mut map = crate::kernel::hash::FastMap::<u32, u32>::default();
    let mut original = Vec::new();
    for c in codes.iter_mut() {
        let next = map.len() as u32;
        *c = *map.entry(*c).or_insert_with(|| {
            original.push(*c);
            next
        });
    }
    (codes, original)
}

fn design_location(table: &Table, role: &str) -> Location {
    let column = table
        .extra_columns
        .iter()
        .find(|(_, r)| *r == role)
        .map_or_else(|| format!("{role} (design)"), |(name, _)| name.clone());
    Location::column(table.path.clone(), column)
}
