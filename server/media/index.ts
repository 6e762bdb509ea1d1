// The media library of documentation: photos, video and sound taken in, checked, stored and served. It knows no
// post, child or table: its callers keep the keys it returns in their own rows and check access before sendMedia.
export type { MediaKind } from '../../db/schema.ts';
export { mediaLimits, largestUpload, type MediaLimits } from './limits.ts';
export {
  storeMedia, mediaFilePath, removeMediaFiles, sweepMediaFiles, pictureOf,
  type ReceivedFile, type StoredMedia, type MediaRefusal, type MediaVariant,
} from './store.ts';
export { sendMedia } from './send.ts';
export { mediaUpload, receivedFiles, type Received } from './upload.ts';
