//! Inequality by subgroups: the exact within/between split of the generalized entropy family
//! ([`ge_split`]) and its change between rounds (Mookherjee & Shorrocks 1982,
//! [`ms_change`]); Dagum's (1997) decomposition of the Gini into within-group, net
//! between-group and transvariation (overlap) terms ([`dagum`]).
//!
//! Every function reads one pooled sample (sorted once) with the group index of each sorted
//! observation, so replicate weights re-weight it without sorting again; [`Component`] makes
//! each term a [`crate::Measure`] for the replicate engine.

mod component;

pub use component::{Component, Part};

use crate::error::{Error, Location, Result};
use crate::kernel::sum::Compensated;
use crate::sample::SortedSample;

/// One group's share of the population and of the total, its mean and its own inequality.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GroupTerms {
    /// `v = N_g/N`.
    pub pop_share: f64,
    /// `s = S_g/S`.
    pub income_share: f64,
    pub mean: f64,
    /// GE(α) within the group, or the group's own Gini for [`dagum`].
    pub inequality: f64,
    /// The group's term of the within component (`v^{1−α} s^α GE_g`, or `p s G_gg`).
    pub within: f64,
}

/// `GE(α) = within + between` by groups.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GeSplit {
    pub alpha: f64,
    pub total: f64,
    pub within: f64,
    pub between: f64,
    pub groups: Vec<GroupTerms>,
}

/// Dagum's Gini decomposition `G = G_w + G_nb + G_t`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DagumSplit {
    pub gini: f64,
    /// `Σ_j G_jj p_j s_j`.
    pub within: f64,
    /// `Σ_{j<h} G_jh (p_j s_h + p_h s_j) D_jh`.
    pub net_between: f64,
    /// `Σ_{j<h} G_jh (p_j s_h + p_h s_j) (1 − D_jh)`: the overlap of the groups.
    pub transvariation: f64,
    pub groups: Vec<GroupTerms>,
}

fn group_count(ids: &[u32]) -> usize {
    ids.iter().max().map_or(0, |&m| m as usize + 1)
}

/// Weighted count and total per group, in sorted order with compensated sums.
fn totals(sample: &SortedSample, ids: &[u32], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut n = vec![Compensated::ZERO; k];
    let mut s = vec![Compensated::ZERO; k];
    for (i, (&x, &g)) in sample.values().iter().zip(ids).enumerate() {
        let w = sample.weight(i);
        n[g as usize].add(w);
        s[g as usize].add(w * x);
    }
    (
        n.iter().map(Compensated::value).collect(),
        s.iter().map(Compensated::value).collect(),
    )
}

fn check_groups(n: &[f64], s: &[f64], positive_means: bool) -> Result<()> {
    if let Some(g) = n.iter().position(|&w| w.is_nan() || w <= 0.0) {
        return Err(Error::Undefined {
            location: Location::Argument("weights"),
            measure: "the decomposition".into(),
            reason: format!("group {} has no weight", g + 1),
            context: String::new(),
        });
    }
    if positive_means && s.iter().any(|&v| v.is_nan() || v <= 0.0) {
        return Err(Error::Undefined {
            location: Location::Argument("values"),
            measure: "the decomposition".into(),
            reason: "a group's total is zero or negative".into(),
            context: String::new(),
        });
    }
    Ok(())
}

