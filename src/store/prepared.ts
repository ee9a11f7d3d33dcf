import type { Store } from './open-store.ts';

/**
 * Statements prepared once per database, on first use: the send loop and the server ask
 * the same few questions for every recipient or request, and preparing costs more than
 * running them. `prepare` is called with each new database once.
 */
export function preparedStatements<T>(prepare: (db: Store['db']) => T): (store: Store) => T {
  const cache = new WeakMap<Store['db'], T>();
  return (store) => {
    let statements = cache.get(store.db);
    if (statements === undefined) cache.set(store.db, (statements = prepare(store.db)));
    return statements;
  };
}
