import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { NewsletterError } from '../errors.ts';

/** How much of the file is read up front to pick the delimiter and check the encoding. */
const SNIFF_BYTES = 64 * 1024;
/** The most rows the de-duplication table is sized for up front (23 MB); it grows past that. */
const MAX_ESTIMATED_ROWS = 2_000_000;

export async function openList(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new NewsletterError('subscribers-missing', `${file} does not exist — check the path given to --to.`);
    }
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): NewsletterError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
  return new NewsletterError('subscribers-unreadable', `${file} cannot be read (${why}) — give the path of the CSV file.`);
}

/**
 * Reads the head of the file to pick the delimiter from the header line: a spreadsheet
 * set to a European or Korean locale may save "CSV" with semicolons, and "Unicode text"
 * is tab-separated. Commas win whenever the header has one outside quotes. Also refuses
 * UTF-16 and non-UTF-8 files, which would otherwise load as mojibake (Excel on Korean
 * Windows saves CSV as CP949), and estimates the number of rows from the file size.
 */
export async function sniffList(file: string, handle: FileHandle): Promise<{ delimiter: string; estimatedRows: number }> {
  const buffer = Buffer.alloc(SNIFF_BYTES);
  let bytesRead: number;
  let size: number;
  try {
    [{ bytesRead }, { size }] = await Promise.all([handle.read(buffer, 0, SNIFF_BYTES, 0), handle.stat()]);
  } catch (error) {
    throw unreadable(file, error);
  }
  const head = buffer.subarray(0, bytesRead);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new NewsletterError(
      'subscribers-encoding',
      `${file} is UTF-16 text — save it as "CSV UTF-8 (comma delimited)" and load that file.`,
    );
  }
  let text: string;
  try {
    // stream: true keeps a character cut off at the end of the sample from counting as an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    throw new NewsletterError(
      'subscribers-encoding',
      `${file} is not UTF-8 (a spreadsheet on Korean Windows saves CP949) — save it as "CSV UTF-8 (comma delimited)" and load that file.`,
    );
  }
  const sampleLines = text.split('\n').length;
  const estimatedRows = Math.min(MAX_ESTIMATED_ROWS, Math.ceil((size / Math.max(1, bytesRead)) * sampleLines));

  const firstLine = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).find((line) => line.trim() !== '') ?? '';
  const headerLine = firstLine.replace(/"[^"]*"/g, '');
  const semicolons = headerLine.split(';').length - 1;
  const tabs = headerLine.split('\t').length - 1;
  const delimiter = headerLine.includes(',') || (semicolons === 0 && tabs === 0) ? ',' : semicolons >= tabs ? ';' : '\t';
  return { delimiter, estimatedRows };
}