/// The exact split of GE(α) into `within = Σ v_g^{1−α} s_g^α GE_g(α)` and `between` = GE(α)
/// of the distribution in which everybody has their group's mean (Shorrocks 1980). `ids[i]`
/// is the group of sorted observation i (0, 1, …). Values must be positive.
///
/// Two groups {1, 3} and {2, 6}: μ = 3, group means 2 and 4, so between = MLD of (2, 2, 4, 4)
/// = −½ ln(2/3) − ½ ln(4/3), and within = ½ MLD(1, 3) + ½ MLD(2, 6):
/// ```
/// use ginikit::{SortedSample, decompose::ge_split};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 6.0], None).unwrap();
/// let split = ge_split(&s, &[0, 1, 0, 1], 0.0).unwrap();
/// let mld = |a: f64, b: f64| { let m = (a + b) / 2.0; -0.5 * ((a / m).ln() + (b / m).ln()) };
/// assert!((split.between - mld(2.0, 4.0)).abs() < 1e-15);
/// assert!((split.within - 0.5 * (mld(1.0, 3.0) + mld(2.0, 6.0))).abs() < 1e-15);
/// ```
pub fn ge_split(sample: &SortedSample, ids: &[u32], alpha: f64) -> Result<GeSplit> {
    let k = group_count(ids);
    if let Some(i) = sample.values().iter().position(|&x| x <= 0.0) {
        return Err(Error::NonPositiveValue {
            location: Location::Argument("values"),
            measure: format!("the GE({alpha}) decomposition"),
            count: sample.first_positive(),
            first: crate::error::Position::Sorted(i),
            value: sample.values()[i],
            context: String::new(),
        });
    }
    let (n, s) = totals(sample, ids, k);
    check_groups(&n, &s, true)?;
    // Per group Σ w·f(x) with f = ln x (α = 0), x ln x (α = 1) or x^α.
    let f = |x: f64| {
        if alpha == 0.0 {
            x.ln()
        } else if alpha == 1.0 {
            x * x.ln()
        } else {
            x.powf(alpha)
        }
    };
    let mut acc = vec![Compensated::ZERO; k];
    if alpha == 0.0 || alpha == 1.0 {
        // ln x once for the sample and all its replicates.
        let logs = sample.log_values();
        for (i, ((&x, &l), &g)) in sample.values().iter().zip(logs).zip(ids).enumerate() {
            let t = if alpha == 0.0 { l } else { x * l };
            acc[g as usize].add(sample.weight(i) * t);
        }
    } else {
        for (i, (&x, &g)) in sample.values().iter().zip(ids).enumerate() {
            acc[g as usize].add(sample.weight(i) * f(x));
        }
    }
    let (n_all, s_all): (f64, f64) = (kahan(&n), kahan(&s));
    let mu = s_all / n_all;
    let ge_of = |sum_f: f64, n: f64, s: f64| -> f64 {
        let m = s / n;
        if alpha == 0.0 {
            m.ln() - sum_f / n
        } else if alpha == 1.0 {
            sum_f / s - m.ln()
        } else {
            (sum_f / n / m.powf(alpha) - 1.0) / (alpha * (alpha - 1.0))
        }
    };
    let mut groups = Vec::with_capacity(k);
    let (mut within, mut between) = (Compensated::ZERO, Compensated::ZERO);
    for g in 0..k {
        let (v, sh) = (n[g] / n_all, s[g] / s_all);
        let ge = ge_of(acc[g].value(), n[g], s[g]);
        let w = v.powf(1.0 - alpha) * sh.powf(alpha) * ge;
        let lambda = (s[g] / n[g]) / mu;
        between.add(if alpha == 0.0 {
            -v * lambda.ln()
        } else if alpha == 1.0 {
            sh * lambda.ln()
        } else {
            v * lambda.powf(alpha)
        });
        within.add(w);
        groups.push(GroupTerms {
            pop_share: v,
            income_share: sh,
            mean: s[g] / n[g],
            inequality: ge,
            within: w,
        });
    }
    let between = if alpha == 0.0 || alpha == 1.0 {
        between.value()
    } else {
        (between.value() - 1.0) / (alpha * (alpha - 1.0))
    };
    let total_sum: f64 = kahan(&acc.iter().map(Compensated::value).collect::<Vec<_>>());
    let total = ge_of(total_sum, n_all, s_all);
    Ok(GeSplit {
        alpha,
        total,
        within: within.value(),
        between,
        groups,
    })
}

fn kahan(v: &[f64]) -> f64 {
    let mut c = Compensated::ZERO;
    for &x in v {
        c.add(x);
    }
    c.value()
}

