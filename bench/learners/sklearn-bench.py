"""scikit-learn side of bench/learners/run.mjs: reads a JSON job list on stdin, prints JSON results.

Each job: {"model", "dataset" (CSV path), "task", "params" (sklearn kwargs), "standardise", "warmup", "repeats"}.
Split as on the JS side: rows with i % 4 == 0 are the test set. Times are wall seconds of fit()
(min over repeats) plus the process CPU seconds of the fastest repeat. Run with OMP_NUM_THREADS=1.
"""
import csv
import json
import sys
import time

import numpy as np
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LogisticRegression, Ridge

MODELS = {
    ('gradient_boosting', 'classification'): HistGradientBoostingClassifier,
    ('gradient_boosting', 'regression'): HistGradientBoostingRegressor,
    ('random_forest', 'classification'): RandomForestClassifier,
    ('random_forest', 'regression'): RandomForestRegressor,
    ('extra_trees', 'classification'): ExtraTreesClassifier,
    ('extra_trees', 'regression'): ExtraTreesRegressor,
    ('logistic_regression', 'classification'): LogisticRegression,
    ('ridge', 'regression'): Ridge,
}
_cache = {}


def load(path, cls):
    key = (path, cls)
    if key not in _cache:
        with open(path) as f:
            rows = list(csv.reader(f))[1:]
        X = np.array([[float(v) if v != '' else np.nan for v in r[:-1]] for r in rows])
        y = np.array([r[-1] for r in rows])
        y = np.searchsorted(np.unique(y), y) if cls else y.astype(float)
        te = np.arange(len(y)) % 4 == 0
        _cache[key] = (X[~te], y[~te], X[te], y[te])
    return _cache[key]


out = []
for job in json.load(sys.stdin):
    cls = job['task'] == 'classification'
    Xtr, ytr, Xte, yte = load(job['dataset'], cls)
    if job.get('standardise'):
        mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
        sd[sd == 0] = 1
        Xtr, Xte = (Xtr - mu) / sd, (Xte - mu) / sd
    M = MODELS[(job['model'], job['task'])]
    best, best_cpu, model = float('inf'), 0.0, None
    for r in range(job['warmup'] + job['repeats']):
        model = M(**job['params'])
        t, c = time.perf_counter(), time.process_time()
        model.fit(Xtr, ytr)
        t, c = time.perf_counter() - t, time.process_time() - c
        if r >= job['warmup'] and t < best:
            best, best_cpu = t, c
    out.append({'fit_s': best, 'cpu_s': best_cpu, 'score': float(model.score(Xte, yte))})
print(json.dumps(out))
