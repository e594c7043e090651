//! Inequality and poverty from grouped data (class shares or cumulative shares and the mean),
//! as the World Bank computes them where no microdata exist (PovcalNet / PIP, R wbpip; Datt
//! 1998): both parametric Lorenz curves fitted ([`Form`]), each checked for validity, PIP's
//! rule choosing between them, and the Gini, median, MLD, decile shares, FGT P0/P1/P2 and Watts
//! from the chosen fit; beside them the polygon (trapezoid) Gini of the class table itself, as
//! BPS and statistical yearbooks compute it.

mod integrate;
mod lorenz_forms;
mod table;

pub use table::report;

pub use lorenz_forms::Form;

use crate::error::{Error, Location, Position, Result};

/// An empirical Lorenz curve: cumulative population shares `p` (increasing, ending at 1) and
/// cumulative welfare shares `l` (ending at 1), without the origin.
#[derive(Debug, Clone, PartialEq)]
pub struct LorenzPoints {
    pub p: Vec<f64>,
    pub l: Vec<f64>,
}

/// Where the class table came from, for messages: the source and the two column names.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub population: String,
    pub welfare: String,
}

impl Source {
    fn location(&self, column: &str) -> Location {
        Location::column(self.name.as_str(), column)
    }
}

fn invalid(
    source: &Source,
    column: &str,
    row: usize,
    value: f64,
    problem: &str,
    fix: &str,
) -> Error {
    Error::OutOfRange {
        location: source.location(column),
        count: 1,
        first: Position::Row(row + 1),
        value,
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// Shares given as percent (summing to 100) or fractions (summing to 1), within 0.05 % of the
/// total; anything else is an error stating the sum.
fn shares(values: &[f64], source: &Source, column: &str) -> Result<Vec<f64>> {
    if let Some(i) = values.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        return Err(invalid(
            source,
            column,
            i,
            values[i],
            "are class shares that are negative or not numbers",
            "a class share is a percentage or fraction of the total, zero or more",
        ));
    }
    let sum: f64 = values.iter().sum();
    let scale = if (sum - 100.0).abs() <= 0.05 {
        100.0
    } else if (sum - 1.0).abs() <= 0.0005 {
        1.0
    } else {
        return Err(Error::OutOfRange {
            location: source.location(column),
            count: values.len(),
            first: Position::Row(1),
            value: sum,
            problem: "are class shares whose sum (the value shown) is neither 100 (percent) nor 1 (fraction)"
                .into(),
            fix: "give each class's share of the total population or welfare, in percent or as fractions; a missing or duplicated class makes the sum wrong"
                .into(),
        });
    };
    Ok(values.iter().map(|v| v / scale).collect())
}

/// What the welfare column of a class table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WelfareIs {
    /// Each class's share of total welfare (percent or fractions).
    Share,
    /// Each class's mean welfare per person (Datt's table).
    Mean,
    /// Cumulative shares, with the population column cumulative too.
    Cumulative,
}

impl WelfareIs {
    /// Parses `share`, `mean` or `cumulative`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "share" => Ok(WelfareIs::Share),
            "mean" => Ok(WelfareIs::Mean),
            "cumulative" => Ok(WelfareIs::Cumulative),
            _ => Err(Error::InvalidParameter {
                name: "welfare_is",
                value: name.into(),
                expected: "share, mean or cumulative".into(),
            }),
        }
    }
}

impl LorenzPoints {
    /// The points of a class table whose welfare column holds `kind`, and the overall mean
    /// when the table gives class means.
    pub fn from_table(
        kind: WelfareIs,
        population: &[f64],
        welfare: &[f64],
        source: &Source,
    ) -> Result<(Self, Option<f64>)> {
        match kind {
            WelfareIs::Share => Ok((Self::from_class_shares(population, welfare, source)?, None)),
            WelfareIs::Cumulative => {
                Ok((Self::from_cumulative(population, welfare, source)?, None))
            }
            WelfareIs::Mean => {
                let (p, m) = Self::from_class_means(population, welfare, source)?;
                Ok((p, Some(m)))
            }
        }
    }

    /// From class shares of population and welfare (percent or fractions), classes ordered from
    /// the poorest. Checks: shares non-negative and summing to 100 or 1; classes in increasing
    /// order of welfare per person (else the points are not a Lorenz curve).
    pub fn from_class_shares(population: &[f64], welfare: &[f64], source: &Source) -> Result<Self> {
        let pop = shares(population, source, &source.population)?;
        let wel = shares(welfare, source, &source.welfare)?;
        Self::from_fractions(&pop, &wel, source)
    }

