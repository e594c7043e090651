//! Who gained and where the change came from, for the tested pair of rounds: the national
//! growth incidence curve with the shared-prosperity premium (deflated by BPS's consumer-price
//! change), the decomposition of the national change by urban/rural (Mookherjee–Shorrocks for
//! Theil T and MLD, Dagum for the Gini), and each province's contribution to the change of
//! Theil T, all with standard errors.

use super::{area_name, ReproduceSpec};
use crate::bps;
use crate::error::Result;
use crate::measure::Options;
use crate::survey::replicate::ReplicateMethod;
use crate::survey::Tick;
use crate::table::decompose::{decompose, DecompositionRow, Index};
use crate::table::gic::{gic, gic_measures, percentiles, Gic};
use crate::table::survey::{infer, SeMethod, SurveySpec};
use crate::table::trend::{split_rounds, RoundEstimates};
use crate::table::Table;

/// The change analysis of the tested pair.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChangeAnalysis {
    /// National growth incidence, percentiles 1 … 99.
    pub gic: Gic,
    /// Where the deflator comes from (BPS's CPI change, or none).
    pub deflator_source: String,
    /// Urban/rural decomposition rows of both rounds and of the change.
    pub by_area: Vec<DecompositionRow>,
    /// Theil T by province: each province's within term and its contribution to the change.
    pub by_province: Vec<DecompositionRow>,
    /// How the decomposition's standard errors were made.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub decomposition_method: SeMethod,
}

/// A round's table regrouped: every group of the round, keyed by the columns `keep`.
fn regrouped(
    tables: &[(&Table, &str)],
    spec: &ReproduceSpec,
    round: &str,
    keep: &[usize],
) -> Option<Table> {
    let offset = usize::from(spec.round.is_some());
    for (table, label) in tables {
        for (l, members) in split_rounds(table, spec.round.is_some(), label) {
            if l == round {
                let keep: Vec<usize> = keep.iter().map(|k| k + offset).collect();
                return Some(table.regroup(&members, &keep));
            }
        }
    }
    None
}

/// The analysis of `from` → `to`; `None` when a round is not among `tables`.
pub fn analyse(
    tables: &[(&Table, &str)],
    spec: &ReproduceSpec,
    survey: &SurveySpec,
    names: &[(String, String)],
    tick: Tick<'_>,
) -> Result<Option<ChangeAnalysis>> {
    let (Some(nat_a), Some(nat_b)) = (
        regrouped(tables, spec, &spec.from, &[]),
        regrouped(tables, spec, &spec.to, &[]),
    ) else {
        return Ok(None);
    };
    // Growth incidence on the national rounds, with the rounds' own method.
    let points = percentiles();
    let measures = gic_measures(&points)?;
    let estimate = |t: &Table, label: &str| -> Result<RoundEstimates> {
        Ok(RoundEstimates {
            label: label.to_string(),
            rows: infer(t, &[0], survey, &measures, &Options::default(), tick)?,
        })
    };
    let (ra, rb) = (estimate(&nat_a, &spec.from)?, estimate(&nat_b, &spec.to)?);
    let (deflator, deflator_source) = bps::cpi_ratio(&spec.from, &spec.to)
        .map(|(r, _)| {
            (
                r,
                format!(
                    "deflated by BPS's consumer price change {} -> {}, {:+.2} % (datasets/bps/cpi_change.csv)",
                    spec.from,
                    spec.to,
                    (r - 1.0) * 100.0
                ),
            )
        })
        .unwrap_or((1.0, "no published price change for this pair: nominal growth".into()));
    let curve = gic(&ra, &rb, &points, deflator, survey.level)?
        .into_iter()
        .next()
        .expect("one national curve");
    // Decompositions take their standard errors from replicates: the rounds' own method when
    // it is a replicate method, else the bootstrap.
    let method = match survey.method {
        SeMethod::Linearization => SeMethod::Replicates(ReplicateMethod::Bootstrap {
            replicates: spec.decomposition_replicates,
            seed: spec.seed,
        }),
        other => other,
    };
    let boot = SurveySpec { method, ..*survey };
    let (Some(area_a), Some(area_b)) = (
        regrouped(tables, spec, &spec.from, &[1]),
        regrouped(tables, spec, &spec.to, &[1]),
    ) else {
        return Ok(None);
    };
    let mut by_area = decompose(
        &[(&area_a, spec.from.as_str()), (&area_b, spec.to.as_str())],
        false,
        &boot,
        &[Index::Ge(1.0), Index::Ge(0.0), Index::Gini],
        tick,
    )?;
    for r in &mut by_area {
        r.group = r.group.as_deref().map(area_name);
    }
    let (Some(prov_a), Some(prov_b)) = (
        regrouped(tables, spec, &spec.from, &[0]),
        regrouped(tables, spec, &spec.to, &[0]),
    ) else {
        return Ok(None);
    };
    let mut by_province = decompose(
        &[(&prov_a, spec.from.as_str()), (&prov_b, spec.to.as_str())],
        false,
        &boot,
        &[Index::Ge(1.0)],
        tick,
    )?;
    by_province.retain(|r| r.group.is_some());
    for r in &mut by_province {
        if let Some(code) = &r.group {
            if let Some((_, name)) = names.iter().find(|(c, _)| c == code) {
                r.group = Some(name.clone());
            }
        }
    }
    Ok(Some(ChangeAnalysis {
        gic: curve,
        deflator_source,
        by_area,
        by_province,
        decomposition_method: method,
    }))
}
