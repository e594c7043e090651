//! Turning polars columns into validated `f64` values and integer key codes.

use crate::error::{Error, Location, Position, Result};
use crate::kernel::hash::FastMap;
use polars::prelude::*;
use std::path::Path;

/// An unexpected polars failure on a column that was already found in the file.
fn malformed(path: &Path, e: PolarsError) -> Error {
    Error::Malformed {
        path: path.to_path_buf(),
        format: "table".into(),
        message: e.to_string(),
    }
}

fn location(path: &Path, column: &str) -> Location {
    Location::column(path.to_path_buf(), column.to_string())
}

/// A numeric column as `f64`, rejecting empty cells, text and NaN/infinity with the first
/// offending data row (1-based).
pub(crate) fn numeric_column(df: &DataFrame, path: &Path, name: &str) -> Result<Vec<f64>> {
    let col = df.column(name).map_err(|e| malformed(path, e))?;
    numeric_series(col.as_materialized_series().clone(), path, name)
}

/// [`numeric_column`] of a series handed over: when the frame no longer holds it, each chunk
/// is freed once converted, so the column and its `f64` copy are never both whole in memory.
pub(crate) fn numeric_series(series: Series, path: &Path, name: &str) -> Result<Vec<f64>> {
    let mut values = crate::kernel::memory::huge_vec(series.len());
    append_numeric(series, path, name, &mut values)?;
    Ok(values)
}

/// [`numeric_series`] appended to `out`: a column read in stretches is converted straight
/// into its one output, with no buffer per stretch to fill and copy. On an error `out` holds
/// part of the series; the error's row counts from the series' first.
pub(crate) fn append_numeric(
    series: Series,
    path: &Path,
    name: &str,
    out: &mut Vec<f64>,
) -> Result<()> {
    let start = out.len();
    match series.dtype() {
        DataType::String => parse_text(&series, path, name, out)?,
        // Every integer width, Float16/32/64 and Decimal are cast to f64 (Decimal to the
        // nearest double).
        // The common types are converted chunk by chunk straight into the output: no
        // temporary f64 column beside the original.
        DataType::Float64 => {
            reject_nulls(&series, path, name)?;
            converted::<Float64Type>(series, |v| v, out)
        }
        DataType::Int64 => {
            reject_nulls(&series, path, name)?;
            converted::<Int64Type>(series, |v| v as f64, out)
        }
        DataType::Int32 => {
            reject_nulls(&series, path, name)?;
            converted::<Int32Type>(series, f64::from, out)
        }
        dt if dt.is_primitive_numeric() || dt.is_decimal() => {
            reject_nulls(&series, path, name)?;
            let cast = series
                .cast(&DataType::Float64)
                .map_err(|e| malformed(path, e))?;
            drop(series);
            converted::<Float64Type>(cast, |v| v, out)
        }
        other => {
            let text = series
                .get(0)
                .map(|v| v.to_string())
                .unwrap_or_else(|_| format!("{other}"));
            return Err(Error::NonNumeric {
                location: location(path, name),
                count: series.len(),
                first: Position::Row(1),
                text,
            });
        }
    }
    if let Some((count, first, value)) = crate::sample::find_bad(&out[start..], |x| !x.is_finite())
    {
        return Err(Error::NonFinite {
            location: location(path, name),
            count,
            first: Position::Row(first + 1),
            value,
        });
    }
    Ok(())
}

/// The values of a numeric column of type `T` without nulls, each converted by `f` and
/// appended to `out`, chunk by chunk, each chunk dropped once converted.
fn converted<T: PolarsNumericType>(
    series: Series,
    f: impl Fn(T::Native) -> f64,
    out: &mut Vec<f64>,
) {
    let dtype = series.dtype().clone();
    out.reserve(series.len());
    for chunk in series.into_chunks() {
        // SAFETY: the chunk comes from a series of type `dtype`.
        let one = unsafe {
            Series::from_chunks_and_dtype_unchecked(PlSmallStr::EMPTY, vec![chunk], &dtype)
        };
        let ca = one
            .unpack::<T>()
            .expect("a chunk of a column holds that column's type");
        for arr in ca.downcast_iter() {
            out.extend(arr.values().iter().map(|&v| f(v)));
        }
    }
}

