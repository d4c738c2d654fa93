import { languageOf, toLanguage, type Language } from '../../domain/people';
import type { BotContext, Middleware } from '../context';

interface CachedProfile {
  displayName: string;
  language?: Language;
  at: number;
}

/**
 * The language to answer a LINE profile in. The hub speaks Thai, English and Malay; Indonesian
 * readers get Malay (the closest), and anyone else whose phone is set to a language we do not speak
 * (Chinese, Japanese, Korean...) gets English, which more of them read than Thai. A profile with no
 * language, or one we cannot parse, gets Thai: LINE in Thailand.
 */
export function languageForProfile(raw: string | undefined | null): Language | undefined {
  const spoken = toLanguage(raw);
  if (spoken) return spoken;
  const base = raw?.toLowerCase().split(/[-_]/)[0] ?? '';
  if (base === 'id' || base === 'in') return 'ms';
  return /^[a-z]{2,3}$/.test(base) ? 'en' : undefined;
}

const PROFILE_TTL_MS = 60 * 60_000;
const PROFILE_CACHE_MAX = 20_000;
/**
 * How long an answer waits for LINE's profile (only to pick a language). Every 1:1 event passes
 * here before SOS does: a profile API that hangs must not hold an alert for the full LINE timeout.
 * Past this the answer is in Thai, and the profile, when it comes, is remembered for next time.
 */
export const PROFILE_WAIT_MS = 1_500;

/**
 * Knows who sent the event and in which language to answer: the user's saved choice, else the
 * LINE profile's language, else Thai (STYLE 14). Profiles of people who have not consented are
 * kept in memory for an hour only, never stored (PDPA).
 */
export function loadSender(): Middleware & {
  profileOf(ctx: BotContext, userId: string): Promise<CachedProfile | null>;
} {
  const cache = new Map<string, CachedProfile>();

  async function profileOf(ctx: BotContext, userId: string): Promise<CachedProfile | null> {
    const hit = cache.get(userId);
    if (hit && ctx.now - hit.at < PROFILE_TTL_MS) return hit;
    const lookup = ctx.deps.line.getProfile(userId).then((p) => {
      if (!p) return null;
      const fresh = { displayName: p.displayName, language: languageForProfile(p.language), at: ctx.now };
      if (cache.size >= PROFILE_CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(userId, fresh);
      return fresh;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), PROFILE_WAIT_MS);
    });
    try {
      const result = await Promise.race([lookup, late]);
      if (result === 'late') {
        ctx.log.warn({ userId, waitedMs: PROFILE_WAIT_MS }, 'LINE profile is slow; answering in Thai without it');
        lookup.catch(() => undefined); // it may still fail after we stopped waiting
        return null;
      }
      return result;
    } catch (err) {
      ctx.log.warn({ err, userId }, 'could not read the LINE profile; answering in Thai');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  const middleware: Middleware = async (ctx, next) => {
    const { userId } = ctx;
    const source = ctx.event.source;
    if (userId && source?.type === 'user') {
      if (ctx.event.type === 'unfollow') {
        ctx.user = await ctx.deps.users.get(userId);
      } else {
        ctx.user = (await ctx.deps.users.get(userId)) ?? (await ctx.deps.users.ensure(userId, ctx.now));
      }
      let lang = ctx.user?.chosenLanguage ?? ctx.user?.profileLanguage;
      if (!lang && ctx.event.type !== 'unfollow') lang = (await profileOf(ctx, userId))?.language;
      // Thai for want of anything known: no choice, and no profile (slow, failed, or no language in it).
      if (!lang) ctx.languageGuessed = true;
      setLanguage(ctx, lang ?? 'th');
    } else if (userId) {
      // A group member: known if they have talked to the OA 1:1 (officers always have).
      ctx.user = await ctx.deps.users.get(userId);
      setLanguage(ctx, languageOf(ctx.user));
    }
    await next();
  };
  return Object.assign(middleware, { profileOf });
}

export function setLanguage(ctx: BotContext, lang: Language): void {
  ctx.lang = lang;
  ctx.t = ctx.deps.texts.t(lang);
}
