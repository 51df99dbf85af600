/**
 * Dense products the kernel learners share: C = A B' in WebAssembly SIMD where available (the
 * project's kernel in ../fast/abt-wasm.ts), in chunks of rows of A so that the workspace stays
 * small, with a plain JavaScript fallback; and the inverse of a triangular factor.
 */
import { dotRows } from './kernel.js';
import { acquireWorkspace, releaseWorkspace } from './workspace.js';

/** Rows of A per chunk. */
const CHUNK = 512;
/** Multiply-adds below which a product stays in JavaScript. */
const SIMD_MIN_WORK = 20_000;

/**
 * C (ma x mb, row-major) = A (ma x len) times B' (B: mb x len). `onChunk(row0, rows, C)` receives
 * each block of rows of C (a view, valid during the call) instead of one large result, so callers
 * can transform blocks in place (the kernel function, a feature map).
 */
export function productABt(A: Float64Array, ma: number, B: Float64Array, mb: number, len: number, onChunk: (row0: number, rows: number, C: Float64Array) => void): void {
  const chunk = Math.max(1, Math.min(CHUNK, ma));
  // Small products are quicker in plain JavaScript than through the workspace copies.
  const ws = ma * mb * len >= SIMD_MIN_WORK ? acquireWorkspace(mb * len + chunk * len + chunk * mb) : null;
  if (ws) {
    try {
      const f = ws.f64;
      f.set(B.subarray(0, mb * len), 0);
      const aSlot = mb * len;
      const cSlot = aSlot + chunk * len;
      for (let r0 = 0; r0 < ma; r0 += chunk) {
        const rows = Math.min(chunk, ma - r0);
        f.set(A.subarray(r0 * len, (r0 + rows) * len), aSlot);
        ws.abt(aSlot, rows, 0, mb, len, cSlot);
        onChunk(r0, rows, f.subarray(cSlot, cSlot + rows * mb));
      }
    } finally {
      releaseWorkspace(ws);
    }
    return;
  }
  const C = new Float64Array(chunk * mb);
  for (let r0 = 0; r0 < ma; r0 += chunk) {
    const rows = Math.min(chunk, ma - r0);
    for (let i = 0; i < rows; i++) for (let k = 0; k < mb; k++) C[i * mb + k] = dotRows(A, (r0 + i) * len, B, k * len, len);
    onChunk(r0, rows, C.subarray(0, rows * mb));
  }
}

/** The inverse of a lower-triangular matrix (lower triangular, row-major). */
export function invertLower(L: Float64Array, n: number): Float64Array {
  const M = new Float64Array(n * n);
  // Column j of L^-1 by forward substitution on e_j.
  for (let j = 0; j < n; j++) {
    M[j * n + j] = 1 / L[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      const ri = i * n;
      for (let k = j; k < i; k++) s += L[ri + k]! * M[k * n + j]!;
      M[ri + j] = -s / L[ri + i]!;
    }
  }
  return M;
}
