//! The table path (file → groups → measures) gives exactly what the slice API gives on the
//! same numbers, including the household-to-person expansion.

mod common;

use ginikit::measure::{Measure, Options};
use ginikit::table::{compute, read_table, TableSpec};
use ginikit::SortedSample;

const HOUSEHOLDS: &str = "\
hh,region,area,total,size,wert
1,A,1,300,3,10.5
2,A,2,1000,2,7.25
3,B,1,450,1,12
4,A,1,800,4,3
5,B,2,90,1,20
6,B,1,1200,3,5.5
7,A,2,640,2,9
";

/// Per-capita values from household totals, person weights = weight × size, by region.
fn households_by_region() -> TableSpec {
    TableSpec {
        value: "total".into(),
        weight: Some("wert".into()),
        size: Some("size".into()),
        per_capita: true,
        by: vec!["region".into()],
        ..TableSpec::default()
    }
}

#[test]
fn table_and_slice_apis_agree_bit_for_bit() {
    let f = common::temp_file("hh.csv", HOUSEHOLDS.as_bytes());
    let spec = households_by_region();
    let measures = Measure::parse_list("gini,mean,share_bottom40,theil_t,median").unwrap();
    let rows = compute(
        read_table(&f.path, &spec).unwrap(),
        &measures,
        &Options::default(),
    )
    .unwrap();
    // Region A: households 1, 2, 4, 7 in file order.
    let hh = [
        (300.0, 3.0, 10.5),
        (1000.0, 2.0, 7.25),
        (800.0, 4.0, 3.0),
        (640.0, 2.0, 9.0),
    ];
    let x: Vec<f64> = hh.iter().map(|(t, s, _)| t / s).collect();
    let w: Vec<f64> = hh.iter().map(|(_, s, w)| w * s).collect();
    let s = SortedSample::new(&x, Some(&w)).unwrap();
    assert_eq!(rows.len(), 10);
    for (r, m) in rows[..5].iter().zip(&measures) {
        assert_eq!(r.key, vec!["A".to_string()]);
        let direct = m.evaluate(&s, &Options::default()).unwrap();
        assert_eq!(
            r.estimate.value.to_bits(),
            direct.value.to_bits(),
            "{}",
            m.name()
        );
        assert_eq!(r.estimate.n, 4);
        assert_eq!(
            r.estimate.population,
            10.5 * 3.0 + 7.25 * 2.0 + 3.0 * 4.0 + 9.0 * 2.0
        );
    }
    assert_eq!(rows[5].key, vec!["B".to_string()]);
}

#[test]
fn parquet_and_csv_give_the_same_rows() {
    use polars::prelude::*;
    let f = common::temp_file("hh.csv", HOUSEHOLDS.as_bytes());
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(f.path.clone()))
        .unwrap()
        .finish()
        .unwrap();
    let pq = f.dir.path().join("hh.parquet");
    ParquetWriter::new(std::fs::File::create(&pq).unwrap())
        .finish(&mut df)
        .unwrap();
    let spec = TableSpec {
        value: "total".into(),
        weight: Some("wert".into()),
        by: vec!["region".into(), "area".into()],
        ..TableSpec::default()
    };
    let m = Measure::parse_list("gini,mean").unwrap();
    let a = compute(read_table(&f.path, &spec).unwrap(), &m, &Options::default()).unwrap();
    let b = compute(read_table(&pq, &spec).unwrap(), &m, &Options::default()).unwrap();
    assert_eq!(a, b);
    // Groups in order of first appearance: A/1, A/2, B/1, B/2.
    let keys: Vec<String> = a.iter().step_by(2).map(|r| r.key.join("/")).collect();
    assert_eq!(keys, ["A/1", "A/2", "B/1", "B/2"]);
}

