/** The parts of Twilio's 2010-04-01 REST JSON every resource shares (pure); each resource's own shape lives with its routes. */

export function rfc2822(d: Date | null): string | null {
  return d ? d.toUTCString().replace('GMT', '+0000') : null;
}

export function twilioError(status: number, code: number, message: string): { code: number; message: string; more_info: string; status: number } {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** Twilio's page envelope; `key` is "calls" or "messages"; `filters` are kept in the page URIs, as Twilio does. */
export function pageJson(
  key: string, items: unknown[], listUri: string, page: number, pageSize: number, hasMore: boolean, filters: Record<string, string> = {},
): Record<string, unknown> {
  const pageUri = (p: number) => `${listUri}?${new URLSearchParams({ ...filters, PageSize: String(pageSize), Page: String(p) })}`;
  return {
    [key]: items,
    end: page * pageSize + items.length - 1,
    first_page_uri: pageUri(0),
    next_page_uri: hasMore ? pageUri(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    start: page * pageSize,
    uri: pageUri(page),
  };
}
