"""Known answers for `train linear l1=…` (lasso and elastic-net), from scikit-learn 1.9.1.

Run from the repository root: python Tests/LearningTests/KnownAnswers/linear.py.
The complete rows of datasets/auto_mpg.csv, six number features standardised (so the
penalties bite evenly), mpg as the target. LinearPenaltyTests.swift holds
the figures this prints (linear.out).
"""
import numpy as np, pandas as pd
from sklearn.linear_model import Lasso, ElasticNet
names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
df = pd.read_csv("datasets/auto_mpg.csv").dropna(subset=names + ["mpg"])
X = df[names].to_numpy(float); X = (X - X.mean(0)) / X.std(0); y = df["mpg"].to_numpy(float)
r = lambda v: " ".join(repr(float(x)) for x in np.atleast_1d(v))
for alpha in (0.1, 1.0):
    m = Lasso(alpha=alpha, tol=1e-14, max_iter=10**7).fit(X, y)
    print("lasso", alpha, r(m.coef_), r(m.intercept_))
m = ElasticNet(alpha=0.5, l1_ratio=0.3, tol=1e-14, max_iter=10**7).fit(X, y)
print("elasticnet 0.5 0.3", len(y), r(m.coef_), r(m.intercept_))
