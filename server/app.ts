// The composition root: the request pipeline top to bottom, then each domain's routes, then 404 and errors.
import path from 'node:path';
import { createRequire } from 'node:module';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import compression from 'compression';
import type { Config } from './config.ts';
import { today, type Clock } from './kernel/clock.ts';
import type { Db } from './kernel/db.ts';
import { csrfProtection } from './kernel/csrf.ts';
import { cleanedForm } from './kernel/forms.ts';
import { createGuard, HttpError, RouteTable, type Locators } from './kernel/http.ts';
import { requestLanguage, useLanguage } from './kernel/i18n.ts';
import { DatabaseSessionStore, storeSessionBeforeRedirect } from './kernel/session-store.ts';
import { createAssets, createEta, render, STATIC_DIR } from './kernel/views.ts';
import { benchBaseline } from './kernel/bench-baseline.ts';
import { accountRoutes, SESSION_COOKIE } from './accounts/routes.ts';
import { removeSmsLoginCodes } from './accounts/sms-login-queries.ts';
import { forgetTrustedDevices, pinLocators } from './accounts/pin-queries.ts';
import { pinPersonalData } from './accounts/pin-personal-data.ts';
import { signedInUser } from './accounts/signed-in.ts';
import { stepUp, stepUpRoutes } from './accounts/step-up.ts';
import { eIdConfigOf, loginSettingsOf, municipalitiesWithEId } from './e-id/settings.ts';
import { configureHashing, type HashingOptions } from './accounts/passwords.ts';
import { peopleLocators } from './people/relations.ts';
import { accountLocators } from './accounts/closure-queries.ts';
import { peopleRoutes } from './people/routes.ts';
import { pickupCard } from './pickup/card.ts';
import { placementLocators } from './people/placements.ts';
import { childrenRoutes } from './children/routes.ts';
import { pageFrameOf } from './people/queries.ts';
import { aboutRoutes } from './about/routes.ts';
import { organisationRoutes } from './organisation/routes.ts';
import { logoUpload } from './organisation/logo-upload.ts';
import { organisationLocators } from './people/organisation.ts';
import { staffLocators } from './people/staff.ts';
import { staffRoutes } from './staff/routes.ts';
import { watchPublicUrl } from './kernel/public-url.ts';
import { startRoutes } from './start/routes.ts';
import { BOX_KEYS } from './start/boxes.ts';
import { headerCounts } from './start/header-counts.ts';
import { invitationRoutes } from './invitations/routes.ts';
import { registrationRoutes } from './invitations/registration.ts';
import { newAccountRoutes } from './e-id/new-account.ts';
import { studentRoutes } from './students/routes.ts';
import { invitationLocators } from './invitations/queries.ts';
import { absenceLocators, absencesOf, withdrawnOn } from './absence/queries.ts';
import { absenceRoutes } from './absence/routes.ts';
import { attendanceRoutes } from './attendance/routes.ts';
import { scheduleRoutes } from './schedule/routes.ts';
import { careTimesOf, childrenWithTimesBetween, standardSchedules } from './schedule/queries.ts';
import { historyRoutes } from './history/routes.ts';
import { settingsRoutes } from './settings/routes.ts';
import { openingHours } from './settings/queries.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { notificationSettingsRoutes } from './notifications/settings-routes.ts';
import type { RecipientDirectory } from './notifications/recipients.ts';
import { accountRecipientDirectory } from './accounts/notification-recipients.ts';
import { messageRoutes } from './messages/routes.ts';
import { messageLocators } from './messages/locators.ts';
import { talkRoutes } from './talks/routes.ts';
import { menuRoutes } from './menu/routes.ts';
import { assessmentRoutes } from './assessment/routes.ts';
import { developmentPlanRoutes } from './development-plans/routes.ts';
import { adaptationRoutes } from './adaptations/routes.ts';
import { dayNoteRoutes } from './day-notes/routes.ts';
import { absenceBox } from './absence/box.ts';
import { pickupRoutes } from './pickup/routes.ts';
import { assessmentPersonalData } from './assessment/personal-data.ts';
import { developmentPlanPersonalData } from './development-plans/personal-data.ts';
import { adaptationPersonalData } from './adaptations/personal-data.ts';
import { dayNotePersonalData } from './day-notes/personal-data.ts';
import { pickupPersonalData } from './pickup/personal-data.ts';
import { menuLocators } from './menu/queries.ts';
import { messagesPersonalData } from './messages/personal-data.ts';
import { messageExtrasPersonalData } from './messages/out-of-office.ts';
import { attachmentLocators, messageAttachmentUpload } from './messages/attachments.ts';
import { messageExtrasRoutes } from './messages/extras-routes.ts';
import { informationRoutes } from './information/routes.ts';
import { informationLocators } from './information/queries.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { calendarLocators, removeFeedToken } from './calendar/queries.ts';
import { calendarPersonalData } from './calendar/personal-data.ts';
import { demoMailboxRoutes } from './demo/mailbox.ts';
import { demoSmsRoutes } from './demo/sms.ts';
import { auditTrail } from './audit/trail.ts';
import { registryImportRoutes } from './registry-import/routes.ts';
import { registryUpload } from './registry-import/upload.ts';
import { registryImportLocators } from './people/registry-sync.ts';
import { auditRoutes } from './audit/routes.ts';
import { PersonalDataRegistry } from './kernel/personal-data.ts';
import { peoplePersonalData, personLocators, personRegister } from './people/personal-data.ts';
import { accountIdsOf, accountsPersonalData } from './accounts/personal-data.ts';
import { absencePersonalData } from './absence/personal-data.ts';
import { attendancePersonalData } from './attendance/personal-data.ts';
import { schedulePersonalData } from './schedule/personal-data.ts';
import { historyPersonalData } from './history/personal-data.ts';
import { invitationsPersonalData } from './invitations/personal-data.ts';
import { notificationsPersonalData } from './notifications/personal-data.ts';
import { smsPersonalData } from './sms/personal-data.ts';
import { mailPersonalData } from './mail/personal-data.ts';
import { auditPersonalData } from './audit/personal-data.ts';
import { privacyRoutes } from './privacy/routes.ts';
import { log } from './kernel/log.ts';
import { healthz, type RunnerHealth } from './operations/health.ts';
import { operationsRoutes } from './operations/routes.ts';
import { consentRoutes } from './consent/routes.ts';
import { contactRoutes } from './contacts/routes.ts';
import { contactsPersonalData } from './contacts/personal-data.ts';
import { consentPersonalData } from './consent/personal-data.ts';
import { notesRoutes } from './notes/routes.ts';
import { noteLocators } from './notes/queries.ts';
import { adaptationLocators } from './adaptations/queries.ts';
import { dayNoteLocators } from './day-notes/queries.ts';
import { pickupLocators } from './pickup/queries.ts';
import { notesPersonalData } from './notes/personal-data.ts';
import { commentRoutes } from './documentation/comments-routes.ts';
import { commentLocators } from './documentation/comments-queries.ts';
import { observationUpload } from './documentation/comments-photo.ts';
import { commentsPersonalData } from './documentation/comments-personal-data.ts';
import { documentationRoutes } from './documentation/routes.ts';
import { documentationLocators } from './documentation/queries.ts';
import { postMediaUpload } from './documentation/upload.ts';
import { readingRoutes } from './documentation/reading.ts';
import { mediaRoutes } from './documentation/media-routes.ts';
import { readingLocators } from './documentation/read-queries.ts';
import { childPageRoutes } from './child-page/routes.ts';
import { pictureUpload } from './child-page/upload.ts';
import { childPageFilesAt, childPagePersonalData } from './child-page/personal-data.ts';
import { exportRoutes } from './documentation/export.ts';
import { exportLocators } from './documentation/export-queries.ts';
import { documentationAdminRoutes } from './documentation/admin.ts';
import { eIdAdminRoutes } from './e-id/admin.ts';
import { documentationPersonalData, documentationFilesAt } from './documentation/personal-data.ts';
import { documentationNeedsStrongLogin } from './documentation/settings.ts';
import { manifest, offlineKeeping, serviceWorker } from './push/app-shell.ts';
import { pushLocators } from './push/queries.ts';
import { pushRoutes } from './push/routes.ts';
import { pushPersonalData } from './push/personal-data.ts';
import { eIdRoutes } from './e-id/routes.ts';
import { DEMO_E_ID_PATH, demoIdentityProvider, demoStaffLookup } from './demo/e-id-provider.ts';
import { passkeyRoutes } from './passkeys/routes.ts';
import { passkeyLocators, removePasskeysOf } from './passkeys/queries.ts';
import { passkeysPersonalData } from './passkeys/personal-data.ts';

