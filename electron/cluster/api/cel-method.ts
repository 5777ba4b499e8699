// The receiver-style function declaration every CEL library here registers with cel-js (`'a'.find(re)`,
// `ip.isLoopback()`, `url.getHost()`): one helper, so the libraries import it instead of each declaring its type.

export const method = (name: string, receiverType: string, returnType: string, params: string[], handler: (...a: any[]) => unknown) => ({
  name,
  receiverType,
  returnType,
  params: params.map((type, i) => ({ name: `a${i}`, type })),
  handler,
});