/// A data frame in memory gives exactly the rows the same data give from a file, and its
/// errors name the column and the row.
#[test]
fn tables_from_memory_equal_tables_from_files() {
    use ginikit::table::{frame, from_frame, ColumnData};
    let f = common::temp_file("hh_mem.csv", HOUSEHOLDS.as_bytes());
    let spec = households_by_region();
    let measures = Measure::parse_list("gini,mean,share_bottom40,theil_t,hoover,qsr").unwrap();
    let from_file = compute(
        read_table(&f.path, &spec).unwrap(),
        &measures,
        &Options::default(),
    )
    .unwrap();
    let df = frame(&[
        (
            "region",
            ColumnData::Text(&["A", "A", "B", "A", "B", "B", "A"]),
        ),
        (
            "total",
            ColumnData::Float(&[300.0, 1000.0, 450.0, 800.0, 90.0, 1200.0, 640.0]),
        ),
        ("size", ColumnData::Integer(&[3, 2, 1, 4, 1, 3, 2])),
        (
            "wert",
            ColumnData::Float(&[10.5, 7.25, 12.0, 3.0, 20.0, 5.5, 9.0]),
        ),
    ])
    .unwrap();
    let from_memory = compute(
        from_frame(&df, "df", &spec).unwrap(),
        &measures,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(from_file.len(), from_memory.len());
    for (a, b) in from_file.iter().zip(&from_memory) {
        assert_eq!(a.key, b.key);
        assert_eq!(
            a.estimate.value.to_bits(),
            b.estimate.value.to_bits(),
            "{:?}",
            a.measure
        );
    }
    // A negative weight in the frame's fourth row: the message names the frame, the column
    // and the row.
    let bad = frame(&[
        ("total", ColumnData::Float(&[1.0, 2.0, 3.0, 4.0])),
        ("wert", ColumnData::Float(&[1.0, 1.0, 1.0, -2.0])),
    ])
    .unwrap();
    let spec = TableSpec {
        value: "total".into(),
        weight: Some("wert".into()),
        ..TableSpec::default()
    };
    let e = from_frame(&bad, "households", &spec)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("households: column 'wert'") && e.contains("row 4") && e.contains("-2"),
        "{e}"
    );
}

/// Parquet columns of every integer width, Float16, Float32 and Decimal read as the same
/// numbers as Float64 (files written here with polars' Parquet writer; the values are whole
/// numbers below 10, exact in every type).
#[test]
fn parquet_columns_of_every_numeric_type_are_read() {
    use polars::prelude::*;
    let values: Vec<f64> = vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
    let base = Series::new("x".into(), &values);
    let group = Series::new("g".into(), &[1i8, 1, 2, 2, 1, 2, 1, 2, 1, 2]);
    let reference = {
        let s = SortedSample::new(&values, None).unwrap();
        Measure::parse("gini")
            .unwrap()
            .evaluate(&s, &Options::default())
            .unwrap()
            .value
    };
    let types = [
        DataType::Int8,
        DataType::Int16,
        DataType::Int32,
        DataType::Int64,
        DataType::UInt8,
        DataType::UInt16,
        DataType::UInt32,
        DataType::UInt64,
        DataType::Float16,
        DataType::Float32,
        DataType::Decimal(12, 2),
    ];
    for dtype in types {
        let x = base.cast(&dtype).unwrap();
        let mut df = DataFrame::new(10, vec![x.into(), group.clone().into()]).unwrap();
        let f = common::temp_file("types.parquet", b"");
        let file = std::fs::File::create(&f.path).unwrap();
        ParquetWriter::new(file).finish(&mut df).unwrap();
        let spec = TableSpec {
            value: "x".into(),
            ..TableSpec::default()
        };
        let rows = compute(
            read_table(&f.path, &spec).unwrap(),
            &[Measure::parse("gini").unwrap()],
            &Options::default(),
        )
        .unwrap_or_else(|e| panic!("{dtype:?}: {e}"));
        assert_eq!(rows[0].estimate.value, reference, "{dtype:?}");
        let by_group = TableSpec {
            value: "x".into(),
            by: vec!["g".into()],
            ..TableSpec::default()
        };
        let table = read_table(&f.path, &by_group).unwrap();
        assert_eq!(table.groups.len(), 2, "{dtype:?}: Int8 group keys");
        assert_eq!(table.groups[0].key, vec!["1".to_string()]);
    }
}

