import { z } from 'zod';
import { tableNameSchema } from '../../../../workers/contracts/tables';
import { dateFormats, type DateFormat } from './transforms';

/**
 * A mapping as a file: remembered per source (by its header signature), offered the next time
 * a file with that signature is dropped, and exported or imported as JSON. A file that is not
 * one (a foreign JSON, a later format) is refused with the reason, never half-applied.
 */
const dateFormatIds = dateFormats.map((d) => d.id) as unknown as [DateFormat, ...DateFormat[]];

export const transformSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('minor_units'), currencyColumn: z.string().nullable() }),
  z.object({ kind: z.literal('negate') }),
  z.object({ kind: z.literal('date'), format: z.enum(dateFormatIds) }),
  z.object({ kind: z.literal('words'), map: z.record(z.string(), z.string()) }),
  z.object({ kind: z.literal('region'), map: z.record(z.string(), z.string()) }),
  z.object({
    kind: z.literal('monthly'),
    intervalColumn: z.string(),
    intervalCountColumn: z.string().nullable()
  })
]);

export const columnChoiceSchema = z.object({
  column: z.string(),
  from: z.string().nullable(),
  constant: z.string().optional(),
  transforms: z.array(transformSchema),
  derived: z.enum(['expected_from_subscription', 'customer_through_payment']).optional(),
  source: z.enum(['preset', 'name', 'similar_name', 'metadata', 'constant', 'derived']).nullable(),
  confidence: z.number().min(0).max(1)
});

export const mappingFileSchema = z.object({
  format: z.literal('opsiq-mapping'),
  version: z.literal(1),
  /** `headerSignature` of the file the mapping was made for. */
  signature: z.string().regex(/^[0-9a-f]{16}$/),
  /** The preset it started from, or `custom`. */
  source: z.string(),
  /** The header as it was, for the person reading the file. */
  headers: z.array(z.string()),
  outputs: z
    .array(z.object({ table: tableNameSchema, columns: z.array(columnChoiceSchema) }))
    .min(1)
});
export type MappingFile = z.infer<typeof mappingFileSchema>;

/** Reads a mapping file, or says in one line why it is not one. */
export function parseMappingFile(text: string): MappingFile | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: 'not a mapping file: it is not JSON' };
  }
  if (
    typeof json !== 'object' ||
    json === null ||
    (json as { format?: unknown }).format !== 'opsiq-mapping'
  )
    return { error: 'not a mapping file: it has no "format": "opsiq-mapping"' };
  if ((json as { version?: unknown }).version !== 1)
    return {
      error: `mapping file version ${JSON.stringify((json as { version?: unknown }).version)} is not one this OpsIQ reads (1)`
    };
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      error: `mapping file: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`
    };
  }
  return parsed.data;
}
