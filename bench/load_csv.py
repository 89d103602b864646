#!/usr/bin/env python3
"""Side-by-side load benchmark: pandas.read_csv against `mlw` loading the same file.

Both run in fresh processes, alternating, on a warm page cache. pandas is timed inside its
process around read_csv only (interpreter and import time excluded); mlw is timed as the
whole process (`mlw replay` of a one-line script: start-up, parse, type inference, file
checksum and data fingerprint), which is the harder comparison for mlw.

Usage: python3 bench/load_csv.py DATA.csv [--mlw .build/release/mlw] [--repeat 5]
Prints one JSON line per implementation and a ratio line.
"""
import os, subprocess, time
from common import arguments, mlw_script, report

a = arguments("pandas.read_csv against mlw loading the same file").parse_args()
path = os.path.abspath(a.csv)
script = mlw_script(f'load "{path}" as data\n')
pandas_code = ("import time, pandas as pd\nt=time.perf_counter()\ndf=pd.read_csv(%r)\n"
               "print(time.perf_counter()-t, len(df), df.shape[1])" % path)

subprocess.run(["cat", a.csv], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
times = {"pandas": [], "mlw": []}
for _ in range(a.repeat):
    out = subprocess.run([a.python, "-c", pandas_code], capture_output=True, text=True, check=True).stdout.split()
    times["pandas"].append(float(out[0]))
    t = time.perf_counter()
    subprocess.run([a.mlw, "replay", script, "-q"], check=True, stdout=subprocess.DEVNULL)
    times["mlw"].append(time.perf_counter() - t)
report("load_csv", times, file=os.path.basename(a.csv))
os.unlink(script)
