// The logo's upload: the form's one file `logo`, read into memory by the kernel's single-file upload (at most
// LOGO_MAX_BYTES) before the CSRF check; a file too large is shown to the admin at the field by the route.
import { singleFileUpload, type SingleUpload } from '../kernel/uploads.ts';
import { LOGO_MAX_BYTES } from './logo.ts';

export type LogoUpload = SingleUpload;

const upload = singleFileUpload({ field: 'logo', maxBytes: LOGO_MAX_BYTES });
/** Mounted in app.ts before the logo's POST route. */
export const logoUpload = upload.middleware;
/** What the form sent: the file's bytes, that it was too large, or nothing. */
export const uploadedLogo = upload.received;
