// PINs' part of the register extract: the browsers of the person's accounts with a PIN (their names, when the PIN was
// chosen and last used; never the token or the PIN's hash). They go with a new password or a closed account.
import type { PersonalDataPart } from '../kernel/personal-data.ts';
import { trustedDevicesForExtract } from './pin-queries.ts';

export const pinPersonalData: PersonalDataPart = {
  domain: 'pin',
  async extract(db, subject) {
    const devices = await trustedDevicesForExtract(db, subject.accountIds);
    if (devices.length === 0) return { sections: [] };
    return {
      sections: [{
        title: 'personalData.sections.pinDevices', childId: null, columns: ['device', 'created_at', 'pin_used_at'],
        rows: devices.map((d) => ({ device: d.label, created_at: d.createdAt, pin_used_at: d.lastUsedAt })),
      }],
    };
  },
};
