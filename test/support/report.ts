// A resident's report from start to "send", as taps and messages in the chat.
import { PLACES, type HubFixture } from './hub-fixture';

export async function fileReport(
  f: HubFixture,
  userId: string,
  spec: {
    category?: string;
    words: string;
    location?: { latitude: number; longitude: number; address?: string };
    /** Photos sent before "done" (the emulator's test image). */
    photos?: number;
    /** false: stop at the confirm card, unsent. */
    confirm?: boolean;
  },
): Promise<void> {
  const d = f.emulator.driver;
  const u = { userId };
  await d.postback(u, 'a=report');
  await d.postback(u, `a=cat&v=${spec.category ?? 'theft'}`);
  await d.text(u, spec.words);
  for (let i = 0; i < (spec.photos ?? 0); i++) await d.image(u);
  await d.postback(u, 'a=photos-done');
  await d.location(u, spec.location ?? PLACES.santisuk);
  await d.postback(u, 'a=anon&v=no');
  if (spec.confirm !== false) await d.postback(u, 'a=report-confirm');
  await f.settle();
}
