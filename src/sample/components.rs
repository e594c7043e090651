//! Income components that travel with a sample's values through the sort (transfers received,
//! or the sources an income is made of), and the incomes derived from them — the income
//! without one transfer, the income before all of them — each ranked once for the sample and
//! all its re-weighted copies (replicates re-weight; they never re-sort).

use super::SortedSample;
use crate::error::{Error, Location, Position, Result};
use crate::kernel::gathered;
use rayon::prelude::*;
use std::sync::{Arc, Mutex};

/// An income built from the sample's value `y` and its components `c₀ … c_{K−1}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Income {
    /// The value itself, `y` (the income that includes every component).
    Total,
    /// Component `k` alone, `c_k`.
    Component(usize),
    /// The value without component `k`: `y − c_k`.
    Without(usize),
    /// The value before every component: `m = y − Σ_k c_k` (the income before transfers).
    Before,
    /// The income before every component plus component `k` alone: `m + c_k`.
    BeforePlus(usize),
    /// The sum of the components whose bits are set in the mask (bit k: component k), in
    /// component order: the income of a coalition of sources (Shapley decompositions).
    Subset(u64),
}

impl Income {
    /// A distinct number for each income (for keys of memoized results).
    pub(crate) fn code(self) -> u64 {
        match self {
            Income::Total => 0,
            Income::Component(k) => 1 + 4 * k as u64,
            Income::Without(k) => 2 + 4 * k as u64,
            Income::BeforePlus(k) => 3 + 4 * k as u64,
            Income::Before => u64::MAX >> 1,
            Income::Subset(mask) => (1 << 62) | mask,
        }
    }
}

/// An income formed where it is read ([`Components::formed`]): at each position `p`, `y[p] −
/// c[p]` (the value without component `c`) or `m[p] + c[p]` (the income before the
/// components plus `c`), the arithmetic of [`Components::income`], so the same bits.
pub(crate) enum Formed<'a> {
    Less(&'a [f64], &'a [f64]),
    Plus(Arc<Vec<f64>>, &'a [f64]),
}

impl Formed<'_> {
    /// The income at sample position `p`.
    #[inline(always)]
    pub(crate) fn at(&self, p: usize) -> f64 {
        match self {
            Formed::Less(y, c) => y[p] - c[p],
            Formed::Plus(m, c) => m[p] + c[p],
        }
    }
}

/// Observations in ascending order of one income: `order[j]` is the sample position (in the
/// value's sorted order) of the j-th smallest, `values[j]` its income.
#[derive(Debug)]
pub struct Ranked {
    pub order: Vec<u32>,
    pub values: Arc<Vec<f64>>,
}

/// Named component columns in the sample's sorted order, with the rankings derived from them
/// (made on first use, shared by re-weighted copies of the sample).
#[derive(Debug)]
pub struct Components {
    names: Vec<String>,
    /// Shared, so that a component's income is the column itself.
    columns: Vec<Arc<Vec<f64>>>,
    ranked: Mutex<Vec<(Income, Arc<Ranked>)>>,
    incomes: Mutex<Vec<(Income, Arc<Vec<f64>>)>>,
}

impl Components {
    /// Columns already in the sample's sorted order.
    pub(crate) fn new(names: Vec<String>, columns: Vec<Vec<f64>>) -> Self {
        Components {
            names,
            columns: columns.into_iter().map(Arc::new).collect(),
            ranked: Mutex::new(Vec::new()),
            incomes: Mutex::new(Vec::new()),
        }
    }

    /// Rescales the columns like values stored at `scale` (before any ranking is made).
    fn rescale(&mut self, scale: super::Scale) {
        for c in &mut self.columns {
            scale.apply(Arc::make_mut(c).as_mut_slice(), None);
        }
    }

    /// The components' names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Component `k` in the sample's sorted order.
    pub fn column(&self, k: usize) -> &[f64] {
        &self.columns[k]
    }

