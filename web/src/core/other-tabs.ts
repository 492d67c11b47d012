/**
 * This tab among the person's other tabs, as the phone sees them: which tab rings (the leader), what
 * another tab decided about a call that rings here too, and whether another tab holds a call (busy is
 * per person). tabs.ts and tab-calls.ts carry the messages; this part turns them into what the phone
 * does, and keeps the one memory that needs: the call that just stopped ringing here, for a message
 * about it that arrives late.
 */
import { CALLS_TOPIC } from './busy-tabs';
import { TabCalls } from './tab-calls';
import { TabCoordinator, isSameCall, type TabDecision, type TabEnv, type TabMessage } from './tabs';

/** How long another tab's message about a call that stopped ringing here still shows who took it. */
const LATE_TAB_MESSAGE_MS = 5_000;

/** A call ringing here, loudly or quietly, that another tab's decision applies to. */
export interface RingingHere {
  callSid: string;
  from: string;
  reject(): void;
  ignore(): void;
}

export interface OtherTabsHost {
  env: { now(): number; tabs: TabEnv };
  log: { add(text: string): void };
  /** The call ringing here, or ringing quietly while another tab holds the person's call. */
  ringingHere(): RingingHere | undefined;
  /** Another tab answered, rejected or ignored a call; `late` when it had already stopped ringing here. */
  handledElsewhere(decision: TabDecision, late: boolean): void;
  leaderChanged(leader: boolean): void;
  /** Another tab of this person started or stopped holding a call (or it is read for the first time). */
  otherTabCalls(busy: boolean): void;
}

export class OtherTabs {
  private tabs: TabCoordinator | null = null;
  private tabCalls: TabCalls | null = null;
  /**
   * The last incoming call that stopped ringing here without this tab deciding (the caller hung up,
   * or another tab answered), for a few seconds: the gateway's cancel and another tab's message race,
   * and a message that loses should still tell the person what happened. One slot, so it stays bounded.
   */
  private stoppedRinging: { callSid: string; from: string; until: number } | null = null;

  constructor(private readonly host: OtherTabsHost) {}

  /** The person's tabs while signed in (the live event stream is shared through it). */
  get coordinator(): TabCoordinator | null {
    return this.tabs;
  }

  get otherTabHoldsCall(): boolean {
    return Boolean(this.tabCalls?.otherTabHoldsCall);
  }

  join(identity: string): TabCoordinator {
    this.leave();
    const tabs = new TabCoordinator(identity, this.host.env.tabs);
    this.tabs = tabs;
    tabs.onMessage(this.onMessage);
    tabs.onLeaderChange((leader) => this.host.leaderChanged(leader));
    // Other tabs may answer its question while it is being made: read once it is in place.
    const tabCalls = new TabCalls(`softphone:${identity}`, CALLS_TOPIC, tabs.tabId, this.host.env.tabs, this.onTabCalls);
    this.tabCalls = tabCalls;
    this.onTabCalls();
    return tabs;
  }

  leave(): void {
    this.stoppedRinging = null;
    this.tabs?.close();
    this.tabs = null;
    this.tabCalls?.close();
    this.tabCalls = null;
  }

  /** Tells the other tabs what the person did with a call that rings in all of them. */
  announce(decision: TabDecision, callSid: string, from: string): void {
    this.tabs?.announce(decision, callSid, from);
  }

  setHoldingCall(holding: boolean): void {
    this.tabCalls?.setHoldingCall(holding);
  }

  /** A call stopped ringing here without this tab deciding. */
  stoppedRingingHere(callSid: string, from: string): void {
    this.stoppedRinging = { callSid, from, until: this.host.env.now() + LATE_TAB_MESSAGE_MS };
  }

  private onTabCalls = (): void => {
    // Called while TabCalls is being made, before this.tabCalls is set: nobody has answered yet.
    this.host.otherTabCalls(this.otherTabHoldsCall);
  };

  private onMessage = (message: TabMessage): void => {
    const call = this.host.ringingHere();
    if (!call || !isSameCall(message, call.callSid, call.from)) {
      this.onLateMessage(message);
      return;
    }
    this.host.log.add(`Call ${message.type} in another tab`);
    this.host.handledElsewhere(message.type, false);
    // A rejection in one tab is the person's answer for all of them; otherwise just stop ringing here.
    if (message.type === 'rejected') call.reject();
    else call.ignore();
  };

  /** Another tab's decision about a call that already stopped ringing here: still worth saying. */
  private onLateMessage(message: TabMessage): void {
    const stopped = this.stoppedRinging;
    if (!stopped || this.host.env.now() > stopped.until || !isSameCall(message, stopped.callSid, stopped.from)) return;
    this.stoppedRinging = null;
    this.host.log.add(`Call ${message.type} in another tab`);
    this.host.handledElsewhere(message.type, true);
  }
}
