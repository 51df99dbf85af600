/**
 * The Prometheus metrics of `automl serve` (`GET /metrics`), on a registry of the server's own so
 * that several servers in one process (tests, a library user) never mix their counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
