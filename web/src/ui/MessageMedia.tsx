/**
 * The media of a text message in its bubble: pictures (JPEG, PNG, GIF, WebP) as thumbnails that open full
 * size, anything else as a download. Every file comes from this server (GET /api/messages/:id/media/:n),
 * which fetches it from Twilio; the browser never sees a Twilio URL.
 */
import type { MessageRecord } from '../../../contracts/api';
import { t } from '../i18n';

const PICTURES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

export const mediaPath = (messageId: string, index: number) => `/api/messages/${encodeURIComponent(messageId)}/media/${index}`;

export function MessageMedia({ message, name }: { message: MessageRecord; name: string }) {
  const count = message.media.length;
  return (
    <ul className="bubble-media">
      {message.media.map((item) => {
        const href = mediaPath(message.id, item.index);
        const n = item.index + 1;
        const type = item.contentType.split(';')[0]!.trim().toLowerCase();
        return (
          <li key={item.index}>
            {PICTURES.includes(type) ? (
              <a href={href} target="_blank" rel="noopener noreferrer" data-testid="message-picture">
                <img src={href} alt={t('messages.pictureAlt', { n, count, name })} loading="lazy" className="bubble-picture" />
              </a>
            ) : (
              <a href={href} download className="bubble-attachment" data-testid="message-attachment">
                {t('messages.attachment', { n, type: type || '?' })}
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}
