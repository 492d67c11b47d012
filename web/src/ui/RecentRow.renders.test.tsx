// @vitest-environment jsdom
// How often Recents rows render: a call coming and going must not redraw every row of the list.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { FakeApi, callRecord } from '../core/testing/fake-env';
import { flush, renderApp, ringIn } from './test-utils';

/** Renders per call id, counted where a row describes its call (once per render). */
const renders = vi.hoisted(() => new Map<string, number>());
vi.mock('./recent-call', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./recent-call')>();
  return {
    ...actual,
    describeCall: (...args: Parameters<typeof actual.describeCall>) => {
      renders.set(args[0].id, (renders.get(args[0].id) ?? 0) + 1);
      return actual.describeCall(...args);
    },
  };
});

afterEach(cleanup);

it('a call ringing in and ending re-renders no row of Recents; their Call back buttons follow it', async () => {
  const api = new FakeApi();
  api.history = [callRecord('c1', { from: '+12025550102' }), callRecord('c2', { from: '+12025550103', seen: true })];
  const t = await renderApp({ api });
  await flush();
  const section = screen.getByRole('region', { name: 'Recents' });
  await waitFor(() => expect(within(section).getAllByTestId('recent-call')).toHaveLength(2));
  const callBack = () => within(section).getAllByRole('button', { name: /^Call back/, hidden: true });
  await waitFor(() => callBack().forEach((b) => expect(b).toBeEnabled()));
  renders.clear();

  const call = ringIn(t.device());
  await waitFor(() => callBack().forEach((b) => expect(b).toBeDisabled()));
  act(() => void call.emit('cancel'));
  await waitFor(() => callBack().forEach((b) => expect(b).toBeEnabled()));
  await flush();
  expect(Object.fromEntries(renders)).toEqual({});
});
