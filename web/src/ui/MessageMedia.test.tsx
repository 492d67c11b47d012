// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { textRecord } from '../core/testing/fake-env';
import { MessageMedia } from './MessageMedia';

afterEach(cleanup);

describe('MessageMedia', () => {
  it('shows pictures as thumbnails from this server that open full size, with alt text naming the sender', () => {
    const message = textRecord('42', { mediaCount: 2, media: [{ index: 0, contentType: 'image/jpeg' }, { index: 1, contentType: 'image/png; x=1' }] });
    render(<MessageMedia message={message} name="Dana" />);
    const first = screen.getByRole('img', { name: 'Picture 1 of 2 from Dana (opens full size)' });
    expect(first).toHaveAttribute('src', '/api/messages/42/media/0');
    expect(first.closest('a')).toHaveAttribute('href', '/api/messages/42/media/0');
    expect(first.closest('a')).toHaveAttribute('target', '_blank');
    expect(first.closest('a')).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByRole('img', { name: 'Picture 2 of 2 from Dana (opens full size)' })).toHaveAttribute('src', '/api/messages/42/media/1');
  });

  it('offers other files as a download, never as an image, and renders hostile types and names as text', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const message = textRecord('7', { mediaCount: 2, media: [{ index: 0, contentType: 'image/svg+xml' }, { index: 1, contentType: hostile }] });
    const { container } = render(<MessageMedia message={message} name={hostile} />);
    expect(screen.queryByRole('img')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    const links = screen.getAllByTestId('message-attachment');
    expect(links.map((a) => a.textContent)).toEqual(['Attachment 1 (image/svg+xml): download', `Attachment 2 (${hostile}): download`]);
    expect(links[1]).toHaveAttribute('href', '/api/messages/7/media/1');
    expect(links[1]).toHaveAttribute('download');
  });

  it('puts a hostile sender name into alt text only as text', () => {
    const hostile = '"><script>alert(1)</script>';
    const message = textRecord('8', { mediaCount: 1, media: [{ index: 0, contentType: 'image/gif' }] });
    const { container } = render(<MessageMedia message={message} name={hostile} />);
    expect(container.querySelector('script')).toBeNull();
    expect(screen.getByRole('img')).toHaveAttribute('alt', `Picture 1 of 1 from ${hostile} (opens full size)`);
  });
});
