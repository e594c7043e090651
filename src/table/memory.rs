//! Tables from memory: columns given as slices become a polars data frame for
//! [`super::from_frame`], the same pipeline files go through.

use crate::error::{Error, Result};
use polars::prelude::*;

/// One column's data.
#[derive(Debug, Clone, Copy)]
pub enum ColumnData<'a> {
    /// Numbers (values, weights, sizes, fpc).
    Float(&'a [f64]),
    /// Integer codes (provinces, strata, PSUs).
    Integer(&'a [i64]),
    /// Text (group names, codes written as text such as `01`).
    Text(&'a [&'a str]),
}

impl ColumnData<'_> {
    fn len(&self) -> usize {
        match self {
            ColumnData::Float(v) => v.len(),
            ColumnData::Integer(v) => v.len(),
            ColumnData::Text(v) => v.len(),
        }
    }
}

/// A data frame from named columns of equal length (the data are copied once).
///
/// ```
/// use ginikit::table::{frame, ColumnData};
/// let df = frame(&[("x", ColumnData::Float(&[1.0, 2.0])), ("g", ColumnData::Integer(&[1, 1]))]).unwrap();
/// assert_eq!(df.shape(), (2, 2));
/// assert!(frame(&[("x", ColumnData::Float(&[1.0])), ("g", ColumnData::Integer(&[1, 2]))]).is_err());
/// ```
pub fn frame(columns: &[(&str, ColumnData<'_>)]) -> Result<DataFrame> {
    let n = columns.first().map_or(0, |(_, c)| c.len());
    if let Some((name, c)) = columns.iter().find(|(_, c)| c.len() != n) {
        return Err(Error::InvalidParameter {
            name: "column length",
            value: format!("column '{name}' has {} rows", c.len()),
            expected: format!("{n} rows, as the column '{}' has", columns[0].0),
        });
    }
    let series: Vec<Column> = columns
        .iter()
        .map(|(name, data)| {
            let name = PlSmallStr::from(*name);
            match data {
                ColumnData::Float(v) => Series::new(name, v),
                ColumnData::Integer(v) => Series::new(name, v),
                ColumnData::Text(v) => Series::new(name, v),
            }
            .into()
        })
        .collect();
    DataFrame::new(n, series).map_err(|e| Error::InvalidParameter {
        name: "columns",
        value: e.to_string(),
        expected: "distinct column names".into(),
    })
}
