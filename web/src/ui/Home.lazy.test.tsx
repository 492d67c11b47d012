// @vitest-environment jsdom
// Messages and Voicemail are loaded after the first registration settles, whichever way it goes.
import '@testing-library/jest-dom/vitest';
import { cleanup, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { ApiError } from '../core/api';
import { FakeApi } from '../core/testing/fake-env';
import { renderApp } from './test-utils';

afterEach(cleanup);

it('shows Messages and Voicemail once the phone is registered', async () => {
  await renderApp();
  expect(await screen.findByRole('region', { name: 'Messages' })).toBeInTheDocument();
  expect(await screen.findByRole('region', { name: 'Voicemail' })).toBeInTheDocument();
});

it('shows them too when registering fails, next to the problem', async () => {
  const api = new FakeApi();
  api.tokenError = new ApiError('Server unavailable', 503, 'unavailable');
  const t = await renderApp({ api });
  expect(t.controller.getSnapshot().phone.registration).not.toBe('registered');
  expect(await screen.findByRole('region', { name: 'Messages' })).toBeInTheDocument();
  expect(await screen.findByRole('region', { name: 'Voicemail' })).toBeInTheDocument();
});
