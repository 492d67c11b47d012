// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { flush, renderApp, ringIn } from './test-utils';

afterEach(cleanup);

describe('a second call while another tab holds the call', () => {
  it('shows a quiet line with nothing to press, no dialog; once that call ends, it rings as any call', async () => {
    const t = await renderApp();
    // What the tabs' channel says when another tab of alice's is on a call (busy-tabs.ts).
    act(() => t.controller['dispatch']({ type: 'busyElsewhere', busy: true }));
    ringIn(t.device(), '+12025550172');
    await flush();
    const line = screen.getByTestId('waiting-elsewhere');
    expect(line).toHaveAttribute('role', 'status');
    await waitFor(() => expect(line).toHaveTextContent('Call waiting: (202) 555-0172. Answer it in the tab with your call.'));
    expect(line.querySelector('button')).toBeNull();
    expect(screen.queryByRole('alertdialog')).toBeNull();

    act(() => t.controller['dispatch']({ type: 'busyElsewhere', busy: false }));
    expect(screen.getByRole('alertdialog', { name: 'Incoming call' })).toBeInTheDocument();
    expect(screen.queryByTestId('waiting-elsewhere')).toBeNull();
  });
});
