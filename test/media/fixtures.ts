// Files made in the test, byte by byte where a tool would hide what matters: photos with a GPS position or an EXIF
// orientation, a "pixel bomb", an iPhone-like HEIC, MP4s with a recorded place, an MP3. No file comes from outside.
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Stockholm's city hall, as a phone writes it. */
export const GPS = { latitude: '59/1 19/1 3000/100', longitude: '18/1 3/1 5400/100' };

/** A photo (a JPEG of two colours) carrying a GPS position and a camera name in its EXIF. */
export async function jpegWithGps(width = 1200, height = 900): Promise<Buffer> {
  return sharp(await twoColours(width, height)).jpeg({ quality: 90 }).withExif({
    IFD0: { Make: 'Fotofabriken', Model: 'Telefon 12' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: GPS.latitude, GPSLongitudeRef: 'E', GPSLongitude: GPS.longitude },
  }).toBuffer();
}

/**
 * A photo stored lying down with EXIF orientation 6 ("turn a quarter clockwise to show"): its left half red, its
 * right half blue as stored, so shown upright its top half is red and its bottom half blue.
 */
export async function sidewaysJpeg(width = 800, height = 400): Promise<Buffer> {
  return sharp(await twoColours(width, height)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** An image whose left half is red and right half blue, as PNG bytes. */
export async function twoColours(width: number, height: number): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${half}" height="${height}" fill="#ff0000"/><rect x="${half}" width="${width - half}" height="${height}" fill="#0000ff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A valid PNG that claims 30 000 × 30 000 pixels (900 megapixels) in a few hundred bytes. */
export function pixelBombPng(size = 30_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const idat = Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]); // an (empty) zlib stream
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** The start of an iPhone photo: an HEIF file of brand `heic` (HEVC), which this sharp build cannot decode. */
export function heicLike(): Buffer {
  const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heicmiaf'));
  const meta = fullBox('meta', 0, 0, box('hdlr', u32(0), u32(0), Buffer.from('pict'), Buffer.alloc(13)));
  return Buffer.concat([ftyp, meta, box('mdat', Buffer.alloc(2048, 7))]);
}

// ISO media files (MP4, QuickTime, M4A).

export function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}
function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  return box(type, u32((version << 24) | flags), ...parts);
}
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);

/** The place a phone writes into a video: ISO 6709, as in `©xyz` and Apple's location key. */
export const PLACE = '+59.3275+018.0543/';
export const APPLE_PLACE = '+59.3275+018.0543+012.345/';

export interface Mp4Options {
  /** The recorded length in seconds. */
  seconds?: number;
  /** A picture track of this size (none: a sound-only file). */
  video?: { width: number; height: number; upright?: boolean };
  /** A sound track. */
  audio?: boolean;
  /** Where it was recorded, in moov/udta/©xyz and in Apple's moov/meta. */
  place?: boolean;
  brand?: string;
  /** The moov box after the media data (as a camera writes it) instead of before (as streaming wants). */
  moovLast?: boolean;
  /** The mdat box's size written as 64 bits (size 1), or as 0 ("to the end of the file": only when it comes last). */
  mdatSize?: 'large' | 'to-end';
}