fn reject_nulls(series: &Series, path: &Path, name: &str) -> Result<()> {
    let nulls = series.null_count();
    if nulls == 0 {
        return Ok(());
    }
    let mask = series.is_null();
    let first = mask.iter().position(|m| m == Some(true)).unwrap_or(0);
    Err(Error::Missing {
        location: location(path, name),
        count: nulls,
        first: Position::Row(first + 1),
    })
}

/// The numbers written in a text column, appended to `out`; a cell that is empty or not a
/// number is an error naming the first such row (counted from the series' first).
fn parse_text(series: &Series, path: &Path, name: &str, out: &mut Vec<f64>) -> Result<()> {
    reject_nulls(series, path, name)?;
    let ca = series.str().map_err(|e| malformed(path, e))?;
    out.reserve(ca.len());
    let mut bad: Option<(usize, String)> = None;
    let mut bad_count = 0usize;
    let mut empty: Option<usize> = None;
    let mut empty_count = 0usize;
    for (i, cell) in ca.iter().enumerate() {
        let text = cell.unwrap_or("").trim();
        if text.is_empty() {
            empty_count += 1;
            empty.get_or_insert(i);
            out.push(f64::NAN);
            continue;
        }
        match text.parse::<f64>() {
            Ok(v) => out.push(v),
            Err(_) => {
                bad_count += 1;
                bad.get_or_insert((i, text.to_string()));
                out.push(f64::NAN);
            }
        }
    }
    if let Some((i, text)) = bad {
        return Err(Error::NonNumeric {
            location: location(path, name),
            count: bad_count,
            first: Position::Row(i + 1),
            text,
        });
    }
    if let Some(i) = empty {
        return Err(Error::Missing {
            location: location(path, name),
            count: empty_count,
            first: Position::Row(i + 1),
        });
    }
    Ok(())
}

/// A key column (text or numbers) as dense codes in order of first appearance, with the
/// label of each code written as in the file. Empty cells are an error.
pub(crate) fn key_codes(
    df: &DataFrame,
    path: &Path,
    name: &str,
) -> Result<(Vec<u32>, Vec<String>)> {
    let col = df.column(name).map_err(|e| malformed(path, e))?;
    let series = col.as_materialized_series();
    reject_nulls(series, path, name)?;
    if series.dtype().is_integer() {
        return integer_codes(series, path);
    }
    let text = series
        .cast(&DataType::String)
        .map_err(|e| malformed(path, e))?;
    let ca = text.str().map_err(|e| malformed(path, e))?;
    let mut map: FastMap<&str, u32> = FastMap::default();
    let mut labels: Vec<String> = Vec::new();
    let mut codes = Vec::with_capacity(ca.len());
    for cell in ca.iter() {
        let cell = cell.unwrap_or("");
        let next = labels.len() as u32;
        let code = *map.entry(cell).or_insert_with(|| {
            labels.push(cell.to_string());
            next
        });
        codes.push(code);
    }
    Ok((codes, labels))
}

/// Integer keys coded without going through text: one hash of an `i64` per row.
fn integer_codes(series: &Series, path: &Path) -> Result<(Vec<u32>, Vec<String>)> {
    let cast = series
        .cast(&DataType::Int64)
        .map_err(|e| malformed(path, e))?;
    let ca = cast.i64().map_err(|e| malformed(path, e))?;
    // Codes in a range not much wider than the rows (census blocks, strata, provinces) are
    // looked up in a vector: the same codes as the hash map, several times faster.
    let bounds = ca.min().zip(ca.max());
    if let Some((low, high)) = bounds {
        let span = i128::from(high) - i128::from(low);
        if span < 4 * ca.len() as i128 + 1024 {
            let mut slot = vec![u32::MAX; span as usize + 1];
            let mut labels: Vec<String> = Vec::new();
            let mut codes = crate::kernel::memory::huge_vec(ca.len());
            for arr in ca.downcast_iter() {
                for &v in arr.values().iter() {
                    let s = &mut slot[(i128::from(v) - i128::from(low)) as usize];
                    if *s == u32::MAX {
                        *s = labels.len() as u32;
                        labels.push(v.to_string());
                    }
                    codes.push(*s);
                }
            }
            return Ok((codes, labels));
        }
    }
    let mut map: FastMap<i64, u32> = FastMap::default();
    let mut labels: Vec<String> = Vec::new();
    let mut codes = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        for &v in arr.values().iter() {
            let next = labels.len() as u32;
            let code = *map.entry(v).or_insert_with(|| {
                labels.push(v.to_string());
                next
            });
            codes.push(code);
        }
    }
    Ok((codes, labels))
}
