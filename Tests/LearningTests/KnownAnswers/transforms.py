"""Known answers for mlw's preparation transforms, from scikit-learn.

Run: python transforms.py (scikit-learn 1.9.1, numpy). TransformKnownAnswerTests.swift holds
the figures this prints, written down once; it fits mlw's transforms on the same data.
"""
import numpy as np
from sklearn.preprocessing import (StandardScaler, MinMaxScaler, RobustScaler, PowerTransformer,
                                   KBinsDiscretizer, OneHotEncoder, TargetEncoder)

x = np.array([3.1, -0.4, 12.0, 7.7, 0.0, 2.2, 45.5, 5.0, -3.3, 9.9, 1.1, 18.0])
col = x.reshape(-1, 1)
r = lambda v: repr(float(v))

s = StandardScaler().fit(col); print("standard", r(s.mean_[0]), r(s.scale_[0]))
s = MinMaxScaler().fit(col); print("minmax", r(s.data_min_[0]), r(s.data_range_[0]))
s = RobustScaler().fit(col); print("robust", r(s.center_[0]), r(s.scale_[0]))
p = PowerTransformer(method="yeo-johnson").fit(col)
print("yeo-johnson", r(p.lambdas_[0]), r(p._scaler.mean_[0]), r(p._scaler.scale_[0]))
print("yeo-johnson first rows", [r(v) for v in p.transform(col)[:3, 0]])
k = KBinsDiscretizer(n_bins=4, encode="ordinal", strategy="quantile", quantile_method="linear").fit(col)
print("quantile edges", [r(v) for v in k.bin_edges_[0]], "bins", [int(v) for v in k.transform(col)[:, 0]])
k = KBinsDiscretizer(n_bins=3, encode="ordinal", strategy="uniform").fit(col)
print("uniform edges", [r(v) for v in k.bin_edges_[0]], "bins", [int(v) for v in k.transform(col)[:, 0]])

levels = np.array(["b", "a", "c", "b", "d", "b", "a", "e", "c", "b", "a", "b"]).reshape(-1, 1)
o = OneHotEncoder(drop="first", min_frequency=2, handle_unknown="infrequent_if_exist", sparse_output=False).fit(levels)
print("onehot", o.get_feature_names_out(["x"]).tolist(), "infrequent", o.infrequent_categories_[0].tolist())
print("onehot rows", o.transform(np.array([["a"], ["b"], ["d"], ["z"]])).tolist())

y = np.array([1.0, 2.0, 0.5, 3.0, 2.5, 1.5, 0.0, 4.0, 1.0, 2.0, 3.5, 0.5])
for smooth in (10.0, "auto"):
    t = TargetEncoder(smooth=smooth, target_type="continuous").fit(levels, y)
    print("target continuous", smooth, t.categories_[0].tolist(), [r(v) for v in t.encodings_[0]], r(t.target_mean_))
yb = np.array(["no", "yes", "no", "yes", "yes", "no", "no", "yes", "no", "no", "yes", "yes"])
t = TargetEncoder(smooth="auto", target_type="binary").fit(levels, yb)
print("target binary auto", t.classes_.tolist(), [r(v) for v in t.encodings_[0]], r(t.target_mean_))
ym = np.array(["p", "q", "r", "p", "q", "r", "p", "p", "q", "r", "r", "p"])
t = TargetEncoder(smooth=5.0, target_type="multiclass").fit(levels, ym)
print("target multiclass 5", t.classes_.tolist(), [[r(v) for v in e] for e in t.encodings_])

from sklearn.feature_selection import VarianceThreshold, f_classif, f_regression, chi2, mutual_info_classif
F = np.array([[0.5, 3.0, 1.0, 7.2], [1.5, 2.0, 1.0, 6.1], [2.5, 2.5, 1.0, 9.3], [0.2, 4.0, 1.0, 1.2],
              [3.3, 1.0, 1.0, 4.4], [1.1, 3.5, 1.0, 8.8], [2.2, 0.5, 1.0, 2.9], [0.9, 2.8, 1.0, 5.5]])
cls = np.array([0, 1, 1, 0, 2, 0, 2, 1])
print("variances", [r(v) for v in VarianceThreshold().fit(F).variances_])
print("f_classif", [r(v) for v in f_classif(F[:, [0, 1, 3]], cls)[0]])
print("chi2", [r(v) for v in chi2(F[:, [0, 1, 3]], cls)[0]])
print("f_regression", [r(v) for v in f_regression(F[:, [0, 1]], F[:, 3])[0]])
rng = np.random.RandomState(0)
Xm = rng.normal(size=(300, 2)); ym = (Xm[:, 0] + 0.3 * rng.normal(size=300) > 0).astype(int)
np.savetxt("mi_data.csv", np.column_stack([Xm, ym]), delimiter=",", header="a,b,y", comments="", fmt="%.17g")
print("mutual_info_classif", [r(v) for v in mutual_info_classif(Xm, ym, random_state=0)])

from sklearn.decomposition import PCA
P = F[:, [0, 1, 3]]
pca = PCA().fit(P)
print("pca components", [[r(v) for v in c] for c in pca.components_])
print("pca explained", [r(v) for v in pca.explained_variance_], [r(v) for v in pca.explained_variance_ratio_])
print("pca first row", [r(v) for v in pca.transform(P)[0]])
print("pca n for 0.9", PCA(n_components=0.9).fit(P).n_components_)

from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OrdinalEncoder, PolynomialFeatures
g = np.array([[1.0], [np.nan], [4.0], [2.5], [np.nan], [10.0], [2.5]])
for strategy in ("mean", "median", "most_frequent"):
    i = SimpleImputer(strategy=strategy, add_indicator=True).fit(g)
    print("impute", strategy, r(i.statistics_[0]), i.transform(g)[:, 1].tolist())
print("ordinal", OrdinalEncoder().fit(levels).categories_[0].tolist(), OrdinalEncoder().fit_transform(levels)[:4, 0].tolist())
pf = PolynomialFeatures(degree=3, include_bias=False).fit(np.array([[1.0, 3.0], [2.0, 4.0]]))
print("poly", pf.get_feature_names_out(["a", "b"]).tolist(), pf.transform(np.array([[2.0, 4.0]]))[0].tolist())
