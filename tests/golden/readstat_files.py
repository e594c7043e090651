"""Writes the Stata and SPSS test files of tests/readstat.rs with independent tools: pandas
3.1.1 `DataFrame.to_stata` (value labels from categorical columns) and pyreadstat 1.3.8
`write_sav` (value labels given), from the same generated households, plus the same table as
CSV for comparison. Run: python tests/golden/readstat_files.py
"""
import numpy as np
import pandas as pd
import pyreadstat

rng = np.random.default_rng(2018)
n = 600
province = rng.choice([11, 12, 31, 35], n)
area = rng.choice([1, 2], n, p=[0.55, 0.45])
size = rng.integers(1, 8, n)
weight = np.round(rng.uniform(50, 400, n), 3)
kapita = np.round(np.exp(rng.normal(13.6, 0.6, n)))
strata = province * 10 + area
psu = np.arange(n) // 6 + 1
names = {11: "ACEH", 12: "SUMATERA UTARA", 31: "DKI JAKARTA", 35: "JAWA TIMUR"}
areas = {1: "Perkotaan", 2: "Perdesaan"}

base = pd.DataFrame({"kapita": kapita, "wert": weight, "r301": size, "r101": province, "r105": area,
                     "strata": strata, "psu": psu})
# The CSV holds the labels as text, as the labelled files decode them.
csv = base.assign(r101=base["r101"].map(names), r105=base["r105"].map(areas))
csv.to_csv("tests/golden/households_labels.csv", index=False)

dta = base.copy()
dta["r101"] = pd.Categorical(dta["r101"].map(names))
dta["r105"] = pd.Categorical(dta["r105"].map(areas))
dta.to_stata("tests/golden/households.dta", write_index=False, version=118)

pyreadstat.write_sav(base, "tests/golden/households.sav",
                     variable_value_labels={"r101": names, "r105": areas})

# The other layouts the reader handles, each the same table (tests/readstat.rs compares every
# one with the CSV): the binary header of Stata 8-12 (format 114), format 117 with the
# province as a long string (strL), format 119, big-endian bytes, and SPSS's bytecode and
# zlib compression.
dta.to_stata("tests/golden/households_114.dta", write_index=False, version=114)
strl = base.assign(r101=base["r101"].map(names), r105=pd.Categorical(base["r105"].map(areas)))
strl.to_stata("tests/golden/households_117.dta", write_index=False, version=117,
              convert_strl=["r101"])
dta.to_stata("tests/golden/households_119.dta", write_index=False, version=119)
dta.to_stata("tests/golden/households_msf.dta", write_index=False, version=118, byteorder="big")
pyreadstat.write_sav(base, "tests/golden/households_bytecode.sav", row_compress=True,
                     variable_value_labels={"r101": names, "r105": areas})
pyreadstat.write_sav(base, "tests/golden/households.zsav", compress=True,
                     variable_value_labels={"r101": names, "r105": areas})

# Missing values: Stata's `.` in row 7 of kapita; in SPSS the code -99, declared missing.
missing = dta.copy()
missing.loc[6, "kapita"] = np.nan
missing.to_stata("tests/golden/households_missing.dta", write_index=False, version=118)
coded = base.copy()
coded.loc[6, "kapita"] = -99.0
pyreadstat.write_sav(coded, "tests/golden/households_missing.sav", missing_ranges={"kapita": [-99.0]},
                     variable_value_labels={"r101": names, "r105": areas})
