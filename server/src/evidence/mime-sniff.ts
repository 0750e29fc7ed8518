import { open } from 'node:fs/promises';

/** Magic numbers of the types investigators upload most; anything else keeps a neutral type. */
const SIGNATURES: Array<{ type: string; bytes: number[]; offset?: number }> = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b] },
];

/** Types we accept from the client's word when the content does not contradict it. */
const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'application/json', 'message/rfc822']);
const ZIP_BASED = /^application\/(vnd\.openxmlformats|vnd\.oasis|zip)/;

/**
 * The stored content type comes from the bytes, not the client's claim:
 * a file claiming to be a PDF but starting with "<html" is stored as
 * application/octet-stream, so it can never be rendered as a page.
 */
export async function sniffMimeType(path: string, claimed: string | undefined, filename: string): Promise<string> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(512);
  let length = 0;
  try {
    ({ bytesRead: length } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  const bytes = head.subarray(0, length);
  for (const sig of SIGNATURES) {
    const at = sig.offset ?? 0;
    if (sig.bytes.every((b, i) => bytes[at + i] === b)) {
      if (sig.type === 'application/zip' && claimed && ZIP_BASED.test(claimed)) return claimed;
      return sig.type;
    }
  }
  const looksText = length > 0 && !bytes.includes(0) && !/<(html|script|svg|!doctype)/i.test(bytes.toString('latin1'));
  const normalisedClaim = (claimed ?? '').toLowerCase().split(';')[0].trim();
  if (looksText && TEXT_TYPES.has(normalisedClaim)) return normalisedClaim;
  if (looksText && /\.(txt|log|csv|json|eml)$/i.test(filename)) return 'text/plain';
  return 'application/octet-stream';
}
