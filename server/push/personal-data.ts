// Push's part of the register extract: the devices of the person's accounts that get push notifications (their names,
// when added and last reached; never the push service's address or keys). Pushes themselves are not kept: a sent
// push's text is erased at once and its row deleted within a week (sender.ts).
import type { PersonalDataPart } from '../kernel/personal-data.ts';
import { devicesForExtract } from './queries.ts';

export const pushPersonalData: PersonalDataPart = {
  domain: 'push',
  async extract(db, subject) {
    const devices = await devicesForExtract(db, subject.accountIds);
    if (devices.length === 0) return { sections: [] };
    return {
      sections: [{
        title: 'personalData.sections.pushDevices', childId: null, columns: ['device', 'created_at', 'last_used_at'],
        rows: devices.map((d) => ({ device: d.label, created_at: d.createdAt, last_used_at: d.lastUsedAt })),
      }],
    };
  },
};
