import { describe, expect, it } from 'vitest';
import { parseCopyLine, parseCsv, parseLines } from './delimited.js';

async function* chunked(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function all<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe('parseCsv', () => {
  const csv = 'a,b,c\r\n1,"x, ""quoted""\nsecond line",{"k": 1}\n2,,"[{""name"": ""t""}]"\n3,last,';
  const expected = [
    ['a', 'b', 'c'],
    ['1', 'x, "quoted"\nsecond line', '{"k": 1}'],
    ['2', '', '[{"name": "t"}]'],
    ['3', 'last', ''],
  ];

  it.each([1, 2, 3, 7, 1000])('gives the same records whatever the chunk size (%i)', async (size) => {
    expect(await all(parseCsv(chunked(csv, size)))).toEqual(expected);
  });
});

describe('COPY text', () => {
  it('splits lines across chunks and decodes escapes and nulls', async () => {
    const lines = await all(parseLines(chunked('a\\tb\t\\N\tx\\\\y\nsecond\t\\n\n', 3)));
    expect(lines).toEqual(['a\\tb\t\\N\tx\\\\y', 'second\t\\n']);
    expect(parseCopyLine(lines[0])).toEqual(['a\tb', null, 'x\\y']);
    expect(parseCopyLine(lines[1])).toEqual(['second', '\n']);
  });
});
