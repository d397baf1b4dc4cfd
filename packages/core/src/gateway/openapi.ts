/**
 * The gateway's OpenAPI 3.1 document, generated from the same zod schemas that check requests
 * and answers (zod's own JSON Schema output: OpenAPI 3.1 schemas are JSON Schema 2020-12), so
 * the document cannot drift from what the gateway accepts.
 */
import { z } from 'zod';
import type { AnySubnet } from '../plugin/types.js';
import { chatBody, completionBody } from './openai.js';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'code'],
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: 'string', description: 'A Subnetkit error code (SK_*).' },
      },
    },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errors = {
  '400': { description: 'The body does not match the schema (SK_GATEWAY_BAD_REQUEST).', content: json(ref('Error')) },
  '401': { description: 'Missing or unknown API key (SK_GATEWAY_UNAUTHORIZED).', content: json(ref('Error')) },
  '429': {
    description: 'Rate limit of the key exceeded (SK_GATEWAY_RATE_LIMITED); see Retry-After.',
    headers: { 'Retry-After': { schema: { type: 'integer' } } },
    content: json(ref('Error')),
  },
  '503': {
    description: 'No miner serving or none answered validly (SK_GATEWAY_NO_MINER); see Retry-After.',
    headers: { 'Retry-After': { schema: { type: 'integer' } } },
    content: json(ref('Error')),
  },
  '504': { description: 'No miner answered in time (SK_GATEWAY_TIMEOUT).', content: json(ref('Error')) },
};

export interface OpenApiInput {
  subnet: AnySubnet;
  /** The subnet's JSON endpoint (e.g. /v1/forecast). */
  queryPath: string;
  /** Whether the OpenAI text endpoints are served. */
  text: boolean;
  auth: boolean;
}

export function openApiDocument(o: OpenApiInput): Record<string, unknown> {
  const name = o.subnet.name;
  const security = o.auth ? [{ bearer: [] }] : [];
  const post = (summary: string, body: string, response: unknown, extra: Record<string, unknown> = {}) => ({
    post: {
      summary,
      security,
      requestBody: { required: true, content: json(ref(body)) },
      responses: {
        '200': { description: 'The answer of the first miner to give a valid one.', ...extra, content: response },
        ...errors,
      },
    },
  });
  const paths: Record<string, unknown> = {
    [o.queryPath]: post(
      `Ask subnet '${name}': the request as the subnet defines it`,
      'SubnetRequest',
      json(ref('SubnetResponse')),
    ),
    '/v1/models': {
      get: {
        summary: 'The subnets this gateway serves, as OpenAI models',
        security,
        responses: { '200': { description: 'A list of models.', content: json({ type: 'object' }) } },
      },
    },
  };
  if (o.text) {
    const answer = {
      ...json({ type: 'object', description: 'An OpenAI completion object' }),
      'text/event-stream': {
        schema: { type: 'string', description: 'With stream: true, `data: {chunk}` events, then `data: [DONE]`' },
      },
    };
    paths['/v1/completions'] = post('OpenAI-compatible text completion', 'CompletionRequest', answer);
    paths['/v1/chat/completions'] = post('OpenAI-compatible chat completion', 'ChatCompletionRequest', answer);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `Subnetkit gateway: subnet '${name}'`,
      version: String(o.subnet.version ?? 1),
      ...(o.subnet.description ? { description: o.subnet.description } : {}),
    },
    paths,
    components: {
      schemas: {
        SubnetRequest: jsonSchema(o.subnet.task.request, 'input'),
        SubnetResponse: jsonSchema(o.subnet.task.response, 'output'),
        ...(o.text
          ? {
              CompletionRequest: jsonSchema(completionBody, 'input'),
              ChatCompletionRequest: jsonSchema(chatBody, 'input'),
            }
          : {}),
        Error: errorSchema,
      },
      ...(o.auth ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {}),
    },
  };
}
