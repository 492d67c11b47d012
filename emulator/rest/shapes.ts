/** The parts of Twilio's 2010-04-01 REST JSON every resource shares (pure); each resource's own shape lives with its routes. */

export function rfc2822(d: Date | null): string | null {
  return d ? d.toUTCString().replace('GMT', '+0000') : null;
}

export function twilioError(status: number, code: number, message: string): { code: number; message: string; more_info: string; status: number } {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/**
 * Twilio's page envelope; `key` is "calls" or "messages". The page links keep the list's filters, so a
 * client following next_page_uri (the `twilio` helper's list and each do) stays within them.
 */
export function pageJson(
  key: string,
  items: unknown[],
  listUri: string,
  page: number,
  pageSize: number,
  hasMore: boolean,
  filters: Record<string, string> = {},
): Record<string, unknown> {
  const pageUri = (p: number) => {
    const query = new URLSearchParams(filters);
    query.set('PageSize', String(pageSize));
    query.set('Page', String(p));
    return `${listUri}?${query.toString()}`;
  };
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

/**
 * The page envelope of Twilio's newer (v1) APIs: the items under `key` and a `meta` object with absolute
 * URLs on the product's own host (monitor.twilio.com, voice.twilio.com…).
 */
export function v1PageJson(key: string, items: unknown[], listUrl: string, page: number, pageSize: number, hasMore: boolean): Record<string, unknown> {
  const pageUrl = (p: number) => `${listUrl}?PageSize=${pageSize}&Page=${p}`;
  return {
    [key]: items,
    meta: {
      page,
      page_size: pageSize,
      first_page_url: pageUrl(0),
      previous_page_url: page > 0 ? pageUrl(page - 1) : null,
      url: pageUrl(page),
      next_page_url: hasMore ? pageUrl(page + 1) : null,
      key,
    },
  };
}

/** One page of `list` (newest or whatever order the caller chose) in the 2010 envelope. */
export function listPage<T>(key: string, list: T[], toJson: (item: T) => unknown, listUri: string, page: number, pageSize: number): Record<string, unknown> {
  const slice = list.slice(page * pageSize, (page + 1) * pageSize);
  return pageJson(key, slice.map(toJson), listUri, page, pageSize, list.length > (page + 1) * pageSize);
}
