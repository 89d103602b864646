"""Known answers for `train naive_bayes`, from scikit-learn 1.9.1 (GaussianNB).

Run from the repository root: python Tests/LearningTests/KnownAnswers/naive_bayes.py.
The complete rows of datasets/auto_mpg.csv, six number features as they are (their
variances differ by ten orders of magnitude, which the smoothing scales to), origin as the
class: the first 300 rows train, the other 92 are queried. Printed per var_smoothing: the
class priors, the first class's variances, the first three queries' probabilities and the
sum of each class's probability over every query. NaiveBayesTests holds them.
"""
import numpy as np, pandas as pd
from sklearn.naive_bayes import GaussianNB
names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
df = pd.read_csv("datasets/auto_mpg.csv").dropna(subset=names + ["mpg", "origin"])
X = df[names].to_numpy(float)
classes = sorted(df["origin"].unique()); c = np.array([classes.index(v) for v in df["origin"]])
r = lambda v: " ".join(repr(float(x)) for x in np.ravel(v))
for smoothing in [1e-9, 0.01]:
    m = GaussianNB(var_smoothing=smoothing).fit(X[:300], c[:300])
    p = m.predict_proba(X[300:])
    print(smoothing, "priors", r(m.class_prior_), "var0", r(m.var_[0]), "first", r(p[:3]), "sum", r(p.sum(axis=0)))

# Number and text features together (`encode onehot` then `train naive_bayes`): GaussianNB on
# the numbers plus CategoricalNB(alpha=1) on the text columns (levels sorted, as onehot's
# indicators), their joint log-likelihoods added with the prior counted once. Penguins'
# complete rows, four measurements, island and sex; species the class; every fourth row (from
# the first) is queried, the others train.
from sklearn.naive_bayes import CategoricalNB
from sklearn.preprocessing import OrdinalEncoder
numbers = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
df = pd.read_csv("datasets/penguins.csv").dropna(subset=numbers + ["island", "sex"])
X = df[numbers].to_numpy(float)
C = OrdinalEncoder().fit_transform(df[["island", "sex"]])
species = sorted(df["species"].unique()); y = np.array([species.index(v) for v in df["species"]])
t = np.arange(len(y)) % 4 != 0
g = GaussianNB().fit(X[t], y[t]); k = CategoricalNB(alpha=1.0).fit(C[t], y[t])
jll = g.predict_joint_log_proba(X[~t]) + k.predict_joint_log_proba(C[~t]) - np.log(g.class_prior_)
p = np.exp(jll - jll.max(axis=1, keepdims=True)); p /= p.sum(axis=1, keepdims=True)
print("mixed", "first", r(p[:3]), "sum", r(p.sum(axis=0)))
