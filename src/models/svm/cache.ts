/**
 * A least-recently-used cache of kernel-matrix rows under a memory budget, as in LIBSVM (Chang and
 * Lin, section 5.1): a row is computed only as far as the solver has asked for it (the active set
 * after shrinking) and extended on demand, and the least recently used rows are dropped when the
 * budget is full. Unlike LIBSVM, a row's storage is allocated at full length once, so that an
 * extension neither reallocates nor copies (garbage collection showed up in profiles); the budget
 * counts full rows. Rows are float32, as LIBSVM's, which halves memory and bandwidth; the solver's
 * gradient stays float64.
 *
 * `swap` keeps cached rows valid when the solver exchanges two variables' positions (it moves
 * active variables to the front): entries i and j of every row are exchanged, and a row that holds
 * entry i but not entry j is cut back to its first i entries, the part the swap leaves valid.
 */

/** Bytes per cached entry. */
const ENTRY_BYTES = 4;

/** An LRU cache of rows indexed 0..size-1. */
export class RowCache {
  private readonly rows: (Float32Array | null)[];
  private readonly lens: Int32Array;
  // Circular doubly linked list of cached rows; node `size` is the sentinel (its next is the oldest).
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private free: number;
  /** How many leading entries of the row returned by the last {@link RowCache.get} were already valid. */
  filled = 0;

  /**
   * @param size number of rows
   * @param bytes memory budget; raised to two full rows so that the two rows of a working set fit together
   */
  constructor(
    readonly size: number,
    bytes: number,
  ) {
    this.rows = new Array<Float32Array | null>(size).fill(null);
    this.lens = new Int32Array(size);
    this.prev = new Int32Array(size + 1).fill(-1);
    this.next = new Int32Array(size + 1).fill(-1);
    this.prev[size] = size;
    this.next[size] = size;
    this.free = Math.max(Math.floor(bytes / ENTRY_BYTES), 2 * size);
  }

  private unlink(i: number): void {
    const p = this.prev[i]!;
    const n = this.next[i]!;
    this.next[p] = n;
    this.prev[n] = p;
    this.prev[i] = -1;
    this.next[i] = -1;
  }

  private append(i: number): void {
    const s = this.size;
    const last = this.prev[s]!;
    this.next[last] = i;
    this.prev[i] = last;
    this.next[i] = s;
    this.prev[s] = i;
  }

  private drop(i: number): void {
    this.unlink(i);
    this.free += this.size;
    this.rows[i] = null;
    this.lens[i] = 0;
  }

  /**
   * Row i with room for at least `len` entries, marked most recently used; `filled` tells how many
   * leading entries are already computed, and the caller computes the rest.
   */
  get(i: number, len: number): Float32Array {
    const cur = this.rows[i];
    const have = this.lens[i]!;
    if (cur) this.unlink(i);
    if (cur && have >= len) {
      this.append(i);
      this.filled = len;
      return cur;
    }
    let row = cur;
    if (!row) {
      // Make room for a new row, dropping the oldest ones (never i itself: it is unlinked).
      const s = this.size;
      while (this.free < s && this.next[s] !== s) this.drop(this.next[s]!);
      row = new Float32Array(s);
      this.free -= s;
      this.rows[i] = row;
    }
    this.lens[i] = len;
    this.append(i);
    this.filled = have;
    return row;
  }

  /** Exchanges positions i and j (rows and entries), dropping rows that cannot be patched. */
  swap(a: number, b: number): void {
    if (a === b) return;
    const i = Math.min(a, b);
    const j = Math.max(a, b);
    const inI = this.prev[i] !== -1;
    const inJ = this.prev[j] !== -1;
    if (inI) this.unlink(i);
    if (inJ) this.unlink(j);
    const r = this.rows[i]!;
    this.rows[i] = this.rows[j]!;
    this.rows[j] = r;
    const l = this.lens[i]!;
    this.lens[i] = this.lens[j]!;
    this.lens[j] = l;
    if (this.rows[i]) this.append(i);
    if (this.rows[j]) this.append(j);
    const s = this.size;
    for (let h = this.next[s]!; h !== s; ) {
      const nextH = this.next[h]!;
      const len = this.lens[h]!;
      if (len > i) {
        if (len > j) {
          const row = this.rows[h]!;
          const t = row[i]!;
          row[i] = row[j]!;
          row[j] = t;
        } else this.lens[h] = i;
      }
      h = nextH;
    }
  }
}
