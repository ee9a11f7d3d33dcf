import type { NewsletterProps } from '../../emails/newsletter.tsx';
import { newsletterMjml } from '../../emails/mjml/newsletter.ts';
import type { Edition } from '../content/schema.ts';
import { NewsletterError } from '../errors.ts';

/** Renders an edition through the MJML template (emails/mjml/) to email HTML. */
export async function renderMjml(edition: Edition, slots?: NewsletterProps['slots']): Promise<string> {
  return compileMjml(newsletterMjml({ edition, slots }), `emails/mjml/ for ${edition.slug}`);
}

/**
 * Compiles an MJML document. `strict` makes MJML refuse an invalid document instead of
 * rendering it with the bad parts dropped, so a template bug fails the build rather than
 * an inbox; its errors come back as a NewsletterError that quotes each offending line.
 */
export async function compileMjml(source: string, origin: string): Promise<string> {
  // Loaded on first use: mjml pulls in ~100 modules that a React-only build or the
  // preview's start should not pay for.
  const { default: mjml2html } = await import('mjml');
  try {
    const { html } = await mjml2html(source, {
      validationLevel: 'strict',
      // MJML links Google Fonts for any family it knows that appears in a font stack, and
      // ours names Roboto as a fallback: no web fonts (Gmail and Outlook drop them, and
      // they would call a third party on open).
      fonts: {},
      // The template carries no comments; MJML's own Outlook conditionals stay either way.
      keepComments: false,
    });
    return trimIndentation(html);
  } catch (error) {
    throw toNewsletterError(error, source, origin);
  }
}

/**
 * MJML indents its output for people, between tags and between the attributes of one
 * tag: a sixth of the bytes here, and Gmail clips past ~102 KB. Only whitespace that
 * holds a newline goes: between tags when it is all there is from one tag to the next
 * (MJML writes such runs between block-level tags; no text our templates write holds a
 * newline, see emails/mjml/markup.ts, so no words are joined), and inside a tag,
 * where it becomes one space. Not `minify: true`, which would run htmlnano and cssnano
 * over our stylesheet too.
 */
function trimIndentation(html: string): string {
  return html
    .replace(/>\n[ \t\n]*</g, '><')
    .replace(/<[a-zA-Z][^<>]*\n[^<>]*>/g, (tag) => tag.replace(/\s*\n\s*/g, ' ').replace(/ >$/, '>'));
}

interface MjmlValidationProblem {
  line: number;
  tagName: string;
  message: string;
}

function toNewsletterError(error: unknown, source: string, origin: string): NewsletterError {
  const lines = source.split('\n');
  const problems = validationProblems(error)?.map((p) => {
    const text = (lines[p.line - 1] ?? '').trim();
    return `line ${p.line} <${p.tagName}>: ${p.message} — in \`${text.length > 120 ? `${text.slice(0, 117)}...` : text}\``;
  });
  if (problems) {
    return new NewsletterError(
      'mjml-invalid',
      `MJML rejected the document made by ${origin} (${problems.length} problem${problems.length === 1 ? '' : 's'}). This is a template bug, not an edition one — fix the builder in emails/mjml/ that writes the tag named below:`,
      problems,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NewsletterError('mjml-failed', `MJML could not compile the document made by ${origin}: ${message}`);
}

/** mjml-core's ValidationError is not exported; it is an Error with an `errors` list. */
function validationProblems(error: unknown): MjmlValidationProblem[] | undefined {
  if (!(error instanceof Error) || !('errors' in error) || !Array.isArray(error.errors)) return undefined;
  return error.errors.filter(
    (e): e is MjmlValidationProblem => typeof e === 'object' && e !== null && typeof e.line === 'number' && typeof e.message === 'string' && typeof e.tagName === 'string',
  );
}
