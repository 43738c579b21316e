// Lets a consumer (the layer store's tar reader) stop reading early without closing the source,
// so that the caller can drain the rest and the checks at the end of the stream still run.
export function detachReturn<T>(it: AsyncIterator<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => it.next(),
      return: async () => ({ done: true, value: undefined }),
    }),
  };
}

export async function drain<T>(it: AsyncIterator<T>): Promise<void> {
  for (;;) {
    const n = await it.next();
    if (n.done) return;
  }
}
