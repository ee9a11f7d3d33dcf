import { z } from 'zod';

/**
 * What the `dev` command hands the preview server process. The command reads argv and
 * the environment (scripts/ is the only layer that does); the server gets these values
 * and nothing else, over IPC, so the Resend key never shows up in a process listing.
 */
export const previewSettingsSchema = z.strictObject({
  /** The project folder: content/ (editions, subscribers.sample.csv), emails/ and src/ live here. */
  root: z.string().min(1),
  /** 0 picks a free port (tests). @default 3000 */
  port: z.number().int().min(0).max(65_535),
  /** @default '127.0.0.1' — the preview can send email, so it is not on the network unless asked. */
  host: z.string().min(1),
  /** Base of the unsubscribe and web links in the personalized preview (config.publicUrl or its dev fallback). */
  publicUrl: z.string().min(1),
  /** Key of the preview's unsubscribe tokens (config.secret or the public dev secret). */
  secret: z.string().min(16),
  /** Where test sends go without a Resend key: `<outboxDir>/<slug>-test/`, as `newsletter send --test` does. */
  outboxDir: z.string().min(1),
  /** `--engine`: the engine an edition page opens with. @default each edition's own `engine` front matter */
  engine: z.enum(['react', 'mjml']).optional(),
  /** Chromium for the accessibility check (env CHROMIUM_PATH). @default '/usr/bin/chromium' */
  chromiumPath: z.string().min(1).optional(),
  /** Set when RESEND_API_KEY is: test sends then go through Resend. */
  resend: z.strictObject({ apiKey: z.string().min(1), baseUrl: z.string().optional() }).optional(),
});

export type PreviewSettings = z.infer<typeof previewSettingsSchema>;
