"""Rewrites usjoin.csv (one row per state, one column per year) as a long table:
state, state_fips, year, income. Run from this folder: python3 to_long.py"""
import csv

with open("usjoin.csv", newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
with open("us_state_income.csv", "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["state", "state_fips", "year", "income"])
    for j, year in enumerate(header[2:], start=2):
        for r in body:
            out.writerow([r[0], r[1], year, r[j]])
