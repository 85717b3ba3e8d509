/**
 * Reading a byte stream line by line ("\n" or "\r\n"). The runtime's stdin is one such reader,
 * shared by every prompt and by the picker's numbered-list fallback, so piped answers are
 * consumed one line per question.
 *
 * @module
 */
import type { LineSource } from "../base/runtime.ts";

/** Splits a byte stream into lines ("\n" or "\r\n"), buffering what follows the current line. */
export class LineReader implements LineSource {
  #buffer = "";
  #done = false;
  readonly #decoder = new TextDecoder();

  constructor(private readonly reader: { read(p: Uint8Array): Promise<number | null> }) {}

  async readLine(): Promise<string | null> {
    while (true) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      if (this.#done) {
        if (this.#buffer === "") return null;
        const rest = this.#buffer;
        this.#buffer = "";
        return rest;
      }
      const chunk = new Uint8Array(4096);
      const n = await this.reader.read(chunk);
      if (n === null) {
        this.#done = true;
        this.#buffer += this.#decoder.decode();
      } else {
        this.#buffer += this.#decoder.decode(chunk.subarray(0, n), { stream: true });
      }
    }
  }
}
