#!/usr/bin/env python3
"""Side-by-side training benchmark: scikit-learn against `mlw` on the same CSV and recipe.

The recipe is the one `../shared/bench/peers.py` uses: an 80/20 split; numeric columns
mean-imputed then standard-scaled, text columns imputed with "missing" then one-hot
encoded, all fitted on the training rows; then a model fitted on the training rows and
scored on the test rows. Each tool uses its own seeded split, so quality figures agree
to sampling noise, not digit for digit.

Both sides are timed per stage inside their own process, loading excluded:
  prep  scikit-learn: ColumnTransformer fit on train + transform of train and test;
        mlw: its impute, scale and encode steps (`mlw replay --timings`), which also
        compute the fingerprints the journal records.
  fit   scikit-learn: `fit`; mlw: the `train` step (design matrix + fit).
  score scikit-learn: `predict_proba`/`predict` on the test rows + metrics;
        mlw: the `evaluate` step (test-partition design matrix, predictions, metrics).

Usage: python3 bench/train.py --data .bench-data [--model logistic|lasso_logistic|linear|ridge|tree|forest|gbdt|gbdt_depth6|knn|kmeans] [--rows N] [--repeat 3]
--rows N takes the file's first N rows (peers.py fits its forest on 100,000 training rows:
--rows 125000 gives both sides that many). For gbdt, LightGBM runs beside scikit-learn's
HistGradientBoostingClassifier, each with peers.py's settings (31 leaves grown best-first);
gbdt_depth6 runs mlw's default shape (depth 6, level by level) against the same peers.
lasso_logistic is L1 logistic regression, by default at scikit-learn's default strength
(C=1, mlw's l1=1 l2=0; --l1 X for C=1/X), against liblinear (its fast L1 solver, which also
penalises the intercept) and saga.
kmeans is peers.py's (k=8, one k-means++ start, Lloyd) on the 76 prepared training features;
its scoring is each test row's cluster, the test rows' inertia and the silhouette over the
same 2,000 evenly spaced test rows on both sides.
Prints one JSON line per implementation and a line of sklearn/mlw ratios.
"""
import json, os, statistics, subprocess, tempfile
from common import arguments, mlw_script, step_seconds

ap = arguments("scikit-learn against mlw: preparation, fit and scoring", csv=False)
ap.add_argument("--data", default=".bench-data")
ap.add_argument("--size", default="1m")
ap.add_argument("--model", choices=["logistic", "lasso_logistic", "linear", "ridge", "tree", "forest", "gbdt", "gbdt_depth6", "knn", "kmeans"], default="logistic")
ap.add_argument("--rows", type=int, default=0, help="use the first N rows of the file")
ap.add_argument("--l1", type=float, default=1.0, help="lasso_logistic's strength: mlw's l1, scikit-learn's C=1/l1")
ap.set_defaults(repeat=3)
a = ap.parse_args()

regression = a.model in ("linear", "ridge")
csv = os.path.abspath(os.path.join(a.data, f"{'regress' if regression else 'classif'}_{a.size}.csv"))
if a.rows:
    head = os.path.join(tempfile.gettempdir(), f"mlw-bench-head-{a.rows}-{os.path.basename(csv)}")
    with open(csv) as source, open(head, "w") as target_file:
        for i, line in enumerate(source):
            if i > a.rows:
                break
            target_file.write(line)
    csv = head
target = "y" if regression else "label"
# The tree as peers.py's: depth 10, scikit-learn's random_state 42 (mlw's seed only picks
# features when max_features is set, so the fit does not depend on it).
train_step = {"logistic": "train logistic", "lasso_logistic": f"train logistic l1={a.l1:g} l2=0", "linear": "train linear", "ridge": "train linear l2=1",
              "tree": "train tree max_depth=10 seed=42",
              # peers.py's forest: 100 trees of depth 12, sqrt of the features per split.
              "forest": "train forest trees=100 max_depth=12 seed=42",
              # peers.py's boosting: 100 rounds at 0.1, 31 leaves grown best-first, 255 bins, no L2.
              "gbdt": "train gbdt rounds=100 learning_rate=0.1 max_depth=none max_leaves=31 max_bins=255 l2=0 seed=42",
              # mlw's default tree shape (level by level to depth 6), against the same peers.
              "gbdt_depth6": "train gbdt rounds=100 learning_rate=0.1 max_depth=6 max_bins=255 l2=0 seed=42",
              # peers.py's neighbours: k=5, brute force (its work is in scoring the test rows).
              "knn": "train knn k=5",
              # peers.py's k-means: 8 clusters, one k-means++ start.
              "kmeans": "train kmeans k=8 n_init=1 seed=42"}[a.model]
metrics_file = os.path.join(tempfile.gettempdir(), f"mlw-bench-{os.getpid()}.json")
script = mlw_script(f'''load "{csv}" as data
target {target} {"regression" if regression else "classification"}
split 0.8 seed=42
impute numeric with mean
impute categorical with "missing"
scale standard numeric
encode onehot categorical
{train_step}
evaluate
save metrics to "{metrics_file}"
''')

