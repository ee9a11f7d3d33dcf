import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkEdition, checkProblems } from '../check/check-edition.ts';
import type { CheckReport } from '../check/finding.ts';
import { sampleMessage, type SampleSettings } from '../check/sample-message.ts';
import type { Edition } from '../content/schema.ts';
import type { Email } from '../render/email.ts';
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
  /** The edition rendered from the files as they are now; undefined when there is no such file. */
  get(slug: string): Promise<Rendered | undefined>;
  checks(slug: string): Promise<CheckReport | undefined>;
  /** The web version of the edition's latest good render; undefined when there is none. */
  web(slug: string): Promise<string | undefined>;
  summaries(): Promise<EditionSummary[]>;
  /** Files changed: forget these editions' renders ('all' after a template change). */
  changed(slugs: readonly string[] | 'all'): void;
}

/**
 * Renders editions on demand and keeps the latest render (and its checks) of each until
 * one of its files changes. A render in flight when a file changes is simply superseded:
 * the next `get` starts another, and each result carries the version it was made for.
 */
export function createEditionStore(options: { root: string; pipeline: RenderPipeline; sample: SampleSettings; clientSupport: ClientSupportChecker }): EditionStore {
  const { root, pipeline, sample, clientSupport } = options;
  const contentDir = join(root, 'content');
  const renders = new Map<string, Promise<Rendered>>();
  const reports = new Map<string, { version: number; report: Promise<CheckReport> }>();
  const webs = new Map<string, { version: number; web: Promise<string> }>();
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

  const render = async (slug: string, version: number): Promise<Rendered> => {
    const path = join(contentDir, `${slug}.md`);
    const file = relative(root, path);
    const started = performance.now();
    try {
      const [source, loaded] = await Promise.all([readFile(path, 'utf8'), pipeline.readEdition(path)]);
      if (!loaded.ok) return { ok: false, slug, file, version, kind: 'edition', problems: loaded.problems };
      const email = await pipeline.renderEmail(loaded.edition);
      return {
        ok: true,
        slug,
        file,
        version,
        source,
        edition: loaded.edition,
        email,
        htmlBytes: Buffer.byteLength(email.html),
        textBytes: Buffer.byteLength(email.text),
        renderMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return { ok: false, slug, file, version, kind: 'template', error: describeError(error, root) };
    }
  };

  const get = async (slug: string): Promise<Rendered | undefined> => {
    if (!(await slugs()).includes(slug)) return undefined;
    let pending = renders.get(slug);
    if (!pending) {
      pending = render(slug, versionOf(slug));
      renders.set(slug, pending);
    }
    return pending;
  };

  const checks = async (slug: string): Promise<CheckReport | undefined> => {
    const rendered = await get(slug);
    if (!rendered) return undefined;
    const kept = reports.get(slug);
    if (kept && kept.version === rendered.version) return kept.report;
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
    reports.set(slug, { version: rendered.version, report });
    return report;
  };

  const web = async (slug: string): Promise<string | undefined> => {
    const rendered = await get(slug);
    if (!rendered?.ok) return undefined;
    const kept = webs.get(slug);
    if (kept && kept.version === rendered.version) return kept.web;
    const made = pipeline.buildEdition(rendered.edition).then((built) => built.web);
    webs.set(slug, { version: rendered.version, web: made });
    made.catch(() => webs.delete(slug));
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
        renders.clear();
        return;
      }
      for (const slug of which) {
        versions.set(slug, (versions.get(slug) ?? 0) + 1);
        renders.delete(slug);
      }
    },
  };
}
