/** "1 post", "2 posts": a count with its noun in the number it takes. */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