    /// A phrase naming `income` in messages: `the value`, `'pkh'`, `the value without 'pkh'`.
    pub fn describe(&self, income: Income) -> String {
        let name = |k: usize| self.names.get(k).map_or("?", String::as_str);
        match income {
            Income::Total => "the value".into(),
            Income::Component(k) => format!("'{}'", name(k)),
            Income::Without(k) => format!("the value without '{}'", name(k)),
            Income::Before => "the value before the components".into(),
            Income::BeforePlus(k) => format!("the value before the components plus '{}'", name(k)),
            Income::Subset(mask) => format!(
                "the sum of {}",
                (0..self.names.len())
                    .filter(|k| mask >> k & 1 == 1)
                    .map(|k| format!("'{}'", name(k)))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
        }
    }

    /// How many components.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// `income` at every position of the sample (`y` the sample's sorted values), computed
    /// once. The sum of the components is formed in component order, the same on every run.
    pub fn income(&self, y: &[f64], income: Income) -> Arc<Vec<f64>> {
        if let Income::Component(k) = income {
            return Arc::clone(&self.columns[k]);
        }
        cached(&self.incomes, income, || self.make_income(y, income))
    }

    fn make_income(&self, y: &[f64], income: Income) -> Vec<f64> {
        (0..y.len())
            .into_par_iter()
            .map(|i| self.value_at(y, income, i))
            .collect()
    }

    /// `income` at sample position `i` (`y` the sample's sorted values).
    #[inline(always)]
    fn value_at(&self, y: &[f64], income: Income, i: usize) -> f64 {
        let before = |i: usize| self.columns.iter().fold(y[i], |m, c| m - c[i]);
        match income {
            Income::Total => y[i],
            Income::Component(k) => self.columns[k][i],
            Income::Without(k) => y[i] - self.columns[k][i],
            Income::Before => before(i),
            Income::BeforePlus(k) => before(i) + self.columns[k][i],
            Income::Subset(mask) => self
                .columns
                .iter()
                .enumerate()
                .filter(|(k, _)| mask >> k & 1 == 1)
                .fold(0.0, |s, (_, c)| s + c[i]),
        }
    }

    /// `income` formed where it is read rather than kept as a column, for the incomes that
    /// only their rankings and their Ginis read (the value without one component, the income
    /// before them plus one; a ranking keeps them in rank order anyway); `None` for the
    /// others. The income before the components is kept: the share of the rest and
    /// coefficients ranked by the value read it at every position.
    pub(crate) fn formed<'a>(&'a self, y: &'a [f64], income: Income) -> Option<Formed<'a>> {
        match income {
            Income::Without(k) => Some(Formed::Less(y, &self.columns[k])),
            Income::BeforePlus(k) => Some(Formed::Plus(
                self.income(y, Income::Before),
                &self.columns[k],
            )),
            _ => None,
        }
    }

    /// The observations ranked by `income` (ties kept in the sample's order), computed once.
    pub fn ranked(&self, y: &[f64], income: Income) -> Arc<Ranked> {
        cached(&self.ranked, income, || {
            // Where an income is the value itself (no transfer received) or a component is
            // zero, the sample's order is already that income's: only the other observations
            // are sorted, then merged with those. A component is ranked from its own column
            // (no copy of it), an income formed when read from values formed there: by
            // `Formed::at`'s arithmetic, written out per income, since a closure over
            // `at` (a match per read) is not inlined into the merge and costs 6–8 %. The
            // test below holds both to the kept column's bits.
            let same_as_value = |p: usize| y[p].to_bits();
            match income {
                Income::Component(k) => {
                    let column = &self.columns[k];
                    rank_merging(column.len(), |p| column[p], |_| 0)
                }
                Income::Without(k) => {
                    let column = &self.columns[k];
                    rank_merging(y.len(), |p| y[p] - column[p], same_as_value)
                }
                Income::BeforePlus(k) => {
                    let (before, column) = (self.income(y, Income::Before), &self.columns[k]);
                    rank_merging(y.len(), |p| before[p] + column[p], same_as_value)
                }
                Income::Before => {
                    let column = self.income(y, income);
                    rank_merging(column.len(), |p| column[p], same_as_value)
                }
                Income::Total | Income::Subset(_) => {
                    let column = self.income(y, income);
                    rank_merging(column.len(), |p| column[p], |_| u64::MAX)
                }
            }
        })
    }
}

/// The `n` positions ranked by `column(p)` (stably: ties in the sample's order). The
/// observations whose bits equal `in_order(p)` must already ascend with their position `p`
/// (a value equal to the sorted value itself, or a zero): the others alone are sorted by the
/// toolkit's stable radix sort (one result on any number of threads) and merged with them by
/// (value, position), which is the order a stable sort of all of them gives.
fn rank_merging(
    n: usize,
    column: impl Fn(usize) -> f64,
    in_order: impl Fn(usize) -> u64,
) -> Ranked {
    use crate::kernel::sort::{f64_key, sort_by_key};
    let kept = |p: usize| column(p).to_bits() == in_order(p);
    // Counted first, so that the buffer is as large as it needs to be.
    let moved = (0..n).filter(|&p| !kept(p)).count();
    let mut rest: Vec<(f64, u32)> = Vec::with_capacity(moved);
    rest.extend((0..n).filter(|&p| !kept(p)).map(|p| (column(p), p as u32)));
    sort_by_key(&mut rest, |r| f64_key(r.0));
    // Fresh zeroed buffers cost no pass of their own; each slot is written once below.
    let (mut order, mut values) = (vec![0u32; n], vec![0.0f64; n]);
    let (mut j, mut i) = (0, 0);
    for p in 0..n {
        let v = column(p);
        if v.to_bits() != in_order(p) {
            continue;
        }
        // The moved observations that come before this one: (value, position) below its own.
        let key = (f64_key(v), p as u32);
        while let Some(&(v, q)) = rest.get(j) {
            if (f64_key(v), q) > key {
                break;
            }
            (order[i], values[i]) = (q, v);
            (i, j) = (i + 1, j + 1);
        }
        (order[i], values[i]) = (p as u32, v);
        i += 1;
    }
    for &(v, q) in &rest[j..] {
        (order[i], values[i]) = (q, v);
        i += 1;
    }
    debug_assert_eq!(i, n);
    Ranked {
        order,
        values: Arc::new(values),
    }
}

/// The entry of `cache` for `income`, made by `make` on first use.
fn cached<T>(
    cache: &Mutex<Vec<(Income, Arc<T>)>>,
    income: Income,
    make: impl FnOnce() -> T,
) -> Arc<T> {
    let found = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(i, _)| *i == income)
        .map(|(_, v)| Arc::clone(v));
    if let Some(v) = found {
        return v;
    }
    let v = Arc::new(make());
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((income, Arc::clone(&v)));
    v
}

