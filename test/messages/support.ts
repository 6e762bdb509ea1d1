// The setup the messages tests share: a test app with the demo, Elsa (two households), and a signed-in agent per demo
// login, kept for the file. Call inside `describe`: it registers its own before/after.
import { after, before } from 'node:test';
import { signIn, type Agent, type TestApp, startTestApp } from '../support/app.ts';
import { personId } from '../support/demo.ts';

export interface MessagesTest {
  /** The running app (set in `before`). */
  readonly t: TestApp;
  /** Elsa Andersson's person id: her mother (vardnadshavare) and father (vardnadshavare2) live apart. */
  readonly elsa: number;
  /** The agent signed in as the demo login `name` (signed in once per file). */
  as(name: string): Promise<Agent>;
  /** The account id of a demo login. */
  accountOf(username: string): Promise<number>;
}

export function messagesTest(): MessagesTest {
  let app: TestApp | undefined;
  let elsa = 0;
  const agents = new Map<string, Agent>();
  const started = () => {
    if (!app) throw new Error('the app starts in before()');
    return app;
  };
  before(async () => {
    app = await startTestApp();
    elsa = await personId(app.db, 'Elsa', 'Andersson');
  });
  after(() => started().close());
  return {
    get t() { return started(); },
    get elsa() { return elsa; },
    async as(name) {
      if (!agents.has(name)) agents.set(name, await signIn(started().app, name));
      return agents.get(name)!;
    },
    async accountOf(username) {
      return (await started().db.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
    },
  };
}