/// Dagum's decomposition of the Gini ratio by groups. With `Δ_jh = E|x − y|` over `x` in
/// group j and `y` in h, `G_jh = Δ_jh/(μ_j + μ_h)` (`G_jj = Δ_jj/(2μ_j)`), Dagum's relative
/// economic affluence `D_jh = (d_jh − p_jh)/(d_jh + p_jh) = |μ_j − μ_h|/Δ_jh`, `p_j = N_j/N`
/// and `s_j = S_j/S`:
/// - within `G_w = Σ_j G_jj p_j s_j`;
/// - net between `G_nb = Σ_{j>h} G_jh D_jh (p_j s_h + p_h s_j)`;
/// - transvariation `G_t = Σ_{j>h} G_jh (1 − D_jh)(p_j s_h + p_h s_j)`;
///
/// and `G_w + G_nb + G_t` is the midpoint Gini `Σᵢ Σⱼ wᵢwⱼ|xᵢ − xⱼ| / (2N²μ)`.
///
/// Computed in O(n + k log k) for k groups, never pair by pair: since `G_jh D_jh =
/// |μ_j − μ_h|/(μ_j + μ_h)` and `p_j s_h + p_h s_j = p_j p_h (μ_j + μ_h)/μ`, the net term is
/// `Σ_{j>h} p_j p_h |μ_j − μ_h| / μ`, the Gini of the group means (one pass over the means in
/// ascending order); the Gini and each group's own Gini come from one ascending pass over the
/// pooled sample; the transvariation is the Gini less the other two.
///
/// Groups {1, 3} and {2, 6}: the absolute differences of the 16 ordered pairs sum to 32, so
/// the Gini is 32 / (2 · 16 · 3) = 1/3, and G_w + G_nb + G_t gives the same; both groups'
/// own Ginis are ¼, so the within term is Σ p s G_jj = ½·⅓·¼ + ½·⅔·¼ = 1/24 + 1/12; the means
/// 2 and 4 give the net term ½·½·2/3 = 1/6:
/// ```
/// use ginikit::{SortedSample, decompose::dagum};
/// let s = SortedSample::new(&[1.0, 2.0, 3.0, 6.0], None).unwrap();
/// let d = dagum(&s, &[0, 1, 0, 1]).unwrap();
/// assert!((d.gini - 1.0 / 3.0).abs() < 1e-15);
/// assert!((d.within + d.net_between + d.transvariation - 1.0 / 3.0).abs() < 1e-15);
/// assert!((d.within - (1.0 / 24.0 + 1.0 / 12.0)).abs() < 1e-15);
/// assert!((d.net_between - 1.0 / 6.0).abs() < 1e-15);
/// ```
pub fn dagum(sample: &SortedSample, ids: &[u32]) -> Result<DagumSplit> {
    let k = group_count(ids);
    let (n, s) = totals(sample, ids, k);
    check_groups(&n, &s, true)?;
    // One ascending pass: Σ_{y ≤ x} w_x w_y (x − y) over all pairs and within each group,
    // from running (compensated) totals of the observations before.
    let mut own = vec![Compensated::ZERO; k];
    let mut own_w = vec![Compensated::ZERO; k];
    let mut own_s = vec![Compensated::ZERO; k];
    let (mut all, mut all_w, mut all_s) = (Compensated::ZERO, Compensated::ZERO, Compensated::ZERO);
    for (i, (&x, &g)) in sample.values().iter().zip(ids).enumerate() {
        let w = sample.weight(i);
        let g = g as usize;
        all.add(w * (x * all_w.value() - all_s.value()));
        own[g].add(w * (x * own_w[g].value() - own_s[g].value()));
        all_w.add(w);
        all_s.add(w * x);
        own_w[g].add(w);
        own_s[g].add(w * x);
    }
    let (n_all, s_all) = (kahan(&n), kahan(&s));
    let mu_all = s_all / n_all;
    let mu: Vec<f64> = (0..k).map(|g| s[g] / n[g]).collect();
    let p: Vec<f64> = n.iter().map(|v| v / n_all).collect();
    let sh: Vec<f64> = s.iter().map(|v| v / s_all).collect();
    let mut groups = Vec::with_capacity(k);
    let mut within = Compensated::ZERO;
    for j in 0..k {
        let delta = 2.0 * own[j].value() / (n[j] * n[j]);
        let g_jj = delta / (2.0 * mu[j]);
        let w = g_jj * p[j] * sh[j];
        within.add(w);
        groups.push(GroupTerms {
            pop_share: p[j],
            income_share: sh[j],
            mean: mu[j],
            inequality: g_jj,
            within: w,
        });
    }
    // Σ_{j>h} p_j p_h (μ_j − μ_h) over the means in ascending order.
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| mu[a].total_cmp(&mu[b]).then(a.cmp(&b)));
    let (mut net, mut p_before, mut pm_before) =
        (Compensated::ZERO, Compensated::ZERO, Compensated::ZERO);
    for &j in &order {
        net.add(p[j] * (mu[j] * p_before.value() - pm_before.value()));
        p_before.add(p[j]);
        pm_before.add(p[j] * mu[j]);
    }
    let net_between = net.value() / mu_all;
    // The Gini itself: all pairs' mean absolute difference over twice the mean.
    let gini = 2.0 * all.value() / (2.0 * n_all * n_all * mu_all);
    let within = within.value();
    Ok(DagumSplit {
        gini,
        within,
        net_between,
        // Non-negative by definition (|μ_j − μ_h| ≤ Δ_jh); groups that do not overlap give
        // zero, which the subtraction may miss by a rounding error.
        transvariation: (gini - within - net_between).max(0.0),
        groups,
    })
}

