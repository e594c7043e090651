//! What happens to zero and negative values in measures that need strictly positive ones
//! (GE, Theil, MLD, Atkinson).

use crate::error::{Error, Location, Position, Result};
use crate::sample::SortedSample;

/// Policy for zero and negative values in measures defined only for positive values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NonPositivePolicy {
    /// Refuse, naming how many values are not positive (the default).
    #[default]
    Error,
    /// Compute over the strictly positive values only; the count excluded is reported.
    Exclude,
}

impl NonPositivePolicy {
    /// Parses `error` or `exclude`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "error" => Ok(NonPositivePolicy::Error),
            "exclude" => Ok(NonPositivePolicy::Exclude),
            _ => Err(Error::InvalidParameter {
                name: "non-positive policy",
                value: name.into(),
                expected: "error or exclude".into(),
            }),
        }
    }
}

/// The strictly positive tail of a sorted sample (non-positive values form its prefix).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositivePart {
    /// Sorted position of the first positive value.
    pub start: usize,
    /// Number of rows excluded (zero with [`NonPositivePolicy::Error`]).
    pub excluded: usize,
    /// Σ wᵢ over the part.
    pub total_weight: f64,
    /// Σ wᵢ xᵢ over the part.
    pub total_value: f64,
}

impl PositivePart {
    /// Weighted mean of the part.
    pub fn mean(&self) -> f64 {
        self.total_value / self.total_weight
    }

    /// The part's sorted positions.
    pub fn range(&self, sample: &SortedSample) -> std::ops::Range<usize> {
        self.start..sample.len()
    }
}

/// The positive part of `sample` under `policy`; `measure` names the measure for errors.
///
/// ```
/// use ginikit::{SortedSample, measure::positive::{positive_part, NonPositivePolicy}};
/// let s = SortedSample::new(&[0.0, -1.0, 2.0, 4.0], None).unwrap();
/// assert!(positive_part(&s, NonPositivePolicy::Error, "mld").is_err());
/// let p = positive_part(&s, NonPositivePolicy::Exclude, "mld").unwrap();
/// assert_eq!((p.excluded, p.total_weight, p.mean()), (2, 2.0, 3.0));
/// ```
pub fn positive_part(
    sample: &SortedSample,
    policy: NonPositivePolicy,
    measure: &str,
) -> Result<PositivePart> {
    let start = sample.first_positive();
    if start > 0 && policy == NonPositivePolicy::Error {
        return Err(Error::NonPositiveValue {
            location: Location::Argument("values"),
            measure: measure.to_string(),
            count: start,
            first: Position::Sorted(0),
            value: sample.values()[0],
            context: String::new(),
        });
    }
    if start == sample.len() {
        return Err(Error::Empty {
            location: Location::Argument("values"),
            context: format!("no strictly positive values left for {measure}"),
            fix: "every value is zero or negative; compute this measure for other groups, or use one defined with zeros (gini, shares, mean, poverty measures)".into(),
        });
    }
    let (total_weight, total_value) = if start == 0 {
        (sample.total_weight(), sample.total_value())
    } else {
        // Summed afresh over the part rather than as W minus a prefix, to avoid cancellation.
        let [w, v] = sample.sums_over(start..sample.len(), |x, w| [w, w * x]);
        (w, v)
    };
    if total_weight <= 0.0 {
        return Err(Error::ZeroTotalWeight {
            location: Location::Argument("weights"),
            count: sample.len() - start,
            context: format!("among the strictly positive values used by {measure}"),
        });
    }
    Ok(PositivePart {
        start,
        excluded: start,
        total_weight,
        total_value,
    })
}
