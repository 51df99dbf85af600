"""Optuna's per-trial overhead with a no-op objective and the random sampler.

usage: python3 optuna_overhead.py <storage-url-or-"memory"> <n_trials>
Prints one JSON line: {"n": ..., "seconds": ..., "optuna": version}.
"""
import json
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    trial.suggest_float("x", 0.0, 1.0)
    return 0.0


def main():
    url, n = sys.argv[1], int(sys.argv[2])
    storage = None if url == "memory" else url
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=0), study_name="overhead")
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n)
    seconds = time.perf_counter() - t0
    assert len(study.trials) == n
    print(json.dumps({"n": n, "seconds": seconds, "optuna": optuna.__version__}))


main()