export interface AppDeps {
  db: Db;
  clock: Clock;
  config: Config;
  /** Whether the database is a demo database (decided when it was created, never by the environment). */
  demo: boolean;
  sessionSecret: string;
  /** A hash to verify against when a login names no account, so both answers take the same time. */
  dummyHash: string;
  /** argon2id parameters for new passwords; tests pass cheaper ones. */
  hashing?: HashingOptions;
  /** The process's job runner, for /healthz (none: the process runs no jobs, as in most tests). */
  jobs?: RunnerHealth;
}

export interface VardagApp { app: express.Express; routes: RouteTable; close(): void }

/**
 * The personal data each domain keeps: its part of a register extract and what it keeps of a child who left, for how
 * long (server/kernel/personal-data.ts). A new domain that keeps personal data adds its part here.
 */
export const PERSONAL_DATA = new PersonalDataRegistry(personRegister, accountIdsOf, [
  peoplePersonalData, accountsPersonalData, absencePersonalData, attendancePersonalData, schedulePersonalData, historyPersonalData,
  invitationsPersonalData, notificationsPersonalData, smsPersonalData, auditPersonalData, mailPersonalData,
  consentPersonalData, contactsPersonalData,
  notesPersonalData, commentsPersonalData,
  childPagePersonalData,
  documentationPersonalData,
  pushPersonalData, pinPersonalData,
  passkeysPersonalData,
  assessmentPersonalData, developmentPlanPersonalData, adaptationPersonalData,
  messagesPersonalData, messageExtrasPersonalData,
  calendarPersonalData,
  dayNotePersonalData, pickupPersonalData,
]);

