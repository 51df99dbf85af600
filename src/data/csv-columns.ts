/**
 * Per-column storage for CSV records, filled straight from the tokenizer's byte offsets: a cell
 * that is a plain decimal number is stored in a Float64Array without ever becoming a string; other
 * cells are interned in a per-column dictionary. Reading a cell back gives exactly the text the
 * file held (a number is returned as a number only when `String(n)` is that text, so "01", "1.50"
 * and "-0" keep their spelling), so type inference sees what a string-per-cell reader saw.
 */
import type { RaggedInfo } from './csv.js';
import type { RawTable } from './target.js';
import { fieldText, F_ESCAPED, F_HIGH, type RecordSink } from './csv-tokenizer.js';
import type { Cell, HeldColumn } from './values.js';
import { isMissing } from './values.js';

/** Flag of a cell stored in the exceptions map (a label, in a column still held as numbers). */
const EXCEPTION = 255;
/** Exact powers of ten: m / 10^k is correctly rounded for an integer m < 2^53 and k <= 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** One column being filled: numbers while it looks numeric, dictionary codes once it does not. */
class ColumnBuilder {
  /** Numbers (NaN: missing, or an exception when `flags` says so). Null once the column is labels. */
  private nums: Float64Array | null;
  /** Per cell: 0 a number spelled as `String(n)`, 1 + k a number written with k decimals, 255 an exception. */
  private flags: Uint8Array | null = null;
  private exceptions: Map<number, number> | null = null;
  /** Label codes (-1: missing), once the column is held as labels. */
  private codes: Int32Array | null = null;
  private readonly dict = new Map<string, number>();
  private readonly labels: string[] = [];
  private numbers = 0;
  /** Made on the first label, so that a wide file of numbers pays nothing for it. */
  private cache: ByteCache | null = null;

  constructor(capacity: number) {
    this.nums = new Float64Array(capacity);
  }

  grow(capacity: number): void {
    if (this.nums) this.nums = copyInto(new Float64Array(capacity), this.nums);
    if (this.flags) this.flags = copyInto(new Uint8Array(capacity), this.flags);
    if (this.codes) this.codes = copyInto(new Int32Array(capacity), this.codes);
  }

  add(buf: Buffer, s: number, e: number, fl: number, row: number): void {
    const nums = this.nums;
    if (s === e) {
      if (nums) nums[row] = NaN;
      else this.codes![row] = -1;
      return;
    }
    const plain = (fl & (F_ESCAPED | F_HIGH)) === 0;
    if (nums && plain && this.addNumber(buf, s, e, row, nums)) return;
    // A label (or a missing token): looked up by its bytes first, so a repeated label makes no string.
    const cache = plain && e - s <= MAX_CACHED ? (this.cache ??= new ByteCache()) : null;
    let code = cache ? cache.get(buf, s, e) : NOT_CACHED;
    if (code === NOT_CACHED) {
      const text = fieldText(buf, fieldScratch(s, e, fl), 0);
      code = isMissing(text) ? -1 : this.intern(text);
      cache?.put(buf, s, e, code);
    }
    if (!nums) {
      this.codes![row] = code;
      return;
    }
    nums[row] = NaN;
    if (code < 0) return;
    this.flag(row, EXCEPTION);
    (this.exceptions ??= new Map()).set(row, code);
    const n = this.exceptions.size;
    if (this.numbers === 0 || n >= 4096 || (n > 32 && n * 16 > row)) this.toLabels(row + 1);
  }

  /** Stores a plain decimal (-?digits[.digits], at most 15 significant digits); false otherwise. */
  private addNumber(buf: Buffer, s: number, e: number, row: number, nums: Float64Array): boolean {
    let p = s;
    const neg = buf[p] === 0x2d;
    if (neg) p++;
    const intStart = p;
    let m = 0;
    let c = 0;
    while (p < e && (c = buf[p]! - 0x30) >= 0 && c <= 9) {
      m = m * 10 + c;
      p++;
    }
    const intLen = p - intStart;
    if (intLen === 0 || (intLen > 1 && buf[intStart] === 0x30)) return false;
    let sig = m === 0 ? 0 : intLen;
    let k = 0;
    if (p < e && buf[p] === 0x2e) {
      p++;
      const fracStart = p;
      while (p < e && (c = buf[p]! - 0x30) >= 0 && c <= 9) {
        m = m * 10 + c;
        if (m !== 0) sig++;
        p++;
      }
      k = p - fracStart;
      if (k === 0 || k > 22) return false;
    }
    if (p !== e || sig > 15) return false;
    let v = k === 0 ? m : m / POW10[k]!;
    if (neg) {
      if (m === 0) return false; // "-0" does not survive String(-0)
      v = -v;
    }
    nums[row] = v;
    this.numbers++;
    // String(v) spells it the same way unless the decimals end in 0 or it is below 1e-6.
    const canonical = k === 0 ? true : buf[e - 1] !== 0x30 && Math.abs(v) >= 1e-6;
    if (!canonical) this.flag(row, 1 + k);
    else if (this.flags) this.flags[row] = 0;
    return true;
  }

