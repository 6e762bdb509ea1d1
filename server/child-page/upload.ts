// The child's picture's upload: the form's one file `picture`, read into memory by the kernel's single-file upload (at
// most PICTURE_MAX_BYTES) before the CSRF check; a file too large is said at the field by the route.
import { singleFileUpload, type SingleUpload } from '../kernel/uploads.ts';
import { PICTURE_MAX_BYTES } from './picture.ts';

export type PictureUpload = SingleUpload;

const upload = singleFileUpload({ field: 'picture', maxBytes: PICTURE_MAX_BYTES });
/** Mounted in app.ts before the picture's POST route. */
export const pictureUpload = upload.middleware;
/** What the form sent: the file's bytes, that it was too large, or nothing. */
export const uploadedPicture = upload.received;
