/** Request bodies arrive as byte chunks; the parsers want text, without a byte order mark. */
import { invalidInput } from '../errors';

/**
 * Decodes chunk by chunk, so multi-byte characters split across chunks stay intact. Bytes that are
 * not valid in the charset stop the import with a clear error instead of landing as "M�ller".
 */
export async function* decodeText(chunks: AsyncIterable<Buffer | string>, charset = 'utf-8'): AsyncGenerator<string> {
  const decoder = new TextDecoder(charset, { fatal: true });
  let bytesRead = 0;
  let first = true;
  const decode = (bytes: Buffer | undefined): string => {
    try {
      return decoder.decode(bytes, { stream: bytes !== undefined });
    } catch {
      throw invalidInput(
        `The body is not valid ${decoder.encoding} (near byte ${bytesRead}); for a spreadsheet export send "Content-Type: text/csv; charset=windows-1252"`,
        [{ path: 'body', message: `not valid ${decoder.encoding}`, byte: bytesRead }],
      );
    }
  };
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decode(chunk);
    bytesRead += chunk.length;
    if (first && text.length > 0) {
      // TextDecoder drops a UTF-8 BOM itself; a string body may still carry one.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decode(undefined);
  if (rest.length > 0) yield rest;
}