  private flag(row: number, f: number): void {
    this.flags ??= new Uint8Array(this.nums!.length);
    this.flags[row] = f;
  }

  private intern(text: string): number {
    let code = this.dict.get(text);
    if (code === undefined) {
      code = this.labels.length;
      this.dict.set(text, code);
      this.labels.push(text);
    }
    return code;
  }

  /** Switches to dictionary codes: the numbers so far become their labels. */
  private toLabels(rows: number): void {
    const codes = new Int32Array(this.nums!.length);
    for (let i = 0; i < rows; i++) {
      const c = this.cell(i);
      codes[i] = c === null ? -1 : this.intern(typeof c === 'number' ? String(c) : (c as string));
    }
    this.codes = codes;
    this.nums = null;
    this.flags = null;
    this.exceptions = null;
  }

  /**
   * The first `n` cells as plain decimals or dictionary codes (see {@link HeldColumn}), copied into
   * `into` when given (an array of {@link heldKind}'s type and length `n`), else into a new array;
   * undefined for numbers with exceptions.
   */
  held(n: number, into?: Float64Array | Int32Array): HeldColumn | undefined {
    if (this.codes) return { codes: into ? copyInto(into as Int32Array, this.codes.subarray(0, n)) : this.codes.slice(0, n), labels: this.labels };
    if (!this.nums || this.exceptions) return undefined;
    return { numbers: into ? copyInto(into as Float64Array, this.nums.subarray(0, n)) : this.nums.slice(0, n) };
  }

  /** The element type {@link held} gives: 8-byte numbers, 4-byte codes, or none. */
  heldKind(): 'numbers' | 'codes' | undefined {
    if (this.codes) return 'codes';
    return this.nums && !this.exceptions ? 'numbers' : undefined;
  }

  cell(i: number): Cell {
    const nums = this.nums;
    if (!nums) {
      const code = this.codes![i]!;
      return code < 0 ? null : this.labels[code]!;
    }
    const v = nums[i]!;
    const f = this.flags ? this.flags[i]! : 0;
    if (v === v) return f === 0 ? v : v.toFixed(f - 1);
    return f === EXCEPTION ? this.labels[this.exceptions!.get(i)!]! : null;
  }

  /** Bytes held, for measurements. */
  bytes(): number {
    return (this.nums?.byteLength ?? 0) + (this.flags?.byteLength ?? 0) + (this.codes?.byteLength ?? 0);
  }
}

/** Longest field (bytes) looked up by bytes; longer labels are decoded every time. */
const MAX_CACHED = 64;
const NOT_CACHED = -2;
/** Most distinct byte strings a column caches (an ID-like column stops caching there). */
const CACHE_ENTRIES = 1 << 16;

/**
 * Byte strings already seen in a column, mapped to their code (-1 for a missing token): an
 * open-addressing table over FNV-1a hashes, the bytes kept in one arena for comparison.
 */
class ByteCache {
  private slots = new Int32Array(1024); // entry index + 1, 0 for empty
  private hashes = new Int32Array(512);
  private starts = new Int32Array(512);
  private lens = new Int32Array(512);
  private codes = new Int32Array(512);
  private arena = Buffer.allocUnsafe(4096);
  private used = 0;
  private count = 0;

  get(buf: Buffer, s: number, e: number): number {
    const h = hashBytes(buf, s, e);
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = this.slots[i]! - 1;
      if (k < 0) return NOT_CACHED;
      if (this.hashes[k] === h && this.lens[k] === e - s && this.same(buf, s, e, this.starts[k]!)) return this.codes[k]!;
    }
  }

  put(buf: Buffer, s: number, e: number, code: number): void {
    if (this.count >= CACHE_ENTRIES) return;
    const len = e - s;
    if (this.count === this.hashes.length) {
      const grow = <T extends Int32Array>(a: T): T => copyInto(new Int32Array(a.length * 2) as T, a);
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.lens = grow(this.lens);
      this.codes = grow(this.codes);
    }
    if (this.used + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.arena.length, this.used + len));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    const k = this.count++;
    this.hashes[k] = hashBytes(buf, s, e);
    this.starts[k] = this.used;
    this.lens[k] = len;
    this.codes[k] = code;
    buf.copy(this.arena, this.used, s, e);
    this.used += len;
    if (2 * this.count > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(k);
  }

  private place(k: number): void {
    const mask = this.slots.length - 1;
    let i = this.hashes[k]! & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = k + 1;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let k = 0; k < this.count; k++) this.place(k);
  }

  private same(buf: Buffer, s: number, e: number, at: number): boolean {
    const a = this.arena;
    for (let p = s, q = at; p < e; p++, q++) if (buf[p] !== a[q]) return false;
    return true;
  }
}

