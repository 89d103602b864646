#!/usr/bin/env python3
"""Test quality of mlw's tree against scikit-learn's on the shipped datasets, side by side.

Both sides see exactly the same training and test rows: this script splits each dataset
(80/20, stratified for classes, seed 42) into two CSV files, and mlw trains on one and
tests on the other (`split test=TABLE`). The preparation is the tutorial's, fitted on the
training rows: numbers imputed with the median, text with the most frequent value, text
one-hot encoded (unseen categories as zeros). Then a tree of the same depth on each side:
scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor (random_state=0) and
`train tree max_depth=D` (exact CART at this size, max_bins=auto). scikit-learn breaks ties
between equally good splits at random (by random_state), which on small data can change a
deep tree a lot; the last column is its range over random_state 0 to 19, the noise any
comparison must allow for.

Usage: python3 bench/tree_quality.py [--mlw .build/release/mlw]
Prints a Markdown table: accuracy (and the number of test rows each side got right) or
RMSE, per dataset and depth.
"""
import argparse, json, os, subprocess, sys, tempfile
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import QUALITY_CASES, split_dataset, test_score  # noqa: E402
ap = argparse.ArgumentParser()
ap.add_argument("--mlw", default=os.path.join(ROOT, ".build/release/mlw"))
a = ap.parse_args()

DEPTHS = [3, 5, None]


def sklearn_score(train, test, target, classification, depth, seed=0):
    X, Xt = train.drop(columns=[target]), test.drop(columns=[target])
    num = [c for c in X.columns if X[c].dtype.kind in "fib"]
    cat = [c for c in X.columns if c not in num]
    prep = ColumnTransformer([("num", SimpleImputer(strategy="median"), num),
                              ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                                    OneHotEncoder(handle_unknown="ignore", sparse_output=False)), cat)])
    model = (DecisionTreeClassifier if classification else DecisionTreeRegressor)(max_depth=depth, random_state=seed)
    model.fit(prep.fit_transform(X), train[target])
    p = model.predict(prep.transform(Xt))
    return (p == test[target]).sum() if classification else float(np.sqrt(((p - test[target]) ** 2).mean()))


def mlw_score(train_csv, test_csv, target, classification, depth, work):
    metrics = os.path.join(work, "metrics.json")
    script = os.path.join(work, "s.mlw")
    with open(script, "w") as f:
        f.write(f'''load "{test_csv}" as test
load "{train_csv}" as train
target {target} {"classification" if classification else "regression"}
split test=test
impute numeric with median
impute categorical with mode
encode onehot categorical
train tree max_depth={depth if depth else "none"} seed=0
evaluate
save metrics to "{metrics}"
''')
    subprocess.run([a.mlw, "replay", script, "-q"], check=True)
    with open(metrics) as f:
        m = json.load(f)["models"][0]
    return test_score(m, classification)


print("| dataset | test rows | max_depth | scikit-learn (random_state 0) | mlw | scikit-learn, random_state 0–19 |")
print("| --- | --- | --- | --- | --- | --- |")
with tempfile.TemporaryDirectory() as work:
    for name, target, classification, drop in QUALITY_CASES:
        train, test, train_csv, test_csv = split_dataset(ROOT, name, target, classification, drop, work)
        for depth in DEPTHS:
            s = sklearn_score(train, test, target, classification, depth)
            spread = [sklearn_score(train, test, target, classification, depth, seed) for seed in range(20)]
            m = mlw_score(train_csv, test_csv, target, classification, depth, work)
            n = len(test)
            if classification:
                cells = f"accuracy {s / n:.4f} ({s} right) | accuracy {m / n:.4f} ({m} right) | {min(spread)}–{max(spread)} right"
            else:
                cells = f"RMSE {s:.4f} | RMSE {m:.4f} ({(m / s - 1) * 100:+.1f}%) | RMSE {min(spread):.4f}–{max(spread):.4f}"
            print(f"| {name} ({target}) | {n} | {depth if depth else 'none'} | {cells} |")
