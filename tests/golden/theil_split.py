"""Reference values for tests/decompose.rs: PySAL inequality 1.2's TheilD (static Theil T
split by groups, unweighted) on tests/golden/relative_poverty_data.csv (income by region).
Run with inequality 1.2 installed: python tests/golden/theil_split.py > tests/golden/theil_split.csv
"""
import csv

import inequality
import numpy as np

rows = list(csv.DictReader(open("tests/golden/relative_poverty_data.csv")))
y = np.array([float(r["income"]) for r in rows])
g = np.array([r["region"] for r in rows])
t = inequality.theil.TheilD(y, g)
print("component,expected,call")
print(f"total,{float(np.ravel(t.T)[0])!r},inequality.theil.TheilD(y; region).T")
print(f"between,{float(np.ravel(t.bg)[0])!r},inequality.theil.TheilD(y; region).bg")
print(f"within,{float(np.ravel(t.wg)[0])!r},inequality.theil.TheilD(y; region).wg")