/**
 * Accounts' answers to what notifications needs of them (who an account is, where to mail it): handed to notifications
 * here, so that notifications never imports accounts (which imports notifications to notify).
 */
export const NOTIFICATION_RECIPIENTS: RecipientDirectory = accountRecipientDirectory;

const HTMX_FILE = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');
/** The passkey pages' WebAuthn helper (@simplewebauthn/browser's UMD build), served from our own origin like htmx. */
const WEBAUTHN_FILE = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js');

export function createApp(deps: AppDeps): VardagApp {
  const { db, clock, config } = deps;
  configureHashing({ slots: config.hashingSlots, maxWaitMs: config.hashingMaxWaitMs }); // one queue per process
  documentationFilesAt(config.dataDir); // where the register extract finds the portfolio's files
  childPageFilesAt(config.dataDir); // ...and the children's pictures
  const app = express();
  const assets = createAssets([HTMX_FILE, WEBAUTHN_FILE]);
  app.locals.eta = createEta(config.production);
  app.locals.assets = assets;
  app.locals.demo = deps.demo;
  app.locals.dataDir = config.dataDir; // (where a message's attachments are stored as the form arrives: messages/attachments.ts)
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'", assets.inline.loaderHash], styleSrc: ["'self'", assets.inline.cssHash], imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"], connectSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"],
        baseUri: ["'none'"], objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: config.trustProxy !== false,
  }));
  if (config.compression) app.use(compression());

  const staticOptions = { immutable: true, maxAge: '365d', index: false, fallthrough: true } as const;
  app.get(`/static/${assets.version}/vendor/htmx.min.js`, (_req, res) => res.sendFile(HTMX_FILE, staticOptions));
  app.get(`/static/${assets.version}/vendor/simplewebauthn-browser.js`, (_req, res) => res.sendFile(WEBAUTHN_FILE, staticOptions));
  app.use(`/static/${assets.version}`, express.static(STATIC_DIR, staticOptions));
  app.get('/favicon.ico', (_req, res) => res.sendFile(path.join(STATIC_DIR, 'img/favicon.ico'), { maxAge: '7d' }));
  // The installable app: its manifest and service worker, public and without a session (server/push/app-shell.ts).
  app.get('/manifest.webmanifest', manifest(assets));
  app.get('/sw.js', serviceWorker(assets));
  // For monitoring: no session, no CSRF, and no PUBLIC_URL note for a probe on 127.0.0.1 (see operations/health.ts).
  app.get('/healthz', healthz({ db, clock, folders: [config.dataDir, config.backupDir], runner: deps.jobs }));
  // The demo's stand-in for the e-ID broker (an OpenID Connect provider with test identities): a demo database only,
  // before the session and the form parsing, which the provider does its own way (server/demo/e-id-provider.ts).
  const demoEId = deps.demo ? demoIdentityProvider({ db, publicUrl: config.publicUrl, secret: deps.sessionSecret, proxy: config.trustProxy !== false }) : undefined;
  if (demoEId) app.use(DEMO_E_ID_PATH, demoEId.router);
  // Everything below is a page, a partial, a redirect or an error page, most of them personal or carrying a CSRF token:
  // none may be kept by a shared cache or shown again by the back button after logout on a shared computer.
  app.use(noStore);
  // A real database notes the first request that PUBLIC_URL does not match, for the admins' start page.
  if (!deps.demo) app.use(watchPublicUrl({ db, clock, config }));

  if (config.benchBaseline) app.get('/bench/baseline', benchBaseline());
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }), cleanedForm);

  const store = new DatabaseSessionStore(db, { maxAnonymous: config.maxAnonymousSessions, now: () => clock.now().getTime() });
  app.use(session({
    name: SESSION_COOKIE, secret: deps.sessionSecret, store, resave: false, saveUninitialized: false, rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: config.sessionIdleMinutes * 60_000 },
  }), storeSessionBeforeRedirect);
  // A municipality's ways to log in (server/e-id/settings.ts), handed to accounts, which e-id signs people in through.
  const loginSettings = (municipalityId: number) => loginSettingsOf(db, municipalityId);
  app.use(signedInUser({
    db, clock, headerCounts: (accountId) => headerCounts(db, accountId), pageFrame: (personId, day) => pageFrameOf(db, personId, day), loginSettings,
  }));
  app.use(language);
  // A remembered session's pages may be kept for reading offline in the installed app: a header tells the service worker.
  app.use(offlineKeeping({ clock, idleMinutes: config.sessionIdleMinutes }));

  // The registry file's upload is a multipart form: read before the CSRF check, which needs its token. Its text fields
  // are then cleaned as every form's are (cleanedForm: a NUL in a home observation's text would answer 500 on PostgreSQL).
  app.post('/admin/import', registryUpload, cleanedForm);
  app.post('/admin/units/:unitId/logo', logoUpload, cleanedForm); // (a unit's logo, the same way)
  app.post('/posts/:postId/media', postMediaUpload(db), cleanedForm); // (a post's photos, videos and sound: the media library's temp files)
  app.post('/children/:childId/picture', pictureUpload, cleanedForm); // (a child's picture, the same way)
  app.post('/children/:childId/observations', observationUpload, cleanedForm); // (a home observation's photo, checking the token first)
  // (a message's attachments: a new message, a reply, a bulletin)
  for (const form of ['/children/:childId/messages', '/messages/:messageThreadId/replies', '/groups/:groupId/bulletins', '/units/:unitId/bulletins',
    '/groups/:groupId/information', '/units/:unitId/information', '/municipalities/:municipalityId/information', '/information/:informationItemId/edit']) { // (and an information item's files)
    app.post(form, messageAttachmentUpload, cleanedForm);
  }
  // A signed-in user's token is kept in their session; a public form's needs no session (see kernel/csrf.ts).
  const csrf = csrfProtection({ secret: deps.sessionSecret, secureCookie: config.trustProxy !== false });
  app.use(csrf.protection);

  const router = express.Router();
  // Each domain finds its own records; a kind of record without a locator fails the type check here.
  const locators: Locators = { ...peopleLocators, ...accountLocators, ...invitationLocators, ...absenceLocators, ...organisationLocators, ...staffLocators, ...placementLocators, ...personLocators, ...registryImportLocators, ...noteLocators, ...commentLocators, ...readingLocators, ...documentationLocators, ...exportLocators, ...pushLocators, ...passkeyLocators, ...pinLocators, ...messageLocators, ...attachmentLocators, ...informationLocators, ...calendarLocators, ...menuLocators, ...adaptationLocators, ...dayNoteLocators, ...pickupLocators };
  // Every allowed request of an audited action leaves a row in the one audit trail.
  // An action that leaves strong login to the municipality asks its documentation settings.
  // A weak session asking for what needs a strong one is sent through the municipality's e-ID login (step-up.ts).
  const eIdAvailable = async (municipalityId: number) => (await eIdConfigOf(db, municipalityId)) !== null;
  const guard = createGuard(locators, db, () => today(clock), documentationNeedsStrongLogin, stepUp({ db, clock, eIdAvailable }));
  const routes = new RouteTable(router, guard, auditTrail(db, clock));
  accountRoutes(routes, { db, clock, config, dummyHash: deps.dummyHash, hashing: deps.hashing, accountCleanups: [removeFeedToken, removePasskeysOf, removeSmsLoginCodes, forgetTrustedDevices],
    loginSettings, eIdOffered: async () => (await municipalitiesWithEId(db)).length > 0 });
  eIdRoutes(routes, { db, clock, config, demo: demoEId && { issuer: demoEId.issuer, staff: demoStaffLookup(demoEId.issuer) } });
  stepUpRoutes(routes, { db, clock, eIdAvailable });
  startRoutes(routes, { db, clock, config });
  peopleRoutes(routes, { db, clock, openingHours, pickupCard: (actor, child) => pickupCard(db, clock, actor, child) });
  childrenRoutes(routes, { db, clock });
  settingsRoutes(routes, { db, clock, boxes: BOX_KEYS, timesBetween: childrenWithTimesBetween, schedule: { careTimesOf, standardSchedules } });
  invitationRoutes(routes, { db, clock, config });
  absenceRoutes(routes, { db, clock });
  attendanceRoutes(routes, { db, clock, absences: { absencesOf, withdrawnOn } });
  scheduleRoutes(routes, { db, clock });
  historyRoutes(routes, { db, clock });
  registrationRoutes(routes, { db, clock, config, dummyHash: deps.dummyHash, hashing: deps.hashing });
  newAccountRoutes(routes, { db, clock, publicUrl: config.publicUrl, hashing: deps.hashing }); // an account by e-ID (seed 004)
  studentRoutes(routes, { db, clock, config }); // student accounts from årskurs 3 (seed 001)
  notificationRoutes(routes, { db, clock });
  notificationSettingsRoutes(routes, { db, clock, recipients: NOTIFICATION_RECIPIENTS });
  messageRoutes(routes, { db, clock });
  messageExtrasRoutes(routes, { db, clock, dataDir: config.dataDir });
  informationRoutes(routes, { db, clock, dataDir: config.dataDir });
  calendarRoutes(routes, { db, clock, config });
  aboutRoutes(routes, { db, clock, personalData: PERSONAL_DATA });
  auditRoutes(routes, { db, clock });
  operationsRoutes(routes, { db, clock, config });
  organisationRoutes(routes, { db, clock, dataDir: config.dataDir });
  childPageRoutes(routes, { db, clock, dataDir: config.dataDir });
  staffRoutes(routes, { db, clock, config });
  privacyRoutes(routes, { db, clock, personalData: PERSONAL_DATA });
  registryImportRoutes(routes, { db, clock, config });
  consentRoutes(routes, { db, clock });
  contactRoutes(routes, { db, clock });
  documentationRoutes(routes, { db, clock, dataDir: config.dataDir });
  readingRoutes(routes, { db, clock });
  mediaRoutes(routes, { db, clock, dataDir: config.dataDir });
  notesRoutes(routes, { db, clock });
  commentRoutes(routes, { db, clock, config });
  exportRoutes(routes, { db, clock, dataDir: config.dataDir });
  pushRoutes(routes, { db, clock });
  passkeyRoutes(routes, { db, clock, config });
  talkRoutes(routes, { db, clock });
  menuRoutes(routes, { db, clock });
  assessmentRoutes(routes, { db, clock }); // school: assessment, the IUP and extra adaptations (issue 25)
  developmentPlanRoutes(routes, { db, clock });
  adaptationRoutes(routes, { db, clock });
  dayNoteRoutes(routes, { db, clock, box: absenceBox }); // families: same-day notes, the pickup list, who may not pick up (issue 26)
  pickupRoutes(routes, { db, clock });
  // Strong login for documentation can be turned on where the municipality has e-ID (server/e-id/settings.ts).
  documentationAdminRoutes(routes, { db, clock, eIdAvailable });
  // A demo or test installation may use a local http e-ID provider; a real one only https.
  eIdAdminRoutes(routes, { db, clock, allowHttpIssuer: deps.demo || process.env.NODE_ENV === 'test' });
  if (deps.demo) demoMailboxRoutes(routes, { db }); // a real database has no demo mailbox, whatever its config
  if (deps.demo) demoSmsRoutes(routes, { db }); // ...nor a demo SMS outbox
  app.use(router);

  app.use((req, res) => render(req, res, 'errors/404', {}, 404));
  app.use(errorPages(csrf.invalidTokenError));
  return { app, routes, close: () => store.close() };
}

const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'private, no-store');
  next();
};

const language: RequestHandler = (req, res, next) => {
  useLanguage(req, requestLanguage(req, res));
  next();
};

/** Error pages in the user's language; the details go to the log, never to the user. */
function errorPages(csrfError: unknown): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (!req.t) language(req, res, () => undefined);
    const status = err === csrfError ? 403 : err instanceof HttpError ? err.status : Number((err as { status?: unknown }).status) || 500;
    const view = err === csrfError ? 'errors/csrf'
      : status === 404 ? 'errors/404' : status === 403 ? 'errors/403' : status >= 400 && status < 500 ? 'errors/400' : 'errors/500';
    if (status >= 500) log.error({ err, method: req.method, route: req.route?.path ?? null }, 'request failed');
    if (res.headersSent) {
      // A download (a ZIP) that fails halfway: cut the connection, so the browser says the download failed instead of
      // keeping a file that ends early and looks whole.
      if (!res.writableEnded) res.destroy();
      return;
    }
    try {
      render(req, res, view, {}, status);
    } catch (renderError) {
      log.error({ err: renderError }, 'the error page could not be rendered');
      res.status(status).type('text').send(req.t('errors.server.title'));
    }
  };
}
