/** A piece of text below the contrast the check asks for. */
export interface LowContrast {
  /** The element's tag and classes, such as `p.nl-muted`. */
  element: string;
  /** Its first words. */
  text: string;
  /** Text and background as shown (after the inversion, when inverted), `rgb(…)`. */
  color: string;
  background: string;
  /** The WCAG contrast ratio, two decimals. */
  ratio: number;
}

/**
 * Runs in the page (playwright's `page.evaluate`, so it must not use anything from outside
 * its own body). For every visible element with text of its own, finds the colour of the
 * text and of the first opaque background behind it, and reports those under `minimum`.
 *
 * With `invert`, the colours are first put through `filter: invert(1) hue-rotate(180deg)`,
 * the forced dark mode of Gmail's apps and Outlook as the preview shows it: axe measures
 * computed colours and cannot see a filter, so this does the arithmetic (the Filter
 * Effects spec's hueRotate matrix at 180°, in sRGB as Chromium applies CSS filters).
 */
export function invertedContrastProbe(options: { minimum: number; invert: boolean }): LowContrast[] {
  type Rgb = [number, number, number];
  const parse = (value: string): { rgb: Rgb; alpha: number } => {
    const m = /rgba?\(([^)]+)\)/.exec(value);
    if (!m?.[1]) return { rgb: [0, 0, 0], alpha: 0 };
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { rgb: [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0], alpha: parts[3] ?? 1 };
  };
  const filter = ([r, g, b]: Rgb): Rgb => {
    const [ir, ig, ib] = [1 - r / 255, 1 - g / 255, 1 - b / 255];
    const clamp = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
    return [
      clamp(-0.574 * ir + 1.43 * ig + 0.144 * ib),
      clamp(0.426 * ir + 0.43 * ig + 0.144 * ib),
      clamp(0.426 * ir + 1.43 * ig - 0.856 * ib),
    ];
  };
  const luminance = (rgb: Rgb) => {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as Rgb;
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backgroundOf = (element: Element): Rgb => {
    for (let e: Element | null = element; e; e = e.parentElement) {
      const { rgb, alpha } = parse(getComputedStyle(e).backgroundColor);
      if (alpha >= 0.5) return rgb;
      const attribute = e.getAttribute('bgcolor');
      if (attribute && /^#[0-9a-f]{6}$/i.test(attribute)) {
        const n = parseInt(attribute.slice(1), 16);
        return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
      }
    }
    // The canvas: white, or dark when the page asks for a dark colour scheme.
    return parse(getComputedStyle(document.documentElement).colorScheme.includes('dark') && matchMedia('(prefers-color-scheme: dark)').matches ? 'rgb(18,18,18)' : 'rgb(255,255,255)').rgb;
  };
  const low: LowContrast[] = [];
  for (const element of Array.from(document.body.querySelectorAll('*'))) {
    const own = Array.from(element.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').replace(/[\s\u00a0\u200b-\u200f\ufeff\u034f]+/g, ' ').trim();
    if (own === '') continue;
    const style = getComputedStyle(element);
    const html = element as HTMLElement;
    if (style.visibility === 'hidden' || Number(style.opacity) === 0 || html.getClientRects().length === 0) continue;
    let hidden = false;
    for (let e: Element | null = element; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || Number(s.opacity) === 0 || s.maxHeight === '0px') hidden = true;
    }
    if (hidden) continue;
    let color = parse(style.color).rgb;
    let background = backgroundOf(element);
    if (options.invert) [color, background] = [filter(color), filter(background)];
    const [a, b] = [luminance(color), luminance(background)];
    const ratio = Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
    if (ratio < options.minimum) {
      const classes = typeof element.className === 'string' && element.className.trim() ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
      low.push({ element: `${element.tagName.toLowerCase()}${classes}`, text: own.slice(0, 40), color: `rgb(${color.join(',')})`, background: `rgb(${background.join(',')})`, ratio });
    }
  }
  return low;
}
