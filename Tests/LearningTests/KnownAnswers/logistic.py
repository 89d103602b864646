"""Known answers for `train logistic class_weight=balanced`, from scikit-learn 1.9.1.

Run from the repository root: python Tests/LearningTests/KnownAnswers/logistic.py.
Breast cancer's first ten features, standardised (212 malignant, 357 benign rows), and
iris's four features (three classes, all rows, plus rows 0-29 only of setosa so the
classes are unbalanced: 30/50/50). LogisticRegressionTests (EstimatorTests.swift) holds the
figures this prints (logistic.out).
"""
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
r = lambda v: " ".join(repr(float(x)) for x in np.ravel(v))
df = pd.read_csv("datasets/breast_cancer.csv")
X = df.iloc[:, :10].to_numpy(float); X = (X - X.mean(0)) / X.std(0)
y = (df["diagnosis"] == "malignant").to_numpy(int)
m = LogisticRegression(class_weight="balanced", C=1.0, tol=1e-12, max_iter=100000).fit(X, y)
print("binary", r(m.coef_), r(m.intercept_))
iris = pd.read_csv("datasets/iris.csv")
iris = iris[(iris.species != "setosa") | (np.arange(len(iris)) < 30)]
X = iris.iloc[:, :4].to_numpy(float)
m = LogisticRegression(class_weight="balanced", C=0.5, tol=1e-12, max_iter=100000).fit(X, iris["species"])
print("multinomial", " ".join(m.classes_), r(m.coef_), r(m.intercept_))

# L1 and elastic-net (`train logistic l1=…`): scikit-learn's saga to a tight tolerance, on
# the standardised breast-cancer features above and on standardised iris (all rows).
X = df.iloc[:, :10].to_numpy(float); X = (X - X.mean(0)) / X.std(0)
m = LogisticRegression(l1_ratio=1.0, C=0.5, solver="saga", tol=1e-12, max_iter=10000000).fit(X, y)
print("l1 binary", r(m.coef_), r(m.intercept_))          # l1=2 l2=0
m = LogisticRegression(l1_ratio=0.5, C=0.5, solver="saga", tol=1e-12, max_iter=10000000).fit(X, y)
print("elasticnet binary", r(m.coef_), r(m.intercept_))  # l1=1 l2=1
iris = pd.read_csv("datasets/iris.csv")
X = iris.iloc[:, :4].to_numpy(float); X = (X - X.mean(0)) / X.std(0)
m = LogisticRegression(l1_ratio=1.0, C=1.0, solver="saga", tol=1e-12, max_iter=10000000).fit(X, iris["species"])
print("l1 multinomial", " ".join(m.classes_), r(m.coef_), r(m.intercept_))  # l1=1 l2=0
