// A tiny composable SQL builder: sql`... ${value} ...` produces parameterised
// text; nested Sql fragments are spliced in with their parameters renumbered.
export class Sql {
  constructor(readonly strings: readonly string[], readonly values: readonly unknown[]) {}

  toQuery(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const text = this.render(values);
    return { text, values };
  }

  private render(out: unknown[]): string {
    let text = this.strings[0];
    for (let i = 0; i < this.values.length; i++) {
      const v = this.values[i];
      if (v instanceof Sql) text += v.render(out);
      else {
        out.push(v);
        text += `$${out.length}`;
      }
      text += this.strings[i + 1];
    }
    return text;
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

/** Raw SQL text (identifiers, keywords chosen by code, never user input). */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

export function join(parts: Sql[], separator = ', '): Sql {
  if (parts.length === 0) return raw('');
  const strings = [''];
  const values: unknown[] = [];
  parts.forEach((p, i) => {
    if (i > 0) strings[strings.length - 1] += separator;
    values.push(p);
    strings.push('');
  });
  return new Sql(strings, values);
}

export function and(parts: Sql[]): Sql {
  return parts.length === 0 ? raw('TRUE') : join(parts.map((p) => sql`(${p})`), ' AND ');
}

export function or(parts: Sql[]): Sql {
  return parts.length === 0 ? raw('FALSE') : sql`(${join(parts.map((p) => sql`(${p})`), ' OR ')})`;
}

/** A search term inside LIKE: its own %, _ and \ match themselves. */
export function likeText(t: string): string {
  return t.replace(/[\\%_]/g, (c) => '\\' + c);
}
