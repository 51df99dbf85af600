"""Reference scores for test/models/fast/accuracy.test.ts, from Debian's python3-sklearn.

Run: OMP_NUM_THREADS=1 /usr/bin/python3 bench/learners/sklearn-reference.py [l1]
("l1" prints only the L1-penalised logistic-regression references.)
Split: rows i with i % 4 == 0 are the test set, the rest train (same as test/models/fast/data.ts).
String labels map to class indices in sorted order (same as the tests).
"""
import csv
import sys
import warnings

import numpy as np
import sklearn
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

DATA = '/work/shared/datasets'


def load(name, cls):
    rows = list(csv.reader(open(f'{DATA}/{name}.csv')))[1:]
    X = np.array([[float(v) if v != '' else np.nan for v in r[:-1]] for r in rows])
    y = np.array([r[-1] for r in rows])
    y = np.searchsorted(np.unique(y), y) if cls else y.astype(float)
    te = np.arange(len(y)) % 4 == 0
    return X[~te], y[~te], X[te], y[te]


print('sklearn', sklearn.__version__)


def l1_references():
    # saga run to a tight tolerance, so the reference is the optimum of the objective
    # ||w||_1 + C * sum of log-losses (intercept unpenalised), the same objective as ours.
    warnings.simplefilter('ignore')
    for ds in ['breast-cancer', 'wine', 'iris', 'digits']:
        Xtr, ytr, Xte, yte = load(ds, 1)
        sc = StandardScaler().fit(Xtr)
        A, B = sc.transform(Xtr), sc.transform(Xte)
        for C in [1.0, 0.1, 0.01]:
            m = LogisticRegression(penalty='l1', solver='saga', C=C, tol=1e-10, max_iter=100000).fit(A, ytr)
            P = m.predict_proba(A)
            loss = -np.log(np.clip(P[np.arange(len(ytr)), ytr], 1e-300, None)).sum()
            obj = loss + np.abs(m.coef_).sum() / C
            print('logreg-l1', ds, f'C={C}', 'acc', round(m.score(B, yte), 4), 'nonzero', int((m.coef_ != 0).sum()),
                  'of', m.coef_.size, 'objective/C-scaled', repr(float(obj)))


if len(sys.argv) > 1 and sys.argv[1] == 'l1':
    l1_references()
    sys.exit(0)
for ds, cls, it in [('breast-cancer', 1, 100), ('wine', 1, 100), ('iris', 1, 100), ('digits', 1, 20),
                    ('diabetes-progression', 0, 100)]:
    Xtr, ytr, Xte, yte = load(ds, cls)
    M = HistGradientBoostingClassifier if cls else HistGradientBoostingRegressor
    m = M(max_iter=it, early_stopping=False).fit(Xtr, ytr)
    print('hgb', ds, f'max_iter={it}', round(m.score(Xte, yte), 4))
for name, C, R in [('rf', RandomForestClassifier, RandomForestRegressor), ('et', ExtraTreesClassifier, ExtraTreesRegressor)]:
    for ds, cls in [('breast-cancer', 1), ('iris', 1), ('digits', 1), ('diabetes-progression', 0)]:
        Xtr, ytr, Xte, yte = load(ds, cls)
        s = [((C if cls else R)(n_estimators=50, random_state=seed).fit(Xtr, ytr).score(Xte, yte)) for seed in range(10)]
        print(name, ds, 'n_estimators=50 mean of 10 seeds', round(float(np.mean(s)), 4), 'sd', round(float(np.std(s)), 4))
for ds in ['breast-cancer', 'wine', 'iris', 'digits']:
    Xtr, ytr, Xte, yte = load(ds, 1)
    sc = StandardScaler().fit(Xtr)
    m = LogisticRegression(C=1.0, max_iter=100).fit(sc.transform(Xtr), ytr)
    print('logreg', ds, 'standardised, C=1', round(m.score(sc.transform(Xte), yte), 4), 'n_iter', int(m.n_iter_[0]))
Xtr, ytr, Xte, yte = load('diabetes-progression', 0)
for a in [0, 1, 10]:
    print('ridge diabetes alpha', a, repr(Ridge(alpha=a).fit(Xtr, ytr).score(Xte, yte)))
