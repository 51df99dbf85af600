/**
 * `automl dashboard`: a live web UI over a storage, on Fastify (the framework of `automl serve`).
 *
 * Pages: `/` lists the studies; `/study/<name>` draws the report's charts and a trial table and
 * polls `/api/studies/<name>/trials?from=N` twice a second for the trials from number N on (the
 * client sends the lowest number it holds that is not finished yet, so each answer is small).
 *
 * The server only reads (see reader.ts: SQLite through a read-only connection, so a search writing
 * the same file is never blocked or slowed; PostgreSQL through the storage's read methods), with
 * one short query per request. Importance and the final-model section are computed on demand and
 * cached: importance at most every `importanceEveryMs` and only when new trials completed, the
 * final model once per model file version.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Storage, StudyRecord } from '../../storage/storage.js';
import { AutomlError, isAutomlError, messageOf } from '../../util/errors.js';
import { parameterImportance, type ImportanceResult } from '../importance.js';
import { echartsPath, clientBundle } from '../html/assets.js';
import { PAGE_CSS } from '../html/page.js';
import { compactTrials, payloadParams, payloadStudy, spaceOf } from '../html/payload.js';
import { finalModelSection } from '../html/final-model.js';
import { openReader, type StudyReader } from './reader.js';
import { dashboardHtml } from './page.js';

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /** Storage URL or object. Default 'sqlite:automl.db'. */
  readonly storage?: string | Storage;
  /** Folder where `<study>.model.json` files are looked for. Default: the current folder. */
  readonly modelDir?: string;
  /** Least time between two importance computations of a study. Default 20 s. */
  readonly importanceEveryMs?: number;
  /** Most trials one `trials` answer holds (the client asks again for the rest). Default 20,000. */
  readonly pageSize?: number;
}

/** The browser modules of the dashboard page. */
export const DASHBOARD_MODULES = ['dom', 'study-charts', 'final-charts', 'render', 'table', 'dashboard-entry'] as const;

interface StudyCache {
  record: StudyRecord;
  paramIndex: Map<string, number>;
  importance: { at: number; complete: number; value: ImportanceResult | null; note: string | null } | null;
  final: { key: string; value: unknown } | null;
}

