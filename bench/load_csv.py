#!/usr/bin/env python3
"""Side-by-side load benchmark: pandas.read_csv against `mlw` loading the same file.

Both run in fresh processes, alternating, on a warm page cache. pandas is timed inside its
process around read_csv only (interpreter and import time excluded); mlw is timed as the
whole process (`mlw replay` of a one-line script: start-up, parse, type inference, file
checksum and data fingerprint), which is the harder comparison for mlw.

Usage: python3 bench/load_csv.py DATA.csv [--mlw .build/release/mlw] [--repeat 5]
Prints one JSON line per implementation and a ratio line.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("csv")
ap.add_argument("--mlw", default=".build/release/mlw")
ap.add_argument("--repeat", type=int, default=5)
ap.add_argument("--python", default=sys.executable)
a = ap.parse_args()

script = tempfile.NamedTemporaryFile("w", suffix=".mlw", delete=False)
script.write(f'load "{os.path.abspath(a.csv)}" as data\n')
script.close()
pandas_code = ("import time, pandas as pd\nt=time.perf_counter()\ndf=pd.read_csv(%r)\n"
               "print(time.perf_counter()-t, len(df), df.shape[1])" % os.path.abspath(a.csv))

subprocess.run(["cat", a.csv], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
times = {"pandas": [], "mlw": []}
for _ in range(a.repeat):
    out = subprocess.run([a.python, "-c", pandas_code], capture_output=True, text=True, check=True).stdout.split()
    times["pandas"].append(float(out[0]))
    t = time.perf_counter()
    subprocess.run([a.mlw, "replay", script.name, "-q"], check=True, stdout=subprocess.DEVNULL)
    times["mlw"].append(time.perf_counter() - t)
for impl, ts in times.items():
    print(json.dumps({"workload": "load_csv", "impl": impl, "median_s": round(statistics.median(ts), 4),
                      "times_s": [round(x, 4) for x in ts], "file": os.path.basename(a.csv)}))
print(json.dumps({"ratio_pandas_over_mlw": round(statistics.median(times["pandas"]) / statistics.median(times["mlw"]), 2),
                  "loadavg": os.getloadavg()}))
os.unlink(script.name)
