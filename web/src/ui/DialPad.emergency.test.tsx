// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, TEST_CONFIG } from '../core/testing/fake-env';
import { LOCALES, setLocale, t as text } from '../i18n';
import { renderApp } from './test-utils';

afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  await setLocale('en', false);
});

async function openDialPad(emergency?: { calling: boolean; numbers: string[] }) {
  if (emergency) vi.spyOn(FakeApi.prototype, 'config').mockResolvedValue({ ...TEST_CONFIG, emergency });
  const user = userEvent.setup();
  const t = await renderApp();
  await user.click(screen.getByRole('button', { name: text('home.newCall') }));
  const dialog = screen.getByRole('dialog');
  const input = within(dialog).getByRole('textbox');
  return { user, t, dialog, input };
}

describe('dial pad: emergency numbers', () => {
  it('says plainly, while typing, that this phone does not place emergency calls, and never dials', async () => {
    const { user, t, dialog, input } = await openDialPad();
    await user.type(input, '911');
    const message = 'This phone does not place emergency calls. Use another phone to call 911.';
    expect(await within(dialog).findByText(message)).toBeInTheDocument();
    expect(input).toHaveAccessibleDescription(message);
    await user.click(within(dialog).getByRole('button', { name: 'Call' }));
    expect(t.device().connects).toEqual([]);
  });

  it('knows the country list /api/config sends', async () => {
    const { user, dialog, input } = await openDialPad({ calling: false, numbers: ['112', '911', '999'] });
    await user.type(input, '999');
    expect(await within(dialog).findByText(/Use another phone to call 999/)).toBeInTheDocument();
  });

  it('dials them when the server says this phone places emergency calls', async () => {
    const { user, t, dialog, input } = await openDialPad({ calling: true, numbers: ['112', '911'] });
    await user.type(input, '112');
    expect(await within(dialog).findByText('Emergency call to 112')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Call' }));
    expect(t.device().connects).toEqual([{ To: '112' }]);
  });

  it.each(LOCALES.filter((l) => l.code !== 'en').map((l) => l.code))('says it in %s too', async (locale) => {
    await act(() => setLocale(locale, false));
    const { user, t, dialog, input } = await openDialPad();
    await user.type(input, '112');
    expect(await within(dialog).findByText(text('dial.problem.emergency', { number: '112' }))).toBeInTheDocument();
    expect(text('dial.problem.emergency', { number: '112' })).not.toContain('emergency calls');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(t.device().connects).toEqual([]);
  });
});
