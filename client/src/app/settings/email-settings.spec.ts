import { emailSettingsForm } from './email-settings';

describe('e-mail settings form', () => {
  it('starts from the server\'s defaults: HIGH and above mailed, no digest, whether online or not', () => {
    expect(emailSettingsForm().getRawValue()).toEqual({ enabled: true, minPriority: 'HIGH', onlyWhenOffline: false, digest: 'OFF' });
  });

  it('holds a saved choice and gives back exactly the object the API takes', () => {
    const saved = { enabled: true, minPriority: 'URGENT' as const, onlyWhenOffline: true, digest: 'DAILY' as const };
    const form = emailSettingsForm(saved);
    expect(form.getRawValue()).toEqual(saved);
    form.patchValue({ enabled: false });
    expect(Object.keys(form.getRawValue()).sort()).toEqual(['digest', 'enabled', 'minPriority', 'onlyWhenOffline']);
    expect(form.getRawValue().enabled).toBe(false);
  });
});
