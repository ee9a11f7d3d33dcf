import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkEdition, checkProblems } from '../check/check-edition.ts';
import type { CheckReport } from '../check/finding.ts';
import { sampleMessage, type SampleSettings } from '../check/sample-message.ts';
import type { Edition } from '../content/schema.ts';
import type { Email } from '../render/email.ts';
import type { Engine } from '../render/render-email.ts';
import { describeError, type DescribedError } from './describe-error.ts';
import type { ClientSupportChecker } from './client-support-checker.ts';
import type { RenderPipeline } from './render-pipeline.ts';

export type Rendered =
  | {
      ok: true;
      slug: string;
      file: string;
      version: number;
      source: string;
      edition: Edition;
      /** The engine that made `email`: the one asked for, else `--engine`, else the edition's own. */
      engine: Engine;
      /** The email with its merge slots; the web version is rendered only when asked for (`web`). */
      email: Email;
      htmlBytes: number;
      textBytes: number;
      renderMs: number;
    }
  /** The edition file does not load: the loader's problems, `file:line field: message`. */
  | { ok: false; slug: string; file: string; version: number; kind: 'edition'; problems: string[] }
  /** The template or pipeline threw (or does not compile). */
  | { ok: false; slug: string; file: string; version: number; kind: 'template'; error: DescribedError };

export interface EditionSummary {
  slug: string;
  file: string;
  ok: boolean;
  date?: string;
  subject?: string;
  htmlBytes?: number;
  errors: number;
  warnings: number;
}

export interface EditionStore {
  /** The editions in content/, newest first (file names start with the date). */
  slugs(): Promise<string[]>;
  /**
   * The edition rendered from the files as they are now, by `engine` (default: the
   * server's `--engine`, else the edition's own); undefined when there is no such file.
   */
  get(slug: string, engine?: Engine): Promise<Rendered | undefined>;
  checks(slug: string, engine?: Engine): Promise<CheckReport | undefined>;
  /** The web version of the edition's latest good render; undefined when there is none. */
  web(slug: string, engine?: Engine): Promise<string | undefined>;
  summaries(): Promise<EditionSummary[]>;
  /** Files changed: forget these editions' renders ('all' after a template change). */
  changed(slugs: readonly string[] | 'all'): void;
}

type Loaded =
  | { ok: true; version: number; file: string; source: string; edition: Edition; loadMs: number }
  | Extract<Rendered, { ok: false }>;

/**
 * Renders editions on demand and keeps the latest render (and its checks) of each, per
 * engine, until one of its files changes. The edition file is read once for both engines.
 * A render in flight when a file changes is simply superseded: the next `get` starts
 * another, and each result carries the version it was made for.
 */
