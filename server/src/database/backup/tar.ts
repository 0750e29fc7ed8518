import { once } from 'node:events';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

/**
 * The small part of the tar format (POSIX ustar, with pax records for long
 * names) a backup needs: folders and regular files, written as a stream and
 * read back as a stream, so an archive is never held whole in memory. Owners
 * are not recorded: a restore decides them by where an entry goes.
 */
const BLOCK = 512;
const CHUNK = 1 << 20;

export interface TarEntry {
  name: string;
  type: 'file' | 'dir';
  mode: number;
  size: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, type: '0' | '5' | 'x', mode: number, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode & 0o7777, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(mtime, 12), 136, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\0' + '00', 257, 'ascii');
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  // The length counts its own digits.
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + String(bodyLength).length;
  length = bodyLength + String(length).length;
  return Buffer.from(`${length}${body}`);
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

export class TarWriter {
  constructor(private readonly out: Writable) {}

  private async write(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  private async head(name: string, type: '0' | '5', mode: number, size: number): Promise<void> {
    const mtime = Math.floor(Date.now() / 1000);
    // Names longer than the header's field, or not plain ASCII, go in a pax record before the entry.
    if (Buffer.byteLength(name) > 99 || /[^\x20-\x7e]/.test(name)) {
      const pax = paxRecord('path', name);
      await this.write(header('pax-header', 'x', 0o644, pax.length, mtime));
      await this.write(Buffer.concat([pax, padding(pax.length)]));
    }
    await this.write(header(name, type, mode, size, mtime));
  }

  async dir(name: string, mode: number): Promise<void> {
    await this.head(name.endsWith('/') ? name : `${name}/`, '5', mode, 0);
  }

  async bytes(name: string, mode: number, data: Buffer): Promise<void> {
    await this.head(name, '0', mode, data.length);
    await this.write(Buffer.concat([data, padding(data.length)]));
  }

  /**
   * A file that may be changing while it is read (a live cluster): its size is
   * taken when it is opened and exactly that many bytes are written, zeros
   * standing in for a tail truncated meanwhile. The WAL replayed at restore
   * repairs such pages, as PostgreSQL's backup documentation allows.
   * Returns false when the file vanished before it could be opened.
   */
  async file(name: string, path: string, mode: number): Promise<boolean> {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      await this.head(name, '0', mode, size);
      let done = 0;
      while (done < size) {
        const buffer = Buffer.alloc(Math.min(CHUNK, size - done));
        const n = readSync(fd, buffer, 0, buffer.length, done);
        if (n === 0) {
          await this.write(Buffer.alloc(size - done));
          done = size;
          break;
        }
        await this.write(n === buffer.length ? buffer : buffer.subarray(0, n));
        done += n;
      }
      await this.write(padding(size));
      return true;
    } finally {
      closeSync(fd);
    }
  }

  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
  }
}

const field = (block: Buffer, start: number, length: number) => {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
};
const number = (block: Buffer, start: number, length: number) => parseInt(field(block, start, length).trim() || '0', 8);

/** Reads exactly `n` bytes at a time from a stream. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(input: Readable) {
    this.iterator = input[Symbol.asyncIterator]();
  }

  async take(n: number): Promise<Buffer> {
    while (this.length < n) {
      const next = await this.iterator.next();
      if (next.done) throw new Error('the archive ends in the middle of an entry (truncated or not a backup)');
      this.buffered.push(next.value);
      this.length += next.value.length;
    }
    const all = this.buffered[0].length >= n ? this.buffered[0] : Buffer.concat(this.buffered);
    this.buffered = all === this.buffered[0] ? [all.subarray(n), ...this.buffered.slice(1)] : [all.subarray(n)];
    this.length = all.length - n;
    return all.subarray(0, n);
  }
}

function checksumMatches(block: Buffer): boolean {
  const stored = number(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === stored;
}

/**
 * Calls `onEntry` for every folder and file, in archive order; a file's
 * content arrives in pieces through `onData` before the next entry starts.
 * Anything but folders, files and pax records is refused: a backup holds
 * nothing else, and links in an archive are how extraction escapes a folder.
 */
export async function readTar(
  input: Readable,
  onEntry: (entry: TarEntry) => void | Promise<void>,
  onData: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  const reader = new ByteReader(input);
  let paxPath: string | undefined;
  for (;;) {
    const block = await reader.take(BLOCK);
    if (block.every((b) => b === 0)) return;
    if (!checksumMatches(block)) throw new Error('the archive has a damaged entry header (not a backup made by this program?)');
    const type = String.fromCharCode(block[156] || 48);
    const size = number(block, 124, 12);
    const prefix = field(block, 345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    paxPath = undefined;
    const body = async (each: (chunk: Buffer) => void | Promise<void>) => {
      for (let left = size; left > 0;) {
        const piece = await reader.take(Math.min(CHUNK, left));
        await each(piece);
        left -= piece.length;
      }
      await reader.take(padding(size).length);
    };
    if (type === 'x') {
      const records: Buffer[] = [];
      await body((c) => { records.push(c); });
      paxPath = Buffer.concat(records).toString('utf8').match(/^\d+ path=(.*)$/m)?.[1];
    } else if (type === '5') {
      await onEntry({ name: name.replace(/\/+$/, ''), type: 'dir', mode: number(block, 100, 8), size: 0 });
    } else if (type === '0') {
      await onEntry({ name, type: 'file', mode: number(block, 100, 8), size });
      await body(onData);
    } else {
      throw new Error(`the archive holds ${name}, which is neither a file nor a folder: refusing it`);
    }
  }
}
