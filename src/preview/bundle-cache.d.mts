// Types of bundle-cache.mjs (plain JavaScript: boot.mjs runs under bare `node`).
export interface Built {
  files: { fileName: string; code: string }[];
  /** Entry name → file name in the bundle's folder. */
  entries: Record<string, string>;
  /** The files bundled: absolute path → [mtimeMs, size] as each was read. */
  inputs: Record<string, [number, number]>;
}

/** Entry name → absolute file of a current bundle, built when needed; undefined when it does not build. */
export function cachedBundle(options: { cacheDir: string; name: string; key: string; build: () => Promise<Built> }): Promise<Record<string, string> | undefined>;
export function bundleForNode(input: Record<string, string>): Promise<Built>;
export function bundleForBrowser(input: Record<string, string>): Promise<Built>;
export function digest(text: string): string;
