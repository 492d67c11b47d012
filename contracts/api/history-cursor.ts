/**
 * The call history's keyset cursor (`before` of GET /api/calls): one definition for the server that reads
 * it and the app that makes one, apart from the schemas so the browser bundle takes it without TypeBox.
 */

/**
 * A position in the history, as `before` takes it: the calls older than `record` follow. A page's
 * nextCursor is the cursor of its last call; a client that lets go of its oldest rows (Recents keeps a
 * bounded window all day) makes one for the oldest row it keeps, so the next page starts right after it.
 * base64url of "startedAt|id": both are ASCII, so btoa and atob serve in the browser and in Node alike.
 */
export function callCursor(record: { startedAt: string; id: string }): string {
  return btoa(`${record.startedAt}|${record.id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The two parts of a cursor, unchecked (the server checks them), or undefined when it is not base64url of two parts. */
export function callCursorParts(cursor: string): { startedAt: string; id: string } | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
  const [startedAt, id, extra] = text.split('|');
  return startedAt === undefined || id === undefined || extra !== undefined ? undefined : { startedAt, id };
}
