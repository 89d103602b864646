#!/usr/bin/env python3
"""Side-by-side tuning benchmark: scikit-learn's RandomizedSearchCV against `mlw`'s `tune`.

Both search the same space with the same budget on the same rows: the first N rows of the
benchmark file, split 80/20, and on the training rows a random search of `--trials`
candidates, each scored by `--cv`-fold stratified cross-validation on accuracy, the
preparation (numeric: mean-impute and standard-scale; text: impute "missing" and one-hot
encode) fitted again inside each fold (scikit-learn: a Pipeline searched whole; mlw: its
recipe refitted in each fold), then the best refitted on all the training rows. The times
are the search alone, loading and splitting excluded: scikit-learn's `fit` of the search
(n_jobs=2: candidates and folds on both cores), mlw's `tune` step (`--timings`). Quality:
each side's best cross-validated accuracy and its refitted model's accuracy on the test
rows. The candidates differ (each side draws its own from the same distributions), so
quality agrees to search noise, not digit for digit.

Workloads:
  logistic  C (1/l2) log-uniform over 1e-2..1e3
  tree      max_depth 2..14, min_samples_leaf in [1, 10, 50]
  gbdt      mlw's gbdt (XGBoost) against LightGBM: learning_rate log-uniform 0.02..0.3,
            max_depth 3..8, 50 rounds; LightGBM grown depth-wise to the same depth (num_leaves
            2^depth), n_jobs=1 inside a search on both cores

Usage: python3 bench/tune.py --data .bench-data --model logistic|tree|gbdt [--rows 125000] [--trials 12] [--cv 3] [--repeat 3]
"""
import json, os, statistics, subprocess, tempfile
from common import arguments, mlw_script, step_seconds

ap = arguments("scikit-learn's RandomizedSearchCV against mlw's tune", csv=False)
ap.add_argument("--data", default=".bench-data")
ap.add_argument("--model", choices=["logistic", "tree", "gbdt"], default="logistic")
ap.add_argument("--rows", type=int, default=125000)
ap.add_argument("--trials", type=int, default=12)
ap.add_argument("--cv", type=int, default=3)
ap.set_defaults(repeat=3)
a = ap.parse_args()

source = os.path.abspath(os.path.join(a.data, "classif_1m.csv"))
csv = os.path.join(tempfile.gettempdir(), f"mlw-bench-tune-{a.rows}.csv")
with open(source) as src, open(csv, "w") as out:
    for i, line in enumerate(src):
        if i > a.rows:
            break
        out.write(line)

space = {"logistic": "l2=0.001..100",
         "tree": "max_depth=2..14 min_samples_leaf=[1, 10, 50]",
         "gbdt": "learning_rate=0.02..0.3 max_depth=3..8 rounds=50"}[a.model]
metrics_file = os.path.join(tempfile.gettempdir(), f"mlw-bench-tune-{os.getpid()}.json")
script = mlw_script(f'''load "{csv}" as data
target label classification
split 0.8 seed=42
impute numeric with mean
impute categorical with "missing"
scale standard numeric
encode onehot categorical
tune {a.model} best {space} search=random trials={a.trials} cv={a.cv} metric=accuracy seed=42
evaluate
save metrics to "{metrics_file}"
''')

SKLEARN = r'''
import json, sys, time
import numpy as np, pandas as pd
from scipy.stats import loguniform, randint
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.model_selection import train_test_split, RandomizedSearchCV, StratifiedKFold
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
csv, model, trials, folds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
df = pd.read_csv(csv)
y = df.pop("label").to_numpy()
tr, te = train_test_split(np.arange(len(df)), test_size=0.2, random_state=42)
num = [c for c in df.columns if df[c].dtype.kind in "fi"]
cat = [c for c in df.columns if c not in num]
prep = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), num),
    ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                          OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat)], sparse_threshold=0)
if model == "logistic":
    estimator, space = LogisticRegression(max_iter=500), {"m__C": loguniform(1e-2, 1e3)}
elif model == "tree":
    estimator, space = DecisionTreeClassifier(random_state=42), {"m__max_depth": randint(2, 15), "m__min_samples_leaf": [1, 10, 50]}
else:
    import lightgbm
    class DepthWise(lightgbm.LGBMClassifier):
        """LightGBM grown to max_depth with every leaf a depth allows, as XGBoost's depth-wise trees."""
        def set_params(self, **params):
            if "max_depth" in params:
                params["num_leaves"] = 2 ** params["max_depth"]
            return super().set_params(**params)
    estimator = DepthWise(n_estimators=50, min_child_samples=20, n_jobs=1, random_state=42, verbose=-1)
    space = {"m__learning_rate": loguniform(0.02, 0.3), "m__max_depth": randint(3, 9)}
search = RandomizedSearchCV(Pipeline([("prep", prep), ("m", estimator)]), space, n_iter=trials, scoring="accuracy",
                            cv=StratifiedKFold(folds, shuffle=True, random_state=42), n_jobs=2, random_state=42)
X = df.iloc[tr]
t0 = time.perf_counter()
search.fit(X, y[tr])
t1 = time.perf_counter()
test = float((search.predict(df.iloc[te]) == y[te]).mean())
print(json.dumps({"search": t1 - t0, "cv_accuracy": round(float(search.best_score_), 5), "test_accuracy": round(test, 5),
                  "best": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in search.best_params_.items()}}))
'''


def run_mlw():
    out = subprocess.run([a.mlw, "replay", script, "--timings"], capture_output=True, text=True, check=True)
    seconds = sum(s for s, step in step_seconds(out.stderr) if step.startswith("tune"))
    with open(metrics_file) as f:
        model = json.load(f)["models"][0]
    cv = [line for line in out.stdout.splitlines() if line.startswith("tuned best")][0]
    # "tuned best (tree): max_depth=9 min_samples_leaf=50, accuracy 0.7021 ± 0.0031 over 3 folds; …"
    chosen = cv.split("): ")[1].split(",")[0].split()
    return {"search": seconds, "cv_accuracy": float(cv.split("accuracy ")[1].split(" ")[0]),
            "test_accuracy": round(model["metrics"]["accuracy"], 5), "best": dict(pair.split("=") for pair in chosen)}


runs = {"sklearn": [], "mlw": []}
for _ in range(a.repeat):
    runs["sklearn"].append(json.loads(subprocess.run([a.python, "-c", SKLEARN, csv, a.model, str(a.trials), str(a.cv)],
                                                     capture_output=True, text=True, check=True).stdout))
    runs["mlw"].append(run_mlw())
medians = {}
for impl, rs in runs.items():
    medians[impl] = statistics.median(r["search"] for r in rs)
    print(json.dumps({"workload": f"tune {a.model}", "impl": impl, "median_s": round(medians[impl], 3),
                      "times_s": [round(r["search"], 3) for r in rs], "cv_accuracy": rs[-1]["cv_accuracy"],
                      "test_accuracy": rs[-1]["test_accuracy"], "best": rs[-1]["best"], "trials": a.trials, "folds": a.cv,
                      "training_rows": int(a.rows * 0.8)}))
print(json.dumps({"ratio_sklearn_over_mlw": round(medians["sklearn"] / medians["mlw"], 2), "loadavg": os.getloadavg()}))
os.unlink(script)
os.unlink(metrics_file)
os.unlink(csv)
