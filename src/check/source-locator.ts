/**
 * Finds where a string first appears in the edition's source, as `file:line`, so a
 * problem found in the rendered email points back at the line to fix. Returns
 * undefined when there is no source or the string is not in it (it came from the
 * template, not the edition).
 */
export type Locate = (needle: string) => string | undefined;

export function sourceLocator(file: string | undefined, source: string | undefined): Locate {
  if (file === undefined || source === undefined) return () => undefined;
  const text = source.replace(/\r\n?/g, '\n');
  return (needle) => {
    if (needle === '') return undefined;
    const at = text.indexOf(needle);
    if (at < 0) return undefined;
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
    return `${file}:${line}`;
  };
}
