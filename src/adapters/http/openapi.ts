import { z } from 'zod';
import type { EventStreamRoute, Route } from './route.ts';

const envelope = (data: object = {}) => ({
  type: 'object',
  required: ['code', 'message', 'data'],
  properties: { code: { type: 'integer', description: 'the HTTP status, mirrored' }, message: { type: 'string' }, data },
});

const problems = envelope({
  type: 'object',
  nullable: true,
  properties: {
    reason: { type: 'string', description: 'a named refusal, e.g. ORDER_ALREADY_EXISTS' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
});

const schemaOf = (schema: z.ZodType) => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
};

const refusals = (roles: readonly string[]) => ({
  401: {
    description: 'no API key (credentials configured), or a signing caller sent it unsigned, signed wrongly or out of time',
    content: { 'application/json': { schema: problems } },
  },
  403: {
    description: `an API key the hub does not know, or a caller without the role (${roles.join(', ')})`,
    content: { 'application/json': { schema: problems } },
  },
});

/** The paths of event-stream routes: a text/event-stream answer, its events named with what their data is. */
export const eventStreamPaths = (routes: readonly EventStreamRoute[]): Record<string, Record<string, unknown>> =>
  Object.fromEntries(
    routes.map((route) => {
      const responses: Record<string, unknown> = {
        200: {
          description: `Server-Sent Events: ${Object.entries(route.events)
            .map(([name, data]) => `\`event: ${name}\` with \`data:\` ${data}`)
            .join('; ')}`,
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...refusals(route.roles),
      };
      for (const [status, description] of Object.entries(route.answers))
        responses[status] = { description, content: { 'application/json': { schema: problems } } };
      const operation = { tags: [route.tag], summary: route.summary, description: route.description, 'x-roles': route.roles, responses };
      return [route.path, { get: operation }];
    }),
  );

/**
 * The OpenAPI document of the routes, generated from the same zod schemas that validate them.
 * `assumptions` are the things a caller must know that no schema says.
 */
export const openApiDocument = (
  routes: readonly Route[],
  assumptions: readonly string[],
  /** endpoints served outside the routes (Qimen's, the event streams), described by their adapter */
  otherPaths: Readonly<Record<string, Record<string, unknown>>> = {},
) => {
  const paths: Record<string, Record<string, unknown>> = { ...otherPaths };
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query !== undefined) {
      const query = schemaOf(route.query) as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(query.properties ?? {}))
        parameters.push({ name, in: 'query', required: false, schema: schema as never });
    }
    const responses: Record<string, unknown> = { 200: { description: 'success', content: { 'application/json': { schema: envelope() } } } };
    for (const [status, description] of Object.entries(route.answers)) {
      responses[status] = { description, content: { 'application/json': { schema: Number(status) < 300 ? envelope() : problems } } };
    }
    responses[400] ??= { description: 'the body is not JSON', content: { 'application/json': { schema: problems } } };
    responses[413] ??= { description: 'the body is over the size limit', content: { 'application/json': { schema: problems } } };
    const refused = refusals(route.roles);
    responses[401] ??= refused[401];
    responses[403] ??= refused[403];
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        tags: [route.tag],
        summary: route.summary,
        'x-roles': route.roles,
        ...(route.description === undefined ? {} : { description: route.description }),
        ...(parameters.length === 0 ? {} : { parameters }),
        ...(route.body === undefined
          ? {}
          : { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } } }),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fulfilment hub (OMS side of the OMS–WMS integration)',
      version: '0.1.0',
      description: [
        'Every answer is `{ code, message, data }` with `code` mirroring the HTTP status.',
        '',
        'Assumptions:',
        ...assumptions.map((a) => `- ${a}`),
      ].join('\n'),
    },
    paths,
  };
};