    /// From class population shares and class mean welfare (Datt's table: percent of persons
    /// and mean per-capita expenditure of each class). Returns the points and the overall
    /// mean `Σ sᵢ·x̄ᵢ`.
    pub fn from_class_means(
        population: &[f64],
        means: &[f64],
        source: &Source,
    ) -> Result<(Self, f64)> {
        let pop = shares(population, source, &source.population)?;
        if let Some(i) = means.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(invalid(
                source,
                &source.welfare,
                i,
                means[i],
                "are class means that are zero, negative or not numbers",
                "a class mean is the mean welfare per person of the class, above zero",
            ));
        }
        let total: f64 = pop.iter().zip(means).map(|(s, m)| s * m).sum();
        let wel: Vec<f64> = pop.iter().zip(means).map(|(s, m)| s * m / total).collect();
        Ok((Self::from_fractions(&pop, &wel, source)?, total))
    }

    /// From cumulative shares (percent or fractions; the last point is 100 or 1, and is added
    /// when missing).
    pub fn from_cumulative(p: &[f64], l: &[f64], source: &Source) -> Result<Self> {
        let last_p = p.last().copied().unwrap_or(0.0);
        let scale = if last_p > 1.0 + 1e-9 { 100.0 } else { 1.0 };
        let mut pop: Vec<f64> = Vec::with_capacity(p.len());
        let mut wel: Vec<f64> = Vec::with_capacity(p.len());
        let (mut before_p, mut before_l) = (0.0, 0.0);
        for (i, (&pi, &li)) in p.iter().zip(l).enumerate() {
            let (pi, li) = (pi / scale, li / scale);
            if !(pi > before_p && pi <= 1.0 + 1e-9) {
                return Err(invalid(
                    source,
                    &source.population,
                    i,
                    pi * scale,
                    "are cumulative population shares that do not increase (or exceed the total)",
                    "cumulative shares rise from the poorest class to 100 (or 1), each class above the one before",
                ));
            }
            if !(li >= before_l && li <= 1.0 + 1e-9) {
                return Err(invalid(
                    source,
                    &source.welfare,
                    i,
                    li * scale,
                    "are cumulative welfare shares that decrease (or exceed the total)",
                    "cumulative shares rise from the poorest class to 100 (or 1)",
                ));
            }
            pop.push(pi - before_p);
            wel.push(li - before_l);
            (before_p, before_l) = (pi, li);
        }
        if (before_p - 1.0).abs() > 1e-6 || (before_l - 1.0).abs() > 1e-6 {
            // The last class is what is left up to the total.
            pop.push((1.0 - before_p).max(0.0));
            wel.push((1.0 - before_l).max(0.0));
        }
        Self::from_fractions(&pop, &wel, source)
    }

    fn from_fractions(pop: &[f64], wel: &[f64], source: &Source) -> Result<Self> {
        if pop.len() < 4 {
            return Err(Error::Undefined {
                location: source.location(&source.population),
                measure: "the grouped-data Lorenz fit".into(),
                reason: format!(
                    "the table has {} class(es) and the curves have three parameters: give at least 4 classes (deciles or quintiles are usual)",
                    pop.len()
                ),
                context: String::new(),
            });
        }
        let (mut p, mut l) = (Vec::new(), Vec::new());
        let (mut cp, mut cl) = (0.0, 0.0);
        let mut last_ratio = 0.0;
        for (i, (&s, &w)) in pop.iter().zip(wel).enumerate() {
            if s == 0.0 {
                continue; // an empty class adds no point
            }
            let ratio = w / s;
            if ratio < last_ratio * (1.0 - 1e-9) {
                return Err(invalid(
                    source,
                    &source.welfare,
                    i,
                    ratio,
                    "are classes out of order: this class's welfare per person (shown, relative to the mean) is below the previous class's",
                    "order the classes from the poorest to the richest",
                ));
            }
            last_ratio = ratio;
            cp += s;
            cl += w;
            p.push(cp);
            l.push(cl);
        }
        // The last point is (1, 1) exactly.
        *p.last_mut().expect("at least one class") = 1.0;
        *l.last_mut().expect("at least one class") = 1.0;
        Ok(LorenzPoints { p, l })
    }

    /// The polygon Gini of the points, `1 − Σᵢ (pᵢ − pᵢ₋₁)(Lᵢ + Lᵢ₋₁)` (trapezoids under the
    /// Lorenz polygon: BPS's formula on class tables, no within-class inequality).
    ///
    /// ```
    /// use ginikit::grouped::{LorenzPoints, Source};
    /// let src = Source { name: "t".into(), population: "p".into(), welfare: "w".into() };
    /// let pts = LorenzPoints::from_class_shares(&[25.0; 4], &[10.0, 20.0, 30.0, 40.0], &src).unwrap();
    /// // 1 − 0.25·(0.1 + 0.4 + 0.9 + 1.6) = 0.25
    /// assert!((pts.polygon_gini() - 0.25).abs() < 1e-15);
    /// ```
    pub fn polygon_gini(&self) -> f64 {
        let (mut s, mut pp, mut pl) = (0.0, 0.0, 0.0);
        for (&p, &l) in self.p.iter().zip(&self.l) {
            s += (p - pp) * (l + pl);
            (pp, pl) = (p, l);
        }
        1.0 - s
    }
}

