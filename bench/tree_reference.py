"""Known answers for mlw's decision tree tests (Tests/LearningTests/DecisionTreeTests.swift).

Fits scikit-learn's trees on shipped datasets, every row, and prints what the tests
compare: the nodes (feature, threshold, training rows, value) in breadth-first order,
the feature importances and the training accuracy / RMSE. scikit-learn breaks ties
between equally good features at random (random_state); these cases have no such ties.

    python bench/tree_reference.py        # scikit-learn 1.9.1 gave the figures in the tests
"""
import csv, os
import numpy as np
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def read(name):
    with open(os.path.join(ROOT, "datasets", name + ".csv")) as f:
        rows = list(csv.DictReader(f))
    return rows

def bfs(tree):
    t = tree.tree_
    order, queue = [], [0]
    while queue:
        node = queue.pop(0)
        order.append(node)
        if t.children_left[node] != -1:
            queue += [t.children_left[node], t.children_right[node]]
    return order

def show(model, X, y, names, classification):
    t = model.tree_
    for node in bfs(model):
        if t.children_left[node] == -1:
            v = t.value[node][0]
            value = [round(float(x), 10) for x in (v / v.sum() if classification else v)]
            print(f"  leaf rows={t.n_node_samples[node]} value={value}")
        else:
            print(f"  split {names[t.feature[node]]} <= {t.threshold[node]!r} rows={t.n_node_samples[node]}")
    print("  importances", [round(float(x), 10) for x in model.feature_importances_])
    p = model.predict(X)
    if classification:
        print("  accuracy", float((p == y).mean()))
    else:
        print("  rmse", float(np.sqrt(((p - y) ** 2).mean())))

cancer = read("breast_cancer")
names = list(cancer[0].keys())[:10]
X = np.array([[float(r[c]) for c in names] for r in cancer])
y = np.array([r["diagnosis"] for r in cancer])
for criterion in ["gini", "entropy"]:
    print(f"breast_cancer first 10 features, {criterion}, max_depth=3")
    show(DecisionTreeClassifier(max_depth=3, criterion=criterion, random_state=0).fit(X, y), X, y, names, True)

auto = read("auto_mpg")
names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
rows = [r for r in auto if all(r[c] not in ("", "NA") for c in names + ["mpg"])]
X = np.array([[float(r[c]) for c in names] for r in rows])
y = np.array([float(r["mpg"]) for r in rows])
print(f"auto_mpg ({len(rows)} complete rows), squared_error, max_depth=3, min_samples_leaf=5")
show(DecisionTreeRegressor(max_depth=3, min_samples_leaf=5, random_state=0).fit(X, y), X, y, names, False)
