"""Makes the tidy BPS tables of this folder from the compiled facts (the four bps_*.csv files
given as arguments, in the order national Gini, shares, poverty, province). Rules are in CARD.md.

    python3 tidy.py bps_gini_national.csv bps_expenditure_shares_national.csv \
        bps_poverty_national.csv bps_province_poverty_gini_2016_2021.csv
"""
import csv
import sys

STATUS_RANK = {"official": 0, "confirmed": 1, "official_2dp": 2, "compiled": 3, "derived_from_text": 4,
               "single_source": 5, "github_compilation": 6,
               "two_github_compilations_agree": 7, "secondary": 8}


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write(path, fields, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def best_per_key(rows, key):
    chosen = {}
    for r in rows:
        if r["status"] not in STATUS_RANK:
            continue  # typo_in_source, derived_unconfirmed, …: kept out, listed in CARD.md
        k = key(r)
        if k not in chosen or STATUS_RANK[r["status"]] < STATUS_RANK[chosen[k]["status"]]:
            chosen[k] = r
    return sorted(chosen.values(), key=key)


gini_path, shares_path, poverty_path, province_path = sys.argv[1:5]
gini = best_per_key(read(gini_path), lambda r: (r["period"], r["area"]))
write("gini_national.csv", ["period", "area", "gini", "status", "source", "note"], gini)
shares = best_per_key(read(shares_path), lambda r: (r["period"], r["area"]))
write("shares_national.csv", ["period", "area", "bottom40", "middle40", "top20", "status", "source", "note"], shares)
poverty = read(poverty_path)
write("poverty_national.csv", list(poverty[0].keys()), poverty)

cells, seen = [], set()
for r in read(province_path):
    k = (r["province_code"], r["period"], r["area"])
    if k in seen:
        continue  # Aceh: duplicated rows; the first is kept (CARD.md)
    seen.add(k)
    cells.append(r)
write("province_cells.csv", list(cells[0].keys()), cells)
