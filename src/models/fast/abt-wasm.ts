/**
 * C = A B' (all row-major float64) in WebAssembly SIMD, for the multinomial logistic-regression
 * gradient, where plain JavaScript loops are bound by a bounds check per typed-array load.
 * The module is abt.wat in this folder, assembled with wabt's wat2wasm (npm package "wabt",
 * used only to regenerate this constant: `parseWat(name, text, { simd: true }).toBinary({})`).
 */

const MODULE_BASE64 = 'AGFzbQEAAAABCgFgBn9/f39/fwADAgEABQMBAAEHEAIGbWVtb3J5AgADYWJ0AAAKmQQBlgQDCn8Iewh8IARBA3QhCSAEQX5xQQN0IQoCQANAIAYgAU8NASAAIAYgCWxqIQsgCyAJaiALIAZBAWogAUkbIQxBACEHAkADQCAHIANPDQEgAiAHIAlsaiENIA0gCWogDSAHQQFqIANJGyEORAAAAAAAAAAA/RQhEEQAAAAAAAAAAP0UIRFEAAAAAAAAAAD9FCESRAAAAAAAAAAA/RQhE0EAIQgCQANAIAggCk8NASALIAhq/QAEACEUIAwgCGr9AAQAIRUgDSAIav0ABAAhFiAOIAhq/QAEACEXIBAgFCAW/fIB/fABIRAgESAUIBf98gH98AEhESASIBUgFv3yAf3wASESIBMgFSAX/fIB/fABIRMgCEEQaiEIDAALCyAQ/SEAIBD9IQGgIRggEf0hACAR/SEBoCEZIBL9IQAgEv0hAaAhGiAT/SEAIBP9IQGgIRsgBEEBcQRAIAsgCmorAwAhHCAMIApqKwMAIR0gDSAKaisDACEeIA4gCmorAwAhHyAYIBwgHqKgIRggGSAcIB+ioCEZIBogHSAeoqAhGiAbIB0gH6KgIRsLIAUgBiADbCAHakEDdGohDyAPIBg5AwAgB0EBaiADSQRAIA8gGTkDCAsgBkEBaiABSQRAIA8gA0EDdGohDyAPIBo5AwAgB0EBaiADSQRAIA8gGzkDCAsLIAdBAmohBwwACwsgBkECaiEGDAALCws=';

// The project's TypeScript libs do not declare WebAssembly; the little used here, typed locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

function module(): object | null {
  if (compiled === undefined) {
    try {
      compiled = WA ? new WA.Module(Buffer.from(MODULE_BASE64, 'base64')) : null;
    } catch {
      // No WebAssembly SIMD here: callers fall back to JavaScript.
      compiled = null;
    }
  }
  return compiled;
}

/** Largest memory a workspace takes (bytes); bigger problems use the JavaScript kernels. */
const MAX_BYTES = 1 << 30;

/**
 * A private WebAssembly memory holding float64 matrices at fixed offsets, and the product
 * kernel over it. One per fit: the memory is freed with the workspace.
 */
export class AbtWorkspace {
  /** The whole memory as float64. */
  readonly f64: Float64Array;
  private readonly fn: (a: number, ma: number, b: number, mb: number, len: number, c: number) => void;

  private constructor(mod: object, doubles: number) {
    const inst = new WA!.Instance(mod, {});
    const memory = inst.exports.memory as WasmMemory;
    const need = Math.ceil((doubles * 8) / 65536);
    const have = memory.buffer.byteLength / 65536;
    if (need > have) memory.grow(need - have);
    this.f64 = new Float64Array(memory.buffer);
    this.fn = inst.exports.abt as AbtWorkspace['fn'];
  }

  /** False forces the JavaScript kernels everywhere (tests use it to cover the fallback). */
  static enabled = true;

  /** A workspace of `doubles` float64 slots, or null when WebAssembly SIMD is missing or it would be too large. */
  static create(doubles: number): AbtWorkspace | null {
    const mod = module();
    if (!mod || !AbtWorkspace.enabled || doubles * 8 > MAX_BYTES) return null;
    try {
      return new AbtWorkspace(mod, doubles);
    } catch {
      // Memory could not grow that far: the JavaScript kernels need no extra memory.
      return null;
    }
  }

  /** C (ma x mb, at slot c) = A (ma x len, at slot a) times B' (B: mb x len, at slot b); slots in float64 units. */
  abt(a: number, ma: number, b: number, mb: number, len: number, c: number): void {
    this.fn(a * 8, ma, b * 8, mb, len, c * 8);
  }
}
