// A model family for the budget tests whose fit costs a known wall time per training row
// (`ms_per_row`) and no CPU (it sleeps), so timing tests do not depend on how busy the machine is.
// It predicts the training mean (regression) or class frequencies (classification).
const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
  });

class SlowMean {
  name = 'slow_mean';
  constructor(params, ctx, state = null) {
    this.params = params;
    this.ctx = ctx;
    this.state = state;
    if (ctx.task === 'classification') this.predictProba = (X) => this.#proba(X);
  }
  async fit(X, y) {
    await sleep(X.rows * this.params.ms_per_row, this.ctx.signal);
    const k = Math.max(1, this.ctx.nClasses);
    const out = new Array(k).fill(0);
    if (this.ctx.task === 'classification') for (const v of y) out[v] += 1 / y.length;
    else out[0] = y.reduce((s, v) => s + v, 0) / y.length;
    this.state = out;
  }
  #proba(X) {
    const k = this.state.length;
    const data = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) data.set(this.state, i * k);
    return { rows: X.rows, cols: k, data };
  }
  predict(X) {
    if (this.ctx.task === 'regression') return new Float64Array(X.rows).fill(this.state[0]);
    const best = this.state.indexOf(Math.max(...this.state));
    return new Float64Array(X.rows).fill(best);
  }
  toJSON() {
    return { model: 'slow_mean', version: 1, params: { ...this.params }, state: { values: this.state, task: this.ctx.task, nClasses: this.ctx.nClasses } };
  }
}

export default {
  name: 'slow_mean',
  description: 'test model: sleeps ms_per_row per training row, predicts the mean',
  tasks: ['classification', 'regression'],
  create: (params, ctx) => new SlowMean({ ms_per_row: Number(params.ms_per_row ?? 1), shrink: Number(params.shrink ?? 0) }, ctx),
  load: (json) => new SlowMean(json.params, { task: json.state.task, nClasses: json.state.nClasses, seed: 0 }, json.state.values),
};
