#!/usr/bin/env python3
"""Peer for bench/automl: Optuna (TPE) + scikit-learn searching preprocessing + model pipelines.

Same inputs as `automl search`: a train CSV, a test CSV, the target, the metric, the exact CV
folds automl used (JSON list of {"train": [...], "test": [...]} row indices into train.csv) and a
wall-clock budget. Prints one JSON object on stdout.

Only trials that *completed* within the budget count: Optuna's timeout stops starting new trials
but lets running ones finish, whereas automl aborts them at the deadline; here the trials still
running at the deadline are abandoned (not awaited, not counted).

Run with the Debian interpreter (apt-get install python3-optuna python3-sklearn python3-pandas):
    /usr/bin/python3 bench/automl/peer.py --train t.csv --test s.csv --target y \
        --task classification --folds folds.json --time 60 --seed 0 --jobs 2
"""
import argparse
import json
import math
import os
import sys
import threading
import time
import warnings

import numpy as np
import pandas as pd
import optuna
import sklearn
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

# The same tokens automl's loader reads as missing (src/data/values.ts), compared trimmed and lower-cased.
MISSING_TOKENS = {"", "na", "n/a", "?", "nan", "null"}


def read_table(path, target, task):
    """Reads every cell as text, then applies automl's missing tokens and numeric inference:
    a column is numeric when every non-missing cell parses as a number, else categorical (object)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    df = pd.DataFrame(index=raw.index)
    for col in raw.columns:
        s = raw[col].str.strip()
        s = s.mask(s.str.lower().isin(MISSING_TOKENS))
        if col == target:
            df[col] = s
            continue
        num = pd.to_numeric(s, errors="coerce")
        if num.notna().sum() == s.notna().sum():
            df[col] = num.astype(float)
        else:
            df[col] = s.astype(object)
    y = df.pop(target)
    if y.isna().any():
        raise SystemExit(f"peer.py: {path}: target {target!r} has missing values; run.mjs should have dropped those rows")
    y = y.astype(float).to_numpy() if task == "regression" else y.astype(str).to_numpy()
    return df, y


def onehot():
    # sklearn >= 1.2 renamed `sparse` to `sparse_output`; dense output because GaussianNB needs it.
    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    if (major, minor) >= (1, 2):
        return OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return OneHotEncoder(handle_unknown="ignore", sparse=False)


def scaler(name):
    return {"standard": StandardScaler(), "minmax": MinMaxScaler(), "robust": RobustScaler(), "none": "passthrough"}[name]


def build_pipeline(trial, task, num_cols, cat_cols, seed, max_k):
    """Samples one preprocessing + model configuration. Ranges are automl's (search-spaces/*.json)
    where scikit-learn has the same knob; HistGradientBoosting has no row/column subsampling in
    scikit-learn 1.2, and the forests keep scikit-learn's bootstrap defaults (on for RF, off for ET)."""
    imputation = trial.suggest_categorical("imputation", ["mean", "median", "most_frequent"])
    scale = trial.suggest_categorical("scaler", ["standard", "minmax", "robust", "none"])
    parts = []
    if num_cols:
        parts.append(("num", Pipeline([("impute", SimpleImputer(strategy=imputation)), ("scale", scaler(scale))]), num_cols))
    if cat_cols:
        parts.append(("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", onehot())]), cat_cols))
    pre = ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)

    cls = task == "classification"
    families = ["hist_gradient_boosting", "random_forest", "extra_trees", "logistic_regression" if cls else "ridge", "knn"]
    if cls:
        families.append("gaussian_nb")
    family = trial.suggest_categorical("model", families)
    if family == "hist_gradient_boosting":
        kw = dict(
            learning_rate=trial.suggest_float("hgb_learning_rate", 0.01, 0.3, log=True),
            max_iter=trial.suggest_int("hgb_max_iter", 20, 500, log=True),
            max_leaf_nodes=trial.suggest_int("hgb_max_leaf_nodes", 4, 128, log=True),
            min_samples_leaf=trial.suggest_int("hgb_min_samples_leaf", 2, 100, log=True),
            l2_regularization=trial.suggest_float("hgb_l2", 1e-3, 100.0, log=True),
            random_state=seed,
        )
        model = HistGradientBoostingClassifier(**kw) if cls else HistGradientBoostingRegressor(**kw)
    elif family in ("random_forest", "extra_trees"):
        p = "rf" if family == "random_forest" else "et"
        kw = dict(
            n_estimators=trial.suggest_int(f"{p}_n_estimators", 20, 300, log=True),
            max_features=trial.suggest_float(f"{p}_max_features", 0.1, 1.0),
            min_samples_leaf=trial.suggest_int(f"{p}_min_samples_leaf", 1, 20, log=True),
            n_jobs=1,
            random_state=seed,
        )
        if cls:
            kw["criterion"] = trial.suggest_categorical(f"{p}_criterion", ["gini", "entropy"])
            model = RandomForestClassifier(**kw) if p == "rf" else ExtraTreesClassifier(**kw)
        else:
            model = RandomForestRegressor(**kw) if p == "rf" else ExtraTreesRegressor(**kw)
    elif family == "logistic_regression":
        model = LogisticRegression(C=trial.suggest_float("lr_C", 1e-3, 1e3, log=True), max_iter=1000)
    elif family == "ridge":
        model = Ridge(alpha=trial.suggest_float("ridge_alpha", 1e-4, 1e3, log=True))
    elif family == "knn":
        k = min(trial.suggest_int("knn_n_neighbors", 1, 50, log=True), max_k)
        kw = dict(n_neighbors=k, weights=trial.suggest_categorical("knn_weights", ["uniform", "distance"]),
                  metric=trial.suggest_categorical("knn_metric", ["euclidean", "manhattan"]), n_jobs=1)
        model = KNeighborsClassifier(**kw) if cls else KNeighborsRegressor(**kw)
    else:
        model = GaussianNB(var_smoothing=trial.suggest_float("nb_var_smoothing", 1e-12, 1e-2, log=True))
    return family, Pipeline([("pre", pre), ("model", model)])


