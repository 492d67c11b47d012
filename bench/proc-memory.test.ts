import { describe, expect, it } from 'vitest';
import { isBrowserUiRenderer } from './proc-memory';

// Command lines as Debian's Chromium shows them in /proc (argv rewritten into one string).
const BASE = '/usr/lib/chromium/chromium --type=renderer --crashpad-handler-pid=0 --no-sandbox --lang=en-US';

describe('isBrowserUiRenderer', () => {
  it.each([
    ['the omnibox popup WebUI, which runs even headless', `${BASE} --top-chrome-webui --renderer-client-id=5`, true],
    ['an extension', `${BASE} --extension-process --renderer-client-id=9`, true],
    ['a WebUI page', `${BASE} --webui-host --renderer-client-id=6`, true],
    ['the tab', `${BASE} --renderer-client-id=7`, false],
    ['the spare renderer', `${BASE} --renderer-client-id=8`, false],
    ['an unreadable process (empty)', '', false],
  ])('%s', (_, commandLine, ui) => expect(isBrowserUiRenderer(commandLine)).toBe(ui));
});
