// The admins' page of background jobs that gave up (a mail, an SMS, a nightly backup that could not be done) and of
// the backups, /admin/jobs. Texts of errors are scrubbed of personal data before they are shown.
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { failedJobsPage } from './jobs-page.ts';

interface Deps { db: Db; clock: Clock; config: Pick<Config, 'backupDir' | 'backupKeep' | 'backupHour'> }

export function operationsRoutes(routes: RouteTable, deps: Deps): void {
  routes.get('/admin/jobs', 'operations.jobs.read', async (req, res) => {
    render(req, res, 'operations/jobs', { title: req.t('operations.title'), ...(await failedJobsPage(deps)) });
  });
}
