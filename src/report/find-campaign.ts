import type { Database } from 'better-sqlite3';
import { NewsletterError } from '../errors.ts';

/** Campaigns with a report: the real sends (batch and broadcast); outbox runs get no webhooks. */
export function reportableCampaigns(db: Database): { id: string; subject: string; createdAt: string; status: string }[] {
  return db
    .prepare(`SELECT id, subject, created_at AS createdAt, status FROM campaigns WHERE id NOT LIKE '%@outbox' ORDER BY created_at DESC, id`)
    .all() as { id: string; subject: string; createdAt: string; status: string }[];
}

/**
 * The journal id a marketer means: `slug` (a batch send), `slug@broadcast`, or the edition's
 * file (`content/slug.md`). A slug sent both ways must be named exactly.
 */
export function findReportCampaign(db: Database, given: string, where: string): string {
  const slug = given.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
  const known = reportableCampaigns(db).map((c) => c.id);
  if (known.includes(slug)) {
    if (!slug.endsWith('@broadcast') && known.includes(`${slug}@broadcast`)) {
      throw new NewsletterError('ambiguous-campaign', `${where}: \`${slug}\` was sent both in batches and as a broadcast — name one: \`${slug}\` or \`${slug}@broadcast\`.`);
    }
    return slug;
  }
  if (known.includes(`${slug}@broadcast`)) return `${slug}@broadcast`;
  throw new NewsletterError(
    'unknown-campaign',
    `${where}: no campaign \`${slug}\` in the journal — ${known.length === 0 ? 'nothing has been sent through Resend with this journal yet (is NEWSLETTER_DB the same as when you sent?)' : `known campaigns: ${known.join(', ')}`}.`,
  );
}
