"""scikit-learn side of bench/learners/svm-check.mjs (accuracy of our SMO against LIBSVM).

Reads a JSON list of cases on stdin: {"dataset", "task", "params" (sklearn kwargs), "classWeight"}.
Each dataset is standardised exactly as on the JS side (population standard deviation, constant
columns left at zero); regression targets are standardised too. Prints JSON: per case the support
vector count, the dual objective of every binary problem (pairs (i, j), i < j, in order; computed
from dual_coef_ and the kernel, 1/2 b'Kb - sum|b| for SVC, 1/2 b'Kb + eps |b|_1 - z'b for SVR),
the intercepts and the training accuracy or R^2. Pairs are refitted as binary problems on their two
classes, which is what LIBSVM's one-vs-one does internally. Run with /usr/bin/python3.
"""
import csv
import json
import sys

import numpy as np
from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel
from sklearn.svm import SVC, SVR


def load(path, cls):
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    X = np.array([[float(v) for v in r[:-1]] for r in rows])
    raw = [r[-1] for r in rows]
    y = np.searchsorted(np.array(sorted(set(raw))), np.array(raw)) if cls else np.array(raw, dtype=float)
    sd = X.std(axis=0)
    sd[sd == 0] = 1
    X = (X - X.mean(axis=0)) / sd
    if not cls:
        y = (y - y.mean()) / (y.std() or 1)
    return X, y


def kernel(m, A, B):
    if m.kernel == 'rbf':
        return rbf_kernel(A, B, gamma=m._gamma)
    if m.kernel == 'poly':
        return polynomial_kernel(A, B, degree=m.degree, gamma=m._gamma, coef0=m.coef0)
    return linear_kernel(A, B)


out = []
for case in json.load(sys.stdin):
    cls = case['task'] == 'classification'
    X, y = load(case['dataset'], cls)
    params = dict(case['params'])
    if cls:
        weights = None
        if case.get('classWeight') == 'balanced':
            # Weights of the whole training set, also for the pairwise refits (as LIBSVM inside SVC).
            counts = np.bincount(y)
            weights = {c: len(y) / (len(counts) * counts[c]) for c in range(len(counts))}
        m = SVC(class_weight=weights, **params).fit(X, y)
        objs, rhos = [], []
        k = len(m.classes_)
        # 'scale' resolves on the whole training set, as in the one-vs-one fit: pass the number on.
        params['gamma'] = m._gamma
        for i in range(k):
            for j in range(i + 1, k):
                s = (y == i) | (y == j)
                b = SVC(class_weight=weights, **params).fit(X[s], y[s])
                a = b.dual_coef_[0]
                objs.append(float(0.5 * a @ kernel(b, b.support_vectors_, b.support_vectors_) @ a - np.abs(a).sum()))
                rhos.append(float(-b.intercept_[0]))
        out.append({'nSV': int(m.n_support_.sum()), 'objective': objs, 'rho': rhos, 'score': float(m.score(X, y))})
    else:
        m = SVR(**params).fit(X, y)
        b = m.dual_coef_[0]
        obj = 0.5 * b @ kernel(m, m.support_vectors_, m.support_vectors_) @ b + m.epsilon * np.abs(b).sum() - y[m.support_] @ b
        out.append({'nSV': int(len(m.support_)), 'objective': [float(obj)], 'rho': [float(-m.intercept_[0])], 'score': float(m.score(X, y))})
print(json.dumps(out))
