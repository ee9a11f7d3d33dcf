/** The email as each preview frame shows it. */
export interface FrameVariants {
  /** As sent, in a client in light mode. */
  light: string;
  /**
   * As a client that honours `prefers-color-scheme: dark` shows it (Apple Mail, iOS Mail,
   * Outlook for Mac). A frame cannot be told to prefer dark on its own (the media feature
   * follows the whole page), so the email's own `(prefers-color-scheme: dark)` media
   * conditions are rewritten to one that always holds, `(color)`, and light-only ones to
   * one that never does here, `(monochrome)`; and the page's color-scheme is set to dark so
   * that whatever the email leaves to the client (canvas, default colours) is dark too.
   */
  dark: string;
  /**
   * For a client that forces dark mode by inverting colours (Gmail's apps, Outlook.com and
   * Outlook for Windows ignore the email's dark styles). The frame element itself gets
   * `filter: invert(1) hue-rotate(180deg)` in the page; inside, images are inverted back,
   * as those clients leave photos alone. Gmail's real algorithm only darkens light
   * backgrounds and lightens dark text, so this is the harsher, upper bound of it.
   */
  inverted: string;
}

const FRAME_BASE = '<base target="_blank">';

/** Builds the three variants from one email HTML (personalized or with slots). */
export function frameVariants(html: string): FrameVariants {
  return {
    light: inject(html, FRAME_BASE),
    dark: inject(preferDark(html), `${FRAME_BASE}<style data-preview="dark">:root{color-scheme:dark!important}</style>`),
    inverted: inject(html, `${FRAME_BASE}<style data-preview="inverted">img,picture,video{filter:invert(1) hue-rotate(180deg)}</style>`),
  };
}

/** Rewrites `prefers-color-scheme` media conditions as if the reader preferred dark. */
export function preferDark(html: string): string {
  return html
    .replace(/\(\s*prefers-color-scheme\s*:\s*dark\s*\)/gi, '(color)')
    .replace(/\(\s*prefers-color-scheme\s*:\s*light\s*\)/gi, '(monochrome)');
}

/** Puts markup at the end of <head> (or the start of the document when there is none). */
function inject(html: string, markup: string): string {
  const at = html.search(/<\/head\s*>/i);
  if (at >= 0) return html.slice(0, at) + markup + html.slice(at);
  return markup + html;
}
