"""Known answers for `train knn`, from scikit-learn 1.9.1 (KNeighborsRegressor/Classifier, brute).

Run from the repository root: python Tests/LearningTests/KnownAnswers/knn.py.
The complete rows of datasets/auto_mpg.csv, six number features as they are: the first 300
rows train, the other 92 are queried. Printed: for each setting, the neighbours of the
first three queries, the predictions (mpg, or the shares of origin's classes) of the first
three, and the sum over every query. NearestNeighborsTests (EnsembleTests.swift) holds them.
"""
import numpy as np, pandas as pd
from sklearn.neighbors import KNeighborsRegressor, KNeighborsClassifier
names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
df = pd.read_csv("datasets/auto_mpg.csv").dropna(subset=names + ["mpg", "origin"])
X = df[names].to_numpy(float); y = df["mpg"].to_numpy(float)
classes = sorted(df["origin"].unique()); c = np.array([classes.index(v) for v in df["origin"]])
tr, te = slice(0, 300), slice(300, None)
r = lambda v: " ".join(repr(float(x)) for x in np.ravel(v))
for k, weights, metric in [(5, "uniform", "euclidean"), (7, "distance", "manhattan")]:
    m = KNeighborsRegressor(n_neighbors=k, weights=weights, metric=metric, algorithm="brute").fit(X[tr], y[tr])
    print("regression", k, weights, metric, "neighbours", " ".join(str(i) for i in m.kneighbors(X[te][:3], return_distance=False).ravel()))
    p = m.predict(X[te]); print("regression", k, weights, metric, "first", r(p[:3]), "sum", r(p.sum()))
for k, weights in [(5, "uniform"), (4, "distance")]:
    m = KNeighborsClassifier(n_neighbors=k, weights=weights, algorithm="brute").fit(X[tr], c[tr])
    p = m.predict_proba(X[te]); print("classes", k, weights, "first", r(p[:3]), "sum", r(p.sum(axis=0)))
