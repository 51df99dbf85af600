/**
 * The last N rows the server predicted, with their predictions: the sliding window that drift
 * monitoring reads (`GET /metrics` drift gauges compare it with the model file's training
 * profile). A ring buffer of typed columns, so its memory is fixed at start whatever the traffic.
 */
import type { ColumnSchema, FeatureColumn, FeatureTable } from '../data/types.js';

/** The window's content, oldest row first. */
export interface RecentSnapshot {
  /** The rows, encoded as the model's input schema encodes them (a FeatureTable). */
  readonly table: FeatureTable;
  /** One per row: the predicted value (regression) or the predicted class index (classification). */
  readonly predictions: Float64Array;
  /** Rows pushed since the server started (the window holds the last `table.nRows` of them). */
  readonly seen: number;
}

/** A bounded ring buffer of recent request rows; the drift hook of `automl serve`. */
export class RecentRows {
  readonly #columns: FeatureColumn[];
  readonly #predictions: Float64Array;
  /** Next slot to write. */
  #next = 0;
  #size = 0;
  #seen = 0;

  /**
   * @param schema the model's input columns (the buffer stores each in its encoded form)
   * @param capacity rows kept (`--drift-window`); 0 keeps nothing
   */
  constructor(
    readonly schema: readonly ColumnSchema[],
    readonly capacity: number,
  ) {
    this.#columns = schema.map((c) => (c.type === 'categorical' ? new Int32Array(capacity) : new Float64Array(capacity)));
    this.#predictions = new Float64Array(capacity);
  }

  /** Rows held now (at most `capacity`). */
  get size(): number {
    return this.#size;
  }

  /** Rows pushed since the start. */
  get seen(): number {
    return this.#seen;
  }

  /**
   * Appends a request's rows (a table on `schema`, columns in its order) and their encoded
   * predictions; only the last `capacity` rows of a large batch are copied.
   */
  push(table: FeatureTable, predictions: ArrayLike<number>): void {
    const n = table.nRows;
    this.#seen += n;
    const cap = this.capacity;
    if (cap === 0 || n === 0) return;
    const from = Math.max(0, n - cap);
    let at = this.#next;
    for (let i = from; i < n; ) {
      // Copy in runs up to the end of the ring, then wrap.
      const run = Math.min(n - i, cap - at);
      for (let j = 0; j < this.#columns.length; j++) {
        // Source and ring have the same array type (both follow the schema); the cast only unifies the signatures.
        (this.#columns[j] as Float64Array).set((table.columns[j] as Float64Array).subarray(i, i + run), at);
      }
      for (let k = 0; k < run; k++) this.#predictions[at + k] = predictions[i + k]!;
      i += run;
      at = (at + run) % cap;
    }
    this.#next = at;
    this.#size = Math.min(cap, this.#size + (n - from));
  }

  /** A copy of the window, oldest row first; safe to keep while requests go on. */
  snapshot(): RecentSnapshot {
    const n = this.#size;
    const start = (this.#next - n + this.capacity) % Math.max(1, this.capacity);
    const take = <T extends Float64Array | Int32Array>(ring: T): T => {
      const out = new (ring.constructor as new (n: number) => T)(n);
      const first = Math.min(n, this.capacity - start);
      out.set(ring.subarray(start, start + first) as unknown as ArrayLike<number>, 0);
      if (first < n) out.set(ring.subarray(0, n - first) as unknown as ArrayLike<number>, first);
      return out;
    };
    return {
      table: { nRows: n, features: this.schema.map((c) => ({ ...c })), columns: this.#columns.map((c) => take(c)), notes: [] },
      predictions: take(this.#predictions),
      seen: this.#seen,
    };
  }
}