impl SortedSample {
    /// Sorts `values` (and `weights`) carrying named component columns (transfers received,
    /// or income sources), for the attribution measures of [`crate::attribute`].
    ///
    /// # Errors
    /// As [`SortedSample::from_vecs`]; a component column of another length or with a value
    /// that is not finite (named by column and index).
    ///
    /// ```
    /// use ginikit::SortedSample;
    /// let s = SortedSample::with_components(vec![9.0, 1.0], None, vec![("pkh".into(), vec![2.0, 0.5])]).unwrap();
    /// let c = s.components().unwrap();
    /// assert_eq!((c.names()[0].as_str(), c.column(0)), ("pkh", &[0.5, 2.0][..]));
    /// ```
    pub fn with_components(
        values: Vec<f64>,
        weights: Option<Vec<f64>>,
        components: Vec<(String, Vec<f64>)>,
    ) -> Result<Self> {
        Self::with_components_and_lines(values, weights, components, None, None)
    }

    /// As [`SortedSample::with_components`], with a poverty line per observation (`lines`)
    /// or one for everybody (`line`, used when `lines` is `None`); the scale is chosen with
    /// all of them.
    pub(crate) fn with_components_and_lines(
        values: Vec<f64>,
        weights: Option<Vec<f64>>,
        components: Vec<(String, Vec<f64>)>,
        lines: Option<&[f64]>,
        line: Option<f64>,
    ) -> Result<Self> {
        for (name, column) in &components {
            check_component(name, column, values.len())?;
        }
        if let Some(l) = lines {
            if l.len() != values.len() {
                return Err(Error::LengthMismatch {
                    left: "values",
                    left_len: values.len(),
                    right: "poverty lines",
                    right_len: l.len(),
                });
            }
            super::lines::check_lines(l)?;
        }
        let positions: Vec<u32> = (0..values.len() as u32).collect();
        let one: Vec<f64> = line.into_iter().collect();
        let mut beside: Vec<&[f64]> = components.iter().map(|(_, c)| c.as_slice()).collect();
        beside.extend(lines);
        beside.push(&one);
        let mut sample = Self::build_beside(values, weights, Some(positions), &beside)?;
        let labels = sample
            .labels
            .take()
            .expect("sorted with positions as labels");
        let (names, columns) = components
            .into_iter()
            .map(|(name, c)| (name, gathered(&labels, &c)))
            .unzip();
        sample.set_components(Components::new(names, columns));
        match (lines, line) {
            (Some(l), _) => sample.set_poverty_lines(super::PovertyLines::PerObservation(
                Arc::new(gathered(&labels, l)),
            )),
            (None, Some(z)) => sample.set_poverty_lines(super::PovertyLines::Constant(z)),
            (None, None) => {}
        }
        Ok(sample)
    }

