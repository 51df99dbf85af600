/**
 * Maps over items with at most `limit` calls in flight, results in input order. Used where each
 * call registers a listener on one shared AbortSignal: firing them all at once would pile up
 * listeners (and warnings) for work an executor would only queue anyway.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}
