//! Poverty lines carried by a sample: one line for everybody, or a line per observation that
//! travels with the sort (BPS lines differ by province, area and round).

use super::SortedSample;
use crate::error::{Error, Location, Position, Result};
use crate::kernel::gathered;
use std::sync::Arc;

/// The poverty line(s) of a sample, in the values' sorted order.
#[derive(Debug, Clone, PartialEq)]
pub enum PovertyLines {
    /// One line for every observation.
    Constant(f64),
    /// A line per sorted observation.
    PerObservation(Arc<Vec<f64>>),
}

impl PovertyLines {
    /// The line of sorted observation `i`.
    #[inline(always)]
    pub fn at(&self, i: usize) -> f64 {
        match self {
            PovertyLines::Constant(z) => *z,
            PovertyLines::PerObservation(z) => z[i],
        }
    }

    /// The lines of the observations at `order` (another ranking of the same sample).
    pub(crate) fn gathered(&self, order: &[u32]) -> Self {
        match self {
            PovertyLines::Constant(z) => PovertyLines::Constant(*z),
            PovertyLines::PerObservation(l) => {
                PovertyLines::PerObservation(Arc::new(gathered(order, l)))
            }
        }
    }

    /// Multiplies every line by `factor` (values rescaled by a power of two carry their lines
    /// with them: poverty measures compare a value with its line).
    pub(crate) fn scaled(&self, factor: impl Fn(f64) -> f64) -> Self {
        match self {
            PovertyLines::Constant(z) => PovertyLines::Constant(factor(*z)),
            PovertyLines::PerObservation(z) => {
                PovertyLines::PerObservation(Arc::new(z.iter().map(|&v| factor(v)).collect()))
            }
        }
    }
}

/// A poverty line must be a positive, finite amount: the first bad one is named.
pub(crate) fn check_lines(lines: &[f64]) -> Result<()> {
    if let Some(i) = lines.iter().position(|&z| !(z.is_finite() && z > 0.0)) {
        return Err(Error::OutOfRange {
            location: Location::Argument("poverty line"),
            count: lines
                .iter()
                .filter(|&&z| !(z.is_finite() && z > 0.0))
                .count(),
            first: Position::Index(i),
            value: lines[i],
            problem: "are poverty lines that are not positive finite amounts".into(),
            fix: "a poverty line is an amount of money per person above zero; fix or remove those rows"
                .into(),
        });
    }
    Ok(())
}

impl SortedSample {
    /// The same sample with one poverty line `z` for every observation (in the data's
    /// units; stored at the sample's [`SortedSample::scale`]).
    ///
    /// # Errors
    /// A line that is not a positive finite amount; a line so far in magnitude from values
    /// that had to be rescaled that it leaves the double range with them (build the sample
    /// with the line instead: [`SortedSample::with_poverty_lines`]).
    ///
    /// ```
    /// use ginikit::SortedSample;
    /// let s = SortedSample::new(&[1.0, 5.0], None).unwrap().with_poverty_line(2.0).unwrap();
    /// assert_eq!(s.poverty_lines().unwrap().at(1), 2.0);
    /// assert!(SortedSample::new(&[1.0], None).unwrap().with_poverty_line(0.0).is_err());
    /// ```
    pub fn with_poverty_line(mut self, z: f64) -> Result<Self> {
        check_lines(&[z])?;
        let lines = self.scale.apply_to_lines(&PovertyLines::Constant(z));
        let stored = lines.at(0);
        // Rescaling must not take the line out of the range (to infinity, or to a subnormal
        // number that has lost precision); an unscaled line is kept as it was given.
        if stored == z || (stored.is_finite() && stored >= f64::MIN_POSITIVE) {
            self.lines = Some(lines);
            return Ok(self);
        }
        Err(Error::Undefined {
            location: Location::Argument("poverty line"),
            measure: "every measure".into(),
            reason: format!(
                "the poverty line {z:e} and the values (rescaled by 2^{} to stay in the double range) lie too far apart in magnitude for double precision; check that the line and the values are in the same units",
                self.scale.value_exponent()
            ),
            context: String::new(),
        })
    }

    /// Sorts `values` (and `weights`) carrying each observation's own poverty line.
    ///
    /// ```
    /// use ginikit::SortedSample;
    /// let s = SortedSample::with_poverty_lines(vec![9.0, 1.0], None, &[10.0, 2.0]).unwrap();
    /// assert_eq!(s.values(), &[1.0, 9.0]);
    /// assert_eq!((s.poverty_lines().unwrap().at(0), s.poverty_lines().unwrap().at(1)), (2.0, 10.0));
    /// ```
    pub fn with_poverty_lines(
        values: Vec<f64>,
        weights: Option<Vec<f64>>,
        lines: &[f64],
    ) -> Result<Self> {
        if lines.len() != values.len() {
            return Err(Error::LengthMismatch {
                left: "values",
                left_len: values.len(),
                right: "poverty lines",
                right_len: lines.len(),
            });
        }
        check_lines(lines)?;
        let positions: Vec<u32> = (0..values.len() as u32).collect();
        let mut sample = Self::build_beside(values, weights, Some(positions), &[lines])?;
        let sorted = sample.take_labels_as_lines(lines);
        sample.lines = Some(sample.scale.apply_to_lines(&sorted));
        Ok(sample)
    }

    /// The lines in sorted order from the positions the sort carried as labels; the labels are
    /// dropped.
    fn take_labels_as_lines(&mut self, lines: &[f64]) -> PovertyLines {
        let labels = self.labels.take().expect("sorted with positions as labels");
        PovertyLines::PerObservation(Arc::new(gathered(&labels, lines)))
    }

    /// Attaches lines already in the sample's sorted order, in the data's units (the survey
    /// layer gathers them through the positions it sorted with; the sample's scale was
    /// chosen with them).
    #[cfg_attr(not(feature = "table"), allow(dead_code))]
    pub(crate) fn set_poverty_lines(&mut self, lines: PovertyLines) {
        self.lines = Some(self.scale.apply_to_lines(&lines));
    }

    /// The poverty line(s), when the sample carries them.
    pub fn poverty_lines(&self) -> Option<&PovertyLines> {
        self.lines.as_ref()
    }
}

/// A domain of a pooled sample: the observations whose group id equals `id`. Relative-poverty
/// measures use it to take the threshold from the whole population and the rate within the
/// domain (laeken's `breakdown`, convey's domains, Eurostat's regional rates).
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// Group id of each sorted observation.
    pub ids: Arc<Vec<u32>>,
    /// The domain's id.
    pub id: u32,
}

impl Domain {
    /// Whether sorted observation `i` belongs to the domain.
    #[inline(always)]
    pub fn contains(&self, i: usize) -> bool {
        self.ids[i] == self.id
    }
}

impl SortedSample {
    /// The same pooled sample restricted, for domain-aware measures, to domain `id` of `ids`
    /// (group ids in sorted order).
    pub fn in_domain(&self, ids: Arc<Vec<u32>>, id: u32) -> Self {
        let mut s = self.clone();
        s.domain = Some(Domain { ids, id });
        s
    }

    /// The domain a pooled sample is restricted to, if any.
    pub fn domain(&self) -> Option<&Domain> {
        self.domain.as_ref()
    }
}
