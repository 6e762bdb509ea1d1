// Photos, videos and sound sent to a post: a multipart form, read by the media library's upload (temporary files,
// refused once larger than the post's municipality lets any file be) before the CSRF check, which needs the form's
// token, and only for a signed-in user. The route decides the rest (documentation/routes.ts).
import type { RequestHandler } from 'express';
import type { Db } from '../kernel/db.ts';
import { parseId } from '../kernel/http.ts';
import { mediaLimits, mediaUpload } from '../media/index.ts';
import { postGroupOf } from './queries.ts';
import { MAX_FILES_PER_UPLOAD } from './rules.ts';
import { documentationSettings } from './settings.ts';

/** Mounted in app.ts on POST /posts/:postId/media, before the CSRF check. */
export function postMediaUpload(db: Db): RequestHandler {
  const uploads = new Map<number, RequestHandler>(); // one per largest size (the municipalities' settings differ)
  return async (req, res, next) => {
    if (req.session?.accountId === undefined || !req.is('multipart/form-data')) return next();
    const postId = parseId(req.params.postId);
    const post = postId === undefined ? undefined : await postGroupOf(db, postId);
    if (!post) return next(); // the route's guard answers 404
    const limits = mediaLimits(await documentationSettings(db, post.municipalityId));
    const maxBytes = Math.max(limits.imageMaxBytes, limits.videoMaxBytes, limits.audioMaxBytes);
    let upload = uploads.get(maxBytes);
    if (!upload) {
      upload = mediaUpload({ field: 'files', maxFiles: MAX_FILES_PER_UPLOAD, maxBytes });
      uploads.set(maxBytes, upload);
    }
    return upload(req, res, next);
  };
}
