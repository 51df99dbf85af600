#!/usr/bin/env python3
"""What one scikit-learn model with its default settings scores on the bench's splits, no search.

A reference point for bench/automl: if a default model matches both tools' 60 s searches on a
dataset, the dataset leaves no room for a search to lead there. Reads the splits written by
bench/automl/splits.mjs; prints the mean test score over the seeds found, per dataset and model.

    node bench/automl/splits.mjs --out /tmp/splits && /usr/bin/python3 bench/automl/defaults.py /tmp/splits
"""
import glob
import os
import re
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

warnings.filterwarnings('ignore')
TARGETS = {'iris': 'species', 'wine': 'class', 'breast-cancer': 'diagnosis', 'digits': 'digit', 'diabetes-progression': 'progression',
           'credit-g': 'class', 'soybean': 'class', 'vote': 'Class', 'glass': 'Type', 'ionosphere': 'class', 'labor': 'class',
           'cpu': 'class', 'segment': 'class', 'uci-breast-cancer': 'Class'}
REGRESSION = {'diabetes-progression', 'cpu'}
MISSING = ['?', 'NA', 'NaN', '']


def models(regression):
    if regression:
        return {'random_forest': lambda: RandomForestRegressor(random_state=0), 'extra_trees': lambda: ExtraTreesRegressor(random_state=0),
                'hist_gradient_boosting': lambda: HistGradientBoostingRegressor(random_state=0), 'ridge': lambda: Ridge()}
    return {'random_forest': lambda: RandomForestClassifier(random_state=0), 'extra_trees': lambda: ExtraTreesClassifier(random_state=0),
            'hist_gradient_boosting': lambda: HistGradientBoostingClassifier(random_state=0), 'logistic_regression': lambda: LogisticRegression(max_iter=5000)}


def preprocessor(X):
    cat = [c for c in X.columns if X[c].dtype == object]
    num = [c for c in X.columns if c not in cat]
    return ColumnTransformer([('num', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), num),
                              ('cat', make_pipeline(SimpleImputer(strategy='constant', fill_value='(missing)'), OneHotEncoder(handle_unknown='ignore', sparse_output=False)), cat)])


def main(root):
    print('| dataset | seeds | ' + ' | '.join(['model 1', 'model 2', 'model 3', 'model 4']) + ' |')
    for name, target in TARGETS.items():
        dirs = sorted(glob.glob(os.path.join(root, f'{name}-*')), key=lambda d: int(re.sub(r'.*-', '', d)))
        if not dirs:
            continue
        regression = name in REGRESSION
        scores = {m: [] for m in models(regression)}
        for d in dirs:
            train = pd.read_csv(os.path.join(d, 'train.csv'), na_values=MISSING, keep_default_na=False)
            test = pd.read_csv(os.path.join(d, 'test.csv'), na_values=MISSING, keep_default_na=False)
            X, Xt = train.drop(columns=target), test.drop(columns=target)
            y, yt = (train[target], test[target]) if regression else (train[target].astype(str), test[target].astype(str))
            for c in X.columns:
                if X[c].dtype == object or Xt[c].dtype == object:
                    X[c], Xt[c] = X[c].astype(object), Xt[c].astype(object)
            for m, make in models(regression).items():
                pred = make_pipeline(preprocessor(X), make()).fit(X, y).predict(Xt)
                scores[m].append(r2_score(yt, pred) if regression else accuracy_score(yt, pred))
        cells = [f'{m} {np.mean(v):.4f}' for m, v in scores.items()]
        print(f'| {name} | {len(dirs)} | ' + ' | '.join(cells) + ' |', flush=True)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: defaults.py <splits dir written by bench/automl/splits.mjs>')
    main(sys.argv[1])
