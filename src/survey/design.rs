//! The sample design: strata, primary sampling units (PSUs), finite-population correction,
//! and what to do with a stratum that has a single PSU.

use crate::error::{Error, Location, Result, Setting};
use crate::kernel::hash::FastMap;

/// Strata with a single PSU contribute no within-stratum variance information. What to do
/// about them (R survey's `options(survey.lonely.psu = …)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LonelyPsu {
    /// Refuse, naming the strata (the default; R survey's `"fail"`).
    #[default]
    Error,
    /// The stratum contributes no variance (R survey's `"certainty"`).
    Certainty,
    /// Centre the stratum's PSU total at the mean over all PSUs instead of its stratum mean
    /// (R survey's `"adjust"`; also accepted as `centre`).
    Adjust,
}

impl LonelyPsu {
    /// Parses `error`, `certainty`, `adjust` or `centre`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "error" | "fail" => Ok(LonelyPsu::Error),
            "certainty" => Ok(LonelyPsu::Certainty),
            "adjust" | "centre" | "center" => Ok(LonelyPsu::Adjust),
            _ => Err(Error::InvalidParameter {
                name: "lonely PSU policy",
                value: name.into(),
                expected: "error, certainty or adjust (centre)".into(),
            }),
        }
    }
}

/// A stratified, clustered design with PSUs drawn with replacement (or with a
/// finite-population correction per stratum).
///
/// PSUs are numbered `0..psu_count()`; strata `0..stratum_count()`. Observations refer to
/// their PSU by number.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    psu_stratum: Vec<u32>,
    stratum_psus: Vec<u32>,
    /// Sampling fraction of PSUs per stratum (0 without a finite-population correction).
    fraction: Vec<f64>,
    lonely: LonelyPsu,
    /// True when no design was given: every observation is its own PSU in one stratum.
    simple: bool,
    /// The PSUs of each stratum, for domains that touch few PSUs.
    members: std::sync::OnceLock<Vec<Vec<u32>>>,
}

/// Per-observation design codes, as read from a table.
#[derive(Debug, Clone, Copy, Default)]
pub struct DesignCodes<'a> {
    /// Stratum code of each observation (`None`: one stratum).
    pub strata: Option<&'a [u32]>,
    /// PSU code of each observation (`None`: every observation is its own PSU).
    pub psu: Option<&'a [u32]>,
    /// Finite-population correction per observation: a sampling fraction (≤ 1) or the
    /// number of PSUs in the stratum's population (> 1), constant within a stratum.
    pub fpc: Option<&'a [f64]>,
    /// PSU codes restart within each stratum (PSU 1 of stratum A is not PSU 1 of stratum B).
    pub nested: bool,
    /// The 1-based data row of each observation, for error messages (`None`: position + 1).
    pub rows: Option<&'a [u32]>,
}

impl Design {
    /// Simple random sampling with replacement of `n` observations: one stratum, each
    /// observation its own PSU.
    pub fn simple(n: usize) -> Self {
        Design {
            psu_stratum: vec![0; n],
            stratum_psus: vec![n as u32],
            fraction: vec![0.0],
            lonely: LonelyPsu::Error,
            simple: true,
            members: std::sync::OnceLock::new(),
        }
    }

    /// Builds the design from per-observation codes, returning it with the PSU number of
    /// each observation. `location` names the source in errors.
    ///
    /// # Errors
    /// A PSU in two strata (without `nested`), a stratum with a single PSU under
    /// [`LonelyPsu::Error`], an fpc that varies within a stratum or is not positive.
    pub fn from_codes(
        n: usize,
        codes: DesignCodes<'_>,
        lonely: LonelyPsu,
        location: &dyn Fn(&str) -> Location,
    ) -> Result<(Self, Vec<u32>)> {
        if codes.strata.is_none() && codes.psu.is_none() && codes.fpc.is_none() {
            return Ok((Design::simple(n), (0..n as u32).collect()));
        }
        let stratum_of = |i: usize| codes.strata.map_or(0, |s| s[i]);
        let row = |i: usize| codes.rows.map_or(i + 1, |r| r[i] as usize);
        let (psu_stratum, psu_of_obs) = psu_numbers(n, &codes, location)?;
        let strata_count = psu_stratum
            .iter()
            .map(|&h| h as usize + 1)
            .max()
            .unwrap_or(1);
        let mut stratum_psus = vec![0u32; strata_count];
        for &h in &psu_stratum {
            stratum_psus[h as usize] += 1;
        }
        let fraction = match codes.fpc {
            Some(fpc) => sampling_fractions(fpc, &stratum_of, &row, &stratum_psus, location)?,
            None => vec![0.0; strata_count],
        };
        let lonely_strata = stratum_psus.iter().filter(|&&c| c == 1).count();
        if lonely_strata > 0 && lonely == LonelyPsu::Error {
            // The first such stratum's first row, so that the user can find it.
            let first = (0..n)
                .find(|&i| stratum_psus[stratum_of(i) as usize] == 1)
                .map_or(0, row);
            return Err(Error::InvalidDesign {
                location: location("strata"),
                problem: format!("{lonely_strata} stratum/strata have a single PSU (the first is the stratum of data row {first}), so their variance cannot be estimated"),
                fix: "merge them with neighbouring strata, or choose the certainty or adjust policy for single-PSU strata".into(),
                setting: Some(Setting::LonelyPsu),
            });
        }
        Ok((
            Design {
                psu_stratum,
                stratum_psus,
                fraction,
                lonely,
                simple: false,
                members: std::sync::OnceLock::new(),
            },
            psu_of_obs,
        ))
    }

