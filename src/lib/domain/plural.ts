/** `plural(1, 'case')` → "1 case", `plural(1200, 'case')` → "1,200 cases"; irregular forms passed in. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
