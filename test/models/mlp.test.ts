import { describe, expect, it } from 'vitest';
import { mlp } from '../../src/models/mlp.js';
import { loadTf, tfBackendName } from '../../src/models/tf-backend.js';
import { isAutomlError } from '../../src/util/errors.js';
import { describeEstimatorContract, classificationData } from '../contracts/estimator-contract.js';

// Small and few epochs: the contract is about behaviour, not accuracy at scale.
const small = { units: 12, epochs: 15, batch_size: 64, learning_rate: 0.05 };

describeEstimatorContract(mlp, [
  { params: small, task: 'classification' },
  { params: { ...small, layers: 2, activation: 'tanh', early_stopping: false, epochs: 15 }, task: 'classification' },
  { params: { ...small, epochs: 40 }, task: 'regression' },
]);

describe('mlp', () => {
  it('runs on a real backend', async () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(await tfBackendName());
  });

  it('early stopping ends training before the epoch budget on an easy problem', async () => {
    const d = classificationData();
    const run = async (early: boolean) => {
      const est = mlp.create({ ...small, epochs: 60, early_stopping: early, n_iter_no_change: 3, tol: 0.01 }, { task: 'classification', nClasses: 3, seed: 3 });
      await est.fit(d.Xtrain, d.ytrain);
      return (est.toJSON().state as { epochsRun: number }).epochsRun;
    };
    expect(await run(true)).toBeLessThan(60);
    // Without a validation split it stops on the training loss, which keeps falling for longer.
    expect(await run(false)).toBeGreaterThan(await run(true));
  });

  it('disposes every tensor it creates', async () => {
    const tf = await loadTf();
    const d = classificationData();
    const before = tf.memory().numTensors;
    const est = mlp.create({ ...small, alpha: 0.01 }, { task: 'classification', nClasses: 3, seed: 3 });
    await est.fit(d.Xtrain, d.ytrain);
    est.predictProba!(d.Xtest);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('honours an aborted signal', async () => {
    const d = classificationData();
    const ac = new AbortController();
    ac.abort();
    const est = mlp.create(small, { task: 'classification', nClasses: 3, seed: 3, signal: ac.signal });
    await expect(est.fit(d.Xtrain, d.ytrain)).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('rejects bad params', () => {
    for (const p of [{ layers: 0 }, { activation: 'gelu' }, { learning_rate: 0 }, { batch_size: 0 }, { hidden_layer_sizes: [10] }]) {
      let err: unknown;
      try {
        mlp.create(p, { task: 'regression', nClasses: 0, seed: 1 });
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_PARAM')).toBe(true);
    }
  });
});
