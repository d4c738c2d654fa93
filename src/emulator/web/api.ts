// The emulator's control API (/_emulator), as the page uses it.
import type { Json } from './dom';

export async function api<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: {} };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const message = (data as { message?: unknown } | null)?.message;
    throw new Error(typeof message === 'string' ? message : `HTTP ${res.status}`);
  }
  return data as T;
}

export interface Chat {
  chatId: string;
  kind: 'user' | 'group' | 'room';
  name: string;
  language?: string | null;
  friend?: boolean;
  blocked?: boolean;
  memberIds?: string[];
  botIsMember?: boolean;
  delivered: number;
  last: Json | null;
}

export interface DriveResult {
  status: number;
  body: string;
}

export function randomId(prefix: string): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
