#!/usr/bin/env python3
"""Side-by-side exploration benchmark: pandas against mlw's inspection commands.

Each repetition runs one pandas process and one `mlw replay --timings` of the same steps on
the same file; both time each operation in-process, loading excluded. `profile` has no
pandas counterpart and is reported alone.

| operation | pandas | mlw |
| describe  | df.describe(include='all') | describe |
| corr      | df.corr(numeric_only=True) | corr |
| counts    | df[col].value_counts(dropna=False) | counts col |
| group     | df.groupby(key).agg(mean, count) | group key agg mean(x), count() |
| hist      | numpy.histogram(df[x].dropna(), bins=20) | hist x |

Usage: python3 bench/explore.py DATA.csv [--mlw .build/release/mlw] [--repeat 5]
"""
import json, os, statistics, subprocess
from common import arguments, mlw_script, step_seconds

a = arguments("pandas against mlw's describe, corr, counts, group, hist and profile").parse_args()
path = os.path.abspath(a.csv)
steps = {"describe": "describe", "corr": "corr", "counts": "counts cat_b", "group": "group cat_a agg mean(f00), count()",
         "hist": "hist f03", "profile": "profile"}
script = mlw_script(f'load "{path}" as data\n' + "\n".join(steps.values()) + "\n")
pandas_code = """import json, time, numpy as np, pandas as pd
df = pd.read_csv(%r)
out = {}
def timed(name, f):
    t = time.perf_counter(); f(); out[name] = time.perf_counter() - t
timed("describe", lambda: df.describe(include="all"))
timed("corr", lambda: df.corr(numeric_only=True))
timed("counts", lambda: df["cat_b"].value_counts(dropna=False))
timed("group", lambda: df.groupby("cat_a").agg(m=("f00", "mean"), n=("f00", "size")))
timed("hist", lambda: np.histogram(df["f03"].dropna(), bins=20))
print(json.dumps(out))""" % path

times = {name: {"pandas": [], "mlw": []} for name in steps}
for _ in range(a.repeat):
    pandas = json.loads(subprocess.run([a.python, "-c", pandas_code], capture_output=True, text=True, check=True).stdout)
    for name, seconds in pandas.items():
        times[name]["pandas"].append(seconds)
    err = subprocess.run([a.mlw, "replay", script, "-q", "--timings"], capture_output=True, text=True, check=True).stderr
    measured = dict((step, seconds) for seconds, step in step_seconds(err))
    for name, step in steps.items():
        times[name]["mlw"].append(measured[step])
for name, runs in times.items():
    row = {"operation": name, "mlw_median_s": round(statistics.median(runs["mlw"]), 4), "mlw_s": [round(x, 4) for x in runs["mlw"]]}
    if runs["pandas"]:
        row.update(pandas_median_s=round(statistics.median(runs["pandas"]), 4), pandas_s=[round(x, 4) for x in runs["pandas"]],
                   pandas_over_mlw=round(statistics.median(runs["pandas"]) / statistics.median(runs["mlw"]), 2))
    print(json.dumps(row))
print(json.dumps({"file": os.path.basename(a.csv), "loadavg": os.getloadavg()}))
os.unlink(script)
