/** A request the emulator refuses, with the HTTP status its control API answers it with. */
export class EmulatorError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