function hashBytes(buf: Buffer, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let p = s; p < e; p++) h = Math.imul(h ^ buf[p]!, 0x01000193);
  return h;
}

const scratch = new Int32Array(3);
function fieldScratch(s: number, e: number, fl: number): Int32Array {
  scratch[0] = s;
  scratch[1] = e;
  scratch[2] = fl;
  return scratch;
}

function copyInto<T extends Float64Array | Uint8Array | Int32Array>(into: T, from: T): T {
  into.set(from as never);
  return into;
}

/** Fills typed columns from the tokenizer's records (the header is handled by the reader). */
export class ColumnStore implements RecordSink {
  nRows = 0;
  /** The first record with the wrong number of fields, and how many there were. */
  ragged: RaggedInfo | undefined;
  private capacity: number;
  private lines: Int32Array;
  private readonly cols: ColumnBuilder[];
  /** Arrays not yet handed out by {@link held}, one per column (made on the first call). */
  private slab: (Float64Array | Int32Array | undefined)[] | null = null;

  constructor(
    readonly width: number,
    expectRows: number,
  ) {
    this.capacity = Math.max(16, Math.ceil(expectRows));
    this.lines = new Int32Array(this.capacity);
    this.cols = Array.from({ length: width }, () => new ColumnBuilder(this.capacity));
  }

  record(buf: Buffer, fields: Int32Array, count: number, line: number): void {
    if (count !== this.width) {
      if (this.ragged) this.ragged.count++;
      else this.ragged = { line, found: count, count: 1 };
      return;
    }
    if (this.ragged) return;
    const row = this.nRows;
    if (row === this.capacity) this.grow();
    const cols = this.cols;
    for (let j = 0; j < count; j++) cols[j]!.add(buf, fields[3 * j]!, fields[3 * j + 1]!, fields[3 * j + 2]!, row);
    this.lines[row] = line;
    this.nRows = row + 1;
  }

  private grow(): void {
    this.capacity = Math.ceil(this.capacity * 1.5) + 16;
    this.lines = copyInto(new Int32Array(this.capacity), this.lines);
    for (const c of this.cols) c.grow(this.capacity);
  }

  cell(i: number, j: number): Cell {
    return this.cols[j]!.cell(i);
  }

  /**
   * Column `j` as held, see {@link RawTable.held}. The first time each column is asked for, its
   * array is a view into one block shared by every column (see {@link heldSlab}); a second request
   * (the target's rows are read twice) gets an array of its own.
   */
  held(j: number): HeldColumn | undefined {
    const n = this.nRows;
    const slab = this.slab ?? (this.slab = this.heldSlab());
    const into = slab[j];
    if (into) slab[j] = undefined;
    return this.cols[j]!.held(n, into);
  }

  /**
   * Empty arrays for every column that can be held, as views into one ArrayBuffer. The columns a
   * table is built from outlive the loader's own arrays; allocated one by one (a few MB each on a
   * large file), the C allocator serves them from its heap once the loader has freed a block of
   * that size, and when the table is later dropped (a search keeps only its split copies) that
   * memory stays with the process: 120 MB of 153 MB on a 1M x 22 file. One block above the
   * allocator's largest mmap threshold (32 MB) is mapped and unmapped as a whole.
   */
  private heldSlab(): (Float64Array | Int32Array | undefined)[] {
    const n = this.nRows;
    const kinds = this.cols.map((c) => c.heldKind());
    let bytes = 0;
    const offsets = kinds.map((k) => {
      const at = bytes;
      if (k) bytes += Math.ceil((n * (k === 'numbers' ? 8 : 4)) / 8) * 8;
      return at;
    });
    const buf = new ArrayBuffer(bytes);
    return kinds.map((k, j) => (k === 'numbers' ? new Float64Array(buf, offsets[j], n) : k === 'codes' ? new Int32Array(buf, offsets[j], n) : undefined));
  }

  /** Source line (1-based) where row `i` ends. */
  lineOf(i: number): number {
    return this.lines[i]!;
  }

  /** Bytes held by the column arrays. */
  bytes(): number {
    return this.lines.byteLength + this.cols.reduce((s, c) => s + c.bytes(), 0);
  }
}