    /// Attaches component columns already in the sample's sorted order, in the data's units
    /// (the table layer gathers them through the positions it sorted with; the sample's
    /// scale was chosen with them), rescaled like the values.
    pub(crate) fn set_components(&mut self, mut components: Components) {
        components.rescale(self.scale);
        self.components = Some(Arc::new(components));
    }

    /// The component columns, when the sample carries them.
    pub fn components(&self) -> Option<&Components> {
        self.components.as_deref()
    }

    /// The same observations in the order of another income: values `ranked.values`, each
    /// with the weight (and poverty line, and domain id) of the observation it came from.
    /// Memoized per income: the terms of one replicate share it.
    pub(crate) fn ranked_by(&self, income: Income) -> Result<Arc<SortedSample>> {
        let components = self.components().ok_or_else(|| Error::Undefined {
            location: Location::Argument("values"),
            measure: "an attribution measure".into(),
            reason: "the sample carries no income components".into(),
            context: String::new(),
        })?;
        self.memo(("ranked_by", income.code(), 0), || {
            let ranked = components.ranked(&self.values, income);
            let weights = self.weights.as_ref().map(|w| gathered(&ranked.order, w));
            let mut sample = SortedSample::presorted(Arc::clone(&ranked.values), weights)?;
            // Derived from the stored values and weights: at their scale.
            sample.scale = self.scale;
            sample.lines = self.lines.as_ref().map(|l| l.gathered(&ranked.order));
            sample.domain = self.domain.as_ref().map(|d| super::Domain {
                ids: Arc::new(gathered(&ranked.order, &d.ids)),
                id: d.id,
            });
            Ok(sample)
        })
    }
}

/// A component column: one finite amount per value.
pub(crate) fn check_component(name: &str, column: &[f64], len: usize) -> Result<()> {
    if column.len() != len {
        return Err(Error::LengthMismatch {
            left: "values",
            left_len: len,
            right: "component",
            right_len: column.len(),
        });
    }
    if let Some((count, first, value)) = super::validate::find_bad(column, |x| !x.is_finite()) {
        return Err(Error::NonFinite {
            location: Location::column("components", name),
            count,
            first: Position::Index(first),
            value,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::sort::f64_key;

    /// The merged rankings against the definition: a stable sort of every position by its
    /// income (ties, negative zeros, receivers tied with non-receivers, a large rest).
    #[test]
    fn merged_rankings_equal_a_stable_sort() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let n = 20_000;
        // Sorted values with many ties; components mostly zero (some −0), amounts from a
        // short list so that incomes tie across receivers and non-receivers, some negative
        // (sources) so that a receiver ties with a non-receiver after it.
        let mut y: Vec<f64> = (0..n).map(|_| (next() % 500) as f64).collect();
        y.sort_by(f64::total_cmp);
        let component = |share: u64, next: &mut dyn FnMut() -> u64| -> Vec<f64> {
            (0..n)
                .map(|_| match next() % 100 {
                    r if r < share => [1.0, 2.0, 5.0, 0.5, -1.0, -3.0][(next() % 6) as usize],
                    r if r < share + 5 => -0.0,
                    _ => 0.0,
                })
                .collect()
        };
        let columns = vec![component(30, &mut next), component(90, &mut next)];
        let c = Components::new(vec!["a".into(), "b".into()], columns);
        for income in [
            Income::Component(0),
            Income::Component(1),
            Income::Without(0),
            Income::Without(1),
            Income::Before,
            Income::BeforePlus(0),
            Income::BeforePlus(1),
            Income::Subset(3),
            Income::Total,
        ] {
            let column = c.income(&y, income);
            let mut expected: Vec<u32> = (0..n as u32).collect();
            expected.sort_by_key(|&p| f64_key(column[p as usize]));
            let ranked = c.ranked(&y, income);
            assert_eq!(ranked.order, expected, "{income:?}");
            let values: Vec<f64> = expected.iter().map(|&p| column[p as usize]).collect();
            assert!(
                ranked
                    .values
                    .iter()
                    .zip(&values)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "{income:?}"
            );
            // An income formed where it is read has the kept column's bits.
            if let Some(formed) = c.formed(&y, income) {
                assert!(
                    (0..n).all(|p| formed.at(p).to_bits() == column[p].to_bits()),
                    "{income:?}"
                );
            }
        }
    }
}
