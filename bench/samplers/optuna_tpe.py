"""Optuna's default TPESampler on the same problems as functions.mjs (keep the two in step).

Usage: python3 optuna_tpe.py '{"problems": ["branin"], "seeds": 20, "trials": 100}'
Prints one JSON object: {problem: [[best-so-far after each trial] per seed]}.
Run with Debian's python3-optuna (/usr/bin/python3).
"""
import json
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H_C = [1, 1.2, 3, 3.2]
H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
       [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def vec(trial, d, lo, hi):
    return [trial.suggest_float(f"x{i}", lo, hi) for i in range(d)]


def branin(trial):
    x, y = trial.suggest_float("x0", -5, 10), trial.suggest_float("x1", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


def hartmann6(trial):
    x = vec(trial, 6, 0, 1)
    s = 0.0
    for i in range(4):
        e = sum(H_A[i][j] * (x[j] - H_P[i][j] * 1e-4) ** 2 for j in range(6))
        s += H_C[i] * math.exp(-e)
    return -s


def rosenbrock5(trial):
    x = vec(trial, 5, -2, 2)
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(4))


def styblinski8(trial):
    return sum(0.5 * (x ** 4 - 16 * x * x + 5 * x) for x in vec(trial, 8, -5, 5))


def ackley10(trial):
    x = vec(trial, 10, -32.768, 32.768)
    d = len(x)
    s1 = sum(v * v for v in x) / d
    s2 = sum(math.cos(2 * math.pi * v) for v in x) / d
    return -20 * math.exp(-0.2 * math.sqrt(s1)) - math.exp(s2) + 20 + math.e


def mixed(trial):
    m = trial.suggest_int("m", 0, 20)
    opt = trial.suggest_categorical("opt", ["x", "y", "z"])
    v = (m - 7) ** 2 / 10 + (0 if opt == "y" else 1)
    model = trial.suggest_categorical("model", ["a", "b", "c"])
    if model == "a":
        x = trial.suggest_float("model.a.x", -5, 5)
        n = trial.suggest_int("model.a.n", 1, 50)
        v += 1 + (x - 1.5) ** 2 + abs(n - 30) / 10
    elif model == "b":
        lr = trial.suggest_float("model.b.lr", 1e-5, 1, log=True)
        k = trial.suggest_int("model.b.k", 1, 10)
        v += (math.log10(lr) + 3) ** 2 + (k - 3) ** 2 / 4
    else:
        v += 2 + trial.suggest_float("model.c.z", 0, 1)
    return v


PROBLEMS = {f.__name__: f for f in [branin, hartmann6, rosenbrock5, styblinski8, ackley10, mixed]}


def main():
    cfg = json.loads(sys.argv[1])
    out = {}
    for name in cfg["problems"]:
        runs = []
        for seed in range(cfg["seeds"]):
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
            study.optimize(PROBLEMS[name], n_trials=cfg["trials"])
            best, trace = math.inf, []
            for t in study.trials:
                best = min(best, t.value)
                trace.append(best)
            runs.append(trace)
        out[name] = runs
    print(json.dumps(out))


if __name__ == "__main__":
    main()