    /// Number of PSUs.
    pub fn psu_count(&self) -> usize {
        self.psu_stratum.len()
    }

    /// Number of strata.
    pub fn stratum_count(&self) -> usize {
        self.stratum_psus.len()
    }

    /// Stratum of PSU `p`.
    pub fn stratum_of(&self, p: usize) -> usize {
        self.psu_stratum[p] as usize
    }

    /// Number of PSUs in stratum `h`.
    pub fn psus_in(&self, h: usize) -> usize {
        self.stratum_psus[h] as usize
    }

    /// Sampling fraction of stratum `h` (0 without fpc).
    pub fn fraction(&self, h: usize) -> f64 {
        self.fraction[h]
    }

    /// The lonely-PSU policy.
    pub fn lonely(&self) -> LonelyPsu {
        self.lonely
    }

    /// Whether this is the no-design default (simple random sampling of rows).
    pub fn is_simple(&self) -> bool {
        self.simple
    }

    /// The with-replacement variance of a total from its PSU totals:
    /// `v = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_i (t_hi − t̄_h)²`, PSUs with no observation in a
    /// domain counting as zeros. Lonely strata follow the [`LonelyPsu`] policy.
    /// [`Design::variance_of_total`] for a domain that touches few PSUs: `touched` holds the
    /// totals of the PSUs it touches (the others are 0). Only the strata it touches are
    /// visited, each PSU in PSU order as the full formula visits them, so the result is the
    /// full formula's to the bit; the cost is the PSUs of the touched strata, not all PSUs.
    /// `None` under the `adjust` lonely-PSU policy (single-PSU strata there are centred at the
    /// mean over all PSUs).
    pub fn variance_of_sparse_total(&self, touched: &FastMap<u32, f64>) -> Option<f64> {
        if self.lonely == LonelyPsu::Adjust {
            return None;
        }
        let mut strata: Vec<usize> = touched
            .keys()
            .map(|&p| self.stratum_of(p as usize))
            .collect();
        strata.sort_unstable();
        strata.dedup();
        let members = self.members();
        let mut v = crate::kernel::sum::Compensated::ZERO;
        for h in strata {
            let n_h = self.psus_in(h) as f64;
            if n_h <= 1.0 {
                continue; // certainty / error: no variance from a single-PSU stratum
            }
            let total = |p: &u32| touched.get(p).copied().unwrap_or(0.0);
            let mut sum = 0.0;
            for p in &members[h] {
                sum += total(p);
            }
            let centre = sum / n_h;
            let mut ss = 0.0;
            for p in &members[h] {
                let t = total(p);
                ss += (t - centre) * (t - centre);
            }
            v.add((1.0 - self.fraction[h]) * (n_h / (n_h - 1.0) * ss));
        }
        Some(v.value())
    }

    /// The PSUs of each stratum, in PSU order (made on first use).
    fn members(&self) -> &[Vec<u32>] {
        self.members.get_or_init(|| {
            let mut m: Vec<Vec<u32>> = vec![Vec::new(); self.stratum_count()];
            for (p, &h) in self.psu_stratum.iter().enumerate() {
                m[h as usize].push(p as u32);
            }
            m
        })
    }

    pub fn variance_of_total(&self, psu_totals: &[f64]) -> f64 {
        let [v] = self.variances_of_totals::<1>(psu_totals);
        v
    }

