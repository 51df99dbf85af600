import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportStudy, experimentIdOf, runIdOf, trialsCsv } from '../../src/report/export/index.js';
import { openReader, readStudy } from '../../src/report/dashboard/reader.js';
import { syntheticSqliteStudy } from './synthetic.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
let dir: string;
let db: string;

/** The flat `key: value` meta.yaml we write, read back (values are JSON scalars, or []). */
function readYaml(file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) {
    const m = /^([a-z_]+): (.*)$/.exec(line);
    expect(m, `${file}: ${line}`).not.toBeNull();
    out[m![1]!] = JSON.parse(m![2]!);
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'automl-export-'));
  db = join(dir, 's.db');
  await syntheticSqliteStudy(db, 'exp-study', 40);
});

describe('export --format mlflow', () => {
  it('writes the experiment, a parent run with the model artifact, and one run per trial in MLflow file-store format', async () => {
    const model = join(dir, 'final.model.json');
    writeFileSync(model, '{"format":"automl.model"}');
    const root = join(dir, 'mlruns');
    const r = await exportStudy({ study: 'exp-study', format: 'mlflow', out: root, storage: `sqlite:${db}`, model });
    const expId = experimentIdOf('exp-study');
    expect(expId).toMatch(/^[1-9]\d{17}$/);
    expect(r.mlflow!.experimentId).toBe(expId);
    const exp = readYaml(join(root, expId, 'meta.yaml'));
    expect(Object.keys(exp).sort()).toEqual(['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name']);
    expect(exp).toMatchObject({ experiment_id: expId, lifecycle_stage: 'active', name: 'exp-study' });
    expect(exp.artifact_location).toBe(`file://${join(root, expId)}`);
    expect(Number.isInteger(exp.creation_time)).toBe(true);
    // The ids are written as strings (quoted): MLflow reads experiment ids as strings.
    expect(readFileSync(join(root, expId, 'meta.yaml'), 'utf8')).toContain(`experiment_id: "${expId}"`);

    const runs = readdirSync(join(root, expId), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(runs).toHaveLength(41);
    const parent = runIdOf('exp-study', 'parent');
    expect(runs).toContain(parent);
    const { study, trials } = await (async () => {
      const reader = await openReader(`sqlite:${db}`);
      try {
        return await readStudy(reader, 'exp-study');
      } finally {
        await reader.close();
      }
    })();
    expect(readFileSync(join(root, expId, parent, 'artifacts', 'model.json'), 'utf8')).toBe('{"format":"automl.model"}');
    expect(readFileSync(join(root, expId, parent, 'tags', 'mlflow.runName'), 'utf8')).toBe('exp-study');
    expect(readFileSync(join(root, expId, parent, 'metrics', 'best_accuracy'), 'utf8')).toMatch(/^\d{13} 0\.\d+ 0\n$/);

    const status = { COMPLETE: 3, FAIL: 4, PRUNED: 5 } as Record<string, number>;
    for (const t of trials) {
      const id = runIdOf('exp-study', t.number);
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const runDir = join(root, expId, id);
      const meta = readYaml(join(runDir, 'meta.yaml'));
      expect(Object.keys(meta).sort()).toEqual(['artifact_uri', 'end_time', 'entry_point_name', 'experiment_id', 'lifecycle_stage', 'run_id', 'run_name', 'run_uuid', 'source_name', 'source_type', 'source_version', 'start_time', 'status', 'tags', 'user_id']);
      expect(meta).toMatchObject({ run_id: id, run_uuid: id, experiment_id: expId, lifecycle_stage: 'active', run_name: `trial-${t.number}`, status: status[t.state], source_type: 4, start_time: t.startedAt, end_time: t.finishedAt, tags: [] });
      expect(meta.artifact_uri).toBe(`file://${join(runDir, 'artifacts')}`);
      expect(readFileSync(join(runDir, 'tags', 'mlflow.parentRunId'), 'utf8')).toBe(parent);
      expect(readFileSync(join(runDir, 'tags', 'mlflow.runName'), 'utf8')).toBe(`trial-${t.number}`);
      expect(readFileSync(join(runDir, 'tags', 'automl.state'), 'utf8')).toBe(t.state);
      for (const [k, v] of Object.entries(t.params)) expect(readFileSync(join(runDir, 'params', k), 'utf8')).toBe(String(v));
      expect(readdirSync(join(runDir, 'params'))).toHaveLength(Object.keys(t.params).length);
      const expected = t.userAttrs.foldScores as number[] | undefined;
      expect(existsSync(join(runDir, 'metrics', 'accuracy_fold'))).toBe(expected !== undefined);
      if (expected) {
        const folds = readFileSync(join(runDir, 'metrics', 'accuracy_fold'), 'utf8').trimEnd().split('\n');
        expect(folds.map((l) => l.split(' ').map(Number))).toEqual(expected.map((v, step) => [t.finishedAt, v, step]));
        for (const l of folds) expect(l).toMatch(/^\d+ -?\d+(\.\d+)?(e[+-]\d+)? \d+$/);
      }
      if (t.value !== null) expect(readFileSync(join(runDir, 'metrics', 'accuracy'), 'utf8')).toBe(`${t.finishedAt} ${t.value} 0\n`);
      else expect(existsSync(join(runDir, 'metrics', 'accuracy'))).toBe(false);
    }
    expect(study.name).toBe('exp-study');

    // Exporting again replaces the experiment: same ids, no duplicates.
    await exportStudy({ study: 'exp-study', format: 'mlflow', out: root, storage: `sqlite:${db}`, model });
    expect(readdirSync(root).filter((n) => n !== '.trash')).toEqual([expId]);
    expect(readdirSync(join(root, expId)).filter((n) => n !== 'meta.yaml')).toHaveLength(41);
  });

  it('refuses a store that has another experiment with the same name', async () => {
    const root = join(dir, 'other');
    mkdirSync(join(root, '123'), { recursive: true });
    writeFileSync(join(root, '123', 'meta.yaml'), "name: 'exp-study'\nexperiment_id: '123'\n");
    await expect(exportStudy({ study: 'exp-study', format: 'mlflow', out: root, storage: `sqlite:${db}` })).rejects.toThrow(/already holds an experiment named "exp-study" \(id 123\)/);
  });
});

describe('export --format csv|jsonl (CLI)', () => {
  it('writes one row or line per trial', () => {
    const csvOut = join(dir, 't.csv');
    const r = spawnSync(process.execPath, [BIN, 'export', 'exp-study', '--format', 'csv', '--out', csvOut, '--storage', `sqlite:${db}`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/exported 40 trials of 'exp-study' to/);
    const lines = readFileSync(csvOut, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(41);
    expect(lines[0]).toMatch(/^number,state,value,duration_ms,started_at,finished_at,worker,origin,fail_kind,fail_reason,fold_1,fold_2,fold_3,fold_4,fold_5,preprocess\.imputation,/);
    const failed = lines.find((l) => /,FAIL,/.test(l));
    if (failed) expect(failed).toContain('synthetic failure </script><!--');
    // Text a spreadsheet would run as a formula gets a leading quote; commas and quotes are quoted.
    const t = { number: 0, state: 'FAIL' as const, params: {}, value: null, intermediate: [], origin: 'sampler' as const, retryOf: null, failKind: 'error' as const, failReason: '=HYPERLINK("x"),y', userAttrs: {}, worker: null, createdAt: 0, startedAt: null, finishedAt: null, heartbeatAt: null };
    const study = { id: 1, name: 's', direction: 'minimize' as const, space: null, seed: 0, sampler: 'random', settings: {}, createdAt: 0 };
    expect(trialsCsv(study, [t]).split('\n')[1]).toBe(`0,FAIL,,,,,,sampler,error,"'=HYPERLINK(""x""),y"`);

    const jsonlOut = join(dir, 't.jsonl');
    expect(spawnSync(process.execPath, [BIN, 'export', 'exp-study', '--format', 'jsonl', '--out', jsonlOut, '--storage', `sqlite:${db}`]).status).toBe(0);
    const recs = readFileSync(jsonlOut, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(recs).toHaveLength(40);
    expect(recs[3]).toMatchObject({ study: 'exp-study', number: 3 });
    expect(Object.keys(recs[0])).toEqual(expect.arrayContaining(['params', 'value', 'state', 'userAttrs', 'startedAt', 'finishedAt']));

    const bad = spawnSync(process.execPath, [BIN, 'export', 'exp-study', '--format', 'xml', '--storage', `sqlite:${db}`], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are mlflow, csv, jsonl/);
  });
});
