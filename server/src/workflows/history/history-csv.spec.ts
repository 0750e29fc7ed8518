import { describe, expect, it } from '@jest/globals';
import { csvField, csvRecord } from './history-csv';

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes or line breaks, doubles quotes, ends records in CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvField([{ a: 'x,y' }])).toBe('"[{""a"":""x,y""}]"');
    expect(csvRecord(['a', 1, null])).toBe('a,1,\r\n');
  });
});
