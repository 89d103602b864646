#!/usr/bin/env python3
"""Least squares on many one-hot columns: scikit-learn's LinearRegression against mlw's
`train linear`, on the same generated CSV (ROWS rows; one text column with LEVELS levels,
one-hot encoded, and one number column). This is the shape that made mlw's old Jacobi
eigen-solver take 27 s at 600 columns.

Both are timed in their own process around the fit alone: scikit-learn's
`LinearRegression().fit` on the dense encoded matrix; mlw's `train` step from
`mlw replay --timings` (the Gram matrix from the table's columns, the solve, and the
test-free model). Reports the medians and scikit-learn/mlw.

Usage: python3 bench/wide_linear.py [--rows 4000] [--levels 600] [--repeat 5] [--python PY]
"""
import json, os, random, statistics, subprocess, tempfile
from common import arguments, mlw_script, step_seconds

ap = arguments("scikit-learn against mlw: least squares on many one-hot columns", csv=False)
ap.add_argument("--rows", type=int, default=4000)
ap.add_argument("--levels", type=int, default=600)
a = ap.parse_args()

rng = random.Random(1)
csv = os.path.join(tempfile.gettempdir(), f"mlw-wide-{a.rows}-{a.levels}.csv")
with open(csv, "w") as f:
    f.write("c,x,y\n")
    for _ in range(a.rows):
        k = rng.randrange(a.levels)
        x = rng.random()
        f.write(f"k{k},{x},{0.01 * k + 2 * x + rng.gauss(0, 0.1)}\n")
script = mlw_script(f'load "{csv}" as wide\ntarget y regression\nencode onehot c\ntrain linear\n')

SKLEARN = r'''
import sys, time, pandas as pd, numpy as np
from sklearn.preprocessing import OneHotEncoder
from sklearn.linear_model import LinearRegression
df = pd.read_csv(sys.argv[1])
X = np.hstack([OneHotEncoder(sparse_output=False).fit_transform(df[["c"]]), df[["x"]].to_numpy()])
start = time.perf_counter()
LinearRegression().fit(X, df["y"].to_numpy())
print(time.perf_counter() - start)
'''

times = {"scikit-learn": [], "mlw": []}
try:
    for _ in range(a.repeat):
        out = subprocess.run([a.python, "-c", SKLEARN, csv], check=True, capture_output=True, text=True).stdout
        times["scikit-learn"].append(float(out.strip().splitlines()[-1]))
        run = subprocess.run([a.mlw, "replay", script, "--timings", "--quiet"], check=True, capture_output=True, text=True)
        times["mlw"].append(next(s for s, step in step_seconds(run.stderr) if step.startswith("train ")))
finally:
    os.unlink(script)
for impl, runs in times.items():
    print(json.dumps({"workload": f"linear {a.rows}x{a.levels + 1}", "impl": impl, "median_s": round(statistics.median(runs), 4),
                      "times_s": [round(x, 4) for x in runs]}))
ratio = statistics.median(times["scikit-learn"]) / statistics.median(times["mlw"])
print(json.dumps({"ratio_sklearn_over_mlw": round(ratio, 2), "loadavg": os.getloadavg()}))
