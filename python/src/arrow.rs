//! Data frames of any library through the Arrow PyCapsule interface: the object's
//! `__arrow_c_stream__` capsule is imported with polars-arrow's C stream reader (the Arrow
//! implementation the library already compiles) into a polars `DataFrame`. Dictionary-encoded
//! columns (pandas `category`, Stata value labels) become their labels.

use crate::GinikitError;
use polars::prelude::*;
use polars_arrow::array::{Array, DictionaryArray, DictionaryKey, StructArray, Utf8ViewArray};
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_arrow::ffi::{ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::prelude::*;

fn fail(what: impl std::fmt::Display) -> PyErr {
    GinikitError::new_err(format!("cannot read the data frame: {what}"))
}

/// The frame behind an object with `__arrow_c_stream__` (pyarrow Table, polars DataFrame,
/// pandas ≥ 2.2 DataFrame, DuckDB relation), or behind such a capsule itself.
pub fn frame_from_stream(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<DataFrame> {
    let capsule = if obj.hasattr("__arrow_c_stream__")? {
        obj.call_method0("__arrow_c_stream__")?
    } else {
        obj.clone()
    };
    // SAFETY: `PyCapsule_GetPointer` checks that `capsule` is a capsule named
    // "arrow_array_stream" and returns its pointer, or NULL with a Python error set.
    let ptr = unsafe {
        pyo3::ffi::PyCapsule_GetPointer(capsule.as_ptr(), c"arrow_array_stream".as_ptr())
    } as *mut ArrowArrayStream;
    if ptr.is_null() {
        return Err(PyErr::take(py).unwrap_or_else(|| {
            fail("the object is not an Arrow C stream (it has no __arrow_c_stream__)")
        }));
    }
    // SAFETY: the pointer is a valid ArrowArrayStream owned by the capsule. Moving it out and
    // leaving a released (empty) stream behind transfers ownership: the capsule's destructor
    // then sees `release == NULL` and does nothing, as the Arrow PyCapsule spec prescribes.
    let stream = unsafe { std::ptr::replace(ptr, ArrowArrayStream::empty()) };
    let columns = py.detach(|| read_stream(stream)).map_err(fail)?;
    let height = columns.first().map_or(0, |c| c.len());
    DataFrame::new(height, columns).map_err(fail)
}

/// Reads every record batch of the stream into one column per field.
fn read_stream(stream: ArrowArrayStream) -> PolarsResult<Vec<Column>> {
    // SAFETY: the stream was moved out of a live capsule and has not been released.
    let mut reader = unsafe { ArrowArrayStreamReader::try_new(Box::new(stream)) }?;
    let ArrowDataType::Struct(fields) = reader.field().dtype.clone() else {
        polars_bail!(ComputeError: "the stream's schema is not a table (a struct of columns)");
    };
    let mut chunks: Vec<Vec<Box<dyn Array>>> = vec![Vec::new(); fields.len()];
    // SAFETY: the reader owns the stream; batches are imported with the stream's schema.
    while let Some(batch) = unsafe { reader.next() } {
        let batch = batch?;
        let Some(table) = batch.as_any().downcast_ref::<StructArray>() else {
            polars_bail!(ComputeError: "a record batch is not a struct array");
        };
        for (slot, child) in chunks.iter_mut().zip(table.values()) {
            slot.push(child.clone());
        }
    }
    fields
        .iter()
        .zip(chunks)
        .map(|(field, arrays)| {
            let arrays = arrays
                .into_iter()
                .map(decode_dictionary)
                .collect::<PolarsResult<Vec<_>>>()?;
            let name = field.name.clone();
            if arrays.is_empty() {
                return Ok(Column::new_empty(name, &DataType::Float64));
            }
            Series::try_from((name, arrays)).map(Column::from)
        })
        .collect()
}

/// A dictionary array as the text of its labels (its keys looked up); other arrays as they are.
fn decode_dictionary(array: Box<dyn Array>) -> PolarsResult<Box<dyn Array>> {
    let ArrowDataType::Dictionary(key, _, _) = array.dtype().clone() else {
        return Ok(array);
    };
    macro_rules! labels {
        ($k:ty) => {
            labels::<$k>(array.as_any().downcast_ref::<DictionaryArray<$k>>())
        };
    }
    match key {
        IntegerType::Int8 => labels!(i8),
        IntegerType::Int16 => labels!(i16),
        IntegerType::Int32 => labels!(i32),
        IntegerType::Int64 => labels!(i64),
        IntegerType::UInt8 => labels!(u8),
        IntegerType::UInt16 => labels!(u16),
        IntegerType::UInt32 => labels!(u32),
        IntegerType::UInt64 => labels!(u64),
        other => polars_bail!(ComputeError: "dictionary keys of type {other:?} are not supported"),
    }
}

/// The labels of a dictionary array, row by row, as text (labels of any type are written as
/// text: they are group names).
fn labels<K: DictionaryKey>(dict: Option<&DictionaryArray<K>>) -> PolarsResult<Box<dyn Array>> {
    let Some(dict) = dict else {
        polars_bail!(ComputeError: "a dictionary column could not be read");
    };
    let values =
        Series::try_from((PlSmallStr::EMPTY, dict.values().clone()))?.cast(&DataType::String)?;
    let values = values.str()?;
    let text: Vec<Option<String>> = dict
        .keys_iter()
        .map(|k| k.and_then(|k| values.get(k).map(str::to_string)))
        .collect();
    Ok(Utf8ViewArray::from_slice(text).boxed())
}
