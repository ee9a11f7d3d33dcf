/** Every value of an attribute on every `<tag>` of the HTML, entity-decoded enough for URLs. */
export function attributes(html: string, tag: string, attribute: string): string[] {
  const values: string[] = [];
  for (const element of html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'g'))) {
    const value = new RegExp(`\\s${attribute}="([^"]*)"`).exec(element[0]);
    values.push(value ? value[1]!.replaceAll('&amp;', '&') : '');
  }
  return values;
}
