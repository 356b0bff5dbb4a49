import { fileTypeFromBuffer } from 'file-type';
import type { MagicSniffer } from '../../core/ports';

/**
 * The magic-number sniffer on `file-type` (a well-kept detector of a few hundred formats). It is
 * given only the first 64 KiB of a file, and never a ZIP or compound file: core/attachments reads
 * those containers itself, so file-type's own archive inflation is never reached.
 */
export const fileTypeSniffer: MagicSniffer = {
  async sniff(head) {
    const found = await fileTypeFromBuffer(head);
    return found ? { mime: found.mime, ext: found.ext } : null;
  },
};