/// Everything one fitted curve gives.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FitResult {
    pub form: Form,
    /// PIP's validity (distributional statistics usable).
    pub is_valid: bool,
    /// PIP's normality (poverty statistics usable).
    pub is_normal: bool,
    pub sse: f64,
    pub ssez: f64,
    pub gini: f64,
    pub median: f64,
    /// `None` where the fitted curve's slope is not positive (negative welfare at the bottom:
    /// the logarithm is undefined there).
    pub mld: Option<f64>,
    /// Shares of the ten deciles.
    pub deciles: [f64; 10],
    pub headcount: Option<f64>,
    pub poverty_gap: Option<f64>,
    pub poverty_severity: Option<f64>,
    pub watts: Option<f64>,
}

/// Both fits, PIP's choice and the polygon Gini.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GroupedResult {
    pub mean: f64,
    pub poverty_line: Option<f64>,
    pub quadratic: Option<FitResult>,
    pub beta: Option<FitResult>,
    /// The fit PIP uses for the distributional statistics (Gini, median, MLD, deciles).
    pub distribution_from: Option<&'static str>,
    /// The fit PIP uses for the poverty statistics.
    pub poverty_from: Option<&'static str>,
    pub polygon_gini: f64,
}

fn fit(form: Form, pts: &LorenzPoints, mean: f64, line: Option<f64>) -> FitResult {
    let (is_valid, mut is_normal) = form.validity();
    let h = line.and_then(|z| form.headcount(mean, z));
    if matches!(form, Form::Beta { .. }) {
        is_normal = h.is_some() || line.is_none();
    }
    // A line at or above the richest welfare the fitted curve allows (μ·L′(1)) has everyone
    // poor, one at or below the poorest (μ·L′(0)) nobody: the headcount is 1 or 0 there,
    // where the closed form has no root in [0, 1].
    let beyond = |z: f64| {
        if mean * form.slope(1.0) <= z {
            Some(1.0)
        } else if mean * form.slope(0.0) >= z {
            Some(0.0)
        } else {
            None
        }
    };
    let h_ok = line.and_then(|z| h.filter(|h| (0.0..=1.0).contains(h)).or_else(|| beyond(z)));
    let (sse, ssez) = form.residuals(&pts.p, &pts.l, h);
    let mut deciles = [0.0; 10];
    let mut last = 0.0;
    for (k, d) in deciles.iter_mut().enumerate() {
        let q = if k == 9 {
            1.0
        } else {
            form.value((k + 1) as f64 / 10.0)
        };
        *d = q - last;
        last = q;
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let poverty = |f: &dyn Fn(f64, f64, f64) -> f64| -> Option<f64> {
        match (line, h_ok) {
            (Some(z), Some(h)) => finite(f(mean, z, h)),
            _ => None,
        }
    };
    FitResult {
        form,
        is_valid,
        is_normal,
        sse,
        ssez,
        gini: form.gini(),
        median: mean * form.slope(0.5),
        mld: finite(form.mld()).filter(|m| *m >= 0.0),
        deciles,
        headcount: h_ok,
        poverty_gap: poverty(&|m, z, h| form.poverty_gap(m, z, h)),
        poverty_severity: poverty(&|m, z, h| form.poverty_severity(m, z, h)),
        watts: poverty(&|m, z, h| form.watts(m, z, h)).filter(|w| *w >= 0.0),
    }
}

/// Fits both curves and applies PIP's choice (R wbpip `gd_select_lorenz`): for distributional
/// statistics the valid fit, the smaller SSE when both are; for poverty statistics the table of
/// validity and normality flags, the smaller SSE up to the headcount (`ssez`) when both are
/// valid and normal.
///
/// # Errors
/// Neither curve can be fitted, or neither fit is valid (the message says what to check).
pub fn analyse(
    pts: &LorenzPoints,
    mean: f64,
    line: Option<f64>,
    source: &Source,
) -> Result<GroupedResult> {
    if !(mean.is_finite() && mean > 0.0) {
        return Err(Error::InvalidParameter {
            name: "mean",
            value: mean.to_string(),
            expected: "the mean welfare per person of the whole distribution, above zero".into(),
        });
    }
    if let Some(z) = line {
        if !(z.is_finite() && z > 0.0) {
            return Err(Error::InvalidParameter {
                name: "poverty line",
                value: z.to_string(),
                expected: "an amount above zero, in the units of the mean".into(),
            });
        }
    }
    let quadratic = Form::fit_quadratic(&pts.p, &pts.l).map(|f| fit(f, pts, mean, line));
    let beta = Form::fit_beta(&pts.p, &pts.l).map(|f| fit(f, pts, mean, line));
    let valid = |f: &Option<FitResult>| f.as_ref().is_some_and(|f| f.is_valid);
    let normal = |f: &Option<FitResult>| f.as_ref().is_some_and(|f| f.is_normal);
    let (qv, bv) = (valid(&quadratic), valid(&beta));
    if !qv && !bv {
        return Err(Error::Undefined {
            location: source.location(&source.welfare),
            measure: "the grouped-data Lorenz fit".into(),
            reason: "neither the General Quadratic nor the Beta Lorenz curve fitted to the classes is a valid Lorenz curve; check that the classes are complete, ordered from the poorest, and that the shares are of persons and of welfare".into(),
            context: String::new(),
        });
    }
    let sse = |f: &Option<FitResult>, z: bool| {
        f.as_ref()
            .map_or(f64::INFINITY, |f| if z { f.ssez } else { f.sse })
    };
    let use_quadratic_for_distribution = match (qv, bv) {
        (true, true) => sse(&quadratic, false) <= sse(&beta, false),
        (true, false) => true,
        _ => false,
    };
    let flag = 8 * u8::from(qv)
        + 4 * u8::from(bv)
        + 2 * u8::from(normal(&quadratic))
        + u8::from(normal(&beta));
    let use_quadratic_for_poverty = match flag {
        13 | 9 | 7 | 5 | 4 | 1 => false,
        15 | 3 => sse(&quadratic, true) <= sse(&beta, true),
        _ => true,
    };
    let name = |q: bool| if q { "quadratic" } else { "beta" };
    let has_headcount = |f: &Option<FitResult>| f.as_ref().is_some_and(|f| f.headcount.is_some());
    let fit_of = |q: bool| if q { &quadratic } else { &beta };
    // PIP's choice, unless that fit gives no headcount at this line; then the other normal
    // fit that does. Never a fit named for poverty figures it cannot give.
    let poverty_from = [use_quadratic_for_poverty, !use_quadratic_for_poverty]
        .into_iter()
        .find(|&q| line.is_some() && normal(fit_of(q)) && has_headcount(fit_of(q)))
        .map(name);
    if let (Some(z), None) = (line, poverty_from) {
        if normal(&quadratic) || normal(&beta) {
            return Err(Error::Undefined {
                location: source.location(&source.welfare),
                measure: "the poverty statistics of the grouped-data Lorenz fits".into(),
                reason: format!(
                    "neither fitted curve gives a headcount at the poverty line {z} (mean {mean}); check that the line and the mean are in the same units"
                ),
                context: String::new(),
            });
        }
    }
    Ok(GroupedResult {
        mean,
        poverty_line: line,
        quadratic,
        beta,
        distribution_from: Some(name(use_quadratic_for_distribution)),
        poverty_from,
        polygon_gini: pts.polygon_gini(),
    })
}

impl GroupedResult {
    fn chosen(&self, name: Option<&str>) -> Option<&FitResult> {
        match name? {
            "quadratic" => self.quadratic.as_ref(),
            _ => self.beta.as_ref(),
        }
    }

    /// The fit the distributional statistics come from.
    pub fn distribution(&self) -> Option<&FitResult> {
        self.chosen(self.distribution_from)
    }

    /// The fit the poverty statistics come from.
    pub fn poverty(&self) -> Option<&FitResult> {
        self.chosen(self.poverty_from)
    }

    /// The other fit than `name`.
    fn other(&self, name: Option<&str>) -> Option<&FitResult> {
        match name? {
            "quadratic" => self.beta.as_ref(),
            _ => self.quadratic.as_ref(),
        }
    }

    /// MLD from the distributional fit, or from the other one where the chosen curve's slope
    /// is not positive somewhere (PIP's fallback).
    pub fn mld(&self) -> Option<f64> {
        self.distribution()
            .and_then(|f| f.mld)
            .or_else(|| self.other(self.distribution_from).and_then(|f| f.mld))
    }

    /// Watts from the poverty fit, or from the other one (PIP's fallback).
    pub fn watts(&self) -> Option<f64> {
        self.poverty()
            .and_then(|f| f.watts)
            .or_else(|| self.other(self.poverty_from).and_then(|f| f.watts))
    }
}
