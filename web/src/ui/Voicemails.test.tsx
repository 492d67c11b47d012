// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Voicemail } from '../../../contracts/api';
import { FakeApi } from '../core/testing/fake-env';
import { flush, renderApp } from './test-utils';

afterEach(cleanup);

const message = (id: string): Voicemail => ({ id, callId: `c${id}`, from: '+12025550104', durationSeconds: 3, createdAt: '2026-03-01T10:00:00.000Z', heard: false, heardBy: [] });

async function voicemail() {
  const api = new FakeApi();
  api.voicemailItems = [message('1')];
  await renderApp({ api });
  await flush();
  return { api, section: await screen.findByRole('region', { name: 'Voicemail' }) };
}

describe('Voicemail: delete and undo', () => {
  it('deletes at once, offers Undo with the focus on it, and Undo brings the message back', async () => {
    const { api, section } = await voicemail();
    await userEvent.click(within(section).getByRole('button', { name: /^Delete the message from/ }));
    await flush();
    expect(within(section).queryAllByTestId('voicemail')).toHaveLength(0);
    expect(api.deletedVoicemails.map((v) => v.id)).toEqual(['1']);
    const undo = within(section).getByRole('button', { name: 'Undo' });
    expect(undo).toHaveFocus();
    expect(within(section).getByTestId('voicemail-undo')).toHaveTextContent(/^Message from .+ deleted\./);
    await userEvent.click(undo);
    await flush();
    expect(within(section).getAllByTestId('voicemail')).toHaveLength(1);
    expect(within(section).queryByTestId('voicemail-undo')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Voicemail' })).toHaveFocus();
  });

  it('says why a delete failed, and the message stays', async () => {
    const { api, section } = await voicemail();
    api.liveError = new Error('The database does not answer');
    await userEvent.click(within(section).getByRole('button', { name: /^Delete the message from/ }));
    await flush();
    expect(within(section).getAllByTestId('voicemail')).toHaveLength(1);
    expect(section).toHaveTextContent('The message could not be deleted: The database does not answer');
  });
});
