/**
 * The OpenAI wire shapes the gateway speaks for text subnets: request bodies of
 * /v1/completions and /v1/chat/completions (fields it does not use are accepted and ignored, as
 * clients send many), their mapping onto the subnet's request, and the response and stream
 * chunk objects, field for field as the OpenAI API returns them.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AnySubnet } from '../plugin/types.js';

/** Tokens asked for when a request names none (OpenAI's own default, 16, is too short to be useful). */
export const DEFAULT_MAX_TOKENS = 64;

const sampling = {
  model: z.string().min(1),
  max_tokens: z.int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  n: z.literal(1).nullish(),
};

export const completionBody = z.looseObject({
  ...sampling,
  prompt: z.union([z.string().min(1), z.array(z.string().min(1)).length(1)]),
});

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(textPart)]),
});

export const chatBody = z.looseObject({
  ...sampling,
  messages: z.array(message).min(1),
  max_completion_tokens: z.int().min(1).nullish(),
});

export type CompletionBody = z.output<typeof completionBody>;
export type ChatBody = z.output<typeof chatBody>;

/** Whether a subnet takes `{ prompt, maxTokens }` and answers `{ completion }`: the OpenAI endpoints fit it. */
export function isTextSubnet(subnet: AnySubnet): boolean {
  return (
    'completion' in subnet.task.response.shape &&
    subnet.task.request.safeParse({ prompt: 'probe', maxTokens: 1 }).success
  );
}

/** The subnet request's fields as OpenAI names them (for error messages). */
export const OPENAI_PARAM: Readonly<Record<string, string>> = {
  maxTokens: 'max_tokens',
  topP: 'top_p',
  temperature: 'temperature',
};

function samplingFields(body: CompletionBody | ChatBody, maxTokens: number | null | undefined) {
  return {
    maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS,
    ...(body.temperature != null ? { temperature: body.temperature } : {}),
    ...(body.top_p != null ? { topP: body.top_p } : {}),
  };
}

export function completionRequest(body: CompletionBody): Record<string, unknown> {
  const prompt = typeof body.prompt === 'string' ? body.prompt : body.prompt[0]!;
  return { prompt, ...samplingFields(body, body.max_tokens) };
}

const contentText = (c: z.output<typeof message>['content']): string =>
  typeof c === 'string' ? c : c.map((p) => p.text).join('');

/**
 * A chat as a prompt to continue: system (and developer) messages become the subnet's `system`; a
 * single user turn is the prompt itself, a longer conversation is written out turn by turn,
 * ending where the assistant speaks next.
 */
export function chatRequest(body: ChatBody): Record<string, unknown> {
  const system = body.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => contentText(m.content))
    .join('\n');
  const turns = body.messages.filter((m) => m.role === 'user' || m.role === 'assistant');
  const prompt =
    turns.length === 1 && turns[0]!.role === 'user'
      ? contentText(turns[0]!.content)
      : `${turns.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${contentText(m.content)}`).join('\n')}\nAssistant:`;
  return {
    prompt,
    ...(system.length > 0 ? { system } : {}),
    ...samplingFields(body, body.max_completion_tokens ?? body.max_tokens),
  };
}

export type Kind = 'completion' | 'chat';

/** One response's identity: the same id and creation time on every chunk of a stream. */
export function responseId(kind: Kind): { id: string; created: number } {
  return {
    id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
  };
}

type Id = { id: string; created: number };

export function completionResponse(kind: Kind, ident: Id, model: string, text: string): Record<string, unknown> {
  if (kind === 'chat') {
    return {
      ...ident,
      object: 'chat.completion',
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
    };
  }
  return {
    ...ident,
    object: 'text_completion',
    model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop' }],
  };
}

/** A stream chunk: a piece of text, the chat's opening role delta (`text` null), or the end (`finish`). */
export function streamChunk(
  kind: Kind,
  ident: Id,
  model: string,
  piece: { text?: string; role?: true; finish?: true },
): Record<string, unknown> {
  const finish_reason = piece.finish ? 'stop' : null;
  if (kind === 'chat') {
    const delta = piece.role ? { role: 'assistant', content: '' } : piece.finish ? {} : { content: piece.text ?? '' };
    return {
      ...ident,
      object: 'chat.completion.chunk',
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    };
  }
  return {
    ...ident,
    object: 'text_completion',
    model,
    choices: [{ index: 0, text: piece.text ?? '', logprobs: null, finish_reason }],
  };
}
