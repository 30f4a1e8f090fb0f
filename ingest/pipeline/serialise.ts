/**
 * Records → search documents as NDJSON lines, and lines → payloads cut by bytes: the
 * stage between the Postgres load and the push.
 */
import type { DominantColor } from '../../model/colors.js';
import { toDocument } from '../../model/document.js';
import type { MediaRecord, MediaType } from '../../model/record.js';

/** One record as the JSON line of its search document (with its stored colours, images only). */
export function documentLine(mediaType: MediaType, record: MediaRecord, colors?: DominantColor[]): string {
  return JSON.stringify(toDocument(mediaType, record, colors));
}

/**
 * Collects lines into one payload until it reaches `batchBytes` (UTF-16 units plus one
 * per newline: a cheap, stable measure, close to the UTF-8 size for catalog text).
 */
export class ByteBatch {
  private lines: string[] = [];
  private bytes = 0;

  constructor(readonly batchBytes: number) {}

  /** Adds a line; true when the payload is full and should be taken. */
  add(line: string): boolean {
    this.lines.push(line);
    this.bytes += line.length + 1;
    return this.bytes >= this.batchBytes;
  }

  /** The payload so far (lines joined by '\n', no trailing newline) and its line count; empties the batch. */
  take(): { body: string; docs: number } | null {
    if (this.lines.length === 0) return null;
    const taken = { body: this.lines.join('\n'), docs: this.lines.length };
    this.lines = [];
    this.bytes = 0;
    return taken;
  }
}
