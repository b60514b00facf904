/**
 * A codec compiled for speed. Every replay checks every stored event, so the check must cost
 * little next to the rest of the replay (bench:replay, row 1b). Zod stays the one description of
 * the events (each codec typed against the domain's own event types at compile time) and the one
 * that explains a refusal; this module turns a zod codec into its JSON Schema (`z.toJSONSchema`)
 * and compiles that with Ajv into a validator that checks a stored event in place, without
 * copying it. The two must accept exactly the same events:
 * test/adapters/event-codec/compiled-codec.test.ts holds them to it.
 *
 * What JSON Schema cannot say is refused when the codec is compiled: a refinement other than the
 * instant's (which becomes the `instant` format, checked by the same function) would otherwise be
 * dropped silently, and the compiled validator would accept what zod refuses.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { instant, looksLikeAnInstant } from './fields.ts';

const ajv = new Ajv({
  strict: true,
  /** the event's `type` picks its one branch, instead of trying each */
  discriminator: true,
  allErrors: false,
  /** `["string", "null"]`: see `withNullTypes` */
  allowUnionTypes: true,
  formats: { instant: { type: 'string', validate: looksLikeAnInstant } },
});

const isRefinement = (check: z.core.$ZodCheck): boolean => check._zod.def.check === 'custom';

type JsonSchema = { [keyword: string]: unknown };

const isJsonObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

const isNullSchema = (branch: unknown): boolean => isJsonObject(branch) && Object.keys(branch).length === 1 && branch.type === 'null';

/**
 * zod writes a nullable field as `anyOf: [<its schema>, {type: "null"}]`; Ajv checks that by
 * trying the first branch and building an error whenever a null fails it, for every null of every
 * event. The same rule as one union type (`type: ["object", "null"]`, each keyword applying only to
 * values of its own type) costs nothing. Enumerations and constants keep their `anyOf`.
 */
const withNullTypes = (schema: JsonSchema): JsonSchema => {
  const walked = Object.fromEntries(Object.entries(schema).map(([keyword, value]) => [keyword, walk(value)]));
  const [nullable, other, ...more] = Array.isArray(walked.anyOf) ? walked.anyOf : [];
  const onlyAnyOf = Object.keys(walked).length === 1 && more.length === 0;
  return onlyAnyOf &&
    isNullSchema(other) &&
    isJsonObject(nullable) &&
    typeof nullable.type === 'string' &&
    !('enum' in nullable) &&
    !('const' in nullable)
    ? { ...nullable, type: [nullable.type, 'null'] }
    : walked;
};

/**
 * zod reads a record (`z.record`) without an own `__proto__` key: it drops that key, whatever its
 * value (a guard against prototype pollution). The compiled check reads the key the same way (a
 * pattern that takes anything, so that `additionalProperties` does not apply to it), so that the two
 * accept the same events; the hub never writes such a key, only a tampered store holds one.
 */
const asZodReadsRecords = (schema: JsonSchema): JsonSchema =>
  isJsonObject(schema.additionalProperties) && schema.patternProperties === undefined
    ? { ...schema, patternProperties: { '^__proto__$': {} } }
    : schema;

const walk = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(walk) : isJsonObject(value) ? asZodReadsRecords(withNullTypes(value)) : value;

const jsonSchemaOf = (codec: z.ZodType): JsonSchema => {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(codec, {
    target: 'draft-07',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === instant) jsonSchema.format = 'instant';
      else if ((zodSchema._zod.def.checks ?? []).some(isRefinement))
        throw new Error('a codec with a refinement cannot be compiled: say it in JSON Schema terms, or add it here as a format');
    },
  });
  return withNullTypes(schema);
};

/** A stored event's type and data, as the codecs read them. */
export type Message = Readonly<{ type: string; data: unknown }>;

/** The `type` an event schema (one branch of a category's union) requires. */
const typeOf = (branch: unknown): string => {
  const type =
    isJsonObject(branch) && isJsonObject(branch.properties) && isJsonObject(branch.properties.type)
      ? branch.properties.type.const
      : undefined;
  if (typeof type !== 'string') throw new Error('each event schema of a category names its type as a constant');
  return type;
};

/**
 * The codec's compiled check: true for exactly the messages the codec parses, as they are (a codec
 * that transforms or defaults cannot be compiled, so what passes is already the codec's output).
 * A category's codec is a union over `type`: each event type gets its own validator, picked by
 * the message's type.
 */
export const compiled = <E extends Message>(codec: z.ZodType<E>): ((message: Message) => message is E) => {
  const schema = jsonSchemaOf(codec);
  const branches = Array.isArray(schema.oneOf) ? schema.oneOf : [];
  if (branches.length === 0) throw new Error('a category codec is a union of event schemas over their type');
  const byType = new Map(branches.map((branch): [string, ValidateFunction<E>] => [typeOf(branch), ajv.compile<E>(branch)]));
  return (message): message is E => byType.get(message.type)?.(message) ?? false;
};
