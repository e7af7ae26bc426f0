/** Bad input (exit 2) or something that could not be read (exit 1): one line either way. */
export class EstimateError extends Error {
  override name = 'EstimateError';
  constructor(
    message: string,
    readonly kind: 'usage' | 'runtime',
  ) {
    super(message);
  }
}
