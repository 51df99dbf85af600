import { AutomlError } from '../util/errors.js';
import type { FlatParams, ParamValue } from './params.js';
import { Choice, isDimension, type Space, type SpaceShape } from './space.js';

/** Largest grid that is enumerated; beyond this, random or Bayesian search is the right tool. */
export const MAX_GRID_POINTS = 5_000_000;

/**
 * The grid of a space: every combination of every dimension's grid values, where a choice
 * contributes the union over its branches of (branch, branch grid). Points are addressed by index
 * (mixed radix), so a large grid is never materialised.
 */
export class Grid {
  readonly size: number;
  private readonly root: GridNode;

  constructor(space: Space, gridSize?: number) {
    this.root = compileShape(space.shape, '', gridSize);
    this.size = this.root.size;
    if (this.size > MAX_GRID_POINTS) {
      throw new AutomlError('E_SPACE', `the grid has ${this.size} points (more than ${MAX_GRID_POINTS}); add steps or a smaller grid size, or use random or Bayesian search`);
    }
  }

  /** The `i`-th point (0 <= i < size) as a flat assignment. */
  at(i: number): FlatParams {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new RangeError(`grid index ${i} out of range [0, ${this.size})`);
    const out: Record<string, ParamValue> = {};
    this.root.write(i, out);
    return out;
  }
}

interface GridNode {
  readonly size: number;
  write(i: number, out: Record<string, ParamValue>): void;
}

function compileShape(shape: SpaceShape, prefix: string, gridSize: number | undefined): GridNode {
  const parts: GridNode[] = [];
  for (const key of Object.keys(shape)) {
    const node = shape[key];
    const name = prefix + key;
    if (isDimension(node)) {
      const values = node.grid(gridSize, name);
      parts.push({ size: values.length, write: (i, out) => void (out[name] = values[i]!) });
    } else if (node instanceof Choice) {
      const branches = Object.keys(node.branches).map((b) => ({ b, node: compileShape(node.branches[b]!, `${name}.${b}.`, gridSize) }));
      const size = branches.reduce((s, x) => s + x.node.size, 0);
      parts.push({
        size,
        write(i, out) {
          for (const { b, node: sub } of branches) {
            if (i < sub.size) {
              out[name] = b;
              sub.write(i, out);
              return;
            }
            i -= sub.size;
          }
        },
      });
    } else parts.push(compileShape(node as SpaceShape, `${name}.`, gridSize));
  }
  const size = parts.reduce((s, p) => s * p.size, 1);
  return {
    size,
    write(i, out) {
      // Last part varies fastest.
      for (let k = parts.length - 1; k >= 0; k--) {
        const p = parts[k]!;
        p.write(i % p.size, out);
        i = Math.floor(i / p.size);
      }
    },
  };
}
