//! SQL text: literals, the rows every plan starts from, the bucketing of the value axis,
//! the per-bucket segment sums and the summed terms of the measures.

use crate::Spec;
use ginikit::measure::out_of_core::Term;

/// A quoted SQL identifier.
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQL double literal that round-trips.
pub(crate) fn lit_f64(v: f64) -> String {
    format!("CAST({v:e} AS DOUBLE)")
}

/// A SQL text literal.
pub(crate) fn lit_str(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

/// A small table of literal rows, `(VALUES (…), …) AS name(columns)`, to join with the data.
/// Literals travel inside the plan — to Ballista's executors too — where a table registered
/// on the client (a `MemTable`) cannot be shipped. `rows` must not be empty.
pub(crate) fn values_table(
    name: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> String {
    let rows: Vec<String> = rows.map(|r| format!("({})", r.join(", "))).collect();
    format!(
        "(VALUES {}) AS {name}({})",
        rows.join(", "),
        columns.join(", ")
    )
}

/// The rows every plan starts from: `g` the group key as text (the `by` columns joined by
/// U+001F), `x` the value and `w` the person weight as doubles, `h` the stratum and `j` the
/// PSU as text.
pub(crate) fn rows(spec: &Spec) -> String {
    let text = |c: &str| format!("COALESCE(CAST({} AS VARCHAR), '')", ident(c));
    let key = if spec.by.is_empty() {
        "''".to_string()
    } else {
        spec.by
            .iter()
            .map(|c| text(c))
            .collect::<Vec<_>>()
            .join(" || chr(31) || ")
    };
    let double = |c: &str| format!("CAST({} AS DOUBLE)", ident(c));
    let weight = spec
        .weight
        .as_deref()
        .map_or("CAST(1 AS DOUBLE)".to_string(), double);
    let size = spec.size.as_deref().map(double);
    let w = match &size {
        Some(s) if spec.weight.is_some() => format!("{weight} * {s}"),
        Some(s) => s.clone(),
        None => weight,
    };
    let value = double(&spec.value);
    let x = match &size {
        Some(s) if spec.per_capita => format!("{value} / {s}"),
        _ => value,
    };
    let h = spec.strata.as_deref().map_or("''".to_string(), text);
    let j = spec.psu.as_deref().map_or("''".to_string(), text);
    format!("SELECT {key} AS g, {x} AS x, {w} AS w, {h} AS h, {j} AS j FROM households")
}

/// The rows with their range bucket, and the window partition of a (group, bucket) that
/// leaves out a key that is constant (no grouping columns, one bucket): DataFusion drops the
/// sort on a constant column, and a Ballista executor then rejects the deserialized window
/// ("Expects PARTITION BY expression to be ordered").
pub(crate) struct Bucketed {
    /// `SELECT g, x, w, h, j, bucket …`
    pub sql: String,
    /// `PARTITION BY g, bucket`, or fewer keys, or nothing.
    pub partition: String,
}

/// The rows with their bucket: `bounds` cut the value axis, and the bucket is a
/// non-decreasing function of the value (ties share a bucket).
pub(crate) fn bucketed(spec: &Spec, bounds: &[f64]) -> Bucketed {
    let bucket = if bounds.is_empty() {
        "0".to_string()
    } else {
        let arms: Vec<String> = bounds
            .iter()
            .enumerate()
            .map(|(i, b)| format!("WHEN x < {} THEN {i}", lit_f64(*b)))
            .collect();
        format!("CASE {} ELSE {} END", arms.join(" "), bounds.len())
    };
    let keys: Vec<&str> = [(!spec.by.is_empty(), "g"), (!bounds.is_empty(), "bucket")]
        .into_iter()
        .filter_map(|(varies, k)| varies.then_some(k))
        .collect();
    Bucketed {
        sql: format!(
            "SELECT g, x, w, h, j, CAST({bucket} AS BIGINT) AS bucket FROM ({})",
            rows(spec)
        ),
        partition: if keys.is_empty() {
            String::new()
        } else {
            format!("PARTITION BY {}", keys.join(", "))
        },
    }
}

/// Per (group, bucket): rows, `W`, `S`, `T` from a running weight in value order (the
/// engine's sort, which spills), and the smallest and largest value.
pub(crate) fn segments(b: &Bucketed) -> String {
    let (bucketed, partition) = (&b.sql, &b.partition);
    format!(
        "WITH running AS (SELECT g, bucket, x, w, SUM(w) OVER ({partition} ORDER BY x \
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS weight_through \
             FROM ({bucketed})) \
         SELECT g, bucket, COUNT(*) AS n, SUM(w) AS sw, SUM(w * x) AS sx, \
                SUM(w * x * (weight_through - w / 2)) AS t, MIN(x) AS lo, MAX(x) AS hi \
         FROM running GROUP BY g, bucket"
    )
}

/// Per (group, stratum) of the Gini's and the mean's linearized SEs: the PSUs the group
/// touches, the mean PSU total of `w·z` over the stratum's `n_h` PSUs (untouched PSUs count
/// as 0), and the sums of squares about it over the touched PSUs. Each row's influence value
/// `z` comes from its bucket's offsets (`offsets`: `bucket_offsets(og, ob, w_before,
/// s_before, n_total, t_total, gini)`) and the running sums inside the bucket (a `RANGE`
/// window, which takes ties whole); `strata` is `strata(sh, n_h)`. Without a PSU column
/// every row is its own PSU.
pub(crate) fn psu_squares(b: &Bucketed, offsets: &str, strata: &str, psu: bool) -> String {
    let (bucketed, partition) = (&b.sql, &b.partition);
    let per_psu = if psu {
        "SELECT g, h, SUM(uz) AS ug, SUM(um) AS um FROM influence GROUP BY g, h, j"
    } else {
        "SELECT g, h, uz AS ug, um FROM influence"
    };
    format!(
        "WITH running AS (SELECT g, bucket, x, w, h, j, \
             SUM(w) OVER ({partition} ORDER BY x \
                 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cw, \
             SUM(w * x) OVER ({partition} ORDER BY x \
                 RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cs \
           FROM ({bucketed})), \
         influence AS (SELECT running.g AS g, h, j, \
             w * (2 * (x * (w_before + cw) + t_total - (s_before + cs)) / (n_total * t_total) \
                  - (gini + 1) * (1 / n_total + x / t_total)) AS uz, \
             w * (x - t_total / n_total) / n_total AS um \
           FROM running JOIN {offsets} \
             ON running.g = bucket_offsets.og AND running.bucket = bucket_offsets.ob), \
         psu_totals AS ({per_psu}), \
         stratum_means AS (SELECT g AS mg, h AS mh, COUNT(*) AS touched, \
             SUM(ug) / MAX(n_h) AS mean_g, SUM(um) / MAX(n_h) AS mean_m \
           FROM psu_totals JOIN {strata} ON psu_totals.h = strata.sh GROUP BY g, h) \
         SELECT g, h, MAX(touched), MAX(mean_g), MAX(mean_m), \
                SUM((ug - mean_g) * (ug - mean_g)), SUM((um - mean_m) * (um - mean_m)) \
         FROM psu_totals JOIN stratum_means \
           ON psu_totals.g = stratum_means.mg AND psu_totals.h = stratum_means.mh \
         GROUP BY g, h ORDER BY g, h"
    )
}

/// The SQL twin of [`Term::at`]: the term at the value `x` with reference `r` (both SQL
/// expressions); `w * ` before it multiplies as [`Term::weighted`] does.
pub(crate) fn term(term: Term, x: &str, r: &str) -> String {
    let q = format!("({x} / {r})");
    match term {
        Term::Ln => format!("ln({q})"),
        Term::XLnX => format!("{q} * ln({q})"),
        Term::Power(a) => format!("power({q}, {})", lit_f64(a)),
        Term::Gap(alpha) => {
            let gap = if alpha == 0.0 {
                "1".to_string()
            } else if alpha == 1.0 {
                format!("(1 - {q})")
            } else if alpha == 2.0 {
                format!("(1 - {q}) * (1 - {q})")
            } else {
                format!("power(1 - {q}, {})", lit_f64(alpha))
            };
            format!("CASE WHEN {x} < {r} THEN {gap} ELSE 0 END")
        }
    }
}