def score(task, y_true, y_pred):
    return accuracy_score(y_true, y_pred) if task == "classification" else r2_score(y_true, y_pred)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--task", required=True, choices=["classification", "regression"])
    ap.add_argument("--folds", required=True, help="JSON file: [{train: [...], test: [...]}, ...]")
    ap.add_argument("--time", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--prune", action="store_true", help="median pruning on the running mean of fold scores")
    a = ap.parse_args()

    warnings.filterwarnings("ignore")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = read_table(a.train, a.target, a.task)
    Xt, yt = read_table(a.test, a.target, a.task)
    Xt = Xt.reindex(columns=X.columns)
    for c in X.columns:  # the test file's types follow the training schema, as in automl
        Xt[c] = pd.to_numeric(Xt[c], errors="coerce") if X[c].dtype != object else Xt[c].astype(object)
    num_cols = [c for c in X.columns if X[c].dtype != object]
    cat_cols = [c for c in X.columns if X[c].dtype == object]
    with open(a.folds) as f:
        folds = [(np.asarray(s["train"], dtype=int), np.asarray(s["test"], dtype=int)) for s in json.load(f)]
    max_k = min(len(tr) for tr, _ in folds)
    metric = "accuracy" if a.task == "classification" else "r2"

    fold_fits = [0]
    lock = threading.Lock()

    def objective(trial):
        family, pipe = build_pipeline(trial, a.task, num_cols, cat_cols, a.seed, max_k)
        trial.set_user_attr("family", family)
        scores = []
        for i, (tr, te) in enumerate(folds):
            m = clone(pipe).fit(X.iloc[tr], y[tr])
            scores.append(score(a.task, y[te], m.predict(X.iloc[te])))
            with lock:
                fold_fits[0] += 1
            if a.prune:
                trial.report(float(np.mean(scores)), i)
                if trial.should_prune():
                    raise optuna.TrialPruned()
        return float(np.mean(scores))

    pruner = optuna.pruners.MedianPruner(n_startup_trials=5) if a.prune else optuna.pruners.NopPruner()
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=a.seed), pruner=pruner)
    t0 = time.time()
    deadline = t0 + a.time
    # Optuna's timeout lets running trials finish, which can take minutes for a 500-round
    # boosting fit; they would not count anyway, so stop waiting at the deadline, take a snapshot
    # and let the daemon threads die with the process (os._exit below).
    runner = threading.Thread(target=study.optimize, args=(objective,),
                              kwargs=dict(n_jobs=a.jobs, timeout=a.time, catch=(Exception,)), daemon=True)
    runner.start()
    runner.join(timeout=a.time + 0.5)
    snapshot = study.get_trials(deepcopy=True)
    with lock:
        fits_at_deadline = fold_fits[0]
    wall = time.time() - t0

    def in_budget(t):
        return t.datetime_complete is not None and t.datetime_complete.timestamp() <= deadline

    states = optuna.trial.TrialState
    counted = [t for t in snapshot if in_budget(t)]
    complete = [t for t in counted if t.state == states.COMPLETE and t.value is not None and math.isfinite(t.value)]
    fails = [t for t in counted if t.state == states.FAIL]
    out = {
        "tool": f"optuna {optuna.__version__} + scikit-learn {sklearn.__version__}",
        "metric": metric,
        "trials": {
            "complete": len(complete),
            "pruned": sum(t.state == states.PRUNED for t in counted),
            "failed": len(fails),
            "unfinished": len(snapshot) - len(counted),
        },
        "foldFits": fits_at_deadline,
        "wallSeconds": round(wall, 2),
        "best": None,
        "testScore": None,
        "families": {},
    }
    for t in complete:
        fam = t.user_attrs.get("family", "?")
        out["families"][fam] = out["families"].get(fam, 0) + 1
    if fails:
        out["firstFailure"] = str(fails[0].system_attrs.get("fail_reason", ""))[:300]
    if complete:
        best = max(complete, key=lambda t: t.value)
        family, pipe = build_pipeline(optuna.trial.FixedTrial(best.params), a.task, num_cols, cat_cols, a.seed, max_k)
        model = pipe.fit(X, y)
        out["best"] = {"number": best.number, "value": best.value, "family": family, "params": best.params}
        out["testScore"] = score(a.task, yt, model.predict(Xt))
    out["refitSeconds"] = round(time.time() - t0 - wall, 2)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
    os._exit(0)  # trials still running past the deadline are abandoned, not awaited


if __name__ == "__main__":
    main()
