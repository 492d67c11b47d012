/** Control API: TwiML Apps, and changing one's voice URL as a person would in Twilio's console. */
import { ApplicationRoutes } from '../../contracts/emulator/applications';
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import type { Emulator } from '../emulator';
import type { ControlScope } from './scope';

export function registerApplicationRoutes(api: ControlScope, emulator: Pick<Emulator, 'account'>): void {
  const p = `${CONTROL_API_PREFIX}/applications`;
  const { account } = emulator;

  api.get(p, { schema: ApplicationRoutes.list }, async () => account.applicationList());
  api.post(`${p}/:sid`, { schema: ApplicationRoutes.update }, async (req) => {
    const { voiceUrl, voiceMethod } = req.body;
    return account.updateApplication(req.params.sid, {
      ...(voiceUrl !== undefined ? { voiceUrl } : {}),
      ...(voiceMethod !== undefined ? { voiceMethod } : {}),
    });
  });
}
