/**
 * The one error class users see. `code` is stable for tests and `--json`; the message
 * already names the file, line, field and the fix, so the CLI prints it as it is, with
 * no stack trace.
 */
export class NewsletterError extends Error {
  readonly code: string;
  /** Every problem found, one line each (`file:line field: what — fix`). */
  readonly problems: readonly string[];

  constructor(code: string, message: string, problems: readonly string[] = []) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  ${p}`).join('\n')}` : message);
    this.name = 'NewsletterError';
    this.code = code;
    this.problems = problems;
  }
}
