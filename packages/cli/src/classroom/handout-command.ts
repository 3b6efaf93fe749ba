export async function runHandout(_a: string[], _o: NodeJS.WritableStream): Promise<number> { return 2; }
