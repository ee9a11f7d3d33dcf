import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/preview/describe-error.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nl-describe-'));
  await mkdir(join(root, 'emails/components'), { recursive: true });
  await writeFile(join(root, 'emails/components/footer.tsx'), ['line 1', 'line 2', 'const link = = ;', 'line 4', 'line 5', 'line 6'].join('\n'));
});

describe('describeError', () => {
  it('locates a syntax error from the transform error, with a code frame', () => {
    const error = Object.assign(new Error('Transform failed with 1 error:\n\u001b[31m[PARSE_ERROR]\u001b[0m Unexpected token'), {
      errors: [{ id: join(root, 'emails/components/footer.tsx'), loc: { line: 3, column: 13, file: join(root, 'emails/components/footer.tsx') }, message: '\u001b[31m[PARSE_ERROR] \u001b[0mUnexpected token\n   ╭─[ footer.tsx:3:14 ]' }],
    });
    const described = describeError(error, root);
    expect(described.message).toBe('[PARSE_ERROR] Unexpected token');
    expect(described.where).toBe('emails/components/footer.tsx:3:14');
    expect(described.frame).toBe(['  1 | line 1', '  2 | line 2', '> 3 | const link = = ;', '    |              ^', '  4 | line 4', '  5 | line 5'].join('\n'));
  });

  it('locates a throw at the first stack frame inside the project, skipping node_modules', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'deeper')");
    error.stack = [
      `TypeError: ${error.message}`,
      '    at helper (/work/main/node_modules/react-dom/cjs/react-dom-server.node.development.js:10956:18)',
      `    at Footer (${join(root, 'emails/components/footer.tsx')}:4:2)`,
      '    at renderWithHooks (/work/main/node_modules/react-dom/cjs/react-dom-server.node.development.js:5633:19)',
    ].join('\n');
    const described = describeError(error, root);
    expect(described.where).toBe('emails/components/footer.tsx:4:2');
    expect(described.frame).toContain('> 4 | line 4');
    expect(described.stack).toHaveLength(3);
  });

  it('names the importing file when an import cannot be found', () => {
    const error = new Error(`Failed to load url ./nope.tsx (resolved id: ./nope.tsx) in ${join(root, 'emails/components/footer.tsx')}. Does the file exist?`);
    expect(describeError(error, root)).toEqual({
      message: './nope.tsx cannot be imported: the file does not exist — check the import path in emails/components/footer.tsx',
      where: 'emails/components/footer.tsx',
    });
  });

  it('keeps the message when nothing points into the project', () => {
    expect(describeError(new Error('boom'), '/nowhere').where).toBeUndefined();
    expect(describeError('a string', root)).toEqual({ message: 'a string' });
  });
});
