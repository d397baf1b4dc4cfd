/**
 * Whether a process should get traffic: ready once every start-up step it declared has finished,
 * and not ready again from the moment a shutdown starts (so a load balancer stops sending work
 * before the listeners close).
 */
export class Readiness {
  readonly #waiting = new Set<string>();
  #draining = false;

  /** Declares a start-up step the process waits for (e.g. 'models', 'registration', 'axon'). */
  require(step: string): this {
    this.#waiting.add(step);
    return this;
  }

  /** Marks a declared step finished. */
  done(step: string): void {
    this.#waiting.delete(step);
  }

  /** From now on the process is not ready (it is shutting down). */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  get ready(): boolean {
    return !this.#draining && this.#waiting.size === 0;
  }

  /** What `/readyz` reports. */
  status(): { status: 'ready' | 'starting' | 'shutting_down'; waiting: string[] } {
    const waiting = [...this.#waiting];
    if (this.#draining) return { status: 'shutting_down', waiting };
    return { status: waiting.length === 0 ? 'ready' : 'starting', waiting };
  }
}
