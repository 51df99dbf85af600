"""scikit-learn side of bench/learners/svm-bench.mjs: reads a JSON job list on stdin, prints JSON.

Each job: {"model": "svm" | "svr" | "gaussian_process" | "elastic_net", "train", "test" (CSV paths
written by svm-bench.mjs: numeric features, target last, already encoded, subsampled and
standardised, so both sides fit the very same numbers), "classification", "params", "warmup",
"repeats"}. Times are wall seconds of fit() (minimum over repeats) and the process CPU seconds
of that fit. Run with OMP_NUM_THREADS=1 (svm-bench.mjs sets it).
"""
import json
import sys
import time

import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel
from sklearn.linear_model import ElasticNet
from sklearn.svm import SVC, SVR


def make(job, p):
    params = dict(job['params'])
    m = job['model']
    if m == 'svm':
        return SVC(**params)
    if m == 'svr':
        return SVR(**params)
    if m == 'elastic_net':
        return ElasticNet(**params)
    # Our start: amplitude 1, length scale sqrt(p), noise 0.1; bounds are scikit-learn's defaults.
    shape = RBF(np.sqrt(p)) if params.pop('kernel', 'rbf') == 'rbf' else Matern(np.sqrt(p), nu=2.5)
    return GaussianProcessRegressor(ConstantKernel(1.0) * shape + WhiteKernel(0.1), **params)


def extra(job, model):
    if job['model'] == 'svm':
        return {'nSV': int(model.n_support_.sum())}
    if job['model'] == 'svr':
        return {'nSV': int(len(model.support_))}
    if job['model'] == 'elastic_net':
        return {'iterations': int(model.n_iter_)}
    return {'lml': float(model.log_marginal_likelihood_value_)}


out = []
for job in json.load(sys.stdin):
    tr = np.loadtxt(job['train'], delimiter=',', ndmin=2)
    te = np.loadtxt(job['test'], delimiter=',', ndmin=2)
    Xtr, ytr, Xte, yte = tr[:, :-1], tr[:, -1], te[:, :-1], te[:, -1]
    if job['classification']:
        ytr, yte = ytr.astype(int), yte.astype(int)
    best, best_cpu, model = float('inf'), 0.0, None
    for r in range(job['warmup'] + job['repeats']):
        model = make(job, Xtr.shape[1])
        t, c = time.perf_counter(), time.process_time()
        model.fit(Xtr, ytr)
        t, c = time.perf_counter() - t, time.process_time() - c
        if r >= job['warmup'] and t < best:
            best, best_cpu = t, c
    out.append({'fit_s': best, 'cpu_s': best_cpu, 'score': float(model.score(Xte, yte)), **extra(job, model)})
print(json.dumps(out))
