#!/usr/bin/env python3
"""Side-by-side `describe` benchmark: pandas DataFrame.describe() against mlw's `describe`.

Both are timed in-process around the summary only (loading excluded): pandas with
perf_counter, mlw with `mlw replay --timings`. Alternating runs; medians and the ratio.
Usage: python3 bench/describe.py DATA.csv [--mlw .build/release/mlw] [--repeat 5]
"""
import os, subprocess
from common import arguments, mlw_script, report, step_seconds

a = arguments("pandas describe() against mlw's describe").parse_args()
path = os.path.abspath(a.csv)
script = mlw_script(f'load "{path}" as data\ndescribe\n')
pandas_code = ("import time, pandas as pd\ndf=pd.read_csv(%r)\nt=time.perf_counter()\n"
               "d=df.describe(include='all')\nprint(time.perf_counter()-t)" % path)
times = {"pandas": [], "mlw": []}
for _ in range(a.repeat):
    times["pandas"].append(float(subprocess.run([a.python, "-c", pandas_code], capture_output=True, text=True, check=True).stdout))
    err = subprocess.run([a.mlw, "replay", script, "-q", "--timings"], capture_output=True, text=True, check=True).stderr
    times["mlw"].append(sum(seconds for seconds, step in step_seconds(err) if step == "describe"))
report("describe", times, file=os.path.basename(a.csv))
os.unlink(script)
