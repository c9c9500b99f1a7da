import type { Rule } from 'antd/es/form';
import { z } from 'zod';

z.config(z.locales.zhCN());

/**
 * An antd Form rule from a contract schema, so that the form says exactly
 * what the server would (same rule, same Chinese message). Empty values pass:
 * "required" is a separate rule with its own message.
 */
export function zodRule(schema: z.ZodType, opts: { skipEmpty?: boolean } = {}): Rule {
  const skipEmpty = opts.skipEmpty ?? true;
  return {
    validator: async (_rule, value: unknown) => {
      if (skipEmpty && (value === undefined || value === null || value === '')) return;
      const r = schema.safeParse(typeof value === 'string' ? value : value);
      if (!r.success) throw new Error(r.error.issues[0]?.message ?? '格式不正确');
    },
  };
}