export function createEditionStore(options: { root: string; pipeline: RenderPipeline; sample: SampleSettings; clientSupport: ClientSupportChecker; engine?: Engine }): EditionStore {
  const { root, pipeline, sample, clientSupport } = options;
  const contentDir = join(root, 'content');
  const loads = new Map<string, Promise<Loaded>>();
  /** By `slug\nengine`. */
  const renders = new Map<string, Promise<Rendered>>();
  // Kept with the render they are about: a new render (a save) leaves them to the GC.
  const reports = new WeakMap<Rendered, Promise<CheckReport>>();
  const webs = new WeakMap<Rendered, Promise<string>>();
  const versions = new Map<string, number>();
  let globalVersion = 0;
  const versionOf = (slug: string) => globalVersion + (versions.get(slug) ?? 0);

  const slugs = async (): Promise<string[]> => {
    let names: string[];
    try {
      names = await readdir(contentDir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.md') && !n.startsWith('.'))
      .map((n) => n.slice(0, -3))
      .sort()
      .reverse();
  };

  const load = async (slug: string, version: number): Promise<Loaded> => {
    const path = join(contentDir, `${slug}.md`);
    const file = relative(root, path);
    const started = performance.now();
    try {
      const [source, loaded] = await Promise.all([readFile(path, 'utf8'), pipeline.readEdition(path)]);
      if (!loaded.ok) return { ok: false, slug, file, version, kind: 'edition', problems: loaded.problems };
      return { ok: true, version, file, source, edition: loaded.edition, loadMs: performance.now() - started };
    } catch (error) {
      return { ok: false, slug, file, version, kind: 'template', error: describeError(error, root) };
    }
  };

  const render = async (slug: string, loaded: Extract<Loaded, { ok: true }>, engine: Engine): Promise<Rendered> => {
    const { version, file, source, edition } = loaded;
    const started = performance.now();
    try {
      const email = await pipeline.renderEmail(edition, engine);
      return {
        ok: true,
        slug,
        file,
        version,
        source,
        edition,
        engine,
        email,
        htmlBytes: Buffer.byteLength(email.html),
        textBytes: Buffer.byteLength(email.text),
        // Loading the edition counts too: it is what a save costs.
        renderMs: Math.round(loaded.loadMs + performance.now() - started),
      };
    } catch (error) {
      return { ok: false, slug, file, version, kind: 'template', error: describeError(error, root) };
    }
  };

  const get = async (slug: string, engine?: Engine): Promise<Rendered | undefined> => {
    if (!(await slugs()).includes(slug)) return undefined;
    let loading = loads.get(slug);
    if (!loading) {
      loading = load(slug, versionOf(slug));
      loads.set(slug, loading);
    }
    const loaded = await loading;
    if (!loaded.ok) return loaded;
    const chosen = engine ?? options.engine ?? loaded.edition.engine;
    const key = `${slug}\n${chosen}`;
    let pending = renders.get(key);
    if (!pending) {
      pending = render(slug, loaded, chosen);
      // Superseded while loading (a save): hand this render out, but do not keep it.
      if (loads.get(slug) === loading) renders.set(key, pending);
    }
    return pending;
  };

  const checks = async (slug: string, engine?: Engine): Promise<CheckReport | undefined> => {
    const rendered = await get(slug, engine);
    if (!rendered) return undefined;
    const kept = reports.get(rendered);
    if (kept) return kept;
    const report = (async (): Promise<CheckReport> => {
      if (!rendered.ok) {
        return rendered.kind === 'edition'
          ? checkProblems(rendered.problems)
          : { findings: [{ check: 'schema', severity: 'error', message: `the template failed: ${rendered.error.message}`, ...(rendered.error.where ? { where: rendered.error.where } : {}) }], errors: 1, warnings: 0 };
      }
      const { edition, email } = rendered;
      let message;
      try {
        message = sampleMessage(edition, email, sample);
      } catch {
        // Only fails on a bad identity (such as a sender address that is not one); the
        // schema has refused those already, so the header check is skipped rather than crash.
      }
      return checkEdition({
        edition,
        email,
        htmlBytes: rendered.htmlBytes,
        file: rendered.file,
        source: rendered.source,
        ...(message ? { sample: message } : {}),
        clientSupport: await clientSupport.check(email.html),
      });
    })();
    reports.set(rendered, report);
    return report;
  };

  const web = async (slug: string, engine?: Engine): Promise<string | undefined> => {
    const rendered = await get(slug, engine);
    if (!rendered?.ok) return undefined;
    const kept = webs.get(rendered);
    if (kept) return kept;
    const made = pipeline.buildEdition(rendered.edition, rendered.engine).then((built) => built.web);
    webs.set(rendered, made);
    made.catch(() => webs.delete(rendered));
    return made;
  };

  return {
    slugs,
    get,
    checks,
    web,
    async summaries() {
      const all = await slugs();
      return Promise.all(
        all.map(async (slug): Promise<EditionSummary> => {
          const rendered = await get(slug);
          const report = await checks(slug);
          const base = { slug, file: rendered?.file ?? `content/${slug}.md`, errors: report?.errors ?? 0, warnings: report?.warnings ?? 0 };
          if (!rendered?.ok) return { ...base, ok: false };
          return { ...base, ok: true, date: rendered.edition.date, subject: rendered.edition.subject, htmlBytes: rendered.htmlBytes };
        }),
      );
    },
    changed(which) {
      if (which === 'all') {
        globalVersion += 1;
        loads.clear();
        renders.clear();
        return;
      }
      for (const slug of which) {
        versions.set(slug, (versions.get(slug) ?? 0) + 1);
        loads.delete(slug);
        for (const key of renders.keys()) if (key.startsWith(`${slug}\n`)) renders.delete(key);
      }
    },
  };
}
