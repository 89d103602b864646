#!/usr/bin/env python3
"""Side-by-side `describe` benchmark: pandas DataFrame.describe() against mlw's `describe`.

Both are timed in-process around the summary only (loading excluded): pandas with
perf_counter, mlw with `mlw replay --timings`. Alternating runs; medians and the ratio.
Usage: python3 bench/describe.py DATA.csv [--mlw .build/release/mlw] [--repeat 5]
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("csv")
ap.add_argument("--mlw", default=".build/release/mlw")
ap.add_argument("--repeat", type=int, default=5)
ap.add_argument("--python", default=sys.executable)
a = ap.parse_args()
path = os.path.abspath(a.csv)
script = tempfile.NamedTemporaryFile("w", suffix=".mlw", delete=False)
script.write(f'load "{path}" as data\ndescribe\n')
script.close()
pandas_code = ("import time, pandas as pd\ndf=pd.read_csv(%r)\nt=time.perf_counter()\n"
               "d=df.describe(include='all')\nprint(time.perf_counter()-t)" % path)
times = {"pandas": [], "mlw": []}
for _ in range(a.repeat):
    times["pandas"].append(float(subprocess.run([a.python, "-c", pandas_code], capture_output=True, text=True, check=True).stdout))
    err = subprocess.run([a.mlw, "replay", script.name, "-q", "--timings"], capture_output=True, text=True, check=True).stderr
    times["mlw"].append(float(re.search(r"([\d.]+) ms  describe", err).group(1)) / 1000)
for impl, ts in times.items():
    print(json.dumps({"workload": "describe", "impl": impl, "median_s": round(statistics.median(ts), 4),
                      "times_s": [round(x, 4) for x in ts]}))
print(json.dumps({"ratio_pandas_over_mlw": round(statistics.median(times["pandas"]) / statistics.median(times["mlw"]), 2)}))
os.unlink(script.name)