/// The Mookherjee–Shorrocks (1982) decomposition of the change of MLD (α = 0) or Theil T
/// (α = 1) between two rounds, from their splits (same groups, in the same order).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MsChange {
    pub alpha: f64,
    /// `I₂ − I₁`.
    pub total: f64,
    /// Change of within-group inequality at average weights.
    pub within: f64,
    /// Shifts of population shares (urbanisation).
    pub population_shares: f64,
    /// Changes of the groups' relative means.
    pub relative_means: f64,
    /// `total − (within + population_shares + relative_means)`: the approximation left over
    /// (second order in the changes).
    pub residual: f64,
    /// Each group's terms: (within, population shares, relative means).
    pub groups: Vec<(f64, f64, f64)>,
}

/// Mookherjee–Shorrocks terms with two-round averages (bars) and differences (Δ); λ = μ_g/μ,
/// θ = income share, v = population share:
/// - MLD: within `Σ v̄ ΔI_g`; population shares `Σ (Ī_g − \overline{ln λ_g} + λ̄_g) Δv_g`;
///   relative means `Σ (θ̄_g − v̄_g) Δ ln λ_g`. Mookherjee and Shorrocks write the last term
///   with `Δ ln μ_g`; since `Σ (θ̄_g − v̄_g) = 0`, the sum is the same with the relative mean
///   `λ_g = μ_g/μ`, and only then is each group's term unchanged when every income is scaled
///   (a scale change moves no relative mean, so it must move no term of a scale-invariant
///   index).
/// - Theil T: within `Σ θ̄ ΔT_g`; population shares `Σ (T̄_g + \overline{ln λ_g} − 1) λ̄_g Δv_g`;
///   relative means `Σ (T̄_g + \overline{ln λ_g}) v̄_g Δλ_g`.
///
/// Each starts from an exact identity (`Δ(ab) = ā Δb + b̄ Δa`) and approximates only
/// `Δ ln μ ≈ Σ θ̄ Δ ln μ_g + Σ λ̄ Δv_g`; the residual is that approximation's error.
///
/// # Errors
/// α other than 0 or 1; the rounds have different numbers of groups.
pub fn ms_change(from: &GeSplit, to: &GeSplit) -> Result<MsChange> {
    let alpha = from.alpha;
    if (alpha != 0.0 && alpha != 1.0) || to.alpha != alpha || from.groups.len() != to.groups.len() {
        return Err(Error::InvalidParameter {
            name: "Mookherjee–Shorrocks decomposition",
            value: format!(
                "GE({alpha}) with {} and {} groups",
                from.groups.len(),
                to.groups.len()
            ),
            expected: "MLD (GE(0)) or Theil T (GE(1)) with the same groups in both rounds".into(),
        });
    }
    let mu = |s: &GeSplit| s.groups.iter().map(|g| g.pop_share * g.mean).sum::<f64>();
    let (mu1, mu2) = (mu(from), mu(to));
    let mut groups = Vec::with_capacity(from.groups.len());
    let (mut w, mut p, mut r) = (0.0, 0.0, 0.0);
    for (a, b) in from.groups.iter().zip(&to.groups) {
        let (l1, l2) = (a.mean / mu1, b.mean / mu2);
        let avg = |x: f64, y: f64| 0.5 * (x + y);
        let (v_bar, dv) = (avg(a.pop_share, b.pop_share), b.pop_share - a.pop_share);
        let (i_bar, di) = (avg(a.inequality, b.inequality), b.inequality - a.inequality);
        let (l_bar, ln_l_bar) = (avg(l1, l2), avg(l1.ln(), l2.ln()));
        let theta_bar = avg(a.income_share, b.income_share);
        let terms = if alpha == 0.0 {
            (
                v_bar * di,
                (i_bar - ln_l_bar + l_bar) * dv,
                (theta_bar - v_bar) * (l2.ln() - l1.ln()),
            )
        } else {
            (
                theta_bar * di,
                (i_bar + ln_l_bar - 1.0) * l_bar * dv,
                (i_bar + ln_l_bar) * v_bar * (l2 - l1),
            )
        };
        w += terms.0;
        p += terms.1;
        r += terms.2;
        groups.push(terms);
    }
    let total = to.total - from.total;
    Ok(MsChange {
        alpha,
        total,
        within: w,
        population_shares: p,
        relative_means: r,
        residual: total - (w + p + r),
        groups,
    })
}
