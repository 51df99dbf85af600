/**
 * The Prometheus metrics of `automl serve` (`GET /metrics`), on a registry of the server's own so
 * that several servers in one process (tests, a library user) never mix their counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AutomlError, show } from '../util/errors.js';
import { checkDriftRows, driftSettings, type DriftReport, type DriftSettings } from './drift.js';
import type { FittedModel } from './model-file.js';
import type { RecentRows } from './http-recent.js';
import { tableRows } from './table-rows.js';

/** Latency buckets in seconds: fine below 10 ms, where 1-row requests are, coarse above. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The server's metrics and the registry `/metrics` renders (the drift gauges register here too). */
export class ServeMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'endpoint' | 'status'>;
  readonly latency: Histogram<'endpoint'>;
  readonly inFlight: Gauge;
  readonly rows: Counter;
  readonly predictionsPerClass: Counter<'class'> | null;
  readonly unseen: Counter;
  readonly nonFinite: Counter;
  readonly #classes: readonly string[] | null;
  /** Requests received and not yet answered (the gauge reads it when scraped). */
  inFlightNow = 0;

  /**
   * @param classes the model's class labels (classification), else null
   * @param processMetrics also export Node's process metrics (memory, CPU, event-loop lag)
   */
  constructor(classes: readonly string[] | null, processMetrics: boolean) {
    const registers = [this.registry];
    this.#classes = classes;
    this.requests = new Counter({ name: 'automl_serve_requests_total', help: 'HTTP requests answered, by endpoint (route) and status code', labelNames: ['endpoint', 'status'], registers });
    this.latency = new Histogram({ name: 'automl_serve_request_duration_seconds', help: 'Time from request to response, by endpoint', labelNames: ['endpoint'], buckets: LATENCY_BUCKETS, registers });
    const self = this;
    this.inFlight = new Gauge({
      name: 'automl_serve_requests_in_flight',
      help: 'Requests received and not yet answered',
      registers,
      collect() {
        this.set(self.inFlightNow);
      },
    });
    this.rows = new Counter({ name: 'automl_serve_rows_predicted_total', help: 'Rows predicted by POST /invocations', registers });
    this.predictionsPerClass =
      classes === null ? null : new Counter({ name: 'automl_serve_predictions_total', help: 'Predicted rows by predicted class', labelNames: ['class'], registers });
    // Start every class at 0 so that a class never predicted still shows up (rate() needs the series).
    for (const c of classes ?? []) this.predictionsPerClass!.inc({ class: c }, 0);
    this.unseen = new Counter({ name: 'automl_serve_unseen_category_cells_total', help: 'Categorical cells with a label not seen in training (predicted as unseen)', registers });
    this.nonFinite = new Counter({ name: 'automl_serve_non_finite_cells_total', help: 'Numeric cells holding an infinity, read as missing', registers });
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'automl_serve_' });
  }

  /** Counts one answered request. */
  answered(endpoint: string, status: number, seconds: number): void {
    this.requests.inc({ endpoint, status: String(status) });
    this.latency.observe({ endpoint }, seconds);
  }

  /** Counts a predicted batch; `encoded` holds class indices for classification. */
  predicted(encoded: Float64Array): void {
    this.rows.inc(encoded.length);
    const classes = this.#classes;
    if (classes === null) return;
    const counts = new Float64Array(classes.length);
    for (let i = 0; i < encoded.length; i++) counts[encoded[i]!]!++;
    for (let k = 0; k < classes.length; k++) if (counts[k]! > 0) this.predictionsPerClass!.inc({ class: classes[k]! }, counts[k]!);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Options of {@link DriftGauges}. */
export interface DriftGaugeOptions {
  /** Fewest rows in the window before drift is computed (fewer: only the row count is exported). Default 100. */
  readonly minRows?: number;
  /** A scrape within this many ms of the last computation reuses it (also when no row came since). Default 5,000. */
  readonly intervalMs?: number;
  /** Thresholds and methods, as `automl drift` takes them. Default Evidently's (see DRIFT_DEFAULTS). */
  readonly settings?: Partial<DriftSettings>;
}

/** Default fewest window rows for drift gauges: below 100 the tests have little power. */
export const DEFAULT_DRIFT_MIN_ROWS = 100;
/** Default time between two drift computations, in ms. */
export const DEFAULT_DRIFT_INTERVAL_MS = 5000;

/**
 * Drift of the server's sliding window against the model's training profile, as Prometheus gauges
 * (`automl_drift_*`), computed with `automl drift`'s tests when `/metrics` is scraped. The
 * computation runs on the event loop (over a 1,000-row window, a median 9 ms for 4 columns and 50 ms
 * for 30, on 2 cores at load average 15; see the README), so it is cached: at most once per `intervalMs`, and never again while
 * no row has arrived. The gauges other than the row count appear once a first computation is done.
 */
export class DriftGauges {
  readonly windowRows: Gauge;
  readonly datasetDrifted: Gauge;
  readonly share: Gauge;
  readonly columnScore: Gauge<'column' | 'method'>;
  readonly columnDrifted: Gauge<'column'>;
  readonly predictionDrifted: Gauge;
  /** The last report computed, or null. */
  last: DriftReport | null = null;
  /** How long the last computation took, in ms. */
  lastMs = 0;
  readonly #minRows: number;
  readonly #intervalMs: number;
  readonly #settings: DriftSettings;
  #computedAt = -Infinity;
  #computedSeen = -1;
  #registered = false;

  constructor(
    private readonly registry: Registry,
    private readonly model: FittedModel,
    private readonly recent: RecentRows,
    options: DriftGaugeOptions = {},
  ) {
    this.#minRows = options.minRows ?? DEFAULT_DRIFT_MIN_ROWS;
    this.#intervalMs = options.intervalMs ?? DEFAULT_DRIFT_INTERVAL_MS;
    if (!(Number.isInteger(this.#minRows) && this.#minRows >= 1)) throw new AutomlError('E_USAGE', `drift min rows must be an integer >= 1, got ${show(this.#minRows)}`, { param: 'driftMinRows', value: this.#minRows });
    if (!(this.#intervalMs >= 0 && Number.isFinite(this.#intervalMs))) throw new AutomlError('E_USAGE', `drift interval must be a number of ms >= 0, got ${show(this.#intervalMs)}`, { param: 'driftIntervalMs', value: this.#intervalMs });
    this.#settings = driftSettings(options.settings);
    const recentRows = recent;
    this.windowRows = new Gauge({
      name: 'automl_drift_window_rows',
      help: 'Rows in the drift window (the last requests predicted)',
      registers: [registry],
      collect() {
        this.set(recentRows.size);
      },
    });
    // Registered on the first computation, so that no 0 is exported before drift was measured.
    this.datasetDrifted = new Gauge({ name: 'automl_drift_dataset_drifted', help: '1 when at least the drift share of input columns drift in the window, else 0', registers: [] });
    this.share = new Gauge({ name: 'automl_drift_share', help: 'Share of input columns that drift in the window', registers: [] });
    this.columnScore = new Gauge({ name: 'automl_drift_column_score', help: "A column's drift score in the window: the p-value for tests (ks, chi-squared; drift below the threshold), the distance otherwise (wasserstein, jensen-shannon, psi; drift at or above it)", labelNames: ['column', 'method'], registers: [] });
    this.columnDrifted = new Gauge({ name: 'automl_drift_column_drifted', help: '1 when the column drifts in the window, else 0', labelNames: ['column'], registers: [] });
    this.predictionDrifted = new Gauge({ name: 'automl_drift_prediction_drifted', help: "1 when the model's predictions on the window drift from its out-of-fold predictions, else 0", registers: [] });
  }

  /** Recomputes the drift gauges if due (see the class comment); cheap when not. */
  update(now = performance.now()): void {
    const seen = this.recent.seen;
    if (this.recent.size < this.#minRows || seen === this.#computedSeen || now - this.#computedAt < this.#intervalMs) return;
    const t0 = performance.now();
    const window = this.recent.snapshot();
    const classes = this.model.classes;
    const values = classes === null ? Array.from(window.predictions) : Array.from(window.predictions, (k) => classes[k]!);
    // The window keeps predicted labels, not probabilities: probability drift is not computed here
    // (an empty list leaves it without values), the label drift, which decides, is.
    const report = checkDriftRows(this.model, tableRows(window.table), { ...this.#settings, predicted: { values, proba: [] } });
    this.#publish(report);
    this.last = report;
    this.#computedAt = now;
    this.#computedSeen = seen;
    this.lastMs = performance.now() - t0;
  }

  #publish(r: DriftReport): void {
    if (!this.#registered) {
      for (const g of [this.datasetDrifted, this.share, this.columnScore, this.columnDrifted]) this.registry.registerMetric(g);
      if (r.predictions) this.registry.registerMetric(this.predictionDrifted);
      this.#registered = true;
    }
    this.datasetDrifted.set(r.dataset.drifted ? 1 : 0);
    this.share.set(r.dataset.share);
    this.columnScore.reset();
    this.columnDrifted.reset();
    for (const c of r.columns) {
      this.columnDrifted.set({ column: c.column }, c.drifted ? 1 : 0);
      const score = c.pValue ?? c.statistic;
      if (c.method !== null && score !== null) this.columnScore.set({ column: c.column, method: c.method }, score);
    }
    if (r.predictions) this.predictionDrifted.set(r.predictions.drifted ? 1 : 0);
  }
}
