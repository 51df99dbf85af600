/** The `--plugin <module>` option of `resume` and `worker`: the study's model modules, named again by the user. */
import { Option } from 'commander';
import type { ModelPluginRef } from '../../automl/worker/data.js';

/** A new `--plugin` option (repeatable); commander options cannot be shared between commands. */
export function pluginOption(): Option {
  return new Option(
    '--plugin <module>',
    "a model module (file path, optionally #exportName) the study was started with; repeat for each. The study's record is only compared with these, never imported",
  ).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
}

/** `path#exportName` or `path` as plugin references. */
export function pluginRefs(values: readonly string[] | undefined): ModelPluginRef[] {
  return (values ?? []).map((v) => {
    const hash = v.lastIndexOf('#');
    return hash > 0 && /^[A-Za-z_$][\w$]*$/.test(v.slice(hash + 1)) ? { module: v.slice(0, hash), exportName: v.slice(hash + 1) } : { module: v };
  });
}
