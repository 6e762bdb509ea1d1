// The boxes of an MP4, QuickTime (.mov) or M4A file that may say where it was recorded: a phone writes the place in
// `moov/udta` (©xyz) or `moov/meta` (Apple's location key), sometimes XMP in a `uuid` box. Each such box is renamed
// `free` in place — same size, so every offset in the file stays right and it plays as before — which players skip.
// While walking the file it also reads what the player needs to know: the length (mvhd) and the picture's size (tkhd).
import fs from 'node:fs/promises';

/** Boxes that hold what a phone or camera says about the recording (place, device, time, software). */
const METADATA: ReadonlySet<string> = new Set(['udta', 'meta', 'uuid', 'XMP_']);
/** Boxes whose children are walked. */
const CONTAINERS: ReadonlySet<string> = new Set(['moov', 'trak', 'mdia', 'minf', 'edts']);
/** A moov box larger than this is no phone's recording of a few minutes (its index is far smaller). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

export interface IsoFacts { durationMs: number | null; width: number | null; height: number | null; renamed: string[] }

interface Box { type: string; headerSize: number; size: number }

/**
 * Renames the metadata boxes of an ISO media file in place; returns what was found. Throws when the file's boxes do
 * not add up (a damaged or disguised file), so the caller refuses it.
 */
export async function stripIsoMetadata(filePath: string): Promise<IsoFacts> {
  const file = await fs.open(filePath, 'r+');
  try {
    const { size: fileSize } = await file.stat();
    const facts: IsoFacts = { durationMs: null, width: null, height: null, renamed: [] };
    let sawMoov = false;
    for (let at = 0; at < fileSize;) {
      const head = Buffer.alloc(16);
      const { bytesRead } = await file.read(head, 0, 16, at);
      const box = boxAt(head.subarray(0, bytesRead), 0, fileSize - at);
      if (!box) throw new Error(`Broken box at ${at}`);
      if (METADATA.has(box.type)) {
        await file.write(Buffer.from('free', 'latin1'), 0, 4, at + 4);
        facts.renamed.push(box.type);
      } else if (box.type === 'moov') {
        if (box.size > MAX_MOOV_BYTES) throw new Error('moov box too large');
        const moov = Buffer.alloc(box.size);
        await file.read(moov, 0, box.size, at);
        walkRange(moov, box.headerSize, box.size, facts);
        await file.write(moov, 0, box.size, at); // (only type names changed; the same bytes otherwise)
        sawMoov = true;
      }
      at += box.size;
    }
    if (!sawMoov) throw new Error('No moov box');
    return facts;
  } finally {
    await file.close();
  }
}

/** The box whose header starts at `at` in `bytes`, at most `room` bytes long, or undefined when it does not fit. */
function boxAt(bytes: Buffer, at: number, room: number): Box | undefined {
  if (bytes.length - at < 8) return undefined;
  let size = bytes.readUInt32BE(at);
  const type = bytes.toString('latin1', at + 4, at + 8);
  let headerSize = 8;
  if (size === 1) {
    if (bytes.length - at < 16) return undefined;
    const large = bytes.readBigUInt64BE(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    size = Number(large);
    headerSize = 16;
  } else if (size === 0) {
    size = room; // to the end of the file (or of the parent)
  }
  if (size < headerSize || size > room) return undefined;
  return { type, headerSize, size };
}

/** Walks the boxes between `from` and `end` of a box held in memory: renames metadata, reads length and size. */
function walkRange(bytes: Buffer, from: number, end: number, facts: IsoFacts): void {
  for (let at = from; at + 8 <= end;) {
    const box = boxAt(bytes.subarray(0, end), at, end - at);
    if (!box) throw new Error(`Broken box inside moov at ${at}`);
    const body = at + box.headerSize;
    if (METADATA.has(box.type)) {
      bytes.write('free', at + 4, 'latin1');
      facts.renamed.push(box.type);
    } else if (CONTAINERS.has(box.type)) {
      walkRange(bytes, body, at + box.size, facts);
    } else if (box.type === 'mvhd') {
      readMovieHeader(bytes, body, at + box.size, facts);
    } else if (box.type === 'tkhd' && facts.width === null) {
      readTrackHeader(bytes, body, at + box.size, facts);
    }
    at += box.size;
  }
}

function readMovieHeader(bytes: Buffer, body: number, end: number, facts: IsoFacts): void {
  const version = bytes[body];
  const need = version === 1 ? 32 : 20;
  if (end - body < need) return;
  const timescale = bytes.readUInt32BE(body + (version === 1 ? 20 : 12));
  const duration = version === 1 ? Number(bytes.readBigUInt64BE(body + 24)) : bytes.readUInt32BE(body + 16);
  if (timescale > 0 && duration > 0 && duration !== 0xffffffff) facts.durationMs = Math.round((duration / timescale) * 1000);
}

function readTrackHeader(bytes: Buffer, body: number, end: number, facts: IsoFacts): void {
  const version = bytes[body];
  const matrix = body + (version === 1 ? 52 : 40);
  const sizeAt = matrix + 36;
  if (end - sizeAt < 8) return;
  const width = bytes.readUInt32BE(sizeAt) >>> 16;
  const height = bytes.readUInt32BE(sizeAt + 4) >>> 16;
  if (width === 0 || height === 0) return; // a sound track
  const turned = bytes.readInt32BE(matrix) === 0; // a = 0: turned a quarter (a phone held upright)
  facts.width = turned ? height : width;
  facts.height = turned ? width : height;
}