    /// [`Design::variance_of_total`] of `L` totals at once, interleaved: PSU `p`'s total of
    /// the `l`-th at `totals[p * L + l]`. Each lane makes the one-total formula's operations
    /// in its order (PSU by PSU, then stratum by stratum), so each gets the same bits as
    /// alone; the PSUs' strata and the strata's sizes are looked up once for all lanes.
    pub fn variances_of_totals<const L: usize>(&self, totals: &[f64]) -> [f64; L] {
        let strata = self.stratum_count();
        let psus = totals.len() / L;
        let mut sum = vec![[0.0; L]; strata];
        // A sequential sum from −0.0, as `Iterator::sum` makes it.
        let mut grand = [-0.0; L];
        for (p, t) in totals.chunks_exact(L).enumerate() {
            let s = &mut sum[self.stratum_of(p)];
            for l in 0..L {
                s[l] += t[l];
                grand[l] += t[l];
            }
        }
        let grand_mean = grand.map(|g| g / psus.max(1) as f64);
        // Each stratum's centre, the quotient every PSU of it would compute.
        let centre: Vec<[f64; L]> = (0..strata)
            .map(|h| {
                let n_h = self.psus_in(h) as f64;
                if n_h > 1.0 {
                    sum[h].map(|s| s / n_h)
                } else {
                    grand_mean
                }
            })
            .collect();
        let mut ss = vec![[0.0; L]; strata];
        for (p, t) in totals.chunks_exact(L).enumerate() {
            let h = self.stratum_of(p);
            for l in 0..L {
                let d = t[l] - centre[h][l];
                ss[h][l] += d * d;
            }
        }
        let mut v = [crate::kernel::sum::Compensated::ZERO; L];
        for (h, ss_h) in ss.iter().enumerate() {
            let n_h = self.psus_in(h) as f64;
            for l in 0..L {
                let scaled = if n_h > 1.0 {
                    n_h / (n_h - 1.0) * ss_h[l]
                } else {
                    match self.lonely {
                        LonelyPsu::Adjust => ss_h[l],
                        LonelyPsu::Certainty | LonelyPsu::Error => 0.0,
                    }
                };
                v[l].add((1.0 - self.fraction[h]) * scaled);
            }
        }
        v.map(|v| v.value())
    }
}

/// Numbers the PSUs of `n` observations in order of first appearance: each PSU's stratum,
/// and each observation's PSU number. A PSU code in two strata is an error unless the codes
/// are nested in strata.
fn psu_numbers(
    n: usize,
    codes: &DesignCodes<'_>,
    location: &dyn Fn(&str) -> Location,
) -> Result<(Vec<u32>, Vec<u32>)> {
    let stratum_of = |i: usize| codes.strata.map_or(0, |s| s[i]);
    let row = |i: usize| codes.rows.map_or(i + 1, |r| r[i] as usize);
    let mut psu_id: crate::kernel::hash::FastMap<(u32, u32), u32> =
        crate::kernel::hash::FastMap::default();
    let mut psu_stratum: Vec<u32> = Vec::new();
    let mut psu_of_obs = Vec::with_capacity(n);
    let dense_len = if codes.nested || codes.psu.is_none() {
        0
    } else {
        codes
            .psu
            .map_or(0, |p| p.iter().max().map_or(0, |&m| m as usize + 1))
    };
    let mut dense = vec![
        u32::MAX;
        if dense_len <= 4 * n + 16 {
            dense_len
        } else {
            0
        }
    ];
    for i in 0..n {
        let h = stratum_of(i);
        let raw = codes.psu.map_or(i as u32, |p| p[i]);
        let key = if codes.nested || codes.psu.is_none() {
            (h, raw)
        } else {
            (0, raw)
        };
        let next = psu_stratum.len() as u32;
        // Codes from a table are dense (0, 1, 2, … in order of appearance): look them up
        // in a vector; other codes go through the hash map.
        let slot = if key.0 == 0 && (key.1 as usize) < 4 * n + 16 {
            dense.get_mut(key.1 as usize)
        } else {
            None
        };
        let id = match slot {
            Some(s) if *s != u32::MAX => *s,
            Some(s) => {
                *s = next;
                psu_stratum.push(h);
                next
            }
            None => *psu_id.entry(key).or_insert_with(|| {
                psu_stratum.push(h);
                next
            }),
        };
        if psu_stratum[id as usize] != h {
            return Err(Error::InvalidDesign {
                location: location("psu"),
                problem: format!("a PSU appears in two strata (first at data row {})", row(i)),
                fix: "PSU codes must be unique across strata; if they restart within each stratum, declare the PSUs nested in strata".into(),
                setting: Some(Setting::NestedPsu),
            });
        }
        psu_of_obs.push(id);
    }
    Ok((psu_stratum, psu_of_obs))
}

