#!/usr/bin/env python3
"""Side-by-side load benchmark: pandas.read_csv and polars.read_csv against `mlw` loading
the same file.

All run in fresh processes, alternating, on a warm page cache. pandas and polars are timed
inside their processes around read_csv only (interpreter and import time excluded); mlw is
timed as the whole process (`mlw replay` of a one-line script: start-up, parse, type
inference, file checksum and data fingerprint), which is the harder comparison for mlw.
mlw's `load` step alone (from `--timings`, the same span pandas' and polars' figures cover:
reading the file into a table) is reported too, as `mlw_step`. Peak memory is each
process's maximum resident set (ru_maxrss), interpreter included.

Usage: python3 bench/load_csv.py DATA.csv [--mlw .build/release/mlw] [--repeat 5]
Prints one JSON line per implementation and the ratios.
"""
import json, os, statistics, subprocess, time
from common import arguments, mlw_script, step_seconds

a = arguments("pandas and polars read_csv against mlw loading the same file").parse_args()
path = os.path.abspath(a.csv)
script = mlw_script(f'load "{path}" as data\n')
python_code = {
    "pandas": "import time, pandas as pd\nt=time.perf_counter()\ndf=pd.read_csv(%r)\nprint(time.perf_counter()-t, len(df), df.shape[1])",
    "polars": "import time, polars as pl\nt=time.perf_counter()\ndf=pl.read_csv(%r)\nprint(time.perf_counter()-t, df.height, df.width)",
}


def run(command):
    """(stdout and stderr, seconds of the whole process, peak RSS in MB) of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{command[0]} failed")
    return out, time.perf_counter() - start, usage.ru_maxrss / 1024


subprocess.run(["cat", a.csv], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
times = {"pandas": [], "polars": [], "mlw": [], "mlw_step": []}
memory = {name: [] for name in times}
for _ in range(a.repeat):
    for impl, code in python_code.items():
        out, _, rss = run([a.python, "-c", code % path])
        times[impl].append(float(out.split()[0]))
        memory[impl].append(rss)
    out, seconds, rss = run([a.mlw, "replay", script, "-q", "--timings"])
    times["mlw"].append(seconds)
    times["mlw_step"].append(sum(s for s, step in step_seconds(out) if step.startswith("load ")))
    memory["mlw"].append(rss)
    memory["mlw_step"].append(rss)
for impl, runs in times.items():
    print(json.dumps({"workload": "load_csv", "impl": impl, "median_s": round(statistics.median(runs), 4),
                      "times_s": [round(x, 4) for x in runs], "peak_rss_mb": round(max(memory[impl])),
                      "file": os.path.basename(a.csv)}))
mlw, step = statistics.median(times["mlw"]), statistics.median(times["mlw_step"])
pandas, polars = statistics.median(times["pandas"]), statistics.median(times["polars"])
print(json.dumps({"pandas_over_mlw_process": round(pandas / mlw, 2), "polars_over_mlw_process": round(polars / mlw, 2),
                  "pandas_over_mlw_step": round(pandas / step, 2), "polars_over_mlw_step": round(polars / step, 2),
                  "loadavg": os.getloadavg()}))
os.unlink(script)
