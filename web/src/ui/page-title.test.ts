// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { setBaseTitle, setCallTitle } from './page-title';

describe('page title', () => {
  it('shows the call while there is one, and the latest base title after it', () => {
    setBaseTitle('Softphone');
    expect(document.title).toBe('Softphone');
    setCallTitle('0:01 · Call with bob');
    expect(document.title).toBe('0:01 · Call with bob');
    // A missed call arrives during the call: the call keeps the title, the count waits for its end.
    setBaseTitle('(1) Softphone');
    expect(document.title).toBe('0:01 · Call with bob');
    setCallTitle(null);
    expect(document.title).toBe('(1) Softphone');
  });
});
