/**
 * Who and what a local-mode install starts with: the demo users, their shared password unless DEMO_PASSWORD
 * says otherwise, and the team number the local stand-in gives the account.
 */
export const LOCAL_TEAM_NUMBER = '+12025550100';
export const DEFAULT_DEMO_PASSWORD = 'softphone';
export const DEFAULT_DEMO_USERS = ['alice', 'bob', 'carol'];