/** An MP4 (or, by brand, QuickTime or M4A) file's boxes, with a little fake media data. */
export function mp4(options: Mp4Options = {}): Buffer {
  const { seconds = 10, video, audio = !video, place = false, brand = 'isom', moovLast = false, mdatSize } = options;
  const timescale = 1000;
  const identity = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
  const turned = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000];
  const matrix = (m: number[]) => Buffer.concat(m.map((n) => u32(n)));
  const mvhd = fullBox('mvhd', 0, 0, u32(0), u32(0), u32(timescale), u32(seconds * timescale), u32(0x10000), u16(0x100), Buffer.alloc(10), matrix(identity), Buffer.alloc(24), u32(3));
  const trak = (id: number, handler: string, size?: { width: number; height: number; upright?: boolean }) => box('trak',
    fullBox('tkhd', 0, 3, u32(0), u32(0), u32(id), u32(0), u32(seconds * timescale), Buffer.alloc(8), u16(0), u16(0), u16(handler === 'soun' ? 0x100 : 0), u16(0),
      matrix(size?.upright ? turned : identity), u32((size?.width ?? 0) << 16), u32((size?.height ?? 0) << 16)),
    box('mdia',
      fullBox('mdhd', 0, 0, u32(0), u32(0), u32(handler === 'soun' ? 44_100 : timescale), u32(seconds * (handler === 'soun' ? 44_100 : timescale)), u16(0x55c4), u16(0)),
      fullBox('hdlr', 0, 0, u32(0), Buffer.from(handler), Buffer.alloc(12), Buffer.from('Vardag test\0')),
      box('minf', box('stbl', fullBox('stsd', 0, 0, u32(0)), fullBox('stts', 0, 0, u32(0)), fullBox('stsc', 0, 0, u32(0)), fullBox('stsz', 0, 0, u32(0), u32(0)), fullBox('stco', 0, 0, u32(0))))));
  const tracks = [video ? trak(1, 'vide', video) : undefined, audio ? trak(2, 'soun') : undefined].filter((t): t is Buffer => t !== undefined);
  const udta = box('udta', box('\u00a9xyz', u16(PLACE.length), u16(0x15c7), Buffer.from(PLACE, 'latin1')));
  const meta = box('meta',
    fullBox('hdlr', 0, 0, u32(0), Buffer.from('mdta'), Buffer.alloc(12), Buffer.from('\0')),
    fullBox('keys', 0, 0, u32(1), box('mdta', Buffer.from('com.apple.quicktime.location.ISO6709'))),
    box('ilst', box('\0\0\0\u0001', box('data', u32(1), u32(0), Buffer.from(APPLE_PLACE, 'latin1')))));
  const moov = box('moov', mvhd, ...tracks, ...(place ? [udta, meta] : []));
  const ftyp = box('ftyp', Buffer.from(brand.padEnd(4, ' ')), u32(0x200), Buffer.from(`${brand.padEnd(4, ' ')}mp41`));
  const media = Buffer.alloc(4096, 0x11);
  const large = Buffer.alloc(8);
  large.writeBigUInt64BE(BigInt(16 + media.length));
  const mdat = mdatSize === 'large' ? Buffer.concat([u32(1), Buffer.from('mdat'), large, media])
    : mdatSize === 'to-end' ? Buffer.concat([u32(0), Buffer.from('mdat'), media]) : box('mdat', media);
  return Buffer.concat(moovLast ? [ftyp, mdat, moov] : [ftyp, moov, mdat]);
}

/** An MP3 of silent-ish frames (MPEG-1 layer III, 128 kbit/s, 44.1 kHz): about 26 ms a frame. */
export function mp3(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

// WebM (Matroska): elements of an ID, a size and a body.

function ebml(id: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const idBytes = Buffer.from(id.toString(16).padStart(id > 0xffffff ? 8 : id > 0xffff ? 6 : id > 0xff ? 4 : 2, '0'), 'hex');
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n)); // an 8-byte size
  return Buffer.concat([idBytes, size, body]);
}
const uint = (n: number) => Buffer.from([n]);
const float = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(n);
  return b;
};

/** A WebM as a browser's MediaRecorder or an Android phone writes it: a picture track and/or a sound track. */
export function webm(options: { seconds?: number; video?: boolean; audio?: boolean } = {}): Buffer {
  const { seconds, video = true, audio = true } = options;
  const header = ebml(0x1a45dfa3, ebml(0x4286, uint(1)), ebml(0x42f7, uint(1)), ebml(0x42f2, uint(4)), ebml(0x42f3, uint(8)),
    ebml(0x4282, Buffer.from('webm')), ebml(0x4287, uint(4)), ebml(0x4285, uint(2)));
  const info = ebml(0x1549a966, ebml(0x2ad7b1, Buffer.from([0x0f, 0x42, 0x40])), ...(seconds === undefined ? [] : [ebml(0x4489, float(seconds * 1000))]),
    ebml(0x4d80, Buffer.from('vardag-test')), ebml(0x5741, Buffer.from('vardag-test')));
  const tracks = ebml(0x1654ae6b,
    ...(video ? [ebml(0xae, ebml(0xd7, uint(1)), ebml(0x73c5, uint(1)), ebml(0x83, uint(1)), ebml(0x86, Buffer.from('V_VP8')), ebml(0xe0, ebml(0xb0, Buffer.from([0x02, 0x80])), ebml(0xba, Buffer.from([0x01, 0xe0]))))] : []),
    ...(audio ? [ebml(0xae, ebml(0xd7, uint(2)), ebml(0x73c5, uint(2)), ebml(0x83, uint(2)), ebml(0x86, Buffer.from('A_OPUS')), ebml(0xe1, ebml(0xb5, float(48_000)), ebml(0x9f, uint(1))))] : []));
  const cluster = ebml(0x1f43b675, ebml(0xe7, uint(0)));
  return Buffer.concat([header, ebml(0x18538067, info, tracks, cluster)]);
}
