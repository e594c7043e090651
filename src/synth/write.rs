//! Writing synthetic household tables as Parquet or CSV.

use super::Households;
use crate::error::{Error, Result};
use crate::table::InputFormat;
use polars::prelude::*;
use std::path::Path;

/// The household table as a polars frame, columns in the documented order.
pub fn households_frame(h: &Households) -> Result<DataFrame> {
    let n = h.len();
    let columns: Vec<Column> = vec![
        Column::new("round".into(), vec![h.round.as_str(); n]),
        Column::new("household_id".into(), &h.household_id),
        Column::new("province_code".into(), &h.province_code),
        Column::new("province".into(), &h.province),
        Column::new("area".into(), &h.area),
        Column::new("stratum".into(), &h.stratum),
        Column::new("psu".into(), &h.psu),
        Column::new("household_size".into(), &h.household_size),
        Column::new("weight".into(), &h.weight),
        Column::new("expenditure_per_capita".into(), &h.expenditure_per_capita),
        Column::new("food_per_capita".into(), &h.food_per_capita),
        Column::new("nonfood_per_capita".into(), &h.nonfood_per_capita),
        Column::new("pkh".into(), &h.pkh),
        Column::new("bpnt".into(), &h.bpnt),
        Column::new("rastra".into(), &h.rastra),
        Column::new("kube".into(), &h.kube),
        Column::new("pkh_per_capita".into(), &h.pkh_per_capita),
        Column::new("bpnt_per_capita".into(), &h.bpnt_per_capita),
        Column::new("rastra_per_capita".into(), &h.rastra_per_capita),
    ];
    DataFrame::new(n, columns).map_err(|e| Error::Output {
        target: "household table".into(),
        message: e.to_string(),
    })
}

/// Writes the household table to `path` (Parquet with zstd, or CSV).
pub fn write_households(h: &Households, path: &Path, format: InputFormat) -> Result<()> {
    let fail = |e: &dyn std::fmt::Display| Error::Output {
        target: path.display().to_string(),
        message: e.to_string(),
    };
    let mut df = households_frame(h)?;
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    match format {
        InputFormat::Parquet => ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| fail(&e)),
        InputFormat::Csv => CsvWriter::new(file).finish(&mut df).map_err(|e| fail(&e)),
        InputFormat::Stata | InputFormat::Spss => Err(fail(&"writes CSV or Parquet only")),
    }
}
