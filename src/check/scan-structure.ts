import { Parser } from 'htmlparser2';

/** What the Email Markup Consortium's structural checks read off an email's HTML. */
export interface ScannedStructure {
  /** `<title>`'s text, or undefined without one. */
  title: string | undefined;
  /** Each element child of `<body>`: its tag and its lang and dir as written. */
  bodyChildren: { tag: string; lang: string | undefined; dir: string | undefined }[];
  /** Headings in document order: level and text. */
  headings: { level: number; text: string }[];
  /** Each table: its role, and whether it has data-table parts (th, caption, thead). */
  tables: { role: string | undefined; data: boolean }[];
  /** Each link: what a screen reader announces (aria-label, else text and image alts) and where it goes. */
  links: { name: string; href: string }[];
}

/** One pass of htmlparser2 (forgiving, as email HTML with conditional comments needs). */
export function scanStructure(html: string): ScannedStructure {
  const out: ScannedStructure = { title: undefined, bodyChildren: [], headings: [], tables: [], links: [] };
  let bodyDepth = -1;
  let depth = 0;
  let title: string[] | undefined;
  let heading: { level: number; text: string[] } | undefined;
  const tables: { role: string | undefined; data: boolean }[] = [];
  const links: { label: string | undefined; href: string; text: string[] }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        depth++;
        if (name === 'body') bodyDepth = depth;
        else if (bodyDepth > 0 && depth === bodyDepth + 1) out.bodyChildren.push({ tag: name, lang: attribs.lang, dir: attribs.dir });
        if (name === 'title') title = [];
        const level = /^h([1-6])$/.exec(name)?.[1];
        if (level) heading = { level: Number(level), text: [] };
        if (name === 'table') tables.push({ role: attribs.role, data: false });
        if ((name === 'th' || name === 'caption' || name === 'thead') && tables.length > 0) (tables[tables.length - 1] as { data: boolean }).data = true;
        if (name === 'a') links.push({ label: attribs['aria-label'], href: attribs.href ?? '', text: [] });
        if (name === 'img' && attribs.alt) for (const a of links) a.text.push(` ${attribs.alt} `);
      },
      ontext(data) {
        title?.push(data);
        heading?.text.push(data);
        for (const a of links) a.text.push(data);
      },
      onclosetag(name) {
        if (name === 'title' && title) {
          out.title = collapse(title.join(''));
          title = undefined;
        }
        if (heading && name === `h${heading.level}`) {
          out.headings.push({ level: heading.level, text: collapse(heading.text.join('')) });
          heading = undefined;
        }
        if (name === 'table') {
          const t = tables.pop();
          if (t) out.tables.push(t);
        }
        if (name === 'a') {
          const a = links.pop();
          if (a) out.links.push({ name: collapse(a.label ?? a.text.join('')), href: a.href.trim() });
        }
        if (name === 'body') bodyDepth = -1;
        depth--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return out;
}

function collapse(value: string): string {
  return value.replace(/[\s\u00a0\u200b-\u200f\u2060\ufeff\u034f]+/g, ' ').trim();
}