/** A dashboard app (not listening yet: call `listen`, or `inject` in tests); closing it closes the reader. */
export async function createDashboard(o: DashboardOptions = {}): Promise<FastifyInstance> {
  const reader: StudyReader = await openReader(o.storage ?? 'sqlite:automl.db');
  const importanceEvery = o.importanceEveryMs ?? 20_000;
  const pageSize = o.pageSize ?? 20_000;
  const cache = new Map<string, StudyCache>();
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 1000 } });
  app.addHook('onClose', async () => reader.close());
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
    return payload;
  });
  app.setErrorHandler((e, _req, reply) => {
    const status = isAutomlError(e, 'E_STUDY_NOT_FOUND') ? 404 : isAutomlError(e) ? 400 : (e as { statusCode?: number }).statusCode ?? 500;
    void reply.code(status).send({ error: messageOf(e), ...(isAutomlError(e) ? { code: e.code } : {}) });
  });

  const studyOf = async (name: string): Promise<StudyCache> => {
    const hit = cache.get(name);
    if (hit) return hit;
    const record = await reader.getStudy(name);
    if (!record) throw new AutomlError('E_STUDY_NOT_FOUND', `no study '${name}' in ${reader.url}`, { value: name });
    const params = payloadParams(spaceOf(record));
    const entry: StudyCache = { record, paramIndex: new Map(params.map((p, i) => [p.name, i])), importance: null, final: null };
    cache.set(name, entry);
    return entry;
  };
  const page = (reply: FastifyReply): FastifyReply => reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(dashboardHtml());

  app.get('/', async (_req, reply) => page(reply));
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
  app.get('/study/:name', async (_req, reply) => page(reply));
  app.get('/assets/echarts.min.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'max-age=3600').send(readFileSync(echartsPath())));
  app.get('/assets/dashboard.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(clientBundle(DASHBOARD_MODULES)));
  app.get('/assets/dashboard.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'no-cache').send(PAGE_CSS + DASHBOARD_CSS));

  app.get('/api/studies', async () => ({ storage: reader.url, studies: await reader.listStudies() }));

  app.get<{ Params: { name: string } }>('/api/studies/:name', async (req) => {
    const s = await studyOf(req.params.name);
    return { study: payloadStudy(s.record, reader.url), params: payloadParams(spaceOf(s.record)) };
  });

  app.get<{ Params: { name: string }; Querystring: { from?: string } }>('/api/studies/:name/trials', async (req) => {
    const s = await studyOf(req.params.name);
    const from = Math.max(0, Math.floor(Number(req.query.from ?? 0)) || 0);
    const trials = await reader.trials(s.record.id, from);
    const page = trials.slice(0, pageSize);
    return { now: Date.now() - s.record.createdAt, more: trials.length > page.length, trials: compactTrials(page, s.record.createdAt, s.paramIndex) };
  });

  app.get<{ Params: { name: string } }>('/api/studies/:name/importance', async (req) => {
    const s = await studyOf(req.params.name);
    const now = Date.now();
    const cached = s.importance;
    if (cached && now - cached.at < importanceEvery) return { importance: cached.value, note: cached.note };
    const trials = await reader.trials(s.record.id);
    const complete = trials.filter((t) => t.state === 'COMPLETE').length;
    if (cached && cached.complete === complete) {
      cached.at = now;
      return { importance: cached.value, note: cached.note };
    }
    const space = spaceOf(s.record);
    let value: ImportanceResult | null = null;
    let note: string | null = null;
    try {
      if (space) value = parameterImportance({ space, trials });
      else note = "the study's stored space could not be read";
    } catch (e) {
      note = `importance could not be computed: ${messageOf(e)}`;
    }
    s.importance = { at: now, complete, value, note };
    return { importance: value, note };
  });

  app.get<{ Params: { name: string } }>('/api/studies/:name/final', async (req) => {
    const s = await studyOf(req.params.name);
    const file = join(o.modelDir ?? '.', `${s.record.name}.model.json`);
    // A name with path separators would point outside the model folder: no model for it.
    if (basename(s.record.name) !== s.record.name || s.record.name === '..') return { final: null, note: 'the study name is not a file name, so no model file is looked for' };
    if (!existsSync(file)) return { final: null, note: `no model file ${file} yet (the search writes it when it ends)` };
    const key = `${statSync(file).mtimeMs}`;
    if (s.final?.key === key) return s.final.value;
    let value: unknown;
    try {
      const r = finalModelSection(s.record, { model: file });
      value = { final: r.section, note: r.note };
    } catch (e) {
      value = { final: null, note: `the final model could not be evaluated: ${messageOf(e)}` };
    }
    s.final = { key, value };
    return value;
  });

  return app;
}

/** Styles of the dashboard's own parts (the report's are shared). */
const DASHBOARD_CSS = `
a { color: #1f5fa8; }
.live { color: #5a6878; font-size: 12.5px; }
.live .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #1a9850; margin-right: 6px; }
table.studies { border-collapse: collapse; background: #fff; width: 100%; }
table.studies th, table.studies td { border-bottom: 1px solid #e4e8ee; padding: 6px 10px; text-align: left; font-size: 13px; }
.tools { display: flex; gap: 10px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
.tools input, .tools select { font: inherit; padding: 3px 6px; }
.vtable { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; }
.vhead, .vrow { display: grid; grid-template-columns: 70px 90px 110px 90px 150px 110px 1fr; gap: 8px; padding: 0 10px; align-items: center; }
.vhead { font-weight: 600; border-bottom: 1px solid #dde3ea; height: 30px; }
.vhead span { cursor: pointer; user-select: none; }
.vbody { height: 440px; overflow-y: auto; position: relative; }
.vrow { position: absolute; left: 0; right: 0; height: 24px; font-size: 12.5px; border-bottom: 1px solid #f0f2f5; white-space: nowrap; }
.vrow span { overflow: hidden; text-overflow: ellipsis; }
.s-C { color: #2f7ed8; } .s-P { color: #888; } .s-F { color: #d9534f; } .s-R { color: #c77c00; }
`;
