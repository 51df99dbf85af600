// Drives a sampler without the study engine: ask, evaluate, record a COMPLETE trial, repeat.

/** A frozen COMPLETE trial record, as storage would return it. */
export function completeRecord(number, params, value, state = 'COMPLETE') {
  return Object.freeze({
    number, state, params: Object.freeze({ ...params }), value, intermediate: Object.freeze([]), origin: 'sampler',
    retryOf: null, failKind: null, failReason: null, userAttrs: Object.freeze({}), worker: null,
    createdAt: 0, startedAt: 0, finishedAt: 0, heartbeatAt: 0,
  });
}

/** Runs `n` sequential trials; returns the best-so-far value after each trial. */
export function drive(sampler, problem, seed, n, trialRng) {
  const history = [];
  const trace = new Float64Array(n);
  let best = Infinity;
  for (let t = 0; t < n; t++) {
    const params = sampler.sample({ space: problem.space, direction: 'minimize', seed, trialNumber: t, rng: trialRng(seed, t), history });
    const v = problem.f(params);
    history.push(completeRecord(t, params, v));
    if (v < best) best = v;
    trace[t] = best;
  }
  return trace;
}
