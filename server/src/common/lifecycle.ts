import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Where the process is in its life, for the readiness probe and a graceful stop: once stopping, readiness
 * answers 503 (the balancer sends new work elsewhere), new requests on kept-alive connections are refused
 * with 503 and `Connection: close`, and the stop waits for the requests already in flight.
 */
@Injectable()
export class Lifecycle {
  private stopping = false;
  private active = 0;

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Requests being handled right now. */
  get inFlight(): number {
    return this.active;
  }

  beginShutdown(): void {
    this.stopping = true;
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.stopping) {
      res.setHeader('Connection', 'close');
      res.status(503).json({ statusCode: 503, error: 'Service Unavailable', message: 'the server is shutting down' });
      return;
    }
    this.active++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.active--;
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}
