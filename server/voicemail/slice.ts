/** Bytes start..end (inclusive) of a stream, for an upstream that answered a Range request with the whole file. */
import { Transform } from 'node:stream';

export function byteSlice(start: number, end: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(0, start - offset);
      const to = Math.min(chunk.length, end + 1 - offset);
      offset += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      // Past the end: nothing more is wanted; ending here lets the pipeline drop the upstream.
      if (offset > end) this.push(null);
      done();
    },
  });
}
