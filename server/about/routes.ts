// The municipality's statements about Vardag, linked from every page's footer: how personal data is handled (the
// privacy notice) and how accessible the service is (the accessibility statement). Public: anyone may read them.
// Until the administration pages let a municipality write its own, they say what the municipality publishes there.
import type { RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';

export function aboutRoutes(routes: RouteTable): void {
  routes.publicGet('/privacy', (req, res) => render(req, res, 'about/privacy'));
  routes.publicGet('/accessibility', (req, res) => render(req, res, 'about/accessibility'));
}
