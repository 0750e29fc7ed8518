import { BadRequestException } from '@nestjs/common';

/** Trimmed, lowercased, de-duplicated, order kept; every tag 1–50 characters. */
export function normaliseTags(tags: string[], field = 'tags'): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().toLowerCase();
    if (tag.length < 1 || tag.length > 50) {
      throw new BadRequestException([`${field}: each tag must be 1 to 50 characters after trimming, got "${raw}"`]);
    }
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}