/// Sampling fractions per stratum from an fpc column: a fraction (≤ 1) or the population
/// number of PSUs (> 1), constant within each stratum.
fn sampling_fractions(
    fpc: &[f64],
    stratum_of: &dyn Fn(usize) -> u32,
    row: &dyn Fn(usize) -> usize,
    stratum_psus: &[u32],
    location: &dyn Fn(&str) -> Location,
) -> Result<Vec<f64>> {
    let strata_count = stratum_psus.len();
    let mut fraction = vec![0.0; strata_count];
    let mut seen: Vec<Option<f64>> = vec![None; strata_count];
    for (i, &v) in fpc.iter().enumerate() {
        let h = stratum_of(i) as usize;
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::InvalidDesign {
                location: location("fpc"),
                problem: format!("finite-population correction {v} at data row {} is not positive", row(i)),
                fix: "give the sampling fraction (0 < f ≤ 1) or the number of PSUs in the population (> 1)".into(),
                setting: None,
            });
        }
        match seen[h] {
            None => seen[h] = Some(v),
            Some(prev) if prev != v => {
                return Err(Error::InvalidDesign {
                    location: location("fpc"),
                    problem: format!("finite-population correction varies within a stratum (data row {}: {v}, earlier {prev})", row(i)),
                    fix: "the fpc must be constant within each stratum".into(),
                    setting: None,
                })
            }
            Some(_) => {}
        }
    }
    for (h, v) in seen.into_iter().enumerate() {
        if let Some(v) = v {
            let f = if v <= 1.0 {
                v
            } else {
                f64::from(stratum_psus[h]) / v
            };
            if f > 1.0 {
                return Err(Error::InvalidDesign {
                    location: location("fpc"),
                    problem: format!(
                        "a stratum has {} sampled PSUs but a population of {v}",
                        stratum_psus[h]
                    ),
                    setting: None,
                    fix: "the population count of PSUs must be at least the sampled count".into(),
                });
            }
            fraction[h] = f;
        }
    }
    Ok(fraction)
}

#[cfg(test)]
mod sparse_tests {
    use super::*;

    /// The design of observations with these stratum and PSU codes (no fpc).
    fn stratified(strata: &[u32], psu: &[u32], lonely: LonelyPsu) -> Design {
        let codes = DesignCodes {
            strata: Some(strata),
            psu: Some(psu),
            fpc: None,
            nested: false,
            rows: None,
        };
        let (design, _) =
            Design::from_codes(strata.len(), codes, lonely, &|_| Location::Argument("test"))
                .expect("a valid design");
        design
    }

    /// Four interleaved totals at once give each the bits of the one-total formula (strata
    /// of one PSU centred at the grand mean under `adjust`, PSUs out of stratum order).
    #[test]
    fn interleaved_variances_equal_one_at_a_time() {
        let strata: Vec<u32> = (0..40u32)
            .map(|i| [3, 0, 1, 3, 2, 0, 3, 1][i as usize % 8])
            .collect();
        let psu: Vec<u32> = (0..40u32)
            .map(|i| if strata[i as usize] == 2 { 99 } else { i })
            .collect();
        let design = stratified(&strata, &psu, LonelyPsu::Adjust);
        assert!((0..design.stratum_count()).any(|h| design.psus_in(h) == 1));
        let mut random = crate::kernel::random::SplitMix64::new(7);
        let totals: Vec<f64> = (0..design.psu_count() * 4)
            .map(|_| random.uniform() * 1e3 - 400.0)
            .collect();
        let together = design.variances_of_totals::<4>(&totals);
        for (l, v) in together.iter().enumerate() {
            let mine: Vec<f64> = totals.iter().skip(l).step_by(4).copied().collect();
            assert!(*v > 0.0);
            assert_eq!(v.to_bits(), design.variance_of_total(&mine).to_bits());
        }
    }

    /// The sparse variance of a domain equals the full formula to the bit.
    #[test]
    fn sparse_variance_of_a_domain_equals_the_full_formula() {
        // 6 strata of 2 … 7 PSUs; a domain touching PSUs in three of them.
        let strata: Vec<u32> = (0..6u32).flat_map(|h| vec![h; (h + 2) as usize]).collect();
        let psu: Vec<u32> = (0..strata.len() as u32).collect();
        let design = stratified(&strata, &psu, LonelyPsu::Error);
        let mut totals = vec![0.0; design.psu_count()];
        let mut touched = FastMap::default();
        for (p, t) in [
            (0u32, 0.3),
            (3, -1.25),
            (4, 2.5),
            (16, 0.1),
            (19, 7.0 / 3.0),
        ] {
            totals[p as usize] = t;
            touched.insert(p, t);
        }
        let full = design.variance_of_total(&totals);
        let sparse = design
            .variance_of_sparse_total(&touched)
            .expect("the sparse form applies under the error policy");
        assert!(full > 0.0);
        assert_eq!(full.to_bits(), sparse.to_bits());
    }
}