SKLEARN = r'''
import json, sys, time
import numpy as np, pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LogisticRegression, LinearRegression, Ridge
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import RandomForestClassifier, HistGradientBoostingClassifier
from sklearn import metrics
csv, target, model, l1 = sys.argv[1:5]
df = pd.read_csv(csv)
y = df.pop(target).to_numpy()
tr, te = train_test_split(np.arange(len(df)), test_size=0.2, random_state=42)
tr.sort(); te.sort()
num = [c for c in df.columns if df[c].dtype.kind in "fi"]
cat = [c for c in df.columns if c not in num]
t0 = time.perf_counter()
prep = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), num),
    ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                          OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat)], sparse_threshold=0)
Xtr = prep.fit_transform(df.iloc[tr]); Xte = prep.transform(df.iloc[te])
t1 = time.perf_counter()
m = {"logistic": lambda: LogisticRegression(),
     "liblinear_l1": lambda: LogisticRegression(l1_ratio=1.0, C=1 / float(l1), solver="liblinear"),
     "saga_l1": lambda: LogisticRegression(l1_ratio=1.0, C=1 / float(l1), solver="saga"),
     "linear": lambda: LinearRegression(), "ridge": lambda: Ridge(alpha=1.0),
     "tree": lambda: DecisionTreeClassifier(max_depth=10, random_state=42),
     "forest": lambda: RandomForestClassifier(n_estimators=100, max_depth=12, n_jobs=2, random_state=42),
     "knn": lambda: __import__("sklearn.neighbors", fromlist=["x"]).KNeighborsClassifier(n_neighbors=5, n_jobs=2),
     "sklearn_hgb": lambda: HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, max_bins=255,
                                                           min_samples_leaf=20, l2_regularization=0.0, early_stopping=False, random_state=42),
     "lightgbm": lambda: __import__("lightgbm").LGBMClassifier(n_estimators=100, learning_rate=0.1, num_leaves=31, max_bin=255,
                                                               min_child_samples=20, reg_lambda=0.0, n_jobs=2, random_state=42, verbose=-1),
     "kmeans": lambda: __import__("sklearn.cluster", fromlist=["x"]).KMeans(n_clusters=8, n_init=1, random_state=42),
     }[model]()
m.fit(Xtr, y[tr])
t2 = time.perf_counter()
if model == "kmeans":
    c = m.predict(Xte)
    rows = np.arange(2000) * len(Xte) // 2000 if len(Xte) > 2000 else np.arange(len(Xte))
    q = {"inertia": -m.score(Xte), "silhouette": metrics.silhouette_score(Xte[rows], c[rows])}
elif model not in ("linear", "ridge"):
    p = m.predict_proba(Xte)[:, 1]
    q = {"accuracy": metrics.accuracy_score(y[te], p >= 0.5), "auc": metrics.roc_auc_score(y[te], p)}
else:
    p = m.predict(Xte)
    q = {"rmse": metrics.mean_squared_error(y[te], p) ** 0.5, "r2": metrics.r2_score(y[te], p)}
t3 = time.perf_counter()
print(json.dumps({"prep": t1 - t0, "fit": t2 - t1, "score": t3 - t2, "columns": Xtr.shape[1],
                  "quality": {k: round(float(v), 5) for k, v in q.items()}}))
'''

def run_mlw():
    out = subprocess.run([a.mlw, "replay", script, "--timings"], capture_output=True, text=True, check=True)
    stages = {"prep": 0.0, "fit": 0.0, "score": 0.0}
    for seconds, step in step_seconds(out.stderr):
        stage = "prep" if step.startswith(("impute", "scale", "encode")) else \
                "fit" if step.startswith("train") else "score" if step.startswith("evaluate") else None
        if stage:
            stages[stage] += seconds
    with open(metrics_file) as f:
        metrics = json.load(f)["models"][0]["metrics"]
    names = ["inertia", "silhouette"] if a.model == "kmeans" else ["rmse", "r2"] if regression else ["accuracy", "auc"]
    quality = {k: round(metrics[k], 5) for k in names}
    return stages, quality


peers = {"gbdt": ["sklearn_hgb", "lightgbm"], "gbdt_depth6": ["sklearn_hgb", "lightgbm"],
         "lasso_logistic": ["liblinear_l1", "saga_l1"]}.get(a.model, [a.model])
runs = {("sklearn" if peer == a.model else peer): [] for peer in peers}
runs["mlw"] = []
quality = {}
for _ in range(a.repeat):
    for peer in peers:
        name = "sklearn" if peer == a.model else peer
        r = json.loads(subprocess.run([a.python, "-c", SKLEARN, csv, target, peer, str(a.l1)],
                                      capture_output=True, text=True, check=True).stdout)
        runs[name].append(r)
        quality[name] = r["quality"]
    stages, q = run_mlw()
    runs["mlw"].append(stages)
    quality["mlw"] = q
medians = {}
for impl, rs in runs.items():
    medians[impl] = {k: round(statistics.median(r[k] for r in rs), 4) for k in ("prep", "fit", "score")}
    print(json.dumps({"workload": a.model, "impl": impl, "median_s": medians[impl],
                      "fit_times_s": [round(r["fit"], 3) for r in rs], "quality": quality[impl],
                      "file": os.path.basename(csv)}))
for peer in runs:
    if peer != "mlw":
        print(json.dumps({f"ratio_{peer}_over_mlw": {k: round(medians[peer][k] / medians["mlw"][k], 2) for k in ("prep", "fit", "score")},
                          "loadavg": os.getloadavg()}))
os.unlink(script)
os.unlink(metrics_file)
if a.rows:
    os.unlink(csv)
