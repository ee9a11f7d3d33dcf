import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface ProjectChange {
  /** Edition files (`content/*.md`) that changed, appeared or went, as slugs. */
  editions: string[];
  /** The sample subscriber list changed. */
  recipients: boolean;
  /** Absolute paths of template or pipeline source files (emails/**, src/**) that changed. */
  templates: string[];
}

/** Editors save in bursts (write, chmod, rename of a swap file): one change per burst. */
const SETTLE_MS = 15;
const SOURCE = /\.(tsx?|jsx?|mjs|cjs|json|mjml|css)$/;
/** Vim's write test file, swap and backup files, and other editors' temporaries. */
const SCRATCH = /(^|\/)(\.#|#)|~$|\.(swp|swx|swo|tmp|bak)$|(^|\/)4913$/;

/**
 * Watches content/ (editions and the sample list) and emails/ and src/ (templates and
 * the render pipeline), and calls `onChange` once per burst of saves. Uses fs.watch
 * (inotify): recursive watching is native on Linux since Node 19.1, and a watcher per
 * folder costs nothing like chokidar's polling or per-file stat.
 */
export function watchProject(root: string, onChange: (change: ProjectChange) => void): { close(): void } {
  const pending: ProjectChange = { editions: [], recipients: false, templates: [] };
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const change = { editions: [...new Set(pending.editions)], recipients: pending.recipients, templates: [...new Set(pending.templates)] };
    pending.editions = [];
    pending.recipients = false;
    pending.templates = [];
    if (change.editions.length > 0 || change.recipients || change.templates.length > 0) onChange(change);
  };
  const schedule = () => {
    timer ??= setTimeout(flush, SETTLE_MS);
  };

  const watchers: FSWatcher[] = [];
  const open = (dir: string, recursive: boolean, handle: (name: string) => boolean) => {
    try {
      const watcher = watch(dir, { recursive }, (_event, name) => {
        if (name && !SCRATCH.test(name) && handle(name)) schedule();
      });
      // A watched folder that is deleted ends its watcher with an error; the others go on.
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // No such folder (a project without src/, say): nothing there to watch.
    }
  };
  open(join(root, 'content'), false, (name) => {
    if (name.endsWith('.md')) {
      pending.editions.push(name.slice(0, -3));
      return true;
    }
    if (name === 'subscribers.sample.csv') {
      pending.recipients = true;
      return true;
    }
    return false;
  });
  for (const dir of ['emails', 'src']) {
    open(join(root, dir), true, (name) => {
      if (!SOURCE.test(name)) return false;
      pending.templates.push(join(root, dir, name));
      return true;
    });
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
