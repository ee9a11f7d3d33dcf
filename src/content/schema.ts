import { z } from 'zod';

/**
 * The edition: what a Markdown file in content/ becomes after loading.
 * Front matter is validated here; the body is parsed by load-edition.ts into
 * `intro`, `sections` and `closing`, and validated by the same schema so that
 * every problem is reported at once.
 */

const https = z
  .string()
  .trim()
  .refine((v) => /^https:\/\/[^\s/]+\.[^\s]+$/.test(v), {
    message: 'must be an absolute https:// URL — write it as https://example.com/…',
  });

const emailAddress = z
  .string()
  .trim()
  .regex(/^[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}$/, {
    message: 'must be an email address such as news@example.com',
  });

/** A merge slot such as `{{name}}`, filled per recipient by the send step. */
export const MERGE_SLOT = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const frontMatterSchema = z.strictObject({
  subject: z.string().trim().min(1, { message: 'is empty — write the subject line' }).max(200),
  preheader: z
    .string()
    .trim()
    .min(1, { message: 'is empty — write one sentence shown after the subject in the inbox' })
    .max(200),
  date: z.iso.date({ message: 'must be a date written YYYY-MM-DD, such as 2025-07-08' }),
  /** A true advertisement must start its subject with "(광고)" (정보통신망법 §50). */
  advertisement: z.boolean({ message: 'must be true or false' }),
  engine: z.enum(['react', 'mjml']).default('react'),
  from: z.strictObject({
    name: z.string().trim().min(1, { message: 'is empty — write the sender name readers know' }),
    email: emailAddress,
  }),
  replyTo: emailAddress.optional(),
  publisher: z.strictObject({
    name: z.string().trim().min(1),
    tagline: z.string().trim().optional(),
    url: https,
    logo: z
      .strictObject({ src: https, alt: z.string().trim().min(1), width: z.number().int().positive() })
      .optional(),
  }),
  /**
   * The sender's contact, shown in the footer. An advertisement's body must give the
   * email address, phone number and postal address (정보통신망법 시행령 별표 6); each is
   * optional here so that `check` can name the missing ones (Resend refuses the send).
   */
  contact: z.strictObject(
    {
      email: emailAddress.optional(),
      phone: z.string().trim().min(1, { message: 'is empty — write the phone number readers can call, such as 02-123-4567' }).optional(),
      address: z.string().trim().min(1, { message: 'is empty — write the postal address' }).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' && issue.input !== undefined ? 'must be { email, phone, address } — write contact: { email: news@example.com, phone: 02-123-4567, address: 서울시 … }' : undefined) },
  ),
  cta: z
    .strictObject({
      label: z.string().trim().min(1),
      url: https,
      text: z.string().trim().optional(),
    })
    .optional(),
  tags: z.array(z.string().trim().min(1)).default([]),
  greeting: z
    .strictObject({
      /** Used when the recipient's name is known; `{{name}}` stands for it. */
      named: z.string().trim().includes('{{name}}', { message: 'must contain {{name}}' }),
      /** Used when no name is known. */
      anonymous: z.string().trim().min(1),
    })
    .default({ named: '{{name}}님, 안녕하세요.', anonymous: '안녕하세요.' }),
  /**
   * UTM tags (`utm_source=newsletter&utm_medium=email&utm_campaign=<slug>`) on every
   * outgoing link; `false` leaves the links as written. See src/render/utm-links.ts.
   * @default true
   */
  utm: z.boolean({ message: 'must be true or false — write utm: false to send the links without UTM tags' }).optional(),
  /** Free notes for editors; never rendered. */
  notes: z.string().optional(),
});

export type Inline =
  | { type: 'text'; value: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'emphasis'; children: Inline[] }
  | { type: 'code'; value: string }
  | { type: 'break' }
  | { type: 'link'; url: string; children: Inline[] };

const inlineSchema: z.ZodType<Inline> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), value: z.string() }),
    z.object({ type: z.literal('strong'), children: z.array(inlineSchema) }),
    z.object({ type: z.literal('emphasis'), children: z.array(inlineSchema) }),
    z.object({ type: z.literal('code'), value: z.string() }),
    z.object({ type: z.literal('break') }),
    z.object({
      type: z.literal('link'),
      url: z.string().refine((v) => /^https:\/\/[^\s/]+\.\S+$/.test(v) || /^mailto:\S+@\S+$/.test(v) || /^\{\{\s*\w+\s*\}\}$/.test(v), {
        message: 'link must be an absolute https:// URL, a mailto: address or a merge slot such as {{web_url}}',
      }),
      children: z.array(inlineSchema),
    }),
  ]),
);

export const blockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('paragraph'), line: z.number(), children: z.array(inlineSchema).min(1) }),
  z.object({
    type: z.literal('list'),
    line: z.number(),
    ordered: z.boolean(),
    items: z.array(z.array(inlineSchema).min(1)).min(1),
  }),
  z.object({
    type: z.literal('image'),
    line: z.number(),
    src: https,
    alt: z.string().trim().min(1, { message: 'image has no alt text — write ![what it shows](url)' }),
    width: z.number().int().positive().max(600).default(552),
  }),
]);

export const sectionSchema = z.object({
  line: z.number(),
  heading: z.string().trim().min(1, { message: 'heading is empty — write the headline after ##' }),
  /** A stable anchor derived from the heading, used by the index. */
  id: z.string(),
  blocks: z.array(blockSchema).min(1, { message: 'section is empty — write a summary under the heading' }),
  /** A "read more" link: the section's last paragraph when it is a lone link. */
  more: z.object({ label: z.string(), url: https }).optional(),
});

export const editionSchema = frontMatterSchema.extend({
  /** From the file name: `2025-07-08-ai-issues-2025-h1`. ASCII, used for tags and URLs. */
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
    message: 'file name must be lower-case ASCII letters, digits and dashes, such as 2025-07-08-my-edition.md',
  }),
  /** Paragraphs before the first `##` heading. */
  intro: z.array(blockSchema),
  /** `##` sections before the first thematic break (`---`): the numbered issues. */
  sections: z.array(sectionSchema).min(1, { message: 'the edition has no ## sections — write at least one issue' }),
  /** `##` sections after a thematic break: the closing (about the publisher), not numbered. */
  closing: z.array(sectionSchema),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;
export type Block = z.infer<typeof blockSchema>;
export type Section = z.infer<typeof sectionSchema>;
export type Edition = z.infer<typeof editionSchema>;

/**
 * The template engines, from the front-matter schema: `react` (the default) and `mjml`.
 * Here, not beside the renderers: the CLI checks `--engine` on every command, and the
 * renderers (React, the templates) load only when an edition is rendered.
 */
export const ENGINES = frontMatterSchema.shape.engine.unwrap().options;
export type Engine = Edition['engine'];
