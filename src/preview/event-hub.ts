/** What the server tells open pages (over server-sent events). */
export interface PreviewEvent {
  /** Editions whose render changed; 'all' after a template change. */
  editions: string[] | 'all';
  /** The sample list changed: the picker's rows are new. */
  recipients?: boolean;
}

export interface EventHub {
  subscribe(listener: (event: PreviewEvent) => void): () => void;
  publish(event: PreviewEvent): void;
  readonly size: number;
}

/** Fan-out to every open page; a listener that throws (a closed stream) is dropped, not fatal. */
export function createEventHub(): EventHub {
  const listeners = new Set<(event: PreviewEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          listeners.delete(listener);
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}
