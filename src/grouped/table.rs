//! A grouped-data result as a report table.

use super::{FitResult, Form, GroupedResult};
use crate::report::{Cell, Report, Style};

/// Both fits and the selection as a table: one row per statistic, columns `quadratic`,
/// `beta` and `selected` (PIP's choice; MLD and Watts fall back to the other fit where the
/// chosen one's slope is not positive), then `gini_polygon` and the fits used.
pub fn report(r: &GroupedResult) -> Report {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let idx = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::Number(v, Style::Index));
    let money = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::Number(v, Style::Money));
    let general = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::Number(v, Style::General));
    let text = |v: Option<&str>| v.map_or(Cell::Empty, |v| Cell::Text(v.into()));
    let q = r.quadratic.as_ref();
    let b = r.beta.as_ref();
    let (dist, pov) = (r.distribution(), r.poverty());
    let mut push =
        |name: &str, f: &dyn Fn(&FitResult) -> Option<f64>, selected: Option<f64>, m: u8| {
            let cell = match m {
                1 => money,
                2 => general,
                _ => idx,
            };
            rows.push(vec![
                Cell::Text(name.into()),
                cell(q.and_then(f)),
                cell(b.and_then(f)),
                cell(selected),
            ]);
        };
    let param = |i: usize| {
        move |f: &FitResult| -> Option<f64> {
            Some(match f.form {
                Form::Quadratic { a, b, c } => [a, b, c][i],
                Form::Beta {
                    theta,
                    gamma,
                    delta,
                } => [theta, gamma, delta][i],
            })
        }
    };
    for (i, name) in ["a | theta", "b | gamma", "c | delta"].iter().enumerate() {
        push(name, &param(i), None, 2);
    }
    let flag = |v: bool| Some(if v { 1.0 } else { 0.0 });
    push("is_valid", &|f| flag(f.is_valid), None, 0);
    push("is_normal", &|f| flag(f.is_normal), None, 0);
    push("sse", &|f| Some(f.sse), dist.map(|f| f.sse), 2);
    push(
        "ssez",
        &|f| Some(f.ssez).filter(|v| v.is_finite()),
        pov.map(|f| f.ssez),
        2,
    );
    push("gini", &|f| Some(f.gini), dist.map(|f| f.gini), 0);
    push("median", &|f| Some(f.median), dist.map(|f| f.median), 1);
    push("mld", &|f| f.mld, r.mld(), 0);
    for k in 0..10 {
        push(
            &format!("share_decile{}", k + 1),
            &|f| Some(f.deciles[k]),
            dist.map(|f| f.deciles[k]),
            0,
        );
    }
    if r.poverty_line.is_some() {
        push("fgt0", &|f| f.headcount, pov.and_then(|f| f.headcount), 0);
        push(
            "fgt1",
            &|f| f.poverty_gap,
            pov.and_then(|f| f.poverty_gap),
            0,
        );
        push(
            "fgt2",
            &|f| f.poverty_severity,
            pov.and_then(|f| f.poverty_severity),
            0,
        );
        push("watts", &|f| f.watts, r.watts(), 0);
    }
    rows.push(vec![
        Cell::Text("gini_polygon".into()),
        Cell::Empty,
        Cell::Empty,
        Cell::Number(r.polygon_gini, Style::Index),
    ]);
    rows.push(vec![
        Cell::Text("fit_used".into()),
        text(Some("")),
        text(Some("")),
        text(Some(&format!(
            "distribution: {}; poverty: {}",
            r.distribution_from.unwrap_or("-"),
            r.poverty_from.unwrap_or("-")
        ))),
    ]);
    Report {
        columns: ["statistic", "quadratic", "beta", "selected"]
            .map(String::from)
            .to_vec(),
        rows,
        notes: Vec::new(),
    }
}
