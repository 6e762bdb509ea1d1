// The registry file's upload: a multipart form, read before the CSRF check (which needs the form's token) and only for
// a signed-in user, with Node's own multipart parser (the Fetch API's FormData). The file stays in memory: a registry
// export of a municipality is a few megabytes.
import express, { type Request, type RequestHandler } from 'express';
import { HttpError } from '../kernel/http.ts';

export interface UploadedFile { name: string; bytes: Uint8Array }

export const MAX_UPLOAD = '20mb';
const raw = express.raw({ type: 'multipart/form-data', limit: MAX_UPLOAD });
const uploads = new WeakMap<Request, UploadedFile>();

/** Parses a signed-in user's multipart form: its text fields become `req.body`, its `file` is `uploadedFile(req)`. */
export const registryUpload: RequestHandler = (req, res, next) => {
  if (req.session?.accountId === undefined || !req.is('multipart/form-data')) return next();
  raw(req, res, (error?: unknown) => {
    if (error) return next(error);
    readForm(req).then(() => next(), () => next(new HttpError(400, 'Unreadable multipart form')));
  });
};

async function readForm(req: Request): Promise<void> {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': req.get('content-type') ?? '' } }).formData();
  const fields: Record<string, string> = {};
  for (const [name, value] of form) {
    if (typeof value === 'string') fields[name] ??= value.replaceAll('\u0000', '');
    else if (name === 'file' && !uploads.has(req) && value.size > 0) uploads.set(req, { name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  req.body = fields;
}

export function uploadedFile(req: Request): UploadedFile | undefined {
  return uploads.get(req);
}
