/** What rendering an edition produces: one HTML and one text part, with merge slots left in. */
export interface Email {
  slug: string;
  subject: string;
  preheader: string;
  html: string;
  text: string;
  /** Greeting templates the send step fills into the `{{greeting}}` slot. */
  greeting: { named: string; anonymous: string };
}

/** The merge slots every rendered email carries, filled per recipient by the send step. */
export const STANDARD_SLOTS = ['greeting', 'name', 'unsubscribe_url', 'web_url'] as const;
