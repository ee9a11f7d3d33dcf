import { Parser } from 'htmlparser2';

export interface ScannedLink {
  href: string;
  /** The link's visible text, whitespace collapsed. */
  text: string;
}

export interface ScannedImage {
  /** Attributes as written; a missing attribute is `undefined`, an empty one `''`. */
  src: string | undefined;
  alt: string | undefined;
  width: string | undefined;
}

export interface ScannedHtml {
  links: ScannedLink[];
  images: ScannedImage[];
  /** The visible text of the body (no <head>, <style>, <script> or comments), whitespace collapsed. */
  text: string;
}

/**
 * What the link, image and ad-rule checks need from an email's HTML, in one pass of a
 * forgiving parser (htmlparser2, which email HTML with its conditional comments needs).
 */
export function scanHtml(html: string): ScannedHtml {
  const links: ScannedLink[] = [];
  const images: ScannedImage[] = [];
  const text: string[] = [];
  // The text of every open <a>, innermost last (an <a> inside an <a> is invalid, but say so by its own text).
  const open: { href: string; text: string[] }[] = [];
  let hidden = 0;

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'head' || name === 'style' || name === 'script' || name === 'title') hidden++;
        if (name === 'a') open.push({ href: attribs.href ?? '', text: [] });
        if (name === 'img') images.push({ src: attribs.src, alt: attribs.alt, width: attribs.width });
      },
      ontext(data) {
        if (hidden > 0) return;
        text.push(data);
        for (const a of open) a.text.push(data);
      },
      onclosetag(name) {
        if (name === 'head' || name === 'style' || name === 'script' || name === 'title') hidden = Math.max(0, hidden - 1);
        if (name === 'a') {
          const a = open.pop();
          if (a) links.push({ href: a.href.trim(), text: collapse(a.text.join('')) });
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { links, images, text: collapse(text.join(' ')) };
}

function collapse(value: string): string {
  return value.replace(/[\s\u00a0\u200b-\u200d\u2060\ufeff\u034f]+/g, ' ').trim();
}
