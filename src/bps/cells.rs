//! The province × area cells of a published round, with missing rows derived: the inputs
//! of the synthetic rounds' calibration.

use super::{province_cells, CellFact};
use crate::error::{Error, Result};
use crate::kernel::normal;

/// Urban or rural.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Urban,
    Rural,
}

impl Area {
    pub fn name(self) -> &'static str {
        match self {
            Area::Urban => "urban",
            Area::Rural => "rural",
        }
    }

    /// Susenas `r105` code: 1 urban, 2 rural.
    pub fn code(self) -> u32 {
        match self {
            Area::Urban => 1,
            Area::Rural => 2,
        }
    }
}

/// One calibration cell (province × area) of a round.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub province_code: u32,
    pub province: String,
    pub area: Area,
    pub gini: f64,
    pub poverty_line: f64,
    /// Headcount as a fraction.
    pub p0: f64,
    /// Persons.
    pub population: f64,
    /// How a missing published row was filled in, if it was.
    pub derived: Option<String>,
}

impl Cell {
    /// Log-normal σ matching the cell's Gini.
    pub fn sigma(&self) -> f64 {
        std::f64::consts::SQRT_2 * normal::quantile((1.0 + self.gini) / 2.0)
    }

    /// Log-normal μ putting a share `p0` below the poverty line.
    pub fn mu(&self) -> f64 {
        self.poverty_line.ln() - self.sigma() * normal::quantile(self.p0)
    }
}

/// Rounds present in the published province tables.
pub fn rounds() -> Result<Vec<String>> {
    let mut r: Vec<String> = province_cells()?.into_iter().map(|c| c.period).collect();
    r.sort();
    r.dedup();
    Ok(r)
}

/// The calibration cells of `round`. A missing area row (Aceh rural in 2017-09 and 2019-09)
/// is derived: poor persons and population as the province total minus the other area, Gini
/// and poverty line as the mean of the same cell in the nearest earlier and later rounds.
/// A province without a rural area (DKI Jakarta) has no rural cell.
pub fn cells(round: &str) -> Result<Vec<Cell>> {
    let facts = province_cells()?;
    let periods = rounds()?;
    if !periods.iter().any(|p| p == round) {
        return Err(Error::InvalidParameter {
            name: "round",
            value: round.into(),
            expected: format!("one of the published rounds: {}", periods.join(", ")),
        });
    }
    let find = |code: u32, period: &str, area: &str| {
        facts
            .iter()
            .find(|f| f.province_code == code && f.period == period && f.area == area)
    };
    let mut codes: Vec<(u32, String)> = Vec::new();
    for f in facts.iter().filter(|f| f.period == round) {
        if !codes.iter().any(|(c, _)| *c == f.province_code) {
            codes.push((f.province_code, f.province.clone()));
        }
    }
    let mut out = Vec::new();
    for (code, name) in codes {
        for area in [Area::Urban, Area::Rural] {
            let cell = match find(code, round, area.name()) {
                Some(f) => from_fact(f, area, None)?,
                None => {
                    let other = if area == Area::Urban {
                        Area::Rural
                    } else {
                        Area::Urban
                    };
                    let (Some(total), Some(other)) =
                        (find(code, round, "total"), find(code, round, other.name()))
                    else {
                        continue;
                    };
                    let pop = |f: &CellFact| -> Option<f64> {
                        Some(f.poor_thousand? * 1000.0 / (f.p0_pct? / 100.0))
                    };
                    let (Some(pop_total), Some(pop_other)) = (pop(total), pop(other)) else {
                        continue;
                    };
                    let poor = (total.poor_thousand.unwrap_or(0.0)
                        - other.poor_thousand.unwrap_or(0.0))
                        * 1000.0;
                    let population = pop_total - pop_other;
                    if population <= 0.0 || poor <= 0.0 {
                        continue; // no such area in this province
                    }
                    let neighbours = neighbour_facts(&facts, &periods, code, round, area.name());
                    if neighbours.is_empty() {
                        continue;
                    }
                    let mean = |g: &dyn Fn(&CellFact) -> Option<f64>| {
                        neighbours.iter().filter_map(|f| g(f)).sum::<f64>()
                            / neighbours.len() as f64
                    };
                    let labels: Vec<&str> = neighbours.iter().map(|f| f.period.as_str()).collect();
                    Cell {
                        province_code: code,
                        province: name.clone(),
                        area,
                        gini: mean(&|f| f.gini),
                        poverty_line: mean(&|f| f.poverty_line),
                        p0: poor / population,
                        population,
                        derived: Some(format!(
                            "{} {} {round}: not published; population and poor persons = total − {}, Gini and poverty line = mean of {}",
                            name,
                            area.name(),
                            other.area,
                            labels.join(" and ")
                        )),
                    }
                }
            };
            out.push(cell);
        }
    }
    Ok(out)
}

/// The same cell in the nearest earlier and later rounds that have it.
fn neighbour_facts<'a>(
    facts: &'a [CellFact],
    periods: &[String],
    code: u32,
    round: &str,
    area: &str,
) -> Vec<&'a CellFact> {
    let at = |p: &String| {
        facts.iter().find(|f| {
            f.province_code == code
                && &f.period == p
                && f.area == area
                && f.gini.is_some()
                && f.poverty_line.is_some()
        })
    };
    let i = periods.iter().position(|p| p == round).unwrap_or(0);
    let before = periods[..i].iter().rev().find_map(at);
    let after = periods[i + 1..].iter().find_map(at);
    before.into_iter().chain(after).collect()
}

fn from_fact(f: &CellFact, area: Area, derived: Option<String>) -> Result<Cell> {
    let missing = |what: &str| Error::InvalidParameter {
        name: "published cell",
        value: format!("{} {} {}", f.province, f.area, f.period),
        expected: format!("a {what} in datasets/bps/province_cells.csv"),
    };
    let p0 = f.p0_pct.ok_or_else(|| missing("headcount"))? / 100.0;
    Ok(Cell {
        province_code: f.province_code,
        province: f.province.clone(),
        area,
        gini: f.gini.ok_or_else(|| missing("Gini"))?,
        poverty_line: f.poverty_line.ok_or_else(|| missing("poverty line"))?,
        p0,
        population: f.poor_thousand.ok_or_else(|| missing("number of poor"))? * 1000.0 / p0,
        derived,
    })
}
