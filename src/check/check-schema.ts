import type { Finding } from './finding.ts';

/**
 * The loader's problems (`file:line field: what — fix`, from readEdition) as findings,
 * with the `file:line` split off so the panel can show it as a location.
 */
export function schemaFindings(problems: readonly string[]): Finding[] {
  return problems.map((problem) => {
    const m = /^(.+?:\d+) ([\s\S]*)$/.exec(problem);
    return m ? { check: 'schema', severity: 'error', where: m[1], message: m[2] ?? problem } : { check: 'schema', severity: 'error', message: problem };
  });
}
