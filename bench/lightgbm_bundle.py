"""Does LightGBM's exclusive feature bundling explain its lead over mlw's gbdt (XGBoost)?

Fits peers.py's LightGBM (100 rounds, 31 leaves, 255 bins) on the benchmark file's 800,000
prepared training rows (mean-imputed and scaled numbers, one-hot text: 76 features) with
bundling on and off, alternating, and prints each fit's seconds.

Usage: .venv-peers/bin/python bench/lightgbm_bundle.py [.bench-data/classif_1m.csv] [--repeat 2]
"""
import argparse, time
import pandas as pd
import lightgbm
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("csv", nargs="?", default=".bench-data/classif_1m.csv")
ap.add_argument("--repeat", type=int, default=2)
a = ap.parse_args()
df = pd.read_csv(a.csv)
y = df.pop("label").to_numpy()
numbers = df.select_dtypes("number").columns
texts = df.columns.difference(numbers)
prep = ColumnTransformer([
    ("numbers", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), numbers),
    ("texts", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                            OneHotEncoder(handle_unknown="ignore", sparse_output=False)), texts)])
x_train, _, y_train, _ = train_test_split(df, y, test_size=0.2, random_state=42)
x_train = prep.fit_transform(x_train)
print(f"{x_train.shape[0]} training rows × {x_train.shape[1]} features ({len(numbers)} numbers)")
for _ in range(a.repeat):
    for bundle in (True, False):
        model = lightgbm.LGBMClassifier(n_estimators=100, learning_rate=0.1, num_leaves=31, max_bin=255, min_child_samples=20,
                                        reg_lambda=0.0, n_jobs=2, random_state=42, verbose=-1, enable_bundle=bundle)
        start = time.time()
        model.fit(x_train, y_train)
        print(f"enable_bundle={bundle}: fit {time.time() - start:.2f} s")
