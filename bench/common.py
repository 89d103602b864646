"""What the side-by-side benchmarks share: their options, a temporary mlw script, the
step times `mlw replay --timings` prints, and the report (medians and the ratio)."""
import argparse, json, os, re, statistics, sys, tempfile

STEP = re.compile(r"^\s*([\d.]+) ms  (.*)$")


def arguments(description, csv=True):
    """A parser with --mlw, --repeat and --python (and the CSV path when `csv`)."""
    parser = argparse.ArgumentParser(description=description)
    if csv:
        parser.add_argument("csv")
    parser.add_argument("--mlw", default=".build/release/mlw")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    return parser


def mlw_script(text):
    """Writes `text` to a temporary .mlw file and returns its path (the caller removes it)."""
    script = tempfile.NamedTemporaryFile("w", suffix=".mlw", delete=False)
    script.write(text)
    script.close()
    return script.name


def step_seconds(output):
    """(seconds, step) for each line `mlw replay --timings` printed."""
    return [(float(m.group(1)) / 1000, m.group(2)) for m in map(STEP.match, output.splitlines()) if m]


def report(workload, times, **extra):
    """One JSON line per implementation (median and every run), then pandas/mlw."""
    for impl, runs in times.items():
        print(json.dumps({"workload": workload, "impl": impl, "median_s": round(statistics.median(runs), 4),
                          "times_s": [round(x, 4) for x in runs], **extra}))
    ratio = statistics.median(times["pandas"]) / statistics.median(times["mlw"])
    print(json.dumps({"ratio_pandas_over_mlw": round(ratio, 2), "loadavg": os.getloadavg()}))


# The shipped datasets the quality comparisons use: (name, target, classification, columns to drop).
QUALITY_CASES = [("penguins", "species", True, []), ("iris", "species", True, []),
                 ("breast_cancer", "diagnosis", True, []), ("house_votes84", "party", True, []),
                 ("auto_mpg", "mpg", False, ["name"]), ("airquality", "ozone", False, [])]


def split_dataset(root, name, target, classification, drop, work):
    """The dataset split 80/20 (stratified for classes, seed 42), both parts also written as
    CSV files in `work` for mlw (`split test=TABLE`): (train, test, train_csv, test_csv)."""
    import pandas as pd
    from sklearn.model_selection import train_test_split
    df = pd.read_csv(os.path.join(root, "datasets", name + ".csv")).drop(columns=drop)
    df = df[df[target].notna()]
    train, test = train_test_split(df, test_size=0.2, random_state=42, stratify=df[target] if classification else None)
    train_csv, test_csv = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
    train.to_csv(train_csv, index=False)
    test.to_csv(test_csv, index=False)
    return train, test, train_csv, test_csv


def test_score(model, classification):
    """A model's entry of `save metrics`: test rows right (classes) or RMSE (values)."""
    return round(model["metrics"]["accuracy"] * model["test_rows"]) if classification else model["metrics"]["rmse"]
