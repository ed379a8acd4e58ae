import { describe, expect, it } from 'vitest';
import type { StreamPart } from '@llm-gateway/shared';
import { createFakeSessionBackend } from './fake-session-backend.ts';
import { answeredToolCalls, hostPooled } from './pooled-backend.ts';

describe('hostPooled', () => {
  it('is a backend like the direct ones: stream takes a session and gives it back (reset) once the answer ends', async () => {
    const backend = createFakeSessionBackend({ autoStart: 'ok' });
    const hosted = hostPooled({ backend, size: 1, maxOverflow: 0, keepAliveIntervalMs: 0 });
    hosted.start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([hosted.name, hosted.models(), hosted.canServe, hosted.waiting]).toEqual(['mock', ['fake'], true, 0]);
    const parts: StreamPart[] = [];
    for await (const part of hosted.stream({ model: 'fake', messages: [] }, { signal: new AbortController().signal })) parts.push(part);
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'finish']);
    expect(backend.sessions[0]!.calls).toEqual(['start', 'run', 'reset']);
    await hosted.close();
    expect(hosted.sessions()).toEqual([]);
    expect(backend.sessions[0]!.stopped).toBe(true);
  });
});


describe('answeredToolCalls', () => {
  it("lists the calls a request's trailing tool messages answer, in order, and nothing for other requests", () => {
    const user = { role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] };
    const calls = { role: 'assistant' as const, content: '', toolCalls: [{ id: 'a', name: 'f', arguments: '{}' }, { id: 'b', name: 'f', arguments: '{}' }] };
    const tool = (id: string) => ({ role: 'tool' as const, toolCallId: id, content: 'x' });
    expect(answeredToolCalls({ model: 'm', messages: [user, calls, tool('a'), tool('b')] })).toEqual(['a', 'b']);
    expect(answeredToolCalls({ model: 'm', messages: [user, calls, tool('a'), tool('b'), user] })).toEqual([]);
    expect(answeredToolCalls({ model: 'm', messages: [user] })).toEqual([]);
  });
});
