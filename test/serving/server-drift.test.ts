/**
 * Drift gauges of `automl serve`'s GET /metrics over the window of recent requests: shifted rows
 * drift, rows drawn like the training data do not, a model without a profile exports no drift
 * gauge, and one scrape over a full 1,000-row window stays cheap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type ServeApp } from '../../src/serving/server.js';
import { fitModel, synthRows } from './helpers.js';

const apps: ServeApp[] = [];
afterEach(async () => {
  while (apps.length > 0) await apps.pop()!.close();
});

async function server(options: Parameters<typeof createServer>[1] = {}, withProfile = true): Promise<ServeApp> {
  const { model } = await fitModel(synthRows('train', 2000), 'y');
  const app = createServer(withProfile ? model : model.withProfile(null), { workers: 0, processMetrics: false, drift: { intervalMs: 0 }, ...options });
  apps.push(app);
  return app;
}

async function send(app: ServeApp, rows: readonly Record<string, unknown>[]): Promise<void> {
  const columns = ['x1', 'x2', 'color', 'flag'];
  const res = await app.inject({ method: 'POST', url: '/invocations', payload: { dataframe_split: { columns, data: rows.map((r) => columns.map((c) => r[c])) } } });
  expect(res.statusCode).toBe(200);
}

/** The value of a metric line in a Prometheus text (labels as written), or undefined. */
function metric(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(app: ServeApp): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('serve: drift over the window on /metrics', () => {
  it('flags shifted rows: columns, dataset, predictions', async () => {
    const app = await server();
    // x1 moved by 1.5 sd and red at 60%: two of four columns, and the predicted classes, move.
    await send(app, synthRows('live', 400, { shift: 1.5, red: 0.6 }));
    const text = await scrape(app);
    expect(metric(text, 'automl_drift_window_rows')).toBe(400);
    expect(metric(text, 'automl_drift_dataset_drifted')).toBe(1);
    expect(metric(text, 'automl_drift_share')).toBeGreaterThanOrEqual(0.5);
    expect(metric(text, 'automl_drift_column_drifted{column="x1"}')).toBe(1);
    expect(metric(text, 'automl_drift_column_drifted{column="color"}')).toBe(1);
    // 400 new rows are a small sample: tests, whose score is a p-value.
    expect(metric(text, 'automl_drift_column_score{column="x1",method="ks"}')).toBeLessThan(0.05);
    expect(metric(text, 'automl_drift_column_score{column="color",method="chi-squared"}')).toBeLessThan(0.05);
    expect(metric(text, 'automl_drift_prediction_drifted')).toBe(1);
  });

  it('does not flag rows drawn like the training data', async () => {
    const app = await server();
    for (let k = 0; k < 5; k++) await send(app, synthRows(`same-${k}`, 100));
    const text = await scrape(app);
    expect(metric(text, 'automl_drift_window_rows')).toBe(500);
    expect(metric(text, 'automl_drift_dataset_drifted')).toBe(0);
    expect(metric(text, 'automl_drift_prediction_drifted')).toBe(0);
    expect(metric(text, 'automl_drift_column_score{column="x1",method="ks"}')).toBeGreaterThan(0.05);
  });

  it('waits for the minimum rows, and keeps the window to its last rows', async () => {
    const app = await server({ driftWindow: 300, drift: { intervalMs: 0, minRows: 150 } });
    await send(app, synthRows('few', 100, { shift: 2, red: 0.6 }));
    let text = await scrape(app);
    expect(metric(text, 'automl_drift_window_rows')).toBe(100);
    expect(text).not.toContain('automl_drift_dataset_drifted');
    await send(app, synthRows('more', 100, { shift: 2, red: 0.6 }));
    text = await scrape(app);
    expect(metric(text, 'automl_drift_dataset_drifted')).toBe(1);
    // 300 unshifted rows push the shifted ones out of the window.
    await send(app, synthRows('back', 300));
    text = await scrape(app);
    expect(metric(text, 'automl_drift_window_rows')).toBe(300);
    expect(metric(text, 'automl_drift_dataset_drifted')).toBe(0);
  });

  it('caches a computation for the interval', async () => {
    const app = await server({ drift: { intervalMs: 60_000 } });
    await send(app, synthRows('a', 200));
    expect(metric(await scrape(app), 'automl_drift_dataset_drifted')).toBe(0);
    await send(app, synthRows('b', 1000, { shift: 3, red: 0.7 }));
    const text = await scrape(app);
    expect(metric(text, 'automl_drift_window_rows')).toBe(1000);
    // Still the first computation's answer: the next is due in a minute.
    expect(metric(text, 'automl_drift_dataset_drifted')).toBe(0);
  });

  it('a model without a profile: no drift gauges, and /metadata says so', async () => {
    const app = await server({}, false);
    await send(app, synthRows('x', 200));
    const text = await scrape(app);
    expect(text).not.toContain('automl_drift_');
    const meta = JSON.parse((await app.inject({ method: 'GET', url: '/metadata' })).body) as { drift: { available: boolean; reason: string } };
    expect(meta.drift.available).toBe(false);
    expect(meta.drift.reason).toContain('training profile');
  });

  it('one scrape over a full 1,000-row window is cheap', async () => {
    const app = await server();
    await send(app, synthRows('load', 1000));
    const times: number[] = [];
    for (let k = 0; k < 10; k++) {
      await send(app, synthRows(`load-${k}`, 10));
      await scrape(app);
      times.push(app.automl.drift!.lastMs);
    }
    times.sort((a, b) => a - b);
    const median = times[5]!;
    process.stdout.write(`drift over a 1000-row window: median ${median.toFixed(2)} ms, max ${times[9]!.toFixed(2)} ms per computation\n`);
    expect(app.automl.drift!.last!.rows).toBe(1000);
    // Generous for a shared 2-core machine; measured figures are in the README.
    expect(median).toBeLessThan(50);
  });
});
