/**
 * Which of a person's tabs the headset follows. Every tab with the headset open receives its button
 * presses, and every one could set its lights, so exactly one must act: the tab that holds a call, and
 * when no tab does, the tab that owns the ringer (the leader in tabs.ts).
 */
import { TabCalls } from './tab-calls';
import type { TabEnv } from './tabs';

export class HeadsetFocus extends TabCalls {
  constructor(name: string, tabId: string, env: TabEnv, changed: () => void) {
    super(name, 'headset', tabId, env, changed);
  }
}