/// Weights near the top of the double range and subnormal values give what the same data
/// give in ordinary units (exact power-of-two scalings); money measures scale back.
#[test]
fn weights_and_values_at_the_edges_of_the_double_range() {
    use ginikit::table::{frame, from_frame, ColumnData};
    let x: Vec<f64> = (1..=6).map(f64::from).collect();
    let w = [3.0, 1.0, 2.0, 5.0, 1.0, 4.0];
    let huge_w: Vec<f64> = w.iter().map(|v| v * 2f64.powi(1000)).collect();
    // Subnormal values: 2^-1060 in two steps (2f64.powi(-1060) itself would be 1/inf = 0).
    let tiny = |v: f64| v * 2f64.powi(-530) * 2f64.powi(-530);
    let tiny_x: Vec<f64> = x.iter().map(|&v| tiny(v)).collect();
    let measures = Measure::parse_list("gini,cv,theil_t,mean,median").unwrap();
    let run = |x: &[f64], w: &[f64]| {
        let df = frame(&[("x", ColumnData::Float(x)), ("w", ColumnData::Float(w))]).unwrap();
        let spec = TableSpec {
            value: "x".into(),
            weight: Some("w".into()),
            ..TableSpec::default()
        };
        compute(
            from_frame(&df, "df", &spec).unwrap(),
            &measures,
            &Options::default(),
        )
        .unwrap()
    };
    let plain = run(&x, &w);
    let heavy = run(&x, &huge_w);
    let subnormal = run(&tiny_x, &w);
    for i in 0..measures.len() {
        assert_eq!(
            heavy[i].estimate.value, plain[i].estimate.value,
            "{:?}",
            measures[i]
        );
        let expected = if measures[i].is_money() {
            tiny(plain[i].estimate.value)
        } else {
            plain[i].estimate.value
        };
        assert_eq!(subnormal[i].estimate.value, expected, "{:?}", measures[i]);
    }
    assert_eq!(heavy[0].estimate.population, 16.0 * 2f64.powi(1000));
    // CV of 1..6 with these weights is far from 0 (it was 0 when the squares underflowed).
    assert!(subnormal[1].estimate.value > 0.3);
}

/// A Parquet column longer than one read stretch (2^22 rows) is read in stretches of rows and
/// gives the values written, in order (the Gini equal bit for bit to the one of the same
/// values and weights in memory); a bad cell past the first stretch is named by its row in
/// the file, not in the stretch.
#[test]
fn long_parquet_columns_are_read_in_stretches_with_rows_named_as_in_the_file() {
    use polars::prelude::*;
    let n = (1usize << 22) + 1_000;
    let x: Vec<f64> = (0..n)
        .map(|i| ((i * 7_919) % 100_003) as f64 + 1.0)
        .collect();
    let w: Vec<i64> = (0..n).map(|i| (i % 13) as i64 + 1).collect();
    let write = |x: &[f64], name: &str| {
        let mut df = DataFrame::new(
            n,
            vec![
                Series::new("x".into(), x).into(),
                Series::new("w".into(), &w).into(),
            ],
        )
        .unwrap();
        let f = common::temp_file(name, b"");
        ParquetWriter::new(std::fs::File::create(&f.path).unwrap())
            .with_row_group_size(Some(300_000))
            .finish(&mut df)
            .unwrap();
        f
    };
    let spec = TableSpec {
        value: "x".into(),
        weight: Some("w".into()),
        ..TableSpec::default()
    };
    let good = write(&x, "long.parquet");
    let table = read_table(&good.path, &spec).unwrap();
    let weights: Vec<f64> = w.iter().map(|&v| v as f64).collect();
    assert_eq!(table.groups[0].values, x);
    assert_eq!(table.groups[0].weights.as_deref(), Some(&weights[..]));
    let gini = Measure::parse("gini").unwrap();
    let from_file = compute(table, std::slice::from_ref(&gini), &Options::default()).unwrap();
    let s = SortedSample::new(&x, Some(&weights)).unwrap();
    let from_slices = gini.evaluate(&s, &Options::default()).unwrap().value;
    assert_eq!(from_file[0].estimate.value.to_bits(), from_slices.to_bits());

    let mut bad = x.clone();
    bad[4_194_400] = f64::NAN;
    let damaged = write(&bad, "long-bad.parquet");
    let e = read_table(&damaged.path, &spec).unwrap_err().to_string();
    assert!(e.contains("column 'x'") && e.contains("row 4194401"), "{e}");
}
